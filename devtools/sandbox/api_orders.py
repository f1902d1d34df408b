"""Orders v2: orders, their products, shipping addresses and shipments, and the order statuses.

v2 rules that the specs state poorly (reference README, "Facts"): lists are bare JSON arrays and
answer `204 No Content` with an empty body when there is nothing (no orders, no shipments, a page
past the last); money is a string with four places; dates are RFC 2822; `date_shipped` is "" until
the order is fully shipped. `email=` matches the billing email ignoring case, which is how guest
orders (`customer_id` 0) are found.

`include=consignments` / `include=consignments.line_items` need `consignment_structure=object`
(the only structure the spec describes); without it the sandbox answers 400 rather than silently
leaving consignments out. Filters the sandbox does not model answer 400 too.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from devtools.sandbox.api_order_lines import ZERO_V2, list_order_products, product_json
from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import date_v2, money_v2, rate_v2
from devtools.sandbox.inputs import OrderCreateIn, OrderUpdateIn, parse_body
from devtools.sandbox.records import ORDER_STATUSES, Address, Order, OrderProduct
from devtools.sandbox.routing import (
    ORDERS,
    ORDERS_READ,
    ApiRequest,
    ApiResponse,
    Route,
    paginate,
    route,
    v2_list,
)
from devtools.sandbox.store import CURRENCY_IDS

TAX_CLASS_ID = 2
WRAPPING_TAX_CLASS_ID = 3
SHIPPING_ZONE = (1, "Sandbox Zone")
UNSUPPORTED_FILTERS = (
    "min_total",
    "max_total",
    "cart_id",
    "payment_method",
    "min_date_created",
    "max_date_created",
    "min_date_modified",
    "max_date_modified",
    "external_order_id",
)
SORT_KEYS: dict[str, Callable[[Order], Any]] = {
    "id": lambda o: o.id,
    "customer_id": lambda o: (o.customer_id, o.id),
    "date_created": lambda o: (o.date_created, o.id),
    "date_modified": lambda o: (o.date_modified, o.id),
    "status_id": lambda o: (o.status_id, o.id),
    "channel_id": lambda o: (o.channel_id, o.id),
}
INCLUDES = frozenset({"consignments", "consignments.line_items", "fees"})


# --- orders -------------------------------------------------------------------------------------


def list_orders(request: ApiRequest) -> ApiResponse:
    request.refuse_filters(UNSUPPORTED_FILTERS)
    include = _includes(request)
    matches = _order_filters(request)
    with request.store.lock:
        orders = [o for o in request.store.orders.values() if not o.is_deleted and all(m(o) for m in matches)]
        orders.sort(key=lambda o: o.id)
        if sort := request.arg("sort"):
            field, _, direction = sort.partition(":")
            if field not in SORT_KEYS or direction not in ("", "asc", "desc"):
                raise ApiError(400, "Invalid sort", detail=f"Sort by one of {', '.join(SORT_KEYS)}.")
            orders.sort(key=SORT_KEYS[field], reverse=direction == "desc")
        page, limit = request.page_and_limit()
        shown = [order_json(request, o, include) for o in paginate(orders, page, limit)]
    return v2_list(shown)


def _order_filters(request: ApiRequest) -> list[Callable[[Order], bool]]:
    matches: list[Callable[[Order], bool]] = []
    if request.arg("customer_id") is not None:
        customer_id = request.int_arg("customer_id", 0, minimum=0)
        matches.append(lambda o: o.customer_id == customer_id)
    if (email := request.arg("email")) is not None:
        wanted = email.strip().casefold()
        matches.append(lambda o: o.billing_address.email.casefold() == wanted)
    if request.arg("status_id") is not None:
        status_id = request.int_arg("status_id", 0, minimum=0, maximum=14)
        matches.append(lambda o: o.status_id == status_id)
    if request.arg("min_id") is not None:
        min_id = request.int_arg("min_id", 0, minimum=0)
        matches.append(lambda o: o.id >= min_id)
    if request.arg("max_id") is not None:
        max_id = request.int_arg("max_id", 0, minimum=0)
        matches.append(lambda o: o.id <= max_id)
    if request.arg("channel_id") is not None:
        channel_id = request.int_arg("channel_id", 1)
        matches.append(lambda o: o.channel_id == channel_id)
    return matches


def _includes(request: ApiRequest) -> set[str]:
    include = set(request.csv_arg("include") or [])
    if unknown := include - INCLUDES:
        raise ApiError(400, "Invalid include", detail=", ".join(sorted(unknown)))
    wants_consignments = bool(include & {"consignments", "consignments.line_items"})
    if wants_consignments and request.arg("consignment_structure") != "object":
        raise ApiError(
            400, "Invalid include", detail="include=consignments needs consignment_structure=object."
        )
    return include


def get_order(request: ApiRequest) -> ApiResponse:
    include = _includes(request)
    with request.store.lock:
        order = request.store.order(int(request.params["order_id"]))
        return ApiResponse(200, order_json(request, order, include))


def update_order(request: ApiRequest) -> ApiResponse:
    """Status (`{"status_id": 5}` cancels; it moves no money), notes and channel: `store.update_order`."""
    update = parse_body(OrderUpdateIn, request.json(), status=400)
    with request.store.lock:
        order = request.store.update_order(int(request.params["order_id"]), update)
        return ApiResponse(200, order_json(request, order, set()))


def create_order(request: ApiRequest) -> ApiResponse:
    include = _includes(request)
    data = parse_body(OrderCreateIn, request.json(), status=400)
    with request.store.lock:
        order = request.store.create_order(data)
        return ApiResponse(200, order_json(request, order, include))


def order_json(request: ApiRequest, order: Order, include: set[str]) -> dict[str, Any]:
    currency_id = CURRENCY_IDS[order.currency_code]
    resource = f"/orders/{order.id}"
    body: dict[str, Any] = {
        "id": order.id,
        "customer_id": order.customer_id,
        "date_created": date_v2(order.date_created),
        "date_modified": date_v2(order.date_modified),
        "date_shipped": date_v2(order.date_shipped),
        "cart_id": order.cart_id,
        "status_id": order.status_id,
        "status": order.status,
        # The merchant's label when the status was renamed, else the system label (BigCommerce staff,
        # bigcommerce/bigcommerce-api-python#82; appse.ai's captured orders carry it): not in the file.
        "custom_status": request.store.status_label(order.status_id),
        "subtotal_ex_tax": money_v2(order.subtotal_ex_tax),
        "subtotal_inc_tax": money_v2(order.subtotal_inc_tax),
        "subtotal_tax": money_v2(order.subtotal_inc_tax - order.subtotal_ex_tax),
        "base_shipping_cost": money_v2(order.shipping_cost_ex_tax),
        "shipping_cost_ex_tax": money_v2(order.shipping_cost_ex_tax),
        "shipping_cost_inc_tax": money_v2(order.shipping_cost_inc_tax),
        "shipping_cost_tax": money_v2(order.shipping_cost_inc_tax - order.shipping_cost_ex_tax),
        "shipping_cost_tax_class_id": TAX_CLASS_ID,
        "base_handling_cost": money_v2(order.handling_cost_ex_tax),
        "handling_cost_ex_tax": money_v2(order.handling_cost_ex_tax),
        "handling_cost_inc_tax": money_v2(order.handling_cost_inc_tax),
        "handling_cost_tax": money_v2(order.handling_cost_inc_tax - order.handling_cost_ex_tax),
        "handling_cost_tax_class_id": TAX_CLASS_ID,
        "base_wrapping_cost": ZERO_V2,
        "wrapping_cost_ex_tax": ZERO_V2,
        "wrapping_cost_inc_tax": ZERO_V2,
        "wrapping_cost_tax": ZERO_V2,
        "wrapping_cost_tax_class_id": WRAPPING_TAX_CLASS_ID,
        "total_ex_tax": money_v2(order.total_ex_tax),
        "total_inc_tax": money_v2(order.total_inc_tax),
        "total_tax": money_v2(order.total_inc_tax - order.total_ex_tax),
        "items_total": order.items_total,
        "items_shipped": order.items_shipped,
        "payment_method": order.payment_method,
        "payment_provider_id": order.payment_provider_id,
        "payment_status": order.payment_status,
        "refunded_amount": ZERO_V2,
        "order_is_digital": all(p.type != "physical" for p in order.products),
        "store_credit_amount": ZERO_V2,
        "gift_certificate_amount": ZERO_V2,
        "ip_address": order.ip_address,
        "ip_address_v6": "",
        "geoip_country": order.billing_address.country,
        "geoip_country_iso2": order.billing_address.country_iso2,
        "currency_id": currency_id,
        "currency_code": order.currency_code,
        "currency_exchange_rate": rate_v2(Decimal(1)),
        "default_currency_id": currency_id,
        "default_currency_code": order.currency_code,
        "store_default_currency_code": order.store_default_currency_code,
        "store_default_to_transactional_exchange_rate": rate_v2(
            order.store_default_to_transactional_exchange_rate
        ),
        "staff_notes": order.staff_notes,
        "customer_message": order.customer_message,
        "discount_amount": money_v2(order.discount_amount),
        "coupon_discount": ZERO_V2,
        "shipping_address_count": len(order.shipping_addresses),
        "is_deleted": order.is_deleted,
        "ebay_order_id": "0",
        "is_email_opt_in": False,
        "order_source": order.order_source,
        "channel_id": order.channel_id,
        "external_source": order.external_source,
        "external_id": None,
        "external_merchant_id": None,
        "tax_provider_id": "",
        "customer_locale": order.customer_locale,
        "external_order_id": "",
        "is_tax_inclusive_pricing": order.is_tax_inclusive_pricing,
        "billing_address": {**address_json(order.billing_address), "form_fields": []},
        "products": request.link(f"{resource}/products"),
        "shipping_addresses": request.link(f"{resource}/shipping_addresses"),
        "coupons": request.link(f"{resource}/coupons"),
        "consignments": request.link(f"{resource}/consignments"),
        "fees": request.link(f"{resource}/fees"),
    }
    if include & {"consignments", "consignments.line_items"}:
        body["consignments"] = consignments_json(request, order, "consignments.line_items" in include)
    if "fees" in include:
        body["fees"] = []
    return body


def consignments_json(request: ApiRequest, order: Order, with_line_items: bool) -> dict[str, Any]:
    """Physical lines in the shipping consignment of their address; digital lines in one download
    consignment and each gift certificate in an email one, to the billing email (the sandbox keeps no
    recipients): orders.v2 `orderConsignment_Get` and its examples."""

    def items(products: list[OrderProduct]) -> list[dict[str, Any]]:
        if with_line_items:
            return [product_json(p) for p in products]
        return [request.link(f"/orders/{order.id}/products/{p.id}") for p in products]

    by_type = {kind: [p for p in order.products if p.type == kind] for kind in ("digital", "giftcertificate")}
    recipient = order.billing_address.email
    downloads = (
        [{"line_items": items(by_type["digital"]), "recipient_email": recipient}]
        if by_type["digital"]
        else []
    )
    gift_certificates = [
        {"line_items": items([p]), "recipient_email": recipient} for p in by_type["giftcertificate"]
    ]
    shipping = []
    for address in order.shipping_addresses:
        products = [p for p in order.products if p.order_address_id == address.id and p.type == "physical"]
        if not products:
            continue
        line_items = items(products)
        shipping.append(
            {
                "id": address.id,
                **address_json(address.address),
                "form_fields": list(address.form_fields),
                "line_items": line_items,
                "items_total": sum(p.quantity for p in products),
                "items_shipped": sum(p.quantity_shipped for p in products),
                "shipping_method": address.shipping_method,
                "base_cost": _number(address.cost_ex_tax),
                "cost_ex_tax": _number(address.cost_ex_tax),
                "cost_inc_tax": _number(address.cost_inc_tax),
                "cost_tax": _number(address.cost_inc_tax - address.cost_ex_tax),
                "cost_tax_class_id": TAX_CLASS_ID,
                "base_handling_cost": _number(address.handling_cost_ex_tax),
                "handling_cost_ex_tax": _number(address.handling_cost_ex_tax),
                "handling_cost_inc_tax": _number(address.handling_cost_inc_tax),
                "handling_cost_tax": _number(address.handling_cost_inc_tax - address.handling_cost_ex_tax),
                "handling_cost_tax_class_id": TAX_CLASS_ID,
                "shipping_zone_id": SHIPPING_ZONE[0],
                "shipping_zone_name": SHIPPING_ZONE[1],
                "shipping_quotes": request.link(
                    f"/orders/{order.id}/consignments/shipping/{address.id}/shipping_quotes"
                ),
            }
        )
    return {
        "pickups": [],
        "shipping": shipping,
        "downloads": downloads,
        "email": {"gift_certificates": gift_certificates},
    }


def _number(amount: Decimal) -> Decimal:
    """Consignment costs are JSON numbers in the spec (unlike the rest of v2); four places kept."""
    return Decimal(money_v2(amount))


def address_json(address: Address) -> dict[str, Any]:
    return {
        "first_name": address.first_name,
        "last_name": address.last_name,
        "company": address.company,
        "street_1": address.street_1,
        "street_2": address.street_2,
        "city": address.city,
        "state": address.state,
        "zip": address.zip,
        "country": address.country,
        "country_iso2": address.country_iso2,
        "phone": address.phone,
        "email": address.email,
    }


def list_order_statuses(request: ApiRequest) -> ApiResponse:
    statuses = [
        {
            "id": status_id,
            "name": request.store.status_label(status_id),
            "system_label": name,
            "custom_label": request.store.status_label(status_id),
            "system_description": description,
            "order": status_id,
        }
        for status_id, (name, description) in ORDER_STATUSES.items()
    ]
    return ApiResponse(200, statuses)


READ = [ORDERS_READ, ORDERS]
ROUTES: list[Route] = [
    route("GET", "/v2/orders", list_orders, READ, ErrorShape.V2),
    route("POST", "/v2/orders", create_order, [ORDERS], ErrorShape.V2),
    route("GET", "/v2/orders/{order_id}", get_order, READ, ErrorShape.V2),
    route("PUT", "/v2/orders/{order_id}", update_order, [ORDERS], ErrorShape.V2),
    route("GET", "/v2/orders/{order_id}/products", list_order_products, READ, ErrorShape.V2),
    route("GET", "/v2/order_statuses", list_order_statuses, READ, ErrorShape.V2),
]
