"""Refund quotes and refunds, computed from what is still refundable on an order.

BigCommerce's rules, as the sandbox applies them (sandbox choices are marked):

* Items: `PRODUCT` (item_id = order product id, `quantity`; refunds `price_inc_tax` per unit and its
  tax), `SHIPPING` / `HANDLING` (item_id = order address id, `amount`; tax in proportion), `ORDER`
  (item_id = order id, `amount`; tax is not recalculated). `GIFT_WRAPPING` and `FEE` find nothing to
  refund (sandbox orders have neither); `TAX` is not modelled and refused.
* A **quote** for more than remains is not refused: it answers 201 with `total_refund_amount` capped
  at what is refundable and a negative `adjustment`, the difference from what was asked (orders.v3
  `AdjustmentAmount`: "negative when the refund amount requested in the refund quote is more than the
  total refundable amount"; api-specs PR #293). What was asked is each item valued as asked (a
  product's quantity times its unit price); what is refundable caps each item at what it has left (a
  product's unrefunded quantity, an address's unrefunded shipping or handling) and the sum at the
  order's total minus the refunds that settled. Sandbox choice, no public source: a product quantity
  over what is left is capped the same way (the spec describes the adjustment in amounts only), and
  a quote capped to nothing answers a total of 0 with no refund methods.
* The **refunds POST** refuses what a quote would cap: 422 "Refund quantity is greater than
  remaining quantity" for a product, otherwise "Refund amount is greater than remaining amount"
  (sandbox rule, reference/bigcommerce/FACTS.md "Not settled").
* Refund methods: the order's own payment provider, store credit (only when the order has a
  registered customer), and the offline "custom" provider. A refund's `payments` must use the
  providers of one method and add up to the quoted total (or the merchant override).
* Unpaid orders (Incomplete, Pending, Declined, Awaiting Payment) have nothing to refund (422).
* Refund payments are **asynchronous**: the POST schedules the payment ("the payment request itself
  occurs asynchronously", orders.v3 `createOrderRefund`), so its answer shows every payment as not
  declined; a decline (knob `Order.decline_refunds`: online payments are declined) shows only in
  later `GET .../payment_actions/refunds` as `is_declined: true` with a `declined_message` (see
  `devtools.sandbox.api_refunds`). Sandbox choice: the decline is settled before the POST answers, so
  every later read (refund lists, quotes, the order) already agrees with it; a declined refund moves
  nothing (all or nothing): quantities, remaining amounts and status stay, and later quotes include
  its amount again. A settled refund moves the order to 14 Partially Refunded or 4 Refunded and sets
  `payment_status` accordingly; `refunded_amount` on the order stays "0.0000", as BigCommerce
  documents. Store credit refunds are added to the customer's store credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from devtools.sandbox.errors import ApiError
from devtools.sandbox.formats import cents, utc_now
from devtools.sandbox.inputs import RefundCreateIn, RefundItemIn
from devtools.sandbox.records import (
    STATUS_PARTIALLY_REFUNDED,
    STATUS_REFUNDED,
    ZERO,
    Order,
    Refund,
    RefundItem,
    RefundPayment,
)
from devtools.sandbox.store import UNPAID_STATUSES, SandboxStore

OVER_REFUND_TITLE = "Refund amount is greater than remaining amount"
STORE_CREDIT = "storecredit"
CUSTOM = "custom"
OFFLINE_REASON = "This is an offline payment provider."
DECLINED_MESSAGE = "The payment provider declined the refund."


@dataclass(frozen=True)
class PaymentOption:
    provider_id: str
    provider_description: str
    amount: Decimal
    offline: bool
    offline_provider: bool
    offline_reason: str


@dataclass(frozen=True)
class QuotedItem:
    """One refund item: what it asks for, what of that is refundable, and the tax of that part."""

    item: RefundItemIn
    requested: Decimal
    amount: Decimal
    tax: Decimal
    over: ApiError | None = None
    """How the refunds POST refuses this item when it asks for more than the item has left."""


@dataclass(frozen=True)
class RefundQuote:
    order_id: int
    items: tuple[QuotedItem, ...]
    requested_amount: Decimal
    """What the items ask for, valued as asked (before any cap)."""
    total_refund_amount: Decimal
    total_refund_tax_amount: Decimal
    rounding: Decimal
    tax_inclusive: bool
    refund_methods: tuple[tuple[PaymentOption, ...], ...]

    @property
    def adjustment(self) -> Decimal:
        """Negative when more was asked than is refundable (orders.v3 `AdjustmentAmount`), else 0."""
        return self.total_refund_amount - self.requested_amount


def remaining_amount(store: SandboxStore, order: Order) -> Decimal:
    """The order's total minus every refund that settled (a declined refund settled nothing)."""
    settled = sum((r.settled_amount for r in store.refunds.values() if r.order_id == order.id), ZERO)
    return cents(order.total_inc_tax) - settled


