"""Request bodies the sandbox accepts, as pydantic models (the same models back the store's helpers).

Each model honours the fields the sandbox models and ignores the other fields BigCommerce documents
(a customer's password, a notification flag), so a client may send BigCommerce's full payloads.
Money is Decimal: the server parses JSON with `parse_float=Decimal`, and strings such as "5.0000"
(v2 money) are accepted too. Shape errors become `ApiError`s naming each field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from devtools.sandbox.errors import ApiError

Model = TypeVar("Model", bound=BaseModel)
STAFF_NOTES_MAX_BYTES = 65535


def _money() -> Any:
    """A non-negative amount defaulting to 0 (a fresh Field per use)."""
    return Field(default=Decimal("0"), ge=0)


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


def parse_body(model: type[Model], payload: Any, *, status: int) -> Model:
    """Validate `payload` against `model`; a shape error is an `ApiError(status)` naming each field."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        errors = {
            ".".join(str(part) for part in error["loc"]) or "body": error["msg"] for error in exc.errors()
        }
        raise ApiError(status, "JSON data is missing or invalid", errors=errors) from None


# --- customers v3 -------------------------------------------------------------------------------


ChannelIds = Annotated[list[int], Field(min_length=1)]
"""`channel_ids`: "This array cannot be empty" (customers.v3 `createCustomers`); null is global."""


class CustomerAddressIn(_Input):
    first_name: str = Field(min_length=1, max_length=255)
    last_name: str = Field(min_length=1, max_length=255)
    address1: str
    city: str = Field(max_length=100)
    country_code: str = Field(min_length=2, max_length=2)
    address2: str = ""
    company: str = ""
    state_or_province: str = ""
    postal_code: str = ""
    phone: str = Field(default="", max_length=50)
    address_type: Literal["residential", "commercial"] = "residential"


class StoreCreditIn(_Input):
    amount: Decimal = Field(ge=0)


class AttributeIn(_Input):
    attribute_id: int
    attribute_value: str = Field(max_length=255)


class FormFieldIn(_Input):
    name: str
    value: str | Decimal | int | list[str]


class CustomerCreateIn(_Input):
    email: str = Field(min_length=3, max_length=250)
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    company: str = ""
    phone: str = Field(default="", max_length=50)
    notes: str = ""
    tax_exempt_category: str = ""
    customer_group_id: int = 0
    addresses: list[CustomerAddressIn] = Field(default_factory=list, max_length=10)
    attributes: list[AttributeIn] = Field(default_factory=list, max_length=10)
    store_credit_amounts: list[StoreCreditIn] = Field(default_factory=list)
    form_fields: list[FormFieldIn] = Field(default_factory=list)
    accepts_product_review_abandoned_cart_emails: bool = False
    origin_channel_id: int = 1
    channel_ids: ChannelIds | None = None

    @model_validator(mode="after")
    def _email_has_at(self) -> CustomerCreateIn:
        if "@" not in self.email:
            raise ValueError("email must be an email address")
        return self


class CustomerUpdateIn(_Input):
    """`PUT /v3/customers`, one item: `id` and the fields to change (those sent, `model_fields_set`)."""

    id: int
    email: str = Field(default="", min_length=3, max_length=255)
    first_name: str = Field(default="", min_length=1, max_length=100)
    last_name: str = Field(default="", min_length=1, max_length=100)
    company: str = Field(default="", max_length=255)
    phone: str = Field(default="", max_length=50)
    notes: str = ""
    tax_exempt_category: str = Field(default="", max_length=255)
    customer_group_id: int = Field(default=0, ge=0)
    accepts_product_review_abandoned_cart_emails: bool = False
    store_credit_amounts: list[StoreCreditIn] = Field(default_factory=list)
    channel_ids: ChannelIds | None = None

    @model_validator(mode="after")
    def _email_has_at(self) -> CustomerUpdateIn:
        if "email" in self.model_fields_set and "@" not in self.email:
            raise ValueError("email must be an email address")
        return self


