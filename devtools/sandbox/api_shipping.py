"""Orders v2 sub-resources: an order's shipping addresses (list, edit) and its shipments (list, create).

v2 lists are bare arrays, `204` when empty (reference FACTS.md). Shipment answers carry BigCommerce's
`generated_tracking_link`, built from the provider or carrier and the number; an address edit answers
the whole address (orders.v2 `updateOrderShippingAddress`) and recomputes no cost or tax.
"""

from __future__ import annotations

from typing import Any

from devtools.sandbox.api_orders import SHIPPING_ZONE, TAX_CLASS_ID, address_json
from devtools.sandbox.errors import ApiError, ErrorShape
from devtools.sandbox.formats import date_v2, money_v2
from devtools.sandbox.inputs import ShipmentCreateIn, ShippingAddressUpdateIn, parse_body
from devtools.sandbox.records import Order, OrderAddress, Shipment
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

WRITABLE = frozenset(ShippingAddressUpdateIn.model_fields)
TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "royalmail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "auspost": "https://auspost.com.au/mypost/track/#/details/{number}",
    "canadapost": "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{number}",
}
PROVIDER_NAMES = {
    "ups": "UPS",
    "usps": "USPS",
    "fedex": "FedEx",
    "royalmail": "Royal Mail",
    "dhl": "DHL",
    "auspost": "Australia Post",
    "canadapost": "Canada Post",
}


def list_shipping_addresses(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        order = request.store.order(int(request.params["order_id"]))
        page, limit = request.page_and_limit()
        shown = paginate(order.shipping_addresses, page, limit)
        return v2_list([shipping_address_json(request, order, a) for a in shown])


def shipping_address_json(request: ApiRequest, order: Order, address: OrderAddress) -> dict[str, Any]:
    products = [p for p in order.products if p.order_address_id == address.id]
    return {
        "id": address.id,
        "order_id": order.id,
        **address_json(address.address),
        "items_total": sum(p.quantity for p in products),
        "items_shipped": sum(p.quantity_shipped for p in products),
        "shipping_method": address.shipping_method,
        "base_cost": money_v2(address.cost_ex_tax),
        "cost_ex_tax": money_v2(address.cost_ex_tax),
        "cost_inc_tax": money_v2(address.cost_inc_tax),
        "cost_tax": money_v2(address.cost_inc_tax - address.cost_ex_tax),
        "cost_tax_class_id": TAX_CLASS_ID,
        "base_handling_cost": money_v2(address.handling_cost_ex_tax),
        "handling_cost_ex_tax": money_v2(address.handling_cost_ex_tax),
        "handling_cost_inc_tax": money_v2(address.handling_cost_inc_tax),
        "handling_cost_tax": money_v2(address.handling_cost_inc_tax - address.handling_cost_ex_tax),
        "handling_cost_tax_class_id": TAX_CLASS_ID,
        "shipping_zone_id": SHIPPING_ZONE[0],
        "shipping_zone_name": SHIPPING_ZONE[1],
        "shipping_quotes": request.link(
            f"/orders/{order.id}/shipping_addresses/{address.id}/shipping_quotes"
        ),
        "form_fields": list(address.form_fields),
    }


def list_shipments(request: ApiRequest) -> ApiResponse:
    with request.store.lock:
        order = request.store.order(int(request.params["order_id"]))
        page, limit = request.page_and_limit()
        shown = paginate(request.store.shipments[order.id], page, limit)
        return v2_list([shipment_json(order, s) for s in shown])


def create_shipment(request: ApiRequest) -> ApiResponse:
    data = parse_body(ShipmentCreateIn, request.json(), status=400)
    with request.store.lock:
        order_id = int(request.params["order_id"])
        shipment = request.store.create_shipment(order_id, data)
        return ApiResponse(201, shipment_json(request.store.order(order_id), shipment))


def shipment_json(order: Order, shipment: Shipment) -> dict[str, Any]:
    address = order.address(shipment.order_address_id)
    carrier = shipment.shipping_provider or shipment.tracking_carrier
    return {
        "id": shipment.id,
        "order_id": shipment.order_id,
        "customer_id": shipment.customer_id,
        "order_address_id": shipment.order_address_id,
        "date_created": date_v2(shipment.date_created),
        "tracking_number": shipment.tracking_number,
        "merchant_shipping_cost": money_v2(shipment.merchant_shipping_cost),
        "shipping_method": shipment.shipping_method,
        "shipping_provider": shipment.shipping_provider,
        "tracking_carrier": shipment.tracking_carrier,
        "tracking_link": shipment.tracking_link,
        "comments": shipment.comments,
        "billing_address": address_json(order.billing_address),
        "shipping_address": address_json(address.address) if address else {},
        "items": [
            {"order_product_id": i.order_product_id, "product_id": i.product_id, "quantity": i.quantity}
            for i in shipment.items
        ],
        "shipping_provider_display_name": PROVIDER_NAMES.get(carrier, carrier.title()),
        "generated_tracking_link": generated_tracking_link(shipment),
    }


def generated_tracking_link(shipment: Shipment) -> str:
    """BigCommerce's link from provider or carrier plus number; empty when a custom link was given."""
    if shipment.tracking_link or not shipment.tracking_number:
        return ""
    carrier = shipment.shipping_provider or shipment.tracking_carrier
    if template := TRACKING_URLS.get(carrier):
        return template.format(number=shipment.tracking_number)
    if shipment.tracking_carrier:
        return f"https://track.aftership.com/{shipment.tracking_carrier}/{shipment.tracking_number}"
    return ""


def update_shipping_address(request: ApiRequest) -> ApiResponse:
    """Change an address whatever has shipped to it (KNOWN_DEVIATIONS
    `shipping-address-edit-after-shipping`); a member of the answer that cannot be written is 400, in
    the words of the operation's own 400 example."""
    payload = request.json()
    if isinstance(payload, dict) and (read_only := sorted(set(payload) - WRITABLE)):
        raise ApiError(
            400,
            f"The field '{read_only[0]}' cannot be written to",
            detail="Please remove it from your request before trying again.",
        )
    update = parse_body(ShippingAddressUpdateIn, payload, status=400)
    with request.store.lock:
        order_id = int(request.params["order_id"])
        address = request.store.update_shipping_address(order_id, int(request.params["address_id"]), update)
        return ApiResponse(200, shipping_address_json(request, request.store.order(order_id), address))


READ = [ORDERS_READ, ORDERS]
ROUTES: list[Route] = [
    route("GET", "/v2/orders/{order_id}/shipping_addresses", list_shipping_addresses, READ, ErrorShape.V2),
    route(
        "PUT",
        "/v2/orders/{order_id}/shipping_addresses/{address_id}",
        update_shipping_address,
        [ORDERS],
        ErrorShape.V2,
    ),
    route("GET", "/v2/orders/{order_id}/shipments", list_shipments, READ, ErrorShape.V2),
    route("POST", "/v2/orders/{order_id}/shipments", create_shipment, [ORDERS], ErrorShape.V2),
]
