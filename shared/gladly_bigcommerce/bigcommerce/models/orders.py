"""Orders (v2): an order, its lines, consignments, shipping addresses and shipments."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from gladly_bigcommerce.bigcommerce.lenient import Lenient
from gladly_bigcommerce.bigcommerce.models.base import (
    RecordModel,
    RequestModel,
    number_as_text,
    skip_unusable,
    usable_items,
)
from gladly_bigcommerce.bigcommerce.values import (
    Count,
    Flag,
    OptionalMoney,
    OptionalTimestamp,
    Text,
    default_if_null,
)

# --- orders (v2) -------------------------------------------------------------------------------


class PostalFields(BaseModel):
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    street_1: Text = ""
    street_2: Text = ""
    city: Text = ""
    state: Text = ""
    zip: Text = ""
    country: Text = ""
    country_iso2: Text = ""
    phone: Text = ""
    email: Text = ""


class PostalAddress(PostalFields, Lenient):
    """An order's billing address, or the recipient part of a shipping address or consignment
    (lenient: a field it cannot read is left out, never the address)."""

    model_config = ConfigDict(extra="ignore")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class OrderProductOption(RecordModel):
    """An option the shopper chose or typed (`Size: S`, a text field's words, a picked product), as
    the storefront showed it (`display_name`/`display_value` are the customer's spellings)."""

    id: int | None = None
    display_name: Text = ""
    display_value: Text = ""
    type: Text = ""


class AppliedDiscount(RecordModel):
    """A discount on an order line (orders.v2 `orderProductAppliedDiscounts`): a coupon, an automatic
    promotion or a manual discount spread over the lines."""

    id: Annotated[str | None, BeforeValidator(number_as_text)] = None
    amount: OptionalMoney = None
    name: Text = ""
    code: Text = ""
    target: Text = ""


class OrderProduct(RecordModel):
    """An order line. Without its id and quantity a line can be neither shown nor refunded."""

    id: int
    order_id: int | None = None
    product_id: Count = 0
    name: Text = ""
    sku: Text = ""
    type: Annotated[str, default_if_null("physical")] = "physical"
    quantity: int
    quantity_shipped: Count = 0
    quantity_refunded: Count = 0
    is_refunded: Flag = False
    price_inc_tax: OptionalMoney = None
    total_inc_tax: OptionalMoney = None
    discounted_total_inc_tax: OptionalMoney = None
    image_url: str | None = None
    product_options: Annotated[list[OrderProductOption], skip_unusable(OrderProductOption)] = Field(
        default_factory=list
    )
    applied_discounts: Annotated[list[AppliedDiscount], skip_unusable(AppliedDiscount)] = Field(
        default_factory=list
    )
    # A bundle's or pick list's child line names its parent line; the child is part of what the
    # parent's shopper bought (orders.v2 `orderProducts` example: a pick-list child at $0).
    parent_order_product_id: int | None = None
    order_pickup_method_id: Count = 0


def _expanded_line_items(value: Any) -> Any:
    """Keep line items only when they are full products, not `{url, resource}` links; skip unusable ones."""
    if value is None:
        return []
    if isinstance(value, list):
        products = [item for item in value if not (isinstance(item, dict) and "resource" in item)]
        return usable_items(OrderProduct, products)
    return value


class ShippingDestination(PostalAddress):
    """Where (and how) part of an order ships: the recipient, the method, the items and the cost.

    BigCommerce answers it as an order's shipping address (``ShippingAddress``) or, inside the order,
    as a shipping consignment (``ShippingConsignment``)."""

    shipping_method: Text = ""
    items_total: Count = 0
    items_shipped: Count = 0
    cost_inc_tax: OptionalMoney = None


class ShippingConsignment(ShippingDestination):
    """A shipping consignment from `include=consignments.line_items&consignment_structure=object`."""

    id: int | None = None
    line_items: Annotated[list[OrderProduct], BeforeValidator(_expanded_line_items)] = Field(
        default_factory=list
    )


class OrderConsignments(RecordModel):
    shipping: Annotated[list[ShippingConsignment], skip_unusable(ShippingConsignment)] = Field(
        default_factory=list
    )


def _consignments(value: Any) -> Any:
    """Object structure only; a `{url, resource}` link (not included) reads as absent."""
    if isinstance(value, list):  # the legacy array structure: one object per consignment type
        shipping = [c for item in value if isinstance(item, dict) for c in item.get("shipping") or []]
        return {"shipping": shipping}
    if isinstance(value, dict) and "resource" in value and "shipping" not in value:
        return None
    return value


class Order(RecordModel):
    """An order. Its id names it; its status decides every action (cancel, refund), so an order
    without one is not guessed at: both are required, everything else degrades field by field."""

    id: int
    customer_id: Count = 0
    status_id: int
    status: Text = ""
    # The store's own label for the status when the merchant renamed it, else the system label
    # (BigCommerce staff, bigcommerce/bigcommerce-api-python#82); absent from the OpenAPI schema.
    custom_status: Text = ""
    date_created: OptionalTimestamp = None
    date_modified: OptionalTimestamp = None
    date_shipped: OptionalTimestamp = None
    total_inc_tax: OptionalMoney = None
    currency_code: Text = ""
    default_currency_code: str | None = None
    items_total: Count = 0
    items_shipped: Count = 0
    payment_method: Text = ""
    payment_status: Text = ""
    billing_address: PostalAddress | None = None
    refunded_amount: OptionalMoney = None
    customer_message: Text = ""
    staff_notes: Text = ""
    channel_id: int | None = None
    is_deleted: Flag = False
    consignments: Annotated[OrderConsignments | None, BeforeValidator(_consignments)] = None

    @property
    def is_guest(self) -> bool:
        """Guest orders belong to no customer record (found only by billing email)."""
        return self.customer_id == 0

    @property
    def transaction_currency(self) -> str:
        """What the shopper paid in, and what the order's amounts are in."""
        return self.default_currency_code or self.currency_code


class ShippingAddress(ShippingDestination):
    """`GET /v2/orders/{id}/shipping_addresses` item: where (and how) part of an order ships."""

    id: int
    order_id: int | None = None


class ShippingAddressUpdate(RequestModel):
    """`PUT /v2/orders/{order_id}/shipping_addresses/{id}` (orders.v2 `shippingAddress_Put`): the recipient's
    members only, each sent as given. Read-only members of the answer (`items_total`, costs) are refused
    by BigCommerce (the operation's 400 example), so there are none here."""

    first_name: str
    last_name: str
    company: str
    street_1: str
    street_2: str
    city: str
    state: str
    zip: str
    country: str
    country_iso2: str
    phone: str
    email: str


class OrderNotesUpdate(RequestModel):
    """`PUT /v2/orders/{id}` with the staff notes only: "Those fields that are omitted will not be
    changed" (orders.v2 `updateOrder`), so nothing else of the order is touched."""

    staff_notes: str


class ShipmentItem(RecordModel):
    order_product_id: int
    product_id: int | None = None
    quantity: int


class Shipment(RecordModel):
    id: int
    order_id: int | None = None
    customer_id: int | None = None
    date_created: OptionalTimestamp = None
    tracking_number: Text = ""
    tracking_carrier: Text = ""
    tracking_link: Text = ""
    generated_tracking_link: Text = ""
    shipping_method: Text = ""
    shipping_provider: Text = ""
    shipping_provider_display_name: Text = ""
    shipping_address: PostalAddress | None = None
    items: Annotated[list[ShipmentItem], skip_unusable(ShipmentItem)] = Field(default_factory=list)
