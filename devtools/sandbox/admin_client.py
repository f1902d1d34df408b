"""What the product never does to a store: the writes and reads only tests and tools make.

The adaptor creates no customer, order or shipment, and never lists statuses or looks a coupon code
up by its text; a ``create_order`` that could reach a live store would be a risk. These calls live
here, for fixtures in the sandbox (and demo stores), on top of the product's one client: they go
through its ``_request`` (the same URLs, headers, retries, deadlines, and writes sent exactly once),
so what a test creates is created the way any BigCommerce call is made.

    with StoreAdminClient(store_hash, token, api_base=sandbox.url) as admin:
        customer, = admin.create_customers([CustomerCreate(email=..., first_name=..., last_name=...)])
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar, Literal

from pydantic import Field

from gladly_bigcommerce.bigcommerce import scopes
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient, order_query
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.http import read_list, read_v3_list
from gladly_bigcommerce.bigcommerce.models import (
    ActionApiModel,
    Customer,
    Order,
    PostalFields,
    PromotionCode,
    RequestModel,
    Shipment,
)
from gladly_bigcommerce.bigcommerce.values import Money, MoneyString, OptionalMoney, Rfc2822Datetime, Text

# --- what the writes send ---------------------------------------------------------------------------


class CustomerAddressCreate(RequestModel):
    first_name: str
    last_name: str
    address1: str
    city: str
    country_code: str = Field(min_length=2, max_length=2)
    address2: str | None = None
    company: str | None = None
    state_or_province: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    address_type: Literal["residential", "commercial"] | None = None


class StoreCreditCreate(RequestModel):
    amount: Money


class CustomerCreate(RequestModel):
    """`POST /v3/customers` item (used to seed sandboxes and demo stores)."""

    email: str = Field(min_length=3, max_length=250)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    company: str | None = None
    phone: str | None = Field(default=None, max_length=50)
    notes: str | None = None
    customer_group_id: int | None = None
    origin_channel_id: int | None = None
    channel_ids: list[int] | None = None
    addresses: list[CustomerAddressCreate] | None = None
    store_credit_amounts: list[StoreCreditCreate] | None = None


class OrderAddressCreate(PostalFields):
    model_config = RequestModel.model_config

    zip: str


class OrderShippingAddressCreate(OrderAddressCreate):
    shipping_method: str | None = None


class OrderProductCreate(RequestModel):
    """A catalog product (`product_id`) or a custom product (`name`, `sku`); prices are JSON numbers."""

    product_id: int | None = None
    name: str | None = None
    sku: str | None = None
    quantity: int = Field(gt=0)
    price_inc_tax: OptionalMoney = None
    price_ex_tax: OptionalMoney = None


class OrderCreate(RequestModel):
    """`POST /v2/orders` (sandbox and demo fixtures); header money is sent as strings."""

    billing_address: OrderAddressCreate
    products: list[OrderProductCreate] = Field(min_length=1)
    customer_id: int = 0
    status_id: int | None = None
    shipping_addresses: list[OrderShippingAddressCreate] | None = None
    base_shipping_cost: MoneyString | None = None
    shipping_cost_ex_tax: MoneyString | None = None
    shipping_cost_inc_tax: MoneyString | None = None
    handling_cost_ex_tax: MoneyString | None = None
    handling_cost_inc_tax: MoneyString | None = None
    discount_amount: MoneyString | None = None
    subtotal_ex_tax: MoneyString | None = None
    subtotal_inc_tax: MoneyString | None = None
    total_ex_tax: MoneyString | None = None
    total_inc_tax: MoneyString | None = None
    customer_message: str | None = None
    staff_notes: str | None = None
    payment_method: str | None = None
    channel_id: int | None = None
    external_source: str | None = None
    default_currency_code: str | None = None
    customer_locale: str | None = None
    date_created: Rfc2822Datetime | None = None


class ShipmentItemCreate(RequestModel):
    order_product_id: int
    quantity: int = Field(gt=0)


class ShipmentCreate(RequestModel):
    order_address_id: int
    items: list[ShipmentItemCreate] = Field(min_length=1)
    tracking_number: str | None = Field(default=None, max_length=50)
    tracking_carrier: str | None = None
    tracking_link: str | None = Field(default=None, max_length=500)
    shipping_method: str | None = None
    shipping_provider: str | None = None
    comments: str | None = None


# --- what the reads answer ---------------------------------------------------------------------------


class OrderStatus(ActionApiModel):
    id: int
    name: Text = ""
    system_label: Text = ""
    custom_label: Text = ""
    system_description: Text = ""


# --- the client ----------------------------------------------------------------------------------------


class StoreAdminClient(BigCommerceClient):
    """The product's client plus the calls only fixtures and tools make."""

    SCOPE_OF_ENDPOINT: ClassVar[Mapping[tuple[str, str], str]] = {
        **BigCommerceClient.SCOPE_OF_ENDPOINT,
        ("POST", "/v3/customers"): scopes.CUSTOMERS_MODIFY,
        ("POST", "/v2/orders"): scopes.ORDERS_MODIFY,
        ("POST", "/v2/orders/{order_id}/shipments"): scopes.ORDERS_MODIFY,
        ("GET", "/v2/order_statuses"): scopes.ORDERS_READ,
        ("GET", "/v3/promotions/codes"): scopes.MARKETING_READ,
    }

    def create_customers(
        self, customers: Sequence[CustomerCreate], *, deadline: Deadline | None = None
    ) -> list[Customer]:
        """Create customers (fixtures for sandboxes and demo stores). Never retried."""
        return self._request(
            "POST",
            "/v3/customers",
            body=list(customers),
            parse=lambda payload: read_v3_list(Customer, payload),
            retry=False,
            deadline=deadline,
        )

    def create_order(self, order: OrderCreate, *, deadline: Deadline | None = None) -> Order:
        """Create an order (fixtures for sandboxes and demo stores). Never retried."""
        return self._write("POST", "/v2/orders", Order, body=order, deadline=deadline)

    def create_shipment(
        self, order_id: int, shipment: ShipmentCreate, *, deadline: Deadline | None = None
    ) -> Shipment:
        """Ship items of an order (fixtures for sandboxes and demo stores). Never retried."""
        return self._write(
            "POST",
            "/v2/orders/{order_id}/shipments",
            Shipment,
            path={"order_id": order_id},
            body=shipment,
            deadline=deadline,
        )

    def iter_orders(
        self,
        *,
        customer_id: int | None = None,
        email: str | None = None,
        sort: str = "date_created:desc",
        include_consignments: bool = False,
        page_size: int = 50,
        deadline: Deadline | None = None,
    ) -> Iterator[Order]:
        """Every matching order, page by page (at most `max_page_cap` pages)."""
        query = order_query(customer_id, email, sort, include_consignments)
        return self._v2_pages("/v2/orders", Order, query=query, page_size=page_size, deadline=deadline)

    def list_order_statuses(self, *, deadline: Deadline | None = None) -> list[OrderStatus]:
        """The store's order statuses with their (merchant-renamable) labels."""
        return self._request(
            "GET",
            "/v2/order_statuses",
            parse=lambda payload: read_list(OrderStatus, payload),
            deadline=deadline,
        )

    def find_promotion_code(self, code: str, *, deadline: Deadline | None = None) -> PromotionCode | None:
        """The coupon code with exactly this text in any promotion, or None."""
        found = self._request(
            "GET",
            "/v3/promotions/codes",
            query={"code": code},
            parse=lambda payload: read_v3_list(PromotionCode, payload),
            deadline=deadline,
        )
        return next((match for match in found if match.code.casefold() == code.casefold()), None)
