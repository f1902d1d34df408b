"""The refund action: a form showing what is left to refund, and an exactly-once refund submit.

Form (signed GET): BigCommerce quotes everything left on the order; the agent refunds all of it,
chosen items, shipping, or a custom amount, gives a reason, and picks how the money goes back when
the quote offers a choice (store credit only for registered customers). Earlier refunds that were
declined are named on the form: they returned nothing, so what is left includes them.

Submit (signed POST), under the framework of ``submit.py`` (one-time token, idempotency, audit):
1. the order's lock is taken, so two refunds of one order never overlap in BigCommerce;
2. an unfinished earlier attempt of this form is looked for among the order's refunds first;
3. what is left is read again, the submit is read against the form's fields built for the order as it
   is now (``refund_fields.py``, ``fields.read_submit``: 400 on the offending field, quantities and
   amounts at most what is left), BigCommerce quotes the choice, and the payments come from the chosen
   refund method. BigCommerce
   caps a quote for more than is left instead of refusing it (a negative ``adjustment``, orders.v3
   ``AdjustmentAmount``): a quote with an adjustment, or whose total is not what the agent asked, is
   refused with 400 on the field at fault, and nothing is sent;
4. the attempt is journaled, then the refund is sent once, never retried;
5. the answer says the refund was requested (amount in the order's currency, method): BigCommerce
   processes the payment afterwards ("the payment request itself occurs asynchronously", orders.v3
   ``createOrderRefund``) and records a decline on the order, where the next form shows it. A decline
   already in BigCommerce's answer is a failure (406), with what did and did not happen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.actions.answers import SubmitAnswer
from gladly_bigcommerce.actions.attempts import Attempt
from gladly_bigcommerce.actions.context import ActionContext
from gladly_bigcommerce.actions.errors import ActionConflict, WriteOutcomeUnknown
from gladly_bigcommerce.actions.fields import REASON, SubmittedForm, echoed, read_submit
from gladly_bigcommerce.actions.forms import order_action_form
from gladly_bigcommerce.actions.orders import OrderActionQuery, load_order, status_label
from gladly_bigcommerce.actions.refund_fields import (
    AMOUNT,
    PAYMENT_METHOD,
    SCOPE,
    SCOPE_EVERYTHING,
    SCOPE_ITEMS,
    SCOPE_SHIPPING,
    refund_fields,
)
from gladly_bigcommerce.actions.refundable import (
    ZERO,
    QuotedRefund,
    RefundableOrder,
    RefundMethod,
    default_method,
    quote_everything,
    quote_items,
    read_refundable,
    refund_methods,
)
from gladly_bigcommerce.actions.route import ActionRoute
from gladly_bigcommerce.actions.tokens import FormSubject, FormToken
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import Conflict, ValidationFailed
from gladly_bigcommerce.bigcommerce.models import Refund, RefundItem
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.money import format_money
from gladly_bigcommerce.observability import logger
from gladly_bigcommerce.settings.model import ActionName

ACTION: ActionName = "refund"


PAYMENT_PROCESSED_LATER = (
    "BigCommerce processes the payment and records a decline on the order if it is declined; the refund "
    "form then shows the decline, and the amount counts as not refunded."
)
"""Refund payments are asynchronous (orders.v3 createOrderRefund): what an answer says about them."""
UNCONFIRMED_REFUND_SETTLE_SECONDS = 30.0
"""After a refund BigCommerce did not confirm, how long it may still appear before we call it not made."""
LOCK_WAIT_SECONDS = 5.0
"""How long a submit waits for another action on the same order (a refund takes a few seconds)."""
READS_AFTER_THE_LOCK_SECONDS = 2.5
"""What a lock wait leaves of the reads' deadline for the reads and quotes that follow it."""

_ITEM_FIELD_ERROR = re.compile(r"^items\.(\d+)")

ChosenItems = tuple[list[RefundItem], list[str]]
"""Refund items and, for each, the form field it came from."""


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
    return order_action_form(
        context, ACTION, title, "Refund", fields, order_id=order.id, customer_id=query.customer
    )