class PrivacySettingsIn(_Input):
    ask_shopper_for_tracking_consent: bool | None = None
    ask_shopper_for_tracking_consent_on_checkout: bool | None = None
    policy_url: str | None = None


class CustomerGroupSettingsIn(_Input):
    guest_customer_group_id: int | None = Field(default=None, ge=0)
    default_customer_group_id: int | None = Field(default=None, ge=0)


class CustomerSettingsIn(_Input):
    """`PUT /v3/customers/settings` and, with `allow_global_logins`, its per-channel twin. A member
    sent as `null` removes a channel's override (customers.v3 `updateCustomersSettingsChannel`)."""

    privacy_settings: PrivacySettingsIn = Field(default_factory=PrivacySettingsIn)
    customer_group_settings: CustomerGroupSettingsIn = Field(default_factory=CustomerGroupSettingsIn)
    allow_global_logins: bool | None = None


# --- orders v2 ----------------------------------------------------------------------------------


class AddressIn(_Input):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = Field(min_length=2)
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""


class ShippingAddressIn(AddressIn):
    shipping_method: str = "Flat Rate"


class OrderProductIn(_Input):
    """A catalog product (`product_id`) or a custom product (`name` and both prices)."""

    product_id: int | None = None
    name: str | None = Field(default=None, min_length=1, max_length=250)
    quantity: int = Field(ge=1)
    price_inc_tax: Decimal | None = Field(default=None, ge=0)
    price_ex_tax: Decimal | None = Field(default=None, ge=0)
    sku: str = ""

    @model_validator(mode="after")
    def _catalog_or_custom(self) -> OrderProductIn:
        if self.product_id is None and (
            self.name is None or self.price_inc_tax is None or self.price_ex_tax is None
        ):
            raise ValueError("a custom product needs name, price_inc_tax and price_ex_tax")
        if (
            self.price_inc_tax is not None
            and self.price_ex_tax is not None
            and self.price_inc_tax < self.price_ex_tax
        ):
            raise ValueError("price_inc_tax is lower than price_ex_tax")
        return self


class OrderCreateIn(_Input):
    customer_id: int = Field(default=0, ge=0)
    status_id: int = Field(default=1, ge=0, le=14)
    billing_address: AddressIn
    shipping_addresses: list[ShippingAddressIn] = Field(default_factory=list)
    products: list[OrderProductIn] = Field(min_length=1)
    shipping_cost_ex_tax: Decimal = _money()
    shipping_cost_inc_tax: Decimal = _money()
    handling_cost_ex_tax: Decimal = _money()
    handling_cost_inc_tax: Decimal = _money()
    discount_amount: Decimal = _money()
    default_currency_code: str | None = Field(default=None, min_length=3, max_length=3)
    payment_method: str = "Manual"
    customer_message: str | None = None
    staff_notes: str | None = None
    date_created: str | None = None
    channel_id: int = 1
    external_source: str | None = None
    customer_locale: str = "en"


class OrderUpdateIn(BaseModel):
    """`PUT /v2/orders/{id}`: the sandbox models status, notes and channel; other fields are refused.

    `staff_notes` (orders.v2 maxLength 65535, api-specs PR #598) is counted in UTF-8 bytes, the
    stricter reading (KNOWN_DEVIATIONS `staff-notes-bytes`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    status_id: int | None = Field(default=None, ge=0, le=14)
    staff_notes: str | None = None
    customer_message: str | None = None
    channel_id: int | None = None

    @model_validator(mode="after")
    def _staff_notes_fit(self) -> OrderUpdateIn:
        if self.staff_notes is not None and len(self.staff_notes.encode()) > STAFF_NOTES_MAX_BYTES:
            raise ValueError(f"staff_notes is longer than {STAFF_NOTES_MAX_BYTES} bytes (UTF-8)")
        return self


class ShippingAddressUpdateIn(BaseModel):
    """`PUT /v2/orders/{order_id}/shipping_addresses/{id}` (orders.v2 `shippingAddress_Put`): every
    member optional; a read-only member of the answer (`items_total`, costs, ids) is refused, as the
    operation's 400 example ("The field 'item_total' cannot be written to")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_iso2: str | None = None
    phone: str | None = None
    email: str | None = None
    shipping_method: str | None = None
    form_fields: list[FormFieldIn] | None = None