def quote(store: SandboxStore, order: Order, items: Sequence[RefundItemIn]) -> RefundQuote:
    """What refunding `items` would pay back, capped at what is refundable, and by which methods.

    Refuses (422) only what cannot be quoted at all: an unpaid order, an unknown item, a malformed
    quantity or amount. Asking for more than is left is answered with a capped total (module docstring).
    """
    with store.lock:
        if order.status_id in UNPAID_STATUSES:
            raise ApiError(
                422, "Order has no captured payment to refund", detail=f"Order status is {order.status}."
            )
        taken: dict[tuple[str, int], Decimal] = {}
        quoted = tuple(_quote_item(order, index, item, taken) for index, item in enumerate(items))
        requested = cents(sum((q.requested for q in quoted), ZERO))
        if requested <= ZERO:
            raise ApiError(
                422, "Refund amount must be greater than zero", errors={"items": "nothing to refund"}
            )
        raw_total = sum((q.amount for q in quoted), ZERO)
        items_total = cents(raw_total)
        total = min(items_total, max(remaining_amount(store, order), ZERO))
        tax = cents(sum((q.tax for q in quoted), ZERO))
        if total < items_total:
            tax = cents(tax * total / items_total)
        return RefundQuote(
            order_id=order.id,
            items=quoted,
            requested_amount=requested,
            total_refund_amount=total,
            total_refund_tax_amount=tax,
            rounding=items_total - raw_total,
            tax_inclusive=order.is_tax_inclusive_pricing,
            refund_methods=_refund_methods(order, total) if total > ZERO else (),
        )


def _quote_item(
    order: Order, index: int, item: RefundItemIn, taken: dict[tuple[str, int], Decimal]
) -> QuotedItem:
    """`taken` counts what earlier items of the same quote already claimed of the same line."""
    field = f"items.{index}"
    if item.item_type == "PRODUCT":
        return _quote_product(order, field, item, taken)
    if item.item_type in ("SHIPPING", "HANDLING"):
        return _quote_cost(order, field, item, taken)
    if item.item_type == "ORDER":
        if item.item_id != order.id:
            raise ApiError(422, "Refund item not found", errors={f"{field}.item_id": "must be the order id"})
        amount = _positive_amount(item, field)
        return QuotedItem(item, amount, amount, ZERO)
    if item.item_type == "TAX":
        raise ApiError(422, "Tax refunds are not supported", errors={f"{field}.item_type": "use ORDER"})
    raise ApiError(
        422, "Refund item not found", errors={f"{field}.item_id": f"the order has no {item.item_type}"}
    )