def nothing_to_refund(refundable: RefundableOrder) -> NotAcceptable:
    return NotAcceptable.of(
        "nothing_to_refund",
        f"Nothing is left to refund on order {refundable.order.id} ({status_label(refundable.order)}).",
    )


# --- the submit ---------------------------------------------------------------------------------------


def submit_refund(context: ActionContext, query: OrderActionQuery, values: Mapping[str, Any]) -> ActionResult:
    """Refund exactly once per form (see the module docstring)."""
    return submit_order_action(
        context, ACTION, query, values, lambda token: _refund_once(context, query, values, token)
    )


def _refund_once(
    context: ActionContext, query: OrderActionQuery, values: Mapping[str, Any], token: FormToken
) -> SubmitAnswer:
    with order_lock(context, query.order_id, token):
        earlier = recover_attempt(context, ACTION, token)
        if isinstance(earlier, SubmitAnswer):
            return earlier
        order = load_order(context.client, query, deadline=context.deadline)
        refundable = read_refundable(context.client, order, deadline=context.deadline)
        if earlier is not None:
            snapshot = RefundSnapshot.model_validate(earlier.snapshot)
            refund = recover_refund(context, earlier, snapshot, refundable)
            if refund is not None:
                answer = refund_answer(refund, snapshot, order_id=order.id, recovered=True)
                return finish_attempt(context, earlier, answer)
        everything = quote_everything(context.client, refundable, deadline=context.deadline)
        if everything is None:
            raise nothing_to_refund(refundable)
        # The submit is read against the form as the order is now: what it may carry, and what is left.
        form = read_submit(refund_fields(refundable, everything), values)
        planned = plan_refund(context, refundable, everything, form)
        method = choose_method(refundable, planned, form.choice(PAYMENT_METHOD))
        reason = form.text(REASON)
        return refund_exactly_once(context, refundable, planned, method, reason, token, replacing=earlier)


def submit_order_action(
    context: ActionContext,
    action: ActionName,
    query: OrderActionQuery,
    values: Mapping[str, Any],
    perform: Callable[[FormToken], SubmitAnswer],
) -> ActionResult:
    """An order action's submit: ``perform`` once per form, audited for the order and its customer."""
    subject = FormSubject(action, query.order_id, query.customer)
    return context.submit(subject, query.token, values, perform, audit_customer=query.customer)


def order_lock(context: ActionContext, order_id: int, token: FormToken) -> Any:
    """The order's lock for this submit, kept after a write whose outcome is unknown."""
    wait = max(0.5, min(LOCK_WAIT_SECONDS, context.deadline.remaining() - READS_AFTER_THE_LOCK_SECONDS))
    return context.stores.locks.hold(
        order_id, token.nonce, deadline=Deadline.after(wait), keep_on=(WriteOutcomeUnknown,)
    )


def recover_attempt(context: ActionContext, action: str, token: FormToken) -> SubmitAnswer | Attempt | None:
    """This form's earlier attempt: its answer when it finished, the attempt when it did not, else None."""
    attempt = context.stores.journal.get(action, token.nonce)
    if attempt is not None and attempt.state == "finished" and attempt.answer is not None:
        return attempt.answer
    return attempt


def begin_attempt(
    context: ActionContext,
    action: str,
    token: FormToken,
    snapshot: BaseModel,
    *,
    order_id: int | None,
    replacing: Attempt | None,
) -> Attempt:
    """Journal what this submit is about to write, before writing it (see ``attempts.py``)."""
    return context.stores.journal.begin(
        action=action,
        nonce=token.nonce,
        order_id=order_id,
        snapshot=snapshot.model_dump(mode="json"),
        replacing=replacing,
    )


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


# --- the write, exactly once --------------------------------------------------------------------------


class RefundSnapshot(BaseModel):
    """What a refund attempt knew before writing: enough to recognise its refund, and to describe it."""

    model_config = ConfigDict(frozen=True)

    known_refund_ids: list[int]
    amount: Decimal
    currency: str
    method_key: str
    method_name: str
    offline: bool
    description: str
    reason: str
    items: str
    """The refund items in a compact, PII-free form for the audit line."""


