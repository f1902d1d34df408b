"""Promotions (v3): the coupon promotion and codes the discount action sends and reads."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    model_validator,
)

from gladly_bigcommerce.bigcommerce.models.base import (
    ActionApiModel,
    RequestModel,
    empty_if_null,
)
from gladly_bigcommerce.bigcommerce.values import (
    Count,
    IsoDatetime,
    MoneyString,
    OptionalTimestamp,
    Text,
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
    rules: Annotated[list[dict[str, Any]], BeforeValidator(empty_if_null)] = Field(default_factory=list)


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
