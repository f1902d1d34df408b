"""The refund form: its fields, what the form renders, and so what its submit may carry
(``machinery/fields.py``).

Built from what is left on the order (``RefundableOrder``) and BigCommerce's quote of all of it: the
form (``refund.refund_form``) renders them, and the submit (``refund.submit_refund``) reads its values
against them, built again for the order as it is then. Each line item and shipping address has one
field, ``qty_<order product id>`` and ``shipping_<address id>``; those with nothing left are fields the
form has but does not show. A field belongs to one choice of "What to refund" and must be left empty
(or ``0``) under another.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.fields import (
    Amount,
    Bound,
    ByChoice,
    FormField,
    Unused,
    WholeNumber,
    reason_field,
    select_field,
    text_field,
)
from gladly_bigcommerce.actions.machinery.forms import order_action_form
from gladly_bigcommerce.actions.machinery.numbers import amount_example
from gladly_bigcommerce.actions.orders import OrderActionQuery, load_order, status_label
from gladly_bigcommerce.actions.refund.amounts import (
    QuotedRefund,
    RefundableOrder,
    RefundMethod,
    default_method,
    quantity_attr,
    quote_everything,
    read_refundable,
    refund_methods,
    shipping_attr,
)
from gladly_bigcommerce.gladly.errors import NotAcceptable
from gladly_bigcommerce.gladly.models import ActionForm
from gladly_bigcommerce.settings.model import ActionName

SCOPE = "refund"
SCOPE_EVERYTHING = "everything"
SCOPE_ITEMS = "items"
SCOPE_SHIPPING = "shipping"
SCOPE_AMOUNT = "amount"
AMOUNT = "amount"
PAYMENT_METHOD = "payment_method"
_OTHER_SCOPE = (
    "This field is filled in, but 'What to refund' says otherwise: clear it, or choose the option it "
    "belongs to."
)


def refund_fields(refundable: RefundableOrder, everything: QuotedRefund) -> list[FormField]:
    """The refund form's fields for the order as it is: rendered by the form, read by the submit."""
    return [
        _scope_field(refundable, everything),
        *refund_detail_fields(refundable),
        *payment_method_fields(refund_methods(everything.quote, refundable.order)),
        reason_field(
            "Reason",
            "Required. Recorded with the refund in BigCommerce and in this conversation.",
        ),
    ]


def _scope_field(refundable: RefundableOrder, everything: QuotedRefund) -> FormField:
    """The choice of what to refund; its hint says what is left, and names earlier declined refunds."""
    options = [(SCOPE_EVERYTHING, f"Everything left: {refundable.money(everything.total)}")]
    if refundable.lines:
        options.append((SCOPE_ITEMS, "Chosen items (quantities below)"))
    if refundable.shipping:
        options.append((SCOPE_SHIPPING, "Shipping (amount below)"))
    options.append((SCOPE_AMOUNT, "A custom amount (below)"))
    return select_field(
        SCOPE,
        "What to refund",
        options,
        placeholder="Choose what to refund",
        missing="Choose what to refund.",
        hint=with_declined_note(
            refundable,
            f"{refundable.money(refundable.money_left)} of order {refundable.order.id} can be refunded.",
        ),
    )


def with_declined_note(refundable: RefundableOrder, hint: str) -> str:
    """``hint`` followed by the line about earlier declined refunds, when there were any."""
    note = refundable.declined_note()
    return f"{hint} {note}" if note else hint


def _unit_price(refundable: RefundableOrder, price: Decimal | None) -> str:
    return "" if price is None else f" at {refundable.money(price)} each"


def _for_scope(scope: str, reader: Amount | WholeNumber) -> ByChoice:
    """A field of one choice of 'What to refund': read by ``reader`` there, to be left empty otherwise."""
    unused_reader = replace(reader, bound=None, missing=None)
    return ByChoice(SCOPE, {scope: reader}, otherwise=Unused(_OTHER_SCOPE, unused_reader))


