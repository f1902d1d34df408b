"""The one BigCommerce client: every endpoint the adaptor calls, on ``http.StoreHttp``.

One method per call, grouped by API (customers, orders, refunds, promotions, catalog, store,
geography); how a request is sent, retried and read is ``http.py``'s. Writes that change money or
orders are sent exactly once (``retry=False``); ``OutcomeUnknown`` tells the caller to check before
trying again. Calls only tests and tools make (fixture writes, scope probes) are not here: they live
with those tools (``devtools/sandbox/admin_client.py``, ``devtools/store_check.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import partial
from typing import ClassVar

from . import scopes
from .deadline import Deadline
from .errors import BadUpstreamResponse, Conflict, ValidationFailed
from .http import (
    DEFAULT_API_BASE,
    V3_MAX_PAGE_SIZE,
    M,
    Query,
    RequestRecord,
    RetryPolicy,
    StoreHttp,
    read_list,
    read_one,
    read_v3_list,
    reset_all_connections,
    v3_data,
)
from .models import (
    CatalogProduct,
    Channel,
    Country,
    CountryState,
    Customer,
    CustomerChannelSettings,
    CustomerGroup,
    Order,
    OrderNotesUpdate,
    OrderProduct,
    Promotion,
    PromotionCode,
    PromotionCodeCreate,
    PromotionCreate,
    Refund,
    RefundItem,
    RefundPayment,
    RefundQuote,
    Shipment,
    ShippingAddress,
    ShippingAddressUpdate,
    Site,
    StoreCreditIn,
    StoreCreditUpdate,
    StoreInfo,
)

__all__ = ["DEFAULT_API_BASE", "BigCommerceClient", "RequestRecord", "RetryPolicy", "reset_all_connections"]


class BigCommerceClient(StoreHttp):
    """A BigCommerce store's REST API as the adaptor uses it (see ``StoreHttp`` for threads and deadlines)."""

    SCOPE_OF_ENDPOINT: ClassVar[Mapping[tuple[str, str], str]] = {
        ("GET", "/v3/customers"): scopes.CUSTOMERS_READ,
        ("PUT", "/v3/customers"): scopes.CUSTOMERS_MODIFY,
        ("GET", "/v2/customer_groups"): scopes.CUSTOMERS_READ,
        ("GET", "/v2/orders"): scopes.ORDERS_READ,
        ("GET", "/v2/orders/{order_id}"): scopes.ORDERS_READ,
        ("PUT", "/v2/orders/{order_id}"): scopes.ORDERS_MODIFY,
        ("GET", "/v2/orders/{order_id}/products"): scopes.ORDERS_READ,
        ("GET", "/v2/orders/{order_id}/shipping_addresses"): scopes.ORDERS_READ,
        ("GET", "/v2/orders/{order_id}/shipments"): scopes.ORDERS_READ,
        ("POST", "/v3/orders/{order_id}/payment_actions/refund_quotes"): scopes.REFUNDS,
        ("POST", "/v3/orders/{order_id}/payment_actions/refunds"): scopes.REFUNDS,
        ("GET", "/v3/orders/{order_id}/payment_actions/refunds"): scopes.TRANSACTIONS_READ,
        ("POST", "/v3/promotions"): scopes.MARKETING_MODIFY,
        ("POST", "/v3/promotions/{promotion_id}/codes"): scopes.MARKETING_MODIFY,
        ("GET", "/v3/promotions/{promotion_id}/codes"): scopes.MARKETING_READ,
        ("GET", "/v3/catalog/products"): scopes.PRODUCTS_READ,
        ("GET", "/v2/store"): scopes.INFORMATION_READ,
        ("GET", "/v2/countries"): scopes.INFORMATION_READ,
        ("GET", "/v2/countries/states"): scopes.INFORMATION_READ,
        ("PUT", "/v2/orders/{order_id}/shipping_addresses/{id}"): scopes.ORDERS_MODIFY,
        ("GET", "/v3/channels"): scopes.CHANNELS_READ,
        ("GET", "/v3/sites"): scopes.SITES_READ,
        ("GET", "/v3/customers/settings/channels/{channel_id}"): scopes.CUSTOMERS_READ,
    }

    # --- customers ------------------------------------------------------------------------------

    def search_customers(
        self,
        *,
        emails: Sequence[str] = (),
        phones: Sequence[str] = (),
        ids: Sequence[int] = (),
        include: Sequence[str] = ("addresses", "storecredit"),
        limit: int = 50,
        page: int = 1,
        deadline: Deadline | None = None,
    ) -> list[Customer]:
        """Customers matching the filters (BigCommerce ANDs different filters; values within one OR).

        Phones match the stored spelling exactly. Values containing a comma cannot be expressed in an
        `:in` filter and are left out; with no usable filter at all nothing is fetched (BigCommerce
        would otherwise list every customer).
        """
        query: Query = {}
        for name, values in (("email:in", emails), ("phone:in", phones), ("id:in", [str(i) for i in ids])):
            usable = [value for value in values if value and "," not in value]
            if usable:
                query[name] = ",".join(usable)
        if not query:
            return []
        if include:
            query["include"] = ",".join(include)
        return self._page(
            "/v3/customers",
            lambda payload: read_v3_list(Customer, payload),
            query=query,
            limit=limit,
            page=page,
            deadline=deadline,
        )

    def get_customer(self, customer_id: int, *, deadline: Deadline | None = None) -> Customer | None:
        """The customer with its addresses and store credit, or None when there is no such customer."""
        found = self.search_customers(ids=[customer_id], limit=1, deadline=deadline)
        return found[0] if found else None

    def set_store_credit(
        self, customer_id: int, amounts: Sequence[Decimal], *, deadline: Deadline | None = None
    ) -> Customer:
        """Make ``amounts`` the customer's store credit (``PUT /v3/customers``: BigCommerce keeps what is
        sent as the balance, it adds nothing), and nothing else of the customer. Never retried: raising a
        balance is read, add, write, and a second write could give twice (``OutcomeUnknown``: read the
        customer before trying again). The answer is the customer as BigCommerce keeps it."""
        update = StoreCreditUpdate(
            id=customer_id, store_credit_amounts=[StoreCreditIn(amount=amount) for amount in amounts]
        )
        return self._request(
            "PUT",
            "/v3/customers",
            body=[update],
            parse=lambda payload: _the_customer(read_v3_list(Customer, payload), customer_id),
            retry=False,
            deadline=deadline,
        )

    def list_customer_groups(self, *, deadline: Deadline | None = None) -> list[CustomerGroup]:
        """Every customer group of the store (v2: page by page; none at all is an empty list).

        Needs the "Customers: read-only" scope, the same as reading customers.
        """
        return list(self._v2_pages("/v2/customer_groups", CustomerGroup, deadline=deadline))

    # --- orders ---------------------------------------------------------------------------------

    def list_orders(
        self,
        *,
        customer_id: int | None = None,
        email: str | None = None,
        limit: int = 10,
        page: int = 1,
        sort: str = "date_created:desc",
        include_consignments: bool = True,
        deadline: Deadline | None = None,
    ) -> list[Order]:
        """One page of orders, newest first by default; `email` also finds guest orders."""
        query = order_query(customer_id, email, sort, include_consignments)
        parse = partial(read_list, Order)
        return self._page("/v2/orders", parse, query=query, limit=limit, page=page, deadline=deadline)

    def get_order(
        self, order_id: int, *, include_consignments: bool = True, deadline: Deadline | None = None
    ) -> Order:
        """The order; raises NotFound when there is none."""
        query = order_query(None, None, None, include_consignments)
        return self._request(
            "GET",
            "/v2/orders/{order_id}",
            path={"order_id": order_id},
            query=query,
            parse=lambda payload: read_one(Order, payload),
            deadline=deadline,
        )

    def list_order_products(self, order_id: int, *, deadline: Deadline | None = None) -> list[OrderProduct]:
        """Every line item of the order."""
        return list(self._order_pages("products", OrderProduct, order_id, deadline))

    def list_shipping_addresses(
        self, order_id: int, *, deadline: Deadline | None = None
    ) -> list[ShippingAddress]:
        return list(self._order_pages("shipping_addresses", ShippingAddress, order_id, deadline))

    def list_shipments(self, order_id: int, *, deadline: Deadline | None = None) -> list[Shipment]:
        return list(self._order_pages("shipments", Shipment, order_id, deadline))

    def update_order_status(
        self, order_id: int, status_id: int, *, deadline: Deadline | None = None
    ) -> Order:
        """Set the order's status (5 cancels). Sends exactly `{"status_id": N}`; never retried."""
        return self._write(
            "PUT",
            "/v2/orders/{order_id}",
            Order,
            path={"order_id": order_id},
            body={"status_id": status_id},
            deadline=deadline,
        )

    def update_shipping_address(
        self,
        order_id: int,
        address_id: int,
        address: ShippingAddressUpdate,
        *,
        deadline: Deadline | None = None,
    ) -> ShippingAddress:
        """Change one of the order's shipping addresses (BigCommerce recomputes no shipping cost or tax).
        Never retried; the answer is the address as BigCommerce keeps it."""
        return self._write(
            "PUT",
            "/v2/orders/{order_id}/shipping_addresses/{id}",
            ShippingAddress,
            path={"order_id": order_id, "id": address_id},
            body=address,
            deadline=deadline,
        )

    def update_staff_notes(self, order_id: int, notes: str, *, deadline: Deadline | None = None) -> Order:
        """Replace the order's staff notes with ``notes`` (BigCommerce keeps one text), sending exactly
        ``{"staff_notes": ...}``. Never retried; the answer is the order as BigCommerce keeps it."""
        return self._write(
            "PUT",
            "/v2/orders/{order_id}",
            Order,
            path={"order_id": order_id},
            body=OrderNotesUpdate(staff_notes=notes),
            deadline=deadline,
        )

    # --- refunds --------------------------------------------------------------------------------

    def create_refund_quote(
        self, order_id: int, items: Sequence[RefundItem], *, deadline: Deadline | None = None
    ) -> RefundQuote:
        """What refunding `items` would return and through which providers. Moves no money: retried."""
        _require_items(items)
        return self._request(
            "POST",
            "/v3/orders/{order_id}/payment_actions/refund_quotes",
            path={"order_id": order_id},
            body={"items": list(items)},
            parse=lambda payload: read_one(RefundQuote, v3_data(payload)),
            retry=True,
            deadline=deadline,
        )

    def create_refund(
        self,
        order_id: int,
        items: Sequence[RefundItem],
        payments: Sequence[RefundPayment],
        *,
        reason: str | None = None,
        deadline: Deadline | None = None,
    ) -> Refund:
        """Refund money. Sent exactly once: after OutcomeUnknown, `list_refunds` before trying again.

        `reason` is recorded on every item that has none of its own (the API keeps reasons per item).
        """
        _require_items(items)
        if not payments:
            raise ValueError("a refund needs at least one payment (from the refund quote)")
        if reason is not None:
            items = [item if item.reason else item.model_copy(update={"reason": reason}) for item in items]
        return self._write(
            "POST",
            "/v3/orders/{order_id}/payment_actions/refunds",
            Refund,
            path={"order_id": order_id},
            body={"items": list(items), "payments": list(payments)},
            v3=True,
            deadline=deadline,
        )

    def list_refunds(self, order_id: int, *, deadline: Deadline | None = None) -> list[Refund]:
        """Every refund already made on the order (and whether each payment was declined)."""
        return self._request(
            "GET",
            "/v3/orders/{order_id}/payment_actions/refunds",
            path={"order_id": order_id},
            # Whole or not at all: a skipped refund would be refunded again (see `Refund`).
            parse=lambda payload: read_v3_list(Refund, payload, skip_unusable=False),
            deadline=deadline,
        )

    # --- promotions -----------------------------------------------------------------------------

    def create_promotion(self, promotion: PromotionCreate, *, deadline: Deadline | None = None) -> Promotion:
        """Create a promotion. Never retried."""
        return self._write("POST", "/v3/promotions", Promotion, body=promotion, v3=True, deadline=deadline)

    def create_promotion_code(
        self,
        promotion_id: int,
        code: str,
        *,
        max_uses: int | None = None,
        max_uses_per_customer: int | None = None,
        deadline: Deadline | None = None,
    ) -> PromotionCode:
        """Add a coupon code to a coupon promotion. Never retried; a duplicate code raises Conflict.

        BigCommerce documents no error status for this POST; the only public evidence (reference
        FACTS.md, "duplicate coupon code") answers a taken code with 422, a conflict is naturally 409:
        both mean nothing was made, and both raise Conflict so the caller can try another code.
        """
        body = PromotionCodeCreate(code=code, max_uses=max_uses, max_uses_per_customer=max_uses_per_customer)
        try:
            return self._write(
                "POST",
                "/v3/promotions/{promotion_id}/codes",
                PromotionCode,
                path={"promotion_id": promotion_id},
                body=body,
                v3=True,
                deadline=deadline,
            )
        except ValidationFailed as error:
            if isinstance(error, Conflict) or error.status != 422:
                raise
            raise Conflict(
                "BigCommerce refused the coupon code, as it does a duplicate (422)",
                status=error.status,
                upstream_message=error.upstream_message,
                field_errors=error.field_errors,
            ) from error

    def list_promotion_codes(
        self, promotion_id: int, *, limit: int = 50, deadline: Deadline | None = None
    ) -> list[PromotionCode]:
        return self._request(
            "GET",
            "/v3/promotions/{promotion_id}/codes",
            path={"promotion_id": promotion_id},
            query={"limit": limit},
            parse=lambda payload: read_v3_list(PromotionCode, payload),
            deadline=deadline,
        )

    # --- catalog --------------------------------------------------------------------------------

    def get_product_images(
        self, product_ids: Collection[int], *, deadline: Deadline | None = None
    ) -> dict[int, str]:
        """Each product's primary image URL, by product id (the size: `ProductImage.card_url`).

        One `GET /v3/catalog/products` per 250 ids (v3's largest page), filtered by `id:in`, with
        `include=primary_image`: the documented way (catalog products spec, Get All Products:
        `primary_image` is a value of `include`; `include_fields` lists product fields only, and how
        it would treat an included sub-resource is not documented, so it is not used). Products
        without an image, and ids the catalog no longer has (deleted products), are left out. Needs
        the "Products: read-only" scope.
        """
        ids = sorted({product_id for product_id in product_ids if product_id > 0})
        images: dict[int, str] = {}
        for start in range(0, len(ids), V3_MAX_PAGE_SIZE):
            chunk = ids[start : start + V3_MAX_PAGE_SIZE]
            query: Query = {
                "id:in": ",".join(str(product_id) for product_id in chunk),
                "include": "primary_image",
                "limit": len(chunk),
            }
            products = self._request(
                "GET",
                "/v3/catalog/products",
                query=query,
                parse=lambda payload: read_v3_list(CatalogProduct, payload),
                deadline=deadline,
            )
            for product in products:
                url = product.primary_image.card_url if product.primary_image else None
                if url:
                    images[product.id] = url
        return images

    # --- store ----------------------------------------------------------------------------------

    def get_store(self, *, deadline: Deadline | None = None) -> StoreInfo:
        """Store name, domain and currency (for links and money formatting)."""
        return self._request(
            "GET", "/v2/store", parse=lambda payload: read_one(StoreInfo, payload), deadline=deadline
        )

    # --- geography ------------------------------------------------------------------------------

    def list_countries(self, *, deadline: Deadline | None = None) -> list[Country]:
        """Every country BigCommerce knows (a v2 list, 250 a page as BigCommerce's own WordPress plugin
        reads it: ``/countries?limit=250``, bigcommerce/bigcommerce-for-wordpress
        ``src/BigCommerce/CLI/Update_Country_Cache.php``)."""
        return list(self._v2_pages("/v2/countries", Country, deadline=deadline))

    def list_states(self, *, deadline: Deadline | None = None) -> list[CountryState]:
        """Every state of every country BigCommerce knows (``GET /v2/countries/states``, page by page)."""
        return list(self._v2_pages("/v2/countries/states", CountryState, deadline=deadline))

    # --- channels and sites ---------------------------------------------------------------------

    def list_channels(self, *, deadline: Deadline | None = None) -> list[Channel]:
        """Every sales channel of the store: channel 1, the default storefront, is always one ("Will
        always return the default BigCommerce storefront with an ID of `1`", channels.v3 getChannels).
        Needs the "Channel Settings: read-only" scope."""
        return self._v3_pages("/v3/channels", Channel, deadline=deadline)

    def list_sites(self, *, deadline: Deadline | None = None) -> list[Site]:
        """Every site of the store (each storefront channel's URL), in one call for most stores (sites.v3
        getSites). Needs the "Sites & Routes: read-only" scope."""
        return self._v3_pages("/v3/sites", Site, deadline=deadline)

    def get_channel_customer_settings(
        self, channel_id: int, *, deadline: Deadline | None = None
    ) -> CustomerChannelSettings:
        """A channel's customer settings: whether accounts with `channel_ids: null` may log in to it
        (customers.v3 getChannelCustomerSettings)."""
        return self._request(
            "GET",
            "/v3/customers/settings/channels/{channel_id}",
            path={"channel_id": channel_id},
            parse=lambda payload: read_one(CustomerChannelSettings, v3_data(payload)),
            deadline=deadline,
        )

    def _v3_pages(self, template: str, model: type[M], *, deadline: Deadline | None) -> list[M]:
        """Every item of a v3 list, page by page until a short page (the files give no default page
        size, and `/v3/sites` answers a `meta` of its own: a short page is the one sure end), at most
        `max_page_cap` pages."""
        items: list[M] = []
        for page in range(1, self._max_page_cap + 1):
            found = self._page(
                template,
                lambda payload: read_v3_list(model, payload),
                query={},
                limit=V3_MAX_PAGE_SIZE,
                page=page,
                deadline=deadline,
            )
            items += found
            if len(found) < V3_MAX_PAGE_SIZE:
                break
        return items

    def _order_pages(
        self, resource: str, model: type[M], order_id: int, deadline: Deadline | None
    ) -> Iterator[M]:
        """Every item of an order's sub-resource (products, shipping addresses, shipments)."""
        template = f"/v2/orders/{{order_id}}/{resource}"
        return self._v2_pages(template, model, path={"order_id": order_id}, deadline=deadline)


def order_query(customer_id: int | None, email: str | None, sort: str | None, consignments: bool) -> Query:
    query: Query = {}
    if customer_id is not None:
        query["customer_id"] = customer_id
    if email:
        query["email"] = email
    if sort:
        query["sort"] = sort
    if consignments:
        query["include"] = "consignments.line_items"
        query["consignment_structure"] = "object"
    return query


def _the_customer(customers: list[Customer], customer_id: int) -> Customer:
    """The customer of a customers answer, by id; an answer without it is unreadable."""
    found = next((customer for customer in customers if customer.id == customer_id), None)
    if found is None:
        raise BadUpstreamResponse(f"BigCommerce's answer about customer {customer_id} lacks the customer")
    return found


def _require_items(items: Sequence[RefundItem]) -> None:
    if not items:
        raise ValueError("a refund needs at least one item")
