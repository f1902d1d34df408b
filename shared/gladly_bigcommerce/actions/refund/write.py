"""The refund submit: the write, exactly once, and what its answer says.

The attempt is journaled, then the refund is sent once, never retried (``context.write``); a repeat of
a submit that ended without an answer first looks for its refund among the order's refunds
(``recover_refund``). BigCommerce processes a refund's payments after answering, so the answer says the
refund was requested; a decline already in BigCommerce's answer is a failure (406).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.errors import (
    ActionConflict,
    Refusal,
    WriteGuidance,
    WriteOutcomeUnknown,
)
from gladly_bigcommerce.actions.machinery.exactly_once import (
    begin_attempt,
    finish_attempt,
    submit_order_action,
)
from gladly_bigcommerce.actions.machinery.fields import REASON, echoed, read_submit
from gladly_bigcommerce.actions.machinery.tokens import FormToken
from gladly_bigcommerce.actions.orders import OrderActionQuery, load_order
from gladly_bigcommerce.actions.refund.amounts import (
    QuotedRefund,
    RefundableOrder,
    RefundMethod,
    quote_everything,
    read_refundable,
)
from gladly_bigcommerce.actions.refund.form import (
    ACTION,
    PAYMENT_METHOD,
    SCOPE,
    nothing_to_refund,
    refund_fields,
)
from gladly_bigcommerce.actions.refund.plan import choose_method, plan_refund
from gladly_bigcommerce.bigcommerce.errors import Conflict
from gladly_bigcommerce.bigcommerce.models import Refund, RefundItem
from gladly_bigcommerce.gladly.models import ActionResult
from gladly_bigcommerce.money import format_money

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

# --- the submit ---------------------------------------------------------------------------------------


def submit_refund(context: ActionContext, query: OrderActionQuery, values: Mapping[str, Any]) -> ActionResult:
    """Refund exactly once per form (see the package docstring): the order's lock and this form's
    earlier attempt first (``submit_order_action``), then what is left, the plan, and the write."""

    def refund_once(token: FormToken, earlier: Attempt | None) -> SubmitAnswer:
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

    return submit_order_action(context, query.subject(ACTION), query.token, values, refund_once)


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
            guidance=WriteGuidance(
                not_done=f"the refund of {amount} on order {order_id} was not sent, and nothing was changed",
                unconfirmed=f"the refund of {amount} on order {order_id}",
                checked="the order's refunds are checked",
                other_way="refund it",
            ),
            forget=attempt,
            refused=Refusal("refund_refused", "the refund", "Nothing was refunded.", attr=SCOPE),
        )
    except Conflict as error:
        raise ActionConflict.of(
            "refund_in_progress",
            f"BigCommerce is processing another refund of order {order_id}. Nothing was "
            "refunded: submit again in a few seconds.",
        ) from error
    return RefundOutcome(refund, refund_answer(refund, snapshot, order_id=order_id))


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
