"""The sandbox's in-memory records: what a BigCommerce store holds, with Decimal money and aware dates.

Records are plain dataclasses owned by `SandboxStore`; the API modules render them in each API's wire
format. Derived amounts (order totals, remaining quantities) are computed from the records, never
stored twice, so a refund or a shipment cannot leave two numbers disagreeing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

ZERO = Decimal("0")

# Order status ids are fixed by BigCommerce; labels are the system labels (merchants may rename them).
ORDER_STATUSES: dict[int, tuple[str, str]] = {
    0: (
        "Incomplete",
        "An incomplete order happens when a shopper reached the payment page, but did not complete the "
        "transaction.",
    ),
    1: (
        "Pending",
        "Customer started the checkout process, but did not complete it.",
    ),
    2: (
        "Shipped",
        "Order has been shipped, but receipt has not been confirmed; seller has used the Ship Items action.",
    ),
    3: (
        "Partially Shipped",
        "Only some items in the order have been shipped, due to some products being pre-order only or "
        "other reasons.",
    ),
    4: (
        "Refunded",
        "Seller has used the Refund action.",
    ),
    5: (
        "Cancelled",
        "Seller has cancelled an order, due to a stock inconsistency or other reasons.",
    ),
    6: (
        "Declined",
        "Seller has marked the order as declined for lack of manual payment, or other reasons.",
    ),
    7: (
        "Awaiting Payment",
        "Customer has completed checkout process, but payment has yet to be confirmed.",
    ),
    8: (
        "Awaiting Pickup",
        "Order has been pulled, and is awaiting customer pickup from a seller-specified location.",
    ),
    9: (
        "Awaiting Shipment",
        "Order has been pulled and packaged, and is awaiting collection from a shipping provider.",
    ),
    10: (
        "Completed",
        "Client has paid for their digital product and their file(s) are available for download.",
    ),
    11: (
        "Awaiting Fulfillment",
        "Customer has completed the checkout process and payment has been confirmed.",
    ),
    12: (
        "Manual Verification Required",
        "Order is on hold while some aspect needs to be manually confirmed.",
    ),
    13: (
        "Disputed",
        "Customer has initiated a dispute resolution process for the PayPal transaction that paid for the"
        " order.",
    ),
    14: (
        "Partially Refunded",
        "Seller has partially refunded the order.",
    ),
}

STATUS_SHIPPED = 2
STATUS_PARTIALLY_SHIPPED = 3
STATUS_REFUNDED = 4
STATUS_CANCELLED = 5
STATUS_PARTIALLY_REFUNDED = 14


@dataclass
class CustomerGroup:
    """A customer group, which `Customer.customer_group_id` names (0 there means no group).

    Served at `GET /v2/customer_groups` (`api_customer_groups`); the sandbox keeps no category
    access or discount rules, and answers them as "all categories" and none.
    """

    id: int
    name: str
    is_default: bool = False


@dataclass
class CatalogProduct:
    """A catalog product, so order lines can carry a product id, SKU and an image.

    BigCommerce order products carry no image; the catalog (v3 catalog API) does. The sandbox keeps
    only this minimal mapping (product id -> name, SKU, price, image URL; `""` for no image) and
    serves it at `GET /v3/catalog/products` (`api_catalog`).
    """

    id: int
    name: str
    sku: str
    price: Decimal
    image_url: str
    brand: str = ""


@dataclass
class CustomerAddress:
    id: int
    customer_id: int
    first_name: str
    last_name: str
    address1: str
    city: str
    country_code: str
    country: str
    state_or_province: str = ""
    postal_code: str = ""
    address2: str = ""
    company: str = ""
    phone: str = ""
    address_type: str = "residential"


@dataclass
class Customer:
    id: int
    email: str
    first_name: str
    last_name: str
    date_created: datetime
    date_modified: datetime
    phone: str = ""
    company: str = ""
    notes: str = ""
    tax_exempt_category: str = ""
    customer_group_id: int = 0
    origin_channel_id: int = 1
    channel_ids: list[int] | None = None
    accepts_product_review_abandoned_cart_emails: bool = False
    addresses: list[CustomerAddress] = field(default_factory=list)
    store_credit: list[Decimal] = field(default_factory=list)
    attributes: list[tuple[int, str]] = field(default_factory=list)
    form_fields: list[tuple[str, Any]] = field(default_factory=list)
    registration_ip_address: str = ""


@dataclass
class Address:
    """A v2 order address (billing, or the address part of a shipping address)."""

    first_name: str
    last_name: str
    street_1: str
    city: str
    zip: str
    country: str
    country_iso2: str
    email: str = ""
    phone: str = ""
    company: str = ""
    street_2: str = ""
    state: str = ""


@dataclass(frozen=True)
class ProductOption:
    """An option the shopper chose or typed, as the storefront showed it (orders.v2
    `orderProductOptions`: `display_name`/`display_value`, its `type` one of the file's enum)."""

    display_name: str
    display_value: str
    type: str = "Multiple choice"
    value: str = ""


@dataclass(frozen=True)
class LineDiscount:
    """A discount on a line, tax included (orders.v2 `orderProductAppliedDiscounts`); a manual
    discount has no code (`"id": "manual-discount"`, "Manual Discount", as the file's example)."""

    id: str
    name: str
    amount: Decimal
    code: str | None = None
    target: str = "order"


@dataclass
class OrderProduct:
    id: int
    order_id: int
    order_address_id: int
    product_id: int
    name: str
    sku: str
    quantity: int
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    quantity_shipped: int = 0
    quantity_refunded: int = 0
    brand: str = ""
    variant_id: int | None = None
    type: str = "physical"
    """orders.v2 `orderProducts.type`: physical, digital or giftcertificate."""
    options: list[ProductOption] = field(default_factory=list)
    parent_id: int | None = None
    """`parent_order_product_id`: a bundle's or pick list's child line names its parent line."""
    discounts: list[LineDiscount] = field(default_factory=list)
    gift_certificate_id: int | None = None

    @property
    def discounted_total_inc_tax(self) -> Decimal:
        """What the line cost the shopper: its total less its discounts (orders.v2)."""
        return self.total_inc_tax - sum((d.amount for d in self.discounts), ZERO)

    @property
    def price_tax(self) -> Decimal:
        return self.price_inc_tax - self.price_ex_tax

    @property
    def total_ex_tax(self) -> Decimal:
        return self.price_ex_tax * self.quantity

    @property
    def total_inc_tax(self) -> Decimal:
        return self.price_inc_tax * self.quantity

    @property
    def quantity_refundable(self) -> int:
        return self.quantity - self.quantity_refunded

    @property
    def quantity_unshipped(self) -> int:
        return self.quantity - self.quantity_shipped


@dataclass
class OrderAddress:
    """A shipping address of an order (BigCommerce's "order address"): where items go, at what cost."""

    id: int
    order_id: int
    address: Address
    shipping_method: str = "Flat Rate"
    cost_ex_tax: Decimal = ZERO
    cost_inc_tax: Decimal = ZERO
    handling_cost_ex_tax: Decimal = ZERO
    handling_cost_inc_tax: Decimal = ZERO
    shipping_refunded: Decimal = ZERO
    handling_refunded: Decimal = ZERO
    form_fields: list[dict[str, Any]] = field(default_factory=list)
    """Custom form fields (orders.v2 `formFields`: `{name, value}`), as an address edit sent them."""


@dataclass(frozen=True)
class PaymentProvider:
    """How an order was paid; decides the refund methods a quote offers."""

    provider_id: str
    description: str
    offline: bool = False


@dataclass
class Order:
    id: int
    customer_id: int
    status_id: int
    date_created: datetime
    date_modified: datetime
    billing_address: Address
    products: list[OrderProduct] = field(default_factory=list)
    shipping_addresses: list[OrderAddress] = field(default_factory=list)
    date_shipped: datetime | None = None
    currency_code: str = "USD"
    """The transactional currency (the shopper paid in it); display currency is the same in the sandbox."""
    store_default_currency_code: str = "USD"
    store_default_to_transactional_exchange_rate: Decimal = Decimal("1")
    is_tax_inclusive_pricing: bool = False
    discount_amount: Decimal = ZERO
    payment_method: str = "Credit Card"
    payment_provider: PaymentProvider = field(
        default_factory=lambda: PaymentProvider("braintree", "Braintree (Credit Card)")
    )
    payment_provider_id: str = ""
    payment_status: str = "captured"
    staff_notes: str | None = ""
    customer_message: str | None = ""
    """None (answered `null`) for orders created through the API without one: api-specs PR #245."""
    cart_id: str | None = ""
    channel_id: int = 1
    order_source: str = "www"
    external_source: str | None = None
    ip_address: str = ""
    customer_locale: str = "en"
    is_deleted: bool = False
    decline_refunds: bool = False
    """Sandbox knob: refund payments on this order come back declined (`is_declined: true`)."""

    @property
    def subtotal_ex_tax(self) -> Decimal:
        return sum((p.total_ex_tax for p in self.products), ZERO)

    @property
    def subtotal_inc_tax(self) -> Decimal:
        return sum((p.total_inc_tax for p in self.products), ZERO)

    @property
    def shipping_cost_ex_tax(self) -> Decimal:
        return sum((a.cost_ex_tax for a in self.shipping_addresses), ZERO)

    @property
    def shipping_cost_inc_tax(self) -> Decimal:
        return sum((a.cost_inc_tax for a in self.shipping_addresses), ZERO)

    @property
    def handling_cost_ex_tax(self) -> Decimal:
        return sum((a.handling_cost_ex_tax for a in self.shipping_addresses), ZERO)

    @property
    def handling_cost_inc_tax(self) -> Decimal:
        return sum((a.handling_cost_inc_tax for a in self.shipping_addresses), ZERO)

    @property
    def total_ex_tax(self) -> Decimal:
        return (
            self.subtotal_ex_tax
            + self.shipping_cost_ex_tax
            + self.handling_cost_ex_tax
            - self.discount_amount
        )

    @property
    def total_inc_tax(self) -> Decimal:
        return (
            self.subtotal_inc_tax
            + self.shipping_cost_inc_tax
            + self.handling_cost_inc_tax
            - self.discount_amount
        )

    @property
    def items_total(self) -> int:
        return sum(p.quantity for p in self.products)

    @property
    def items_shipped(self) -> int:
        return sum(p.quantity_shipped for p in self.products)

    @property
    def status(self) -> str:
        return ORDER_STATUSES[self.status_id][0]

    def product(self, order_product_id: int) -> OrderProduct | None:
        return next((p for p in self.products if p.id == order_product_id), None)

    def address(self, order_address_id: int) -> OrderAddress | None:
        return next((a for a in self.shipping_addresses if a.id == order_address_id), None)


@dataclass
class ShipmentItem:
    order_product_id: int
    product_id: int
    quantity: int


@dataclass
class Shipment:
    id: int
    order_id: int
    customer_id: int
    order_address_id: int
    date_created: datetime
    items: list[ShipmentItem]
    tracking_number: str = ""
    tracking_carrier: str = ""
    tracking_link: str = ""
    shipping_method: str = ""
    shipping_provider: str = ""
    comments: str | None = ""
    """None (answered `null`) when created without comments (KNOWN_DEVIATIONS `sandbox-nulls`)."""
    merchant_shipping_cost: Decimal = ZERO


@dataclass
class RefundItem:
    item_type: str
    item_id: int
    quantity: int | None
    requested_amount: Decimal | None
    reason: str = ""


@dataclass
class RefundPayment:
    id: int
    provider_id: str
    amount: Decimal
    offline: bool
    is_declined: bool = False
    declined_message: str = ""
    transaction_id: str = ""


@dataclass
class Refund:
    id: int
    order_id: int
    created: datetime
    total_amount: Decimal
    total_tax: Decimal
    items: list[RefundItem]
    payments: list[RefundPayment]
    reason: str = ""
    user_id: int = 0
    uses_merchant_override_values: bool = False

    @property
    def is_declined(self) -> bool:
        """A refund with a declined payment moves no money at all (the sandbox settles all or nothing)."""
        return any(p.is_declined for p in self.payments)

    @property
    def settled_amount(self) -> Decimal:
        """What went back to the shopper."""
        return ZERO if self.is_declined else self.total_amount


@dataclass
class CouponCode:
    id: int
    promotion_id: int
    code: str
    created: datetime
    max_uses: int = 0
    max_uses_per_customer: int = 0
    current_uses: int = 0


@dataclass
class Promotion:
    """A promotion as created through `POST /v3/promotions`; `body` keeps the draft's own fields."""

    id: int
    name: str
    redemption_type: str
    body: dict[str, Any]
    start_date: datetime
    coupon_type: str = "SINGLE"
    status: str = "ENABLED"
    current_uses: int = 0


@dataclass
class StoreInfo:
    """What `GET /v2/store` answers (a subset of BigCommerce's fields, with plausible values)."""

    name: str = "Sandbox Outfitters"
    domain: str = "sandbox-outfitters.example.com"
    secure_url: str = "https://sandbox-outfitters.example.com"
    control_panel_base_url: str = "https://store-sandbox.mybigcommerce.com"
    currency: str = "USD"
    currency_symbol: str = "$"
    decimal_separator: str = "."
    thousands_separator: str = ","
    decimal_places: int = 2
    currency_symbol_location: str = "left"
    language: str = "en"
    timezone_name: str = "America/Los_Angeles"
    country: str = "United States"
    country_code: str = "US"
    admin_email: str = "owner@sandbox-outfitters.example.com"
    order_email: str = "orders@sandbox-outfitters.example.com"
    phone: str = "+1 415 555 0199"
