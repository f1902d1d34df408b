"""Refunds (v3 payment actions): refund quotes and refunds read, refund items and payments sent."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    model_validator,
)

from gladly_bigcommerce.bigcommerce.models.base import (
    ActionApiModel,
    RequestModel,
    empty_if_null,
    skipped_unusable,
)
from gladly_bigcommerce.bigcommerce.values import (
    Count,
    Flag,
    Money,
    OptionalMoney,
    OptionalTimestamp,
    Text,
    default_if_null,
    money_value,
)


def _refundable_amount(value: Decimal) -> Decimal:
    if not value.is_finite() or value < 0:
        raise ValueError("amount must be a non-negative number")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("amount must have at most 2 decimal places")
    return value


# What v3 refunds accept: a non-negative amount rounded to cents, sent as a JSON number.
RefundAmount = Annotated[Decimal, BeforeValidator(money_value), AfterValidator(_refundable_amount)]

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
    items: Annotated[list[RefundedItem], BeforeValidator(empty_if_null)] = Field(default_factory=list)
    payments: Annotated[list[RefundPaymentResult], BeforeValidator(empty_if_null)] = Field(
        default_factory=list
    )
