"""BigCommerce payloads as pydantic models: what the client reads and what it sends.

Reading: unknown fields are ignored (BigCommerce adds fields freely); values (money, dates, text,
counts) are read as `values` says: money an exact `Decimal`, dates timezone-aware, v2's `""` for
"not yet" `None`. Records the adaptor shows are lenient (`lenient`): a field of an unexpected type
costs that field, never the record.

Absent and `null` (the OpenAPI files require almost nothing, and real answers carry `null`, e.g.
`customer_message` of orders created through the API): a text, count or flag field reads `null` as
its default (`Text` -> `""`, `Count` -> 0, `Flag` -> False); a money or date field the adaptor can do
without is `None`. The fields a model declares without a default are the ones the adaptor cannot do
without (an order's `id`): an answer item lacking one is unusable. Lists of a read skip such items,
logged and counted (`skipped_unusable`), instead of failing whole; the client does the same for the
lists it reads, except where skipping could repeat a money movement (refunds).

Sending: request models forbid unknown fields (a typo must not silently drop a refund line).
Each API wants money in its own spelling: v3 refunds take JSON numbers, v2 orders and v3
promotions take strings. `Decimal` fields are sent as exact JSON numbers by `encode_json`;
`MoneyString` fields are sent as strings. Neither ever passes through `float`.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from gladly_bigcommerce.bigcommerce.lenient import Lenient, later, reading
from gladly_bigcommerce.bigcommerce.values import (
    Count,
    Flag,
    IsoDatetime,
    Money,
    MoneyString,
    OptionalMoney,
    OptionalTimestamp,
    Rfc2822Datetime,
    Text,
    Timestamp,
    default_if_null,
    encode_json,
    format_rfc2822,
    money_value,
)
from gladly_bigcommerce.observability import count

_M = TypeVar("_M", bound=BaseModel)

logger = logging.getLogger(__name__)


def skipped_unusable(what: str, skipped: int, total: int, where: Collection[str] = ()) -> None:
    """Log and count items of a BigCommerce list that lack what the adaptor needs (once the answer
    in progress is read: `lenient.later`).

    Only field names are logged, never values (they may be personal data).
    """
    at = f" (at {', '.join(sorted(where)[:5])})" if where else ""

    def report() -> None:
        logger.warning("bigcommerce %s list: skipped %d unusable item(s) of %d%s", what, skipped, total, at)
        count("UpstreamItemsSkipped", skipped)

    later(report)


def usable_items(model: type[_M], items: list[Any]) -> list[_M]:
    """The items of a list that `model` can read; the others are skipped (logged and counted), and
    the fields a lenient model left out of the items it read are logged and counted (`lenient`)."""
    return reading(model.__name__, lambda: _usable_items(model, items))


def _usable_items(model: type[_M], items: list[Any]) -> list[_M]:
    usable: list[_M] = []
    where: set[str] = set()
    for item in items:
        try:
            usable.append(model.model_validate(item))
        except ValidationError as exc:
            where.update(".".join(str(part) for part in error["loc"]) for error in exc.errors())
    if len(usable) < len(items):
        skipped_unusable(model.__name__, len(items) - len(usable), len(items), where)
    return usable


def _usable(model: type[BaseModel]) -> BeforeValidator:
    """A nested list where an unusable item is skipped, not fatal to the whole answer; `null` is empty."""

    def read(value: Any) -> Any:
        if value is None:
            return []
        return usable_items(model, value) if isinstance(value, list) else value

    return BeforeValidator(read)


def _empty_if_null(value: Any) -> Any:
    return [] if value is None else value


def _number_as_text(value: Any) -> Any:
    """An id the files type as "string or number" (a payment provider's), kept as its text."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value) if isinstance(value, int) else value


def _ints_only(value: Any) -> Any:
    """The integers of a list (the customers file leaves the type of a channel id open)."""
    if not isinstance(value, list):
        return value
    return [item for item in value if isinstance(item, int) and not isinstance(item, bool)]


class ApiModel(BaseModel):
    """A model read from BigCommerce: tolerant of fields it does not know."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class RecordModel(ApiModel, Lenient):
    """A record the adaptor shows (customers, addresses, orders, their lines and shipments): a field
    it cannot read is left out, never the record (`lenient`)."""


class RequestModel(BaseModel):
    """A model sent to BigCommerce: strict, so that a misspelt field is an error, not a silent drop.

    Built at first use, not at import: only the action functions (and fixtures) send any, and the
    lookup function's cold start should not pay for them.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)


class ActionApiModel(ApiModel):
    """A model read from BigCommerce by the action functions only (refunds, promotions): built at
    first use, like `RequestModel`."""

    model_config = ConfigDict(defer_build=True)


def _refundable_amount(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError("amount must be a non-negative number")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("amount must have at most 2 decimal places")
    return value


# What v3 refunds accept: a non-negative amount rounded to cents, sent as a JSON number.
RefundAmount = Annotated[Decimal, BeforeValidator(money_value), AfterValidator(_refundable_amount)]


# --- customers (v3) ----------------------------------------------------------------------------


class CustomerAddress(RecordModel):
    id: int
    customer_id: int | None = None
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    address1: Text = ""
    address2: Text = ""
    city: Text = ""
    state_or_province: Text = ""
    postal_code: Text = ""
    country: Text = ""
    country_code: Text = ""
    phone: Text = ""
    address_type: str | None = None


class StoreCreditAmount(RecordModel):
    amount: OptionalMoney = None


class Customer(RecordModel):
    id: int
    email: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    phone: Text = ""
    notes: Text = ""
    customer_group_id: Count = 0
    date_created: OptionalTimestamp = None
    date_modified: OptionalTimestamp = None
    origin_channel_id: int | None = None
    channel_ids: Annotated[list[int] | None, BeforeValidator(_ints_only)] = None
    addresses: Annotated[list[CustomerAddress], _usable(CustomerAddress)] = Field(default_factory=list)
    store_credit_amounts: Annotated[list[StoreCreditAmount], _usable(StoreCreditAmount)] = Field(
        default_factory=list
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def store_credit(self) -> Decimal:
        """Total store credit (BigCommerce lists one amount per credit entry)."""
        return sum((credit.amount for credit in self.store_credit_amounts if credit.amount), Decimal(0))


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


# --- orders (v2) -------------------------------------------------------------------------------


class _PostalFields(BaseModel):
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


class PostalAddress(_PostalFields, Lenient):
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

    id: Annotated[str | None, BeforeValidator(_number_as_text)] = None
    amount: OptionalMoney = None
    name: Text = ""
    code: Text = ""
    target: Text = ""


class OrderProduct(RecordModel):
    """An order line. Without its id and quantity a line can be neither shown nor refunded."""

    id: int
    order_id: int | None = None
    product_id: Count = 0
    variant_id: int | None = None
    order_address_id: int | None = None
    name: Text = ""
    sku: Text = ""
    type: Annotated[str, default_if_null("physical")] = "physical"
    quantity: int
    quantity_shipped: Count = 0
    quantity_refunded: Count = 0
    is_refunded: Flag = False
    base_price: OptionalMoney = None
    price_ex_tax: OptionalMoney = None
    price_inc_tax: OptionalMoney = None
    price_tax: OptionalMoney = None
    total_ex_tax: OptionalMoney = None
    total_inc_tax: OptionalMoney = None
    total_tax: OptionalMoney = None
    discounted_total_inc_tax: OptionalMoney = None
    image_url: str | None = None
    product_options: Annotated[list[OrderProductOption], _usable(OrderProductOption)] = Field(
        default_factory=list
    )
    applied_discounts: Annotated[list[AppliedDiscount], _usable(AppliedDiscount)] = Field(
        default_factory=list
    )
    # A bundle's or pick list's child line names its parent line; the child is part of what the
    # parent's shopper bought (orders.v2 `orderProducts` example: a pick-list child at $0).
    parent_order_product_id: int | None = None
    is_bundled_product: Flag = False
    gift_certificate_id: int | None = None
    order_pickup_method_id: Count = 0


def _expanded_line_items(value: Any) -> Any:
    """Keep line items only when they are full products, not `{url, resource}` links; skip unusable ones."""
    if value is None:
        return []
    if isinstance(value, list):
        products = [item for item in value if not (isinstance(item, dict) and "resource" in item)]
        return usable_items(OrderProduct, products)
    return value


class ShippingConsignment(PostalAddress):
    """A shipping consignment from `include=consignments.line_items&consignment_structure=object`."""

    id: int | None = None
    shipping_method: Text = ""
    items_total: Count = 0
    items_shipped: Count = 0
    base_cost: OptionalMoney = None
    cost_ex_tax: OptionalMoney = None
    cost_inc_tax: OptionalMoney = None
    cost_tax: OptionalMoney = None
    handling_cost_inc_tax: OptionalMoney = None
    shipping_zone_name: Text = ""
    line_items: Annotated[list[OrderProduct], BeforeValidator(_expanded_line_items)] = Field(
        default_factory=list
    )


class OrderConsignments(RecordModel):
    shipping: Annotated[list[ShippingConsignment], _usable(ShippingConsignment)] = Field(default_factory=list)


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
    subtotal_ex_tax: OptionalMoney = None
    subtotal_inc_tax: OptionalMoney = None
    total_ex_tax: OptionalMoney = None
    total_inc_tax: OptionalMoney = None
    total_tax: OptionalMoney = None
    shipping_cost_ex_tax: OptionalMoney = None
    shipping_cost_inc_tax: OptionalMoney = None
    handling_cost_inc_tax: OptionalMoney = None
    currency_code: Text = ""
    default_currency_code: str | None = None
    items_total: Count = 0
    items_shipped: Count = 0
    payment_method: Text = ""
    payment_status: Text = ""
    payment_provider_id: Annotated[str | None, BeforeValidator(_number_as_text)] = None
    billing_address: PostalAddress | None = None
    refunded_amount: OptionalMoney = None
    store_credit_amount: OptionalMoney = None
    gift_certificate_amount: OptionalMoney = None
    discount_amount: OptionalMoney = None
    coupon_discount: OptionalMoney = None
    customer_message: Text = ""
    staff_notes: Text = ""
    channel_id: int | None = None
    order_source: Text = ""
    is_deleted: Flag = False
    consignments: Annotated[OrderConsignments | None, BeforeValidator(_consignments)] = None

    @property
    def is_guest(self) -> bool:
        """Guest orders belong to no customer record (found only by billing email)."""
        return self.customer_id == 0


class ShippingAddress(PostalAddress):
    """`GET /v2/orders/{id}/shipping_addresses` item: where (and how) part of an order ships."""

    id: int
    order_id: int | None = None
    shipping_method: Text = ""
    items_total: Count = 0
    items_shipped: Count = 0
    base_cost: OptionalMoney = None
    cost_ex_tax: OptionalMoney = None
    cost_inc_tax: OptionalMoney = None
    cost_tax: OptionalMoney = None
    shipping_zone_name: Text = ""


class ShipmentItem(RecordModel):
    order_product_id: int
    product_id: int | None = None
    quantity: int


class Shipment(RecordModel):
    id: int
    order_id: int | None = None
    customer_id: int | None = None
    order_address_id: int | None = None
    date_created: OptionalTimestamp = None
    tracking_number: Text = ""
    tracking_carrier: Text = ""
    tracking_link: Text = ""
    generated_tracking_link: Text = ""
    shipping_method: Text = ""
    shipping_provider: Text = ""
    shipping_provider_display_name: Text = ""
    comments: Text = ""
    shipping_address: PostalAddress | None = None
    items: Annotated[list[ShipmentItem], _usable(ShipmentItem)] = Field(default_factory=list)


class OrderStatus(ActionApiModel):
    id: int
    name: Text = ""
    system_label: Text = ""
    custom_label: Text = ""
    system_description: Text = ""


class OrderAddressCreate(_PostalFields):
    model_config = ConfigDict(extra="forbid")

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


# --- refunds (v3 payment actions) --------------------------------------------------------------

RefundItemType = Literal["PRODUCT", "GIFT_WRAPPING", "SHIPPING", "HANDLING", "ORDER", "TAX", "FEE"]
_QUANTITY_BOUND = ("PRODUCT", "GIFT_WRAPPING")


class RefundItem(RequestModel):
    """One line of a refund quote or refund.

    PRODUCT and GIFT_WRAPPING lines are bound by `quantity` (item_id = order product id); the others by
    `amount` (SHIPPING/HANDLING: item_id = order address id; ORDER: item_id = order id).
    """

    item_type: RefundItemType
    item_id: int
    quantity: int | None = Field(default=None, gt=0)
    amount: RefundAmount | None = None
    reason: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _bound_by_quantity_or_amount(self) -> RefundItem:
        if self.item_type in _QUANTITY_BOUND:
            if self.quantity is None or self.amount is not None:
                raise ValueError(f"{self.item_type} refund items take a quantity and no amount")
        elif self.amount is None or self.quantity is not None:
            raise ValueError(f"{self.item_type} refund items take an amount and no quantity")
        return self


class RefundPayment(RequestModel):
    """How much of a refund goes back through one payment provider (from the quote's refund methods)."""

    provider_id: str = Field(min_length=1)
    amount: RefundAmount
    offline: bool = False


class RefundMethodPayment(ActionApiModel):
    provider_id: str
    provider_description: Text = ""
    amount: Money
    offline: Flag = False
    offline_provider: Flag = False
    offline_reason: Text = ""


def _usable_refund_methods(value: Any) -> Any:
    """Refund methods whose every payment names its provider and amount; a method with an unusable
    payment is skipped whole (paying only part of a split would refund less than quoted)."""
    if value is None:
        return []
    if not isinstance(value, list):
        return value
    usable = []
    for method in value:
        try:
            usable.append([RefundMethodPayment.model_validate(payment) for payment in method or ()])
        except (ValidationError, TypeError):
            continue
    if len(usable) < len(value):
        skipped_unusable("RefundMethod", len(value) - len(usable), len(value))
    return usable


class RefundQuote(ActionApiModel):
    """What a refund would return. Without its total a quote says nothing: it is required."""

    order_id: int | None = None
    total_refund_amount: Money
    total_refund_tax_amount: Annotated[Money, default_if_null(Decimal(0))] = Decimal(0)
    order_level_refund_amount: OptionalMoney = None
    rounding: Annotated[Money, default_if_null(Decimal(0))] = Decimal(0)
    adjustment: Annotated[Money, default_if_null(Decimal(0))] = Decimal(0)
    tax_inclusive: bool | None = None
    # Each inner list is one way to pay the refund back (possibly split across providers).
    refund_methods: Annotated[list[list[RefundMethodPayment]], BeforeValidator(_usable_refund_methods)] = (
        Field(default_factory=list)
    )


class RefundedItem(ActionApiModel):
    """A line of a refund: refunded quantities are counted from these (an unknown kind counts as none)."""

    item_type: Text = ""
    item_id: Count = 0
    quantity: int | None = None
    requested_amount: OptionalMoney = None
    reason: Text = ""


class RefundPaymentResult(ActionApiModel):
    id: int | None = None
    provider_id: Text = ""
    amount: Money
    offline: Flag = False
    is_declined: Flag = False
    declined_message: Text = ""


class Refund(ActionApiModel):
    """A refund made on an order. Refund lists are read whole or not at all (the client does not skip
    unusable refunds): what is left to refund, and whether an earlier attempt went through, are
    worked out from every refund, so each needs its id, its total and every payment's amount."""

    id: int
    order_id: int | None = None
    user_id: int | None = None
    reason: Text = ""
    total_amount: Money
    total_tax: Annotated[Money, default_if_null(Decimal(0))] = Decimal(0)
    created: OptionalTimestamp = None
    items: Annotated[list[RefundedItem], BeforeValidator(_empty_if_null)] = Field(default_factory=list)
    payments: Annotated[list[RefundPaymentResult], BeforeValidator(_empty_if_null)] = Field(
        default_factory=list
    )


# --- promotions (v3) ---------------------------------------------------------------------------


class FixedDiscount(RequestModel):
    fixed_amount: MoneyString


class PercentageDiscount(RequestModel):
    percentage_amount: MoneyString


class CartValueAction(RequestModel):
    discount: FixedDiscount | PercentageDiscount
    maximum_allowed_discount_amount: MoneyString | None = None


class ShippingAction(RequestModel):
    zone_ids: Literal["*"] | list[int] = "*"
    free_shipping: bool | None = None


class PromotionAction(RequestModel):
    """Exactly one of the supported actions: a discount on the cart value or on shipping."""

    cart_value: CartValueAction | None = None
    shipping: ShippingAction | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> PromotionAction:
        if (self.cart_value is None) == (self.shipping is None):
            raise ValueError("a promotion action is either cart_value or shipping")
        return self


class CartCondition(RequestModel):
    minimum_spend: MoneyString | None = None
    minimum_quantity: int | None = None


class PromotionCondition(RequestModel):
    cart: CartCondition


class PromotionRule(RequestModel):
    action: PromotionAction
    apply_once: bool = True
    stop: bool | None = None
    condition: PromotionCondition | None = None


class PromotionChannel(RequestModel):
    id: int


class PromotionCustomer(RequestModel):
    group_ids: list[int] | None = None
    excluded_group_ids: list[int] | None = None
    minimum_order_count: int | None = None


class PromotionCreate(RequestModel):
    """`POST /v3/promotions`: a coupon promotion whose codes are added with `create_promotion_code`."""

    name: str = Field(min_length=1)
    rules: list[PromotionRule] = Field(min_length=1)
    redemption_type: Literal["COUPON", "AUTOMATIC"] = "COUPON"
    display_name: str | None = None
    status: Literal["ENABLED", "DISABLED"] = "ENABLED"
    max_uses: int | None = None
    start_date: IsoDatetime | None = None
    end_date: IsoDatetime | None = None
    currency_code: str | None = None
    channels: list[PromotionChannel] | None = None
    customer: PromotionCustomer | None = None
    can_be_used_with_other_promotions: bool | None = None
    coupon_type: Literal["SINGLE", "BULK"] | None = None


class Promotion(ActionApiModel):
    id: int
    name: Text = ""
    redemption_type: Text = ""
    display_name: str | None = None
    status: str | None = None
    current_uses: int = 0
    max_uses: int | None = None
    start_date: OptionalTimestamp = None
    end_date: OptionalTimestamp = None
    currency_code: str | None = None
    coupon_type: str | None = None
    rules: Annotated[list[dict[str, Any]], BeforeValidator(_empty_if_null)] = Field(default_factory=list)


class PromotionCode(ActionApiModel):
    id: int
    code: str
    current_uses: Count = 0
    max_uses: Count = 0
    max_uses_per_customer: Count = 0
    created: OptionalTimestamp = None


class PromotionCodeCreate(RequestModel):
    code: str = Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9_ \-]+$")
    max_uses: int | None = Field(default=None, ge=0)
    max_uses_per_customer: int | None = Field(default=None, ge=0)


# --- catalog (v3) ------------------------------------------------------------------------------


def _object_or_none(value: Any) -> Any:
    """A product without images may answer its `primary_image` as null, `{}` or `[]`: all mean none."""
    return value if isinstance(value, dict) and value else None


class ProductImage(ApiModel):
    """A catalog product image, in the sizes BigCommerce renders it (`""` when a size is missing)."""

    url_thumbnail: Text = ""
    url_standard: Text = ""
    url_tiny: Text = ""
    url_zoom: Text = ""

    @property
    def card_url(self) -> str | None:
        """The URL for a product beside an order line: the thumbnail, else the standard size.

        Gladly shows the image small, next to the line item; the thumbnail (category-page size) is
        made for that and is the smaller download. The standard (product-page) size is the fallback.
        """
        return self.url_thumbnail.strip() or self.url_standard.strip() or None


class CatalogProduct(ApiModel):
    """`GET /v3/catalog/products?include=primary_image` item: only what the lookup reads."""

    id: int
    primary_image: Annotated[ProductImage | None, BeforeValidator(_object_or_none)] = None


# --- customer groups (v2) ---------------------------------------------------------------------


class CustomerGroup(ApiModel):
    """`GET /v2/customer_groups` item: the group a customer's `customer_group_id` names.

    Only what the lookup reads; BigCommerce also answers category access and discount rules.
    """

    id: int
    name: Text = ""
    is_default: Flag = False
    is_group_for_guests: Flag = False


# --- store information (v2) --------------------------------------------------------------------


class StoreTimeZone(ApiModel):
    name: Text = ""
    raw_offset: int | None = None


class StoreInfo(ApiModel):
    id: str | None = None
    name: Text = ""
    domain: Text = ""
    secure_url: Text = ""
    control_panel_base_url: str | None = None
    status: str | None = None
    country: Text = ""
    country_code: Text = ""
    language: Text = ""
    currency: Text = ""
    currency_symbol: Text = ""
    currency_symbol_location: Text = ""
    decimal_separator: Annotated[str, default_if_null(".")] = "."
    thousands_separator: Annotated[str, default_if_null(",")] = ","
    decimal_places: Annotated[int, default_if_null(2)] = 2
    timezone: StoreTimeZone | None = None
    default_channel_id: int | None = None


__all__ = [
    "ApiModel",
    "AppliedDiscount",
    "CartCondition",
    "CartValueAction",
    "CatalogProduct",
    "Count",
    "Customer",
    "CustomerAddress",
    "CustomerAddressCreate",
    "CustomerCreate",
    "CustomerGroup",
    "FixedDiscount",
    "Flag",
    "Money",
    "MoneyString",
    "OptionalMoney",
    "OptionalTimestamp",
    "Order",
    "OrderAddressCreate",
    "OrderConsignments",
    "OrderCreate",
    "OrderProduct",
    "OrderProductCreate",
    "OrderProductOption",
    "OrderShippingAddressCreate",
    "OrderStatus",
    "PercentageDiscount",
    "PostalAddress",
    "ProductImage",
    "Promotion",
    "PromotionAction",
    "PromotionChannel",
    "PromotionCode",
    "PromotionCodeCreate",
    "PromotionCondition",
    "PromotionCreate",
    "PromotionCustomer",
    "PromotionRule",
    "RecordModel",
    "Refund",
    "RefundItem",
    "RefundItemType",
    "RefundMethodPayment",
    "RefundPayment",
    "RefundPaymentResult",
    "RefundQuote",
    "RefundedItem",
    "RequestModel",
    "Shipment",
    "ShipmentCreate",
    "ShipmentItem",
    "ShipmentItemCreate",
    "ShippingAction",
    "ShippingAddress",
    "ShippingConsignment",
    "StoreCreditAmount",
    "StoreCreditCreate",
    "StoreInfo",
    "StoreTimeZone",
    "Text",
    "Timestamp",
    "encode_json",
    "format_rfc2822",
    "skipped_unusable",
    "usable_items",
]
