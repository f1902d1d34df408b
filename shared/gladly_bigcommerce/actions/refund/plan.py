"""Planning a refund: what the agent asked for, checked against what is left and against BigCommerce's
quote, and the refund method that pays it back. Nothing is written here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.fields import SubmittedForm
from gladly_bigcommerce.actions.refund.amounts import (
    ZERO,
    QuotedRefund,
    RefundableOrder,
    RefundMethod,
    default_method,
    quote_items,
    refund_methods,
)
from gladly_bigcommerce.actions.refund.form import (
    AMOUNT,
    PAYMENT_METHOD,
    SCOPE,
    SCOPE_EVERYTHING,
    SCOPE_ITEMS,
    SCOPE_SHIPPING,
)
from gladly_bigcommerce.bigcommerce.errors import ValidationFailed
from gladly_bigcommerce.bigcommerce.models import RefundItem
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

_ITEM_FIELD_ERROR = re.compile(r"^items\.(\d+)")

ChosenItems = tuple[list[RefundItem], list[str]]
"""Refund items and, for each, the form field it came from."""


# --- planning: what the agent asked for, checked against what is left -----------------------------------


def plan_refund(
    context: ActionContext, refundable: RefundableOrder, everything: QuotedRefund, form: SubmittedForm
) -> QuotedRefund:
    """The quoted refund for the agent's choice (``everything`` is the quote of all that is left); 400 on
    the field that asks for more than BigCommerce will refund."""
    scope = form.choice(SCOPE)
    if scope == SCOPE_EVERYTHING:
        refuse_adjusted_quote(context, refundable, everything, [SCOPE], asked=refundable.money_left)
        return everything
    if scope == SCOPE_ITEMS:
        items, attrs = _chosen_items(refundable, form)
    elif scope == SCOPE_SHIPPING:
        items, attrs = _chosen_shipping(refundable, form)
    else:
        items, attrs = _custom_amount(refundable, form)
    try:
        planned = quote_items(context.client, refundable, items, deadline=context.deadline)
    except ValidationFailed as error:
        # BigCommerce caps over-refund quotes (below); a store that refuses one instead still gets a 400.
        raise _quote_refusal(error, attrs) from error
    asked = None if scope == SCOPE_ITEMS else sum((item.amount or ZERO for item in items), ZERO)
    refuse_adjusted_quote(context, refundable, planned, attrs, asked=asked)
    return planned


def refuse_adjusted_quote(
    context: ActionContext,
    refundable: RefundableOrder,
    planned: QuotedRefund,
    attrs: list[str],
    *,
    asked: Decimal | None,
) -> None:
    """400 on the field at fault when BigCommerce's quote is not what the agent asked for.

    BigCommerce answers a quote for more than is left with the total it can refund and a negative
    ``adjustment`` (orders.v3 ``AdjustmentAmount``; api-specs PR #293), not with an error. Refunding
    that quote would refund less than the agent chose while reporting what was chosen, so a quote
    with any adjustment, or whose total differs from the amount ``asked`` (None: quantities were
    asked, not money), is refused and nothing is sent.
    """
    if planned.adjustment == ZERO and (asked is None or planned.total == asked):
        return
    requested = planned.requested if asked is None else asked
    attr = attrs[0] if len(attrs) == 1 else _field_at_fault(context, refundable, planned.items, attrs)
    total, wanted = refundable.money(planned.total), refundable.money(requested)
    if planned.total < requested:
        raise BadRequest.of(
            "exceeds_remaining",
            f"BigCommerce can refund only {total} of the {wanted} asked for: that is what is left. "
            "Nothing was refunded; ask for less.",
            attr=attr,
        )
    raise BadRequest.of(
        "quote_differs",
        f"BigCommerce quotes {total} for the {wanted} asked for. Nothing was refunded; check the amount.",
        attr=attr,
    )


def _field_at_fault(
    context: ActionContext, refundable: RefundableOrder, items: Sequence[RefundItem], attrs: list[str]
) -> str:
    """Which of several fields BigCommerce would not quote as asked: each item is quoted alone (quotes
    change nothing). The first field when only their sum is too much."""
    for item, attr in zip(items, attrs, strict=True):
        try:
            alone = quote_items(context.client, refundable, [item], deadline=context.deadline)
        except ValidationFailed:
            return attr
        if alone.adjustment != ZERO or (item.amount is not None and alone.total != item.amount):
            return attr
    return attrs[0]


def _chosen_items(refundable: RefundableOrder, form: SubmittedForm) -> ChosenItems:
    """The lines with a quantity (each at most what is left of it: the fields' readers checked that)."""
    chosen = [(line, form.count(line.attr) or 0) for line in refundable.lines]
    items = [
        RefundItem(item_type="PRODUCT", item_id=line.product.id, quantity=quantity)
        for line, quantity in chosen
        if quantity > 0
    ]
    if not items:
        first = refundable.lines[0].attr if refundable.lines else SCOPE
        raise BadRequest.of("missing", "Enter how many of at least one item to refund.", attr=first)
    return items, [line.attr for line, quantity in chosen if quantity > 0]


def _chosen_shipping(refundable: RefundableOrder, form: SubmittedForm) -> ChosenItems:
    chosen = [(shipping, form.number(shipping.attr)) for shipping in refundable.shipping]
    items = [
        RefundItem(item_type="SHIPPING", item_id=shipping.address.id, amount=amount)
        for shipping, amount in chosen
        if amount is not None
    ]
    if not items:
        first = refundable.shipping[0].attr if refundable.shipping else SCOPE
        raise BadRequest.of("missing", "Enter the shipping amount to refund.", attr=first)
    return items, [shipping.attr for shipping, amount in chosen if amount is not None]


def _custom_amount(refundable: RefundableOrder, form: SubmittedForm) -> ChosenItems:
    amount = form.number(AMOUNT)
    assert amount is not None  # the field is required when a custom amount is chosen
    return [refundable.order_amount_item(amount)], [AMOUNT]


def _quote_refusal(error: ValidationFailed, attrs: list[str]) -> BadRequest:
    """BigCommerce refused the quote: flag the field its error points at (items.N -> the Nth field)."""
    attr = attrs[0] if len(attrs) == 1 else SCOPE
    for field in error.field_errors:
        match = _ITEM_FIELD_ERROR.match(field)
        if match and int(match[1]) < len(attrs):
            attr = attrs[int(match[1])]
            break
    title = error.upstream_message or "it cannot be refunded"
    return BadRequest.of("refund_refused", f"BigCommerce refused this refund: {title}.", attr=attr)


def choose_method(refundable: RefundableOrder, planned: QuotedRefund, requested: str | None) -> RefundMethod:
    """The refund method the agent chose (or the default), checked to pay back the whole quote."""
    methods = refund_methods(planned.quote, refundable.order)
    if requested is not None:
        method = next((m for m in methods if m.key == requested), None)
        if method is None:
            raise BadRequest.of(
                "method_not_offered",
                "BigCommerce does not offer this refund method for this refund now; choose another.",
                attr=PAYMENT_METHOD,
            )
    else:
        method = default_method(methods)
        if method is None:
            raise NotAcceptable.of(
                "no_refund_method", "BigCommerce offers no way to pay this refund back to the customer."
            )
    if method.total != planned.total:
        raise BadRequest.of(
            "method_cannot_pay",
            f"{method.name} can pay back {refundable.money(method.total)} of this "
            f"{refundable.money(planned.total)} refund; choose another method or a smaller refund.",
            attr=PAYMENT_METHOD,
        )
    return method