def _quote_product(
    order: Order, field: str, item: RefundItemIn, taken: dict[tuple[str, int], Decimal]
) -> QuotedItem:
    """A product refunds its price including tax per unit, for at most the units not refunded yet."""
    product = order.product(item.item_id)
    if product is None:
        raise ApiError(
            422, "Refund item not found", errors={f"{field}.item_id": "not a product of this order"}
        )
    if item.quantity is None or item.quantity < 1:
        raise ApiError(422, "Quantity is required", errors={f"{field}.quantity": "must be at least 1"})
    key = ("PRODUCT", product.id)
    left = max(ZERO, product.quantity_refundable - taken.get(key, ZERO))
    units = min(Decimal(item.quantity), left)
    taken[key] = taken.get(key, ZERO) + units
    over = None
    if units < item.quantity:
        over = ApiError(
            422,
            "Refund quantity is greater than remaining quantity",
            errors={f"{field}.quantity": f"{left} left to refund"},
        )
    return QuotedItem(
        item,
        product.price_inc_tax * item.quantity,
        product.price_inc_tax * units,
        product.price_tax * units,
        over,
    )


def _quote_cost(
    order: Order, field: str, item: RefundItemIn, taken: dict[tuple[str, int], Decimal]
) -> QuotedItem:
    """Shipping or handling of one address: an amount, with tax in proportion to the cost's own tax."""
    address = order.address(item.item_id)
    if address is None:
        raise ApiError(
            422, "Refund item not found", errors={f"{field}.item_id": "not an address of this order"}
        )
    if item.item_type == "SHIPPING":
        cost_ex, cost_inc, refunded = address.cost_ex_tax, address.cost_inc_tax, address.shipping_refunded
    else:
        cost_ex, cost_inc = address.handling_cost_ex_tax, address.handling_cost_inc_tax
        refunded = address.handling_refunded
    requested = _positive_amount(item, field)
    key = (item.item_type, address.id)
    left = max(ZERO, cost_inc - refunded - taken.get(key, ZERO))
    amount = min(requested, left)
    taken[key] = taken.get(key, ZERO) + amount
    over = None
    if amount < requested:
        over = ApiError(422, OVER_REFUND_TITLE, errors={f"{field}.amount": f"{left} left to refund"})
    tax = amount * (cost_inc - cost_ex) / cost_inc if cost_inc else ZERO
    return QuotedItem(item, requested, amount, tax, over)


def _positive_amount(item: RefundItemIn, field: str) -> Decimal:
    if item.amount is None or item.amount <= ZERO:
        raise ApiError(422, "Amount is required", errors={f"{field}.amount": "must be greater than zero"})
    if item.amount != cents(item.amount):
        raise ApiError(422, "Amount has too many decimal places", errors={f"{field}.amount": "use 2 places"})
    return item.amount


def _refund_methods(order: Order, total: Decimal) -> tuple[tuple[PaymentOption, ...], ...]:
    provider = order.payment_provider
    methods = [
        (
            PaymentOption(
                provider.provider_id,
                provider.description,
                total,
                provider.offline,
                provider.offline,
                OFFLINE_REASON if provider.offline else "",
            ),
        )
    ]
    if order.customer_id:
        methods.append((PaymentOption(STORE_CREDIT, "Store Credit", total, False, False, ""),))
    if provider.provider_id != CUSTOM:
        methods.append((PaymentOption(CUSTOM, "Custom", total, True, True, OFFLINE_REASON),))
    return tuple(methods)