@dataclass(frozen=True)
class RefundOutcome:
    """A refund BigCommerce made (possibly with declined payments), and the answer describing it."""

    refund: Refund
    answer: SubmitAnswer


def refund_snapshot(
    refundable: RefundableOrder, planned: QuotedRefund, method: RefundMethod, reason: str
) -> RefundSnapshot:
    return RefundSnapshot(
        known_refund_ids=refundable.known_refund_ids,
        amount=planned.total,
        currency=refundable.currency,
        method_key=method.key,
        method_name=method.name,
        offline=method.offline,
        description=refundable.describe(planned.items),
        reason=reason,
        items=",".join(_audit_item(item) for item in planned.items),
    )


def _audit_item(item: RefundItem) -> str:
    bound = f"x{item.quantity}" if item.quantity is not None else f"={item.amount}"
    return f"{item.item_type}:{item.item_id}{bound}"


def refund_exactly_once(
    context: ActionContext,
    refundable: RefundableOrder,
    planned: QuotedRefund,
    method: RefundMethod,
    reason: str,
    token: FormToken,
    *,
    replacing: Attempt | None,
) -> SubmitAnswer:
    """Journal the attempt, send the refund once, and keep its answer."""
    snapshot = refund_snapshot(refundable, planned, method, reason)
    attempt = begin_attempt(
        context, ACTION, token, snapshot, order_id=refundable.order.id, replacing=replacing
    )
    outcome = send_refund(context, refundable, planned, method, snapshot, attempt)
    return finish_attempt(context, attempt, outcome.answer)


def send_refund(
    context: ActionContext,
    refundable: RefundableOrder,
    planned: QuotedRefund,
    method: RefundMethod,
    snapshot: RefundSnapshot,
    attempt: Attempt,
) -> RefundOutcome:
    """POST the refund (never retried). ``WriteOutcomeUnknown`` (503) when BigCommerce does not confirm
    it; when it does not take it (429, unreachable, no time left) or refuses it, the journal entry is
    dropped and ``WriteNotSent`` (503) or a 400/409 is raised: nothing was refunded."""
    order_id = refundable.order.id
    amount = refundable.money(snapshot.amount)
    try:
        refund = context.write(
            lambda deadline: context.client.create_refund(
                order_id, planned.items, method.payments(), reason=snapshot.reason, deadline=deadline
            ),
            not_sent=f"so the refund of {amount} on order {order_id} was not sent, and nothing was "
            "changed. Submit this form again in a minute.",
            unknown=f"BigCommerce did not confirm the refund of {amount} on order {order_id}. Do not refund "
            "it another way: submit this form again in a moment, and the order's refunds are checked "
            "before anything else is done.",
            forget=lambda: discard_attempt(context, attempt),
        )
    except Conflict as error:
        raise ActionConflict.of(
            "refund_in_progress",
            f"BigCommerce is processing another refund of order {order_id}. Nothing was "
            "refunded: submit again in a few seconds.",
        ) from error
    except ValidationFailed as error:
        raise BadRequest.of(
            "refund_refused",
            f"BigCommerce refused the refund: {error.upstream_message or 'no reason given'}. Nothing was "
            "refunded.",
            attr=SCOPE,
        ) from error
    return RefundOutcome(refund, refund_answer(refund, snapshot, order_id=order_id))


def discard_attempt(context: ActionContext, attempt: Attempt) -> None:
    """Forget an attempt whose write BigCommerce refused or never got: nothing happened. If forgetting
    fails, the next submit finds the attempt, looks for its write in vain, and carries on."""
    try:
        context.stores.journal.abandon(attempt)
    except Exception:
        logger.exception("Could not discard a refused action attempt", extra={"action": attempt.action})


def finish_attempt(context: ActionContext, attempt: Attempt, answer: SubmitAnswer) -> SubmitAnswer:
    """Keep the final answer in the journal and return it; the write is made whether or not this succeeds."""
    try:
        context.stores.journal.finish(attempt, answer)
    except Exception:
        # The idempotency record still keeps the answer; the journal is the second net.
        logger.exception("Could not record a finished action attempt", extra={"action": attempt.action})
    return answer