def refund_detail_fields(refundable: RefundableOrder) -> list[FormField]:
    """The quantity, shipping and custom amount fields, each labelled with what is left."""
    currency = refundable.currency
    fields = [
        text_field(
            line.attr,
            f"Quantity of {line.product.name or f'item {line.product.id}'}: {line.quantity_left} left"
            + _unit_price(refundable, line.product.price_inc_tax),
            _for_scope(
                SCOPE_ITEMS,
                WholeNumber(
                    "items",
                    code="invalid_quantity",
                    bound=Bound(
                        Decimal(line.quantity_left),
                        "exceeds_remaining",
                        f"Only {line.quantity_left} of this item can be refunded.",
                    ),
                ),
            ),
            default="0",
            optional=True,
            hint="For 'Chosen items'.",
        )
        for line in refundable.lines
    ]
    fields += [
        text_field(
            shipping.attr,
            f"Shipping{_shipping_name(refundable, index)}: up to {refundable.money(shipping.amount_left)}",
            _for_scope(
                SCOPE_SHIPPING,
                Amount(
                    currency,
                    Bound(
                        shipping.amount_left,
                        "exceeds_remaining",
                        f"At most {refundable.money(shipping.amount_left)} of this shipping can still be "
                        "refunded.",
                    ),
                ),
            ),
            placeholder=amount_example(currency, shipping.amount_left),
            optional=True,
            hint="For 'Shipping'.",
        )
        for index, shipping in enumerate(refundable.shipping, start=1)
    ]
    fields += _fields_with_nothing_left(refundable)
    left = refundable.money(refundable.money_left)
    fields.append(
        text_field(
            AMOUNT,
            f"Custom amount in {currency}: up to {left}",
            _for_scope(
                SCOPE_AMOUNT,
                Amount(
                    currency,
                    Bound(
                        refundable.money_left,
                        "exceeds_remaining",
                        f"At most {left} can still be refunded on this order.",
                    ),
                    missing="Enter the amount to refund.",
                ),
            ),
            placeholder=amount_example(currency, refundable.money_left),
            optional=True,
            hint="For 'A custom amount'. Digits and a decimal point only.",
        )
    )
    return fields


def _fields_with_nothing_left(refundable: RefundableOrder) -> list[FormField]:
    """The order's lines and shipping with nothing left to refund: not shown, and read as fields that
    take nothing (a form opened before they were refunded still submits its "0" or empty value)."""
    nothing = Bound(
        Decimal(0), "exceeds_remaining", "Nothing is left to refund of this; open the form again."
    )
    lines = {line.product.id for line in refundable.lines}
    shipping = {item.address.id for item in refundable.shipping}
    gone = [
        text_field(
            quantity_attr(product.id), "", _for_scope(SCOPE_ITEMS, WholeNumber("items", bound=nothing))
        )
        for product in refundable.products
        if product.id not in lines
    ]
    gone += [
        text_field(
            shipping_attr(address), "", _for_scope(SCOPE_SHIPPING, Amount(refundable.currency, nothing))
        )
        for address in refundable.address_ids
        if address not in shipping
    ]
    return [field.hidden() for field in gone]


def _shipping_name(refundable: RefundableOrder, index: int) -> str:
    if len(refundable.shipping) == 1:
        return ""
    method = refundable.shipping[index - 1].address.shipping_method
    return f" of shipment {index}" + (f" ({method})" if method else "")


def payment_method_fields(methods: list[RefundMethod]) -> list[FormField]:
    """A choice of refund method, shown only when the quote offers more than one (one: the field takes
    that one, or nothing)."""
    if not methods:
        return []
    preselected = default_method(methods)
    field = select_field(
        PAYMENT_METHOD,
        "Refund to",
        [(method.key, method.label) for method in methods],
        default=preselected.key if preselected else None,
        hint="How the money goes back to the customer.",
    )
    return [field if len(methods) > 1 else field.hidden()]


ACTION: ActionName = "refund"


# --- the form -----------------------------------------------------------------------------------------


def refund_form(context: ActionContext, query: OrderActionQuery) -> ActionForm:
    """What is left to refund on the order, and the choices; 406 when nothing is."""
    order = load_order(context.client, query, deadline=context.deadline)
    refundable = read_refundable(context.client, order, deadline=context.deadline)
    everything = quote_everything(context.client, refundable, deadline=context.deadline)
    if everything is None:
        raise nothing_to_refund(refundable)
    title = f"Refund order {order.id}"
    fields = refund_fields(refundable, everything)
    return order_action_form(context, ACTION, query, title, "Refund", fields)


def nothing_to_refund(refundable: RefundableOrder) -> NotAcceptable:
    return NotAcceptable.of(
        "nothing_to_refund",
        f"Nothing is left to refund on order {refundable.order.id} ({status_label(refundable.order)}).",
    )