def create_refund(store: SandboxStore, order: Order, body: RefundCreateIn) -> Refund:
    """Validate the payments against a fresh quote, record the refund, and apply it unless declined.

    The decline is decided here, at once; the POST's answer does not show it (module docstring).
    """
    with store.lock:
        refund_quote = quote(store, order, body.items)
        _refuse_over_refund(store, order, refund_quote)
        total, tax = refund_quote.total_refund_amount, refund_quote.total_refund_tax_amount
        override = body.merchant_calculated_override
        if override is not None:
            total, tax = cents(override.total_amount), override.total_tax
            if total > remaining_amount(store, order):
                raise ApiError(422, OVER_REFUND_TITLE, detail=f"Remaining: {remaining_amount(store, order)}.")
        _check_payments(order, body, refund_quote, total)
        payments = [
            RefundPayment(
                id=store.next_id("refund_payment"),
                provider_id=payment.provider_id,
                amount=payment.amount,
                offline=payment.offline or payment.provider_id == CUSTOM,
                is_declined=_declines(order, payment.provider_id, payment.offline),
            )
            for payment in body.payments
        ]
        for payment in payments:
            payment.transaction_id = f"sandbox-refund-txn-{payment.id}"
            payment.declined_message = DECLINED_MESSAGE if payment.is_declined else ""
        refund = Refund(
            id=store.next_id("refund"),
            order_id=order.id,
            created=utc_now(),
            total_amount=total,
            total_tax=tax,
            items=[
                RefundItem(q.item.item_type, q.item.item_id, q.item.quantity, cents(q.amount), q.item.reason)
                for q in refund_quote.items
            ],
            payments=payments,
            reason=next((q.item.reason for q in refund_quote.items if q.item.reason), ""),
            uses_merchant_override_values=override is not None,
        )
        store.refunds[refund.id] = refund
        if not refund.is_declined:
            _apply(store, order, refund_quote, refund)
        return refund


def _refuse_over_refund(store: SandboxStore, order: Order, refund_quote: RefundQuote) -> None:
    """The refunds POST refuses (422) what its quote caps, naming the item when one is at fault."""
    over = next((quoted.over for quoted in refund_quote.items if quoted.over is not None), None)
    if over is not None:
        raise over
    if refund_quote.adjustment < ZERO:
        raise ApiError(422, OVER_REFUND_TITLE, detail=f"Remaining: {remaining_amount(store, order)}.")


def _check_payments(order: Order, body: RefundCreateIn, refund_quote: RefundQuote, total: Decimal) -> None:
    providers = [payment.provider_id for payment in body.payments]
    if STORE_CREDIT in providers and not order.customer_id:
        raise ApiError(422, "Unable to provide store credit for a guest customer.")
    matching = [
        method
        for method in refund_quote.refund_methods
        if set(providers) <= {option.provider_id for option in method}
    ]
    if not matching:
        raise ApiError(
            422,
            "Payment provider not offered by the refund quote",
            errors={"payments": f"use the providers of one refund method: {_method_names(refund_quote)}"},
        )
    paid = sum((payment.amount for payment in body.payments), ZERO)
    if paid != total:
        raise ApiError(
            422,
            "Payment amounts do not add up to the refund total",
            errors={"payments": f"payments add up to {paid}, the refund total is {total}"},
        )


def _method_names(refund_quote: RefundQuote) -> str:
    return "; ".join(
        "+".join(option.provider_id for option in method) for method in refund_quote.refund_methods
    )


def _declines(order: Order, provider_id: str, offline: bool) -> bool:
    return order.decline_refunds and not offline and provider_id not in (STORE_CREDIT, CUSTOM)


def _apply(store: SandboxStore, order: Order, refund_quote: RefundQuote, refund: Refund) -> None:
    for quoted in refund_quote.items:
        item = quoted.item
        if item.item_type == "PRODUCT":
            product = order.product(item.item_id)
            assert product is not None and item.quantity is not None
            product.quantity_refunded += item.quantity
        elif item.item_type in ("SHIPPING", "HANDLING"):
            address = order.address(item.item_id)
            assert address is not None
            if item.item_type == "SHIPPING":
                address.shipping_refunded += quoted.amount
            else:
                address.handling_refunded += quoted.amount
    fully_refunded = remaining_amount(store, order) <= ZERO
    order.status_id = STATUS_REFUNDED if fully_refunded else STATUS_PARTIALLY_REFUNDED
    order.payment_status = "refunded" if fully_refunded else "partially refunded"
    order.date_modified = refund.created
    customer = store.customers.get(order.customer_id)
    credit = sum((p.amount for p in refund.payments if p.provider_id == STORE_CREDIT), ZERO)
    if customer is not None and credit:
        customer.store_credit.append(credit)