def recover_refund(
    context: ActionContext, attempt: Attempt, snapshot: RefundSnapshot, refundable: RefundableOrder
) -> Refund | None:
    """The refund an unfinished earlier attempt sent, if BigCommerce made it.

    None when it did not and enough time has passed to be sure; ``WriteOutcomeUnknown`` (503) while
    it might still appear.
    """
    refund = find_journaled_refund(snapshot, refundable.refunds)
    if refund is not None:
        return refund
    if attempt.age_seconds(context.stores.journal.now()) < UNCONFIRMED_REFUND_SETTLE_SECONDS:
        raise WriteOutcomeUnknown.of(
            "outcome_unknown",
            f"The earlier refund of {refundable.money(snapshot.amount)} on order {refundable.order.id} is "
            "not confirmed yet and not among the order's refunds. Nothing more was done: submit again in "
            f"{int(UNCONFIRMED_REFUND_SETTLE_SECONDS)} seconds.",
        )
    return None


def find_journaled_refund(snapshot: RefundSnapshot, refunds: tuple[Refund, ...]) -> Refund | None:
    """The refund made by a journaled attempt: new since the attempt began, of the journaled amount."""
    known = set(snapshot.known_refund_ids)
    return next(
        (refund for refund in refunds if refund.id not in known and refund.total_amount == snapshot.amount),
        None,
    )


def refund_answer(
    refund: Refund, snapshot: RefundSnapshot, *, order_id: int, recovered: bool = False
) -> SubmitAnswer:
    """200 saying the refund was requested (or, offline, recorded); 406 when a payment is already declined.

    BigCommerce processes a refund's payments after answering (orders.v3 ``createOrderRefund``), so
    the answer never says money went back: a later decline is recorded on the order, and the next
    refund form shows it. Declines already in the answer (rare, or found when recovering after a
    timeout) are reported as such.
    """
    currency = snapshot.currency
    audit = {
        "amount": format(snapshot.amount, "f"),
        "currency": currency,
        "method": snapshot.method_key,
        "refund_id": str(refund.id),
        "items": snapshot.items,
        "reason_length": str(len(snapshot.reason)),
        "declined": "true" if any(payment.is_declined for payment in refund.payments) else "false",
    }
    money = _formatter(currency)
    declined = [payment for payment in refund.payments if payment.is_declined]
    if declined:
        paid = [payment for payment in refund.payments if not payment.is_declined]
        went_back = (
            "Nothing went back to the customer."
            if not paid
            else "Only "
            + ", ".join(f"{money(p.amount)} by {p.provider_id}" for p in paid)
            + " is still requested."
        )
        reasons = "; ".join(
            f"{money(p.amount)} by {p.provider_id}: {(p.declined_message or 'declined')[:200]}"
            for p in declined
        )
        return SubmitAnswer.refused(
            "payment_declined",
            f"The refund of {money(snapshot.amount)} on order {order_id} was declined ({reasons}). "
            f"{went_back} BigCommerce keeps it as refund {refund.id}; open the refund form again to try "
            "another way.",
            audit=audit,
        )
    amount = money(snapshot.amount)
    if snapshot.offline:
        message = f"Refund of {amount} recorded on order {order_id}"
        lines = [
            f"Refund of {amount} recorded through {snapshot.method_name} on order {order_id}: "
            f"{snapshot.description}.",
            "BigCommerce sent no money, so return it to the customer outside BigCommerce.",
        ]
    else:
        message = f"Refund of {amount} requested on order {order_id}"
        lines = [
            f"Refund of {amount} requested by {snapshot.method_name} on order {order_id}: "
            f"{snapshot.description}.",
            PAYMENT_PROCESSED_LATER,
        ]
    detail = [*lines, f"Reason: {echoed(snapshot.reason)}", f"BigCommerce refund {refund.id}."]
    if recovered:
        detail.append("(Confirmed after an earlier timeout: the refund was not requested twice.)")
    return SubmitAnswer.success(message, "\n".join(detail), audit=audit)


def _formatter(currency: str) -> Callable[[Decimal], str]:
    return lambda amount: format_money(amount, currency)


ROUTE = ActionRoute(ACTION, OrderActionQuery, refund_form, submit_refund)
"""The refund Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