# --- channels v3 --------------------------------------------------------------------------------


class ChannelCreateIn(_Input):
    """`POST /v3/channels` (channels.v3 `CreateChannelReq`)."""

    name: str = Field(min_length=1)
    type: Literal["pos", "marketplace", "storefront", "marketing"]
    platform: str = Field(min_length=1)
    external_id: str = ""
    is_listable_from_ui: bool = True
    is_visible: bool = True
    status: str | None = None


class SiteIn(_Input):
    """`POST`/`PUT /v3/channels/{id}/site` (`site_Post`, `site_Put`)."""

    url: str = Field(min_length=1)
    channel_id: int | None = None


class ShipmentItemIn(_Input):
    order_product_id: int
    quantity: int = Field(ge=1)


class ShipmentCreateIn(_Input):
    order_address_id: int
    items: list[ShipmentItemIn] = Field(min_length=1)
    tracking_number: str = Field(default="", max_length=50)
    tracking_link: str = Field(default="", max_length=500)
    tracking_carrier: str = ""
    shipping_method: str = ""
    shipping_provider: str = ""
    comments: str | None = Field(default=None, max_length=65535)
    merchant_shipping_cost: Decimal = _money()


# --- refunds v3 ---------------------------------------------------------------------------------

RefundItemType = Literal["PRODUCT", "GIFT_WRAPPING", "SHIPPING", "HANDLING", "ORDER", "TAX", "FEE"]


class RefundItemIn(_Input):
    item_type: RefundItemType
    item_id: int
    quantity: int | None = None
    amount: Decimal | None = None
    reason: str = Field(default="", max_length=1000)


class RefundQuoteIn(_Input):
    items: list[RefundItemIn] = Field(min_length=1)


class RefundPaymentIn(_Input):
    provider_id: str = Field(min_length=1)
    amount: Decimal = Field(gt=0)
    offline: bool = False


class MerchantOverrideIn(_Input):
    total_amount: Decimal = Field(ge=0)
    total_tax: Decimal


class RefundCreateIn(_Input):
    items: list[RefundItemIn] = Field(min_length=1)
    payments: list[RefundPaymentIn] = Field(min_length=1)
    merchant_calculated_override: MerchantOverrideIn | None = None


# --- promotions v3 ------------------------------------------------------------------------------


class ChannelIn(_Input):
    id: int


class PromotionCreateIn(_Input):
    name: str = Field(min_length=1)
    redemption_type: Literal["COUPON", "AUTOMATIC"]
    rules: list[dict[str, Any]] = Field(min_length=1)
    display_name: str = ""
    channels: list[ChannelIn] = Field(default_factory=list)
    customer: dict[str, Any] | None = None
    notifications: list[dict[str, Any]] = Field(default_factory=list)
    status: Literal["ENABLED", "DISABLED"] = "ENABLED"
    start_date: str | None = None
    end_date: str | None = None
    max_uses: int | None = Field(default=None, ge=0)
    currency_code: str | None = None  # the store's default currency (store.create_promotion)
    stop: bool = False
    can_be_used_with_other_promotions: bool = True
    coupon_overrides_other_promotions: bool = False
    coupon_overrides_automatic_when_offering_higher_discounts: bool = False
    coupon_type: Literal["SINGLE", "BULK"] = "SINGLE"
    shipping_address: dict[str, Any] | None = None
    schedule: dict[str, Any] | None = None
    codes: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _rules_have_actions(self) -> PromotionCreateIn:
        if any("action" not in rule for rule in self.rules):
            raise ValueError("every rule needs an action")
        if self.codes is not None:
            raise ValueError(
                "create codes with POST /v3/promotions/{id}/codes (the sandbox takes no inline codes)"
            )
        return self


class CouponCodeCreateIn(_Input):
    code: str
    max_uses: int = Field(default=0, ge=0)
    max_uses_per_customer: int = Field(default=0, ge=0)
