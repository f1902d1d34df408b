"""The cancel action: cancel an order not yet shipped, optionally refunding it in the same step.

Cancelling is ``PUT /v2/orders/{id}`` with exactly ``{"status_id": 5}``: it moves no money, and the
form says so. When the agent also asks for a refund, everything left is refunded first under the
refund rules (quote checked as asked, chosen method, one POST), then the order is cancelled. The
answer says the refund was requested: BigCommerce processes its payment afterwards (orders.v3
``createOrderRefund``) and records a decline on the order, where the refund form shows it. A decline
already in BigCommerce's answer cancels nothing.

The submit is read against the form's fields built for the order as it is then (``cancel_fields``:
the refund choice is one the form offers, exactly; ``fields.read_submit``).

Exactly-once, as for refunds: one-time token and idempotency (``machinery/exactly_once.py``), the
order's lock, and
a journaled attempt, so a submit repeated after a timeout first looks at what BigCommerce already
did (the refund among the order's refunds, the status on the order) and never does it twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.errors import WriteGuidance
from gladly_bigcommerce.actions.machinery.exactly_once import (
    begin_attempt,
    finish_attempt,
    submit_order_action,
)
from gladly_bigcommerce.actions.machinery.fields import (
    REASON,
    FormField,
    SubmittedForm,
    echoed,
    read_submit,
    reason_field,
    select_field,
)
from gladly_bigcommerce.actions.machinery.forms import order_action_form
from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.actions.machinery.tokens import FormToken
from gladly_bigcommerce.actions.orders import (
    STATUS_CANCELLED,
    STATUS_REFUNDED,
    OrderActionQuery,
    is_shipped,
    load_order,
    status_label,
)
from gladly_bigcommerce.actions.refund.amounts import (
    QuotedRefund,
    RefundableOrder,
    default_method,
    quote_everything,
    read_refundable,
    refund_methods,
)
from gladly_bigcommerce.actions.refund.form import with_declined_note
from gladly_bigcommerce.actions.refund.plan import choose_method, refuse_adjusted_quote
from gladly_bigcommerce.actions.refund.write import (
    PAYMENT_PROCESSED_LATER,
    RefundSnapshot,
    recover_refund,
    refund_answer,
    refund_snapshot,
    send_refund,
)
from gladly_bigcommerce.bigcommerce.models import Order
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult
from gladly_bigcommerce.money import format_money
from gladly_bigcommerce.settings.model import ActionName

ACTION: ActionName = "cancel"
REFUND = "refund"
NO_REFUND = "none"
_REFUND_PREFIX = "refund:"
_NOT_CANCELLABLE_STATUSES = frozenset({STATUS_CANCELLED, STATUS_REFUNDED})
"""Cancelled or Refunded already (shipped orders are checked apart, shipments included)."""


def not_cancellable(order: Order) -> NotAcceptable | None:
    """Why ``order`` cannot be cancelled, in its real state; None when it can."""
    if order.status_id == STATUS_CANCELLED:
        return NotAcceptable.of("already_cancelled", f"Order {order.id} is already cancelled.")
    if is_shipped(order):
        return NotAcceptable.of(
            "already_shipped",
            f"Order {order.id} has shipped ({status_label(order)}), so it cannot be cancelled; a refund "
            "is still possible.",
        )
    if order.status_id in _NOT_CANCELLABLE_STATUSES:
        return NotAcceptable.of(
            "already_refunded",
            f"Order {order.id} is {status_label(order)}, so there is nothing to cancel.",
        )
    return None


# --- the form -----------------------------------------------------------------------------------------


def cancel_form(context: ActionContext, query: OrderActionQuery) -> ActionForm:
    """A reason, and whether to refund everything left too; 406 when the order cannot be cancelled."""
    order = load_order(context.client, query, deadline=context.deadline)
    refusal = not_cancellable(order)
    if refusal is not None:
        raise refusal
    refundable = read_refundable(context.client, order, deadline=context.deadline)
    everything = quote_everything(context.client, refundable, deadline=context.deadline)
    return order_action_form(
        context,
        ACTION,
        query,
        f"Cancel order {order.id}",
        "Cancel order",
        cancel_fields(refundable, everything),
    )


def cancel_fields(refundable: RefundableOrder, everything: QuotedRefund | None) -> list[FormField]:
    """The cancel form's fields for the order as it is (``everything``: all that is left to refund, quoted;
    None when nothing is): rendered by the form, read by the submit."""
    fields = [
        reason_field(
            "Reason for cancelling",
            "Required. Recorded in this conversation and the adaptor's audit log.",
        )
    ]
    if everything is not None:
        fields.append(_refund_field(refundable, everything))
    else:
        # Nothing to refund: the choice is not shown, and takes "none" only (a form opened before the
        # order's money was refunded still submits it).
        fields.append(select_field(REFUND, "", [(NO_REFUND, "No refund")], default=NO_REFUND).hidden())
    return fields


def _refund_field(refundable: RefundableOrder, everything: QuotedRefund) -> FormField:
    total = everything.total
    methods = refund_methods(everything.quote, refundable.order)
    preselected = default_method(methods)
    ordered = [preselected, *[m for m in methods if m is not preselected]] if preselected else methods
    options = [(NO_REFUND, "No refund: cancel only")]
    left = refundable.money(total)
    options += [
        (f"{_REFUND_PREFIX}{method.key}", f"Also refund everything left, {left}, to {method.label}")
        for method in ordered
    ]
    return select_field(
        REFUND,
        "Refund the payment too?",
        options,
        default=NO_REFUND,
        hint=with_declined_note(
            refundable,
            "Cancelling does not refund the customer. Choose a refund to return the captured payment in "
            "the same step.",
        ),
    )


# --- the submit ---------------------------------------------------------------------------------------


class CancelSnapshot(BaseModel):
    """What a cancel attempt knew before writing, and how far it got."""

    model_config = ConfigDict(frozen=True)

    status_before: int
    reason: str = ""
    """The agent's reason (empty in attempts journaled before it was kept: the refund's is used then)."""
    refund: RefundSnapshot | None = None
    """The refund this attempt sends before cancelling (None: cancel only)."""
    refund_id: int | None = None
    """Set once that refund is made."""


def submit_cancel(context: ActionContext, query: OrderActionQuery, values: Mapping[str, Any]) -> ActionResult:
    """Cancel (and refund) exactly once per form (see the module docstring): the order's lock and this
    form's earlier attempt first (``submit_order_action``), resumed when it did not finish."""

    def cancel_once(token: FormToken, attempt: Attempt | None) -> SubmitAnswer:
        order = load_order(context.client, query, deadline=context.deadline)
        if attempt is not None:
            answer = _resume(context, attempt, order)
            if answer is not None:
                return answer
        refusal = not_cancellable(order)
        if refusal is not None:
            raise refusal
        # The submit is read against the form as the order is now: its refund choices included.
        refundable = read_refundable(context.client, order, deadline=context.deadline)
        everything = quote_everything(context.client, refundable, deadline=context.deadline)
        form = read_submit(cancel_fields(refundable, everything), values)
        return _refund_then_cancel(context, refundable, everything, form, token, replacing=attempt)

    return submit_order_action(context, query.subject(ACTION), query.token, values, cancel_once)


def _refund_method_key(form: SubmittedForm) -> str | None:
    """The refund method key the agent chose (an offered ``refund:<key>``), or None for no refund."""
    chosen = form.choice(REFUND)
    if chosen is None or chosen == NO_REFUND:
        return None
    return chosen[len(_REFUND_PREFIX) :]


def _resume(context: ActionContext, attempt: Attempt, order: Order) -> SubmitAnswer | None:
    """Carry on an earlier attempt of this form that ended without an answer (a timeout), as it was
    submitted then (its journaled snapshot, the reason included).

    What BigCommerce already did decides: a refund among the order's refunds is not sent again, a
    cancelled status is not set again. None when the earlier attempt's refund was never made: the
    submit then starts over.
    """
    snapshot = CancelSnapshot.model_validate(attempt.snapshot)
    reason = snapshot.reason or (snapshot.refund.reason if snapshot.refund is not None else "")
    if snapshot.refund is not None and snapshot.refund_id is None:
        refundable = read_refundable(context.client, order, deadline=context.deadline)
        refund = recover_refund(context, attempt, snapshot.refund, refundable)
        if refund is None:
            return None
        refund_result = refund_answer(refund, snapshot.refund, order_id=order.id, recovered=True)
        if not refund_result.succeeded:
            return finish_attempt(context, attempt, _declined_nothing_cancelled(refund_result, order))
        snapshot = snapshot.model_copy(update={"refund_id": refund.id})
        attempt = context.stores.journal.update_snapshot(attempt, snapshot.model_dump(mode="json"))
    if order.status_id == STATUS_CANCELLED:
        return finish_attempt(context, attempt, _cancelled_answer(order, reason, snapshot))
    if snapshot.refund_id is not None and is_shipped(order):
        return finish_attempt(context, attempt, _refunded_not_cancelled(order, snapshot))
    if snapshot.refund_id is None:
        refusal = not_cancellable(order)
        if refusal is not None:
            raise refusal
    return _cancel(context, attempt, order, reason, snapshot)


def _refund_then_cancel(
    context: ActionContext,
    refundable: RefundableOrder,
    everything: QuotedRefund | None,
    form: SubmittedForm,
    token: FormToken,
    *,
    replacing: Attempt | None,
) -> SubmitAnswer:
    order = refundable.order
    reason = form.text(REASON)
    refund_method_key = _refund_method_key(form)
    if refund_method_key is None or everything is None:
        snapshot = CancelSnapshot(status_before=order.status_id, reason=reason)
        attempt = begin_attempt(context, ACTION, token, snapshot, order_id=order.id, replacing=replacing)
        return _cancel(context, attempt, order, reason, snapshot)
    refuse_adjusted_quote(context, refundable, everything, [REFUND], asked=refundable.money_left)
    try:
        method = choose_method(refundable, everything, refund_method_key)
    except BadRequest as error:
        raise BadRequest.of(error.errors[0].code, error.errors[0].detail, attr=REFUND) from error
    snapshot = CancelSnapshot(
        status_before=order.status_id,
        reason=reason,
        refund=refund_snapshot(refundable, everything, method, reason),
    )
    attempt = begin_attempt(context, ACTION, token, snapshot, order_id=order.id, replacing=replacing)
    assert snapshot.refund is not None
    outcome = send_refund(context, refundable, everything, method, snapshot.refund, attempt)
    if not outcome.answer.succeeded:
        return finish_attempt(context, attempt, _declined_nothing_cancelled(outcome.answer, order))
    snapshot = snapshot.model_copy(update={"refund_id": outcome.refund.id})
    attempt = context.stores.journal.update_snapshot(attempt, snapshot.model_dump(mode="json"))
    return _cancel(context, attempt, order, reason, snapshot)


def _cancel(
    context: ActionContext, attempt: Attempt, order: Order, reason: str, snapshot: CancelSnapshot
) -> SubmitAnswer:
    """``PUT {"status_id": 5}``, once; after a timeout the next submit reads the status first.

    When BigCommerce does not take it, an attempt that refunded first is kept (the next submit of the
    form cancels without refunding again); one that did nothing else is dropped.
    """
    refunded = snapshot.refund_id is not None
    went_through = " (its refund went through)" if refunded else ""
    cancelled = context.write(
        lambda deadline: context.client.update_order_status(order.id, STATUS_CANCELLED, deadline=deadline),
        guidance=WriteGuidance(
            not_done=f"order {order.id} was not cancelled{went_through or ', and nothing was changed'}",
            not_repeated="the refund is not made twice" if refunded else "",
            unconfirmed=f"cancelling order {order.id}{went_through}",
            checked="the order's status is checked",
        ),
        forget=None if refunded else attempt,
        audit={**_audit(snapshot, reason), "cancelled": "false"} if refunded else None,
    )
    return finish_attempt(context, attempt, _cancelled_answer(cancelled, reason, snapshot))


def _audit(snapshot: CancelSnapshot, reason: str) -> dict[str, str]:
    facts = {"status_before": str(snapshot.status_before), "reason_length": str(len(reason))}
    if snapshot.refund is not None:
        facts |= {
            "refund_amount": format(snapshot.refund.amount, "f"),
            "currency": snapshot.refund.currency,
            "refund_method": snapshot.refund.method_key,
        }
    if snapshot.refund_id is not None:
        facts["refund_id"] = str(snapshot.refund_id)
    return facts


def _cancelled_answer(order: Order, reason: str, snapshot: CancelSnapshot) -> SubmitAnswer:
    refund = snapshot.refund if snapshot.refund_id is not None else None
    if refund is not None:
        money = format_money(refund.amount, refund.currency)
        if refund.offline:
            message = f"Cancelled order {order.id} and recorded a refund of {money}"
            money_line = (
                f"Refund of {money} recorded through {refund.method_name}: {refund.description}. BigCommerce "
                f"sent no money: return it to the customer yourself. BigCommerce refund {snapshot.refund_id}."
            )
        else:
            message = f"Cancelled order {order.id} and requested a refund of {money}"
            money_line = (
                f"Refund of {money} requested by {refund.method_name}: {refund.description}. "
                f"{PAYMENT_PROCESSED_LATER} BigCommerce refund {snapshot.refund_id}."
            )
    else:
        message = f"Cancelled order {order.id}"
        money_line = "No money was refunded: cancelling does not refund the customer."
    lines = [f"Order {order.id} is now {status_label(order)}.", money_line]
    detail = "\n".join([*lines, f"Reason: {echoed(reason)}"] if reason else lines)
    return SubmitAnswer.success(message, detail, audit=_audit(snapshot, reason))


def _declined_nothing_cancelled(declined: SubmitAnswer, order: Order) -> SubmitAnswer:
    refusal = declined.refusal
    assert refusal is not None
    return SubmitAnswer.refused(
        refusal.code,
        f"{refusal.detail} Order {order.id} was not cancelled.",
        audit={**declined.audit, "cancelled": "false"},
    )


def _refunded_not_cancelled(order: Order, snapshot: CancelSnapshot) -> SubmitAnswer:
    refund = snapshot.refund
    money = format_money(refund.amount, refund.currency) if refund is not None else "the refund"
    return SubmitAnswer.refused(
        "already_shipped",
        f"A refund of {money} was requested (BigCommerce refund {snapshot.refund_id}), but order "
        f"{order.id} has shipped ({status_label(order)}) since, so it was not cancelled.",
        audit={"refund_id": str(snapshot.refund_id), "cancelled": "false"},
    )


ROUTE = ActionRoute(ACTION, OrderActionQuery, cancel_form, submit_cancel)
"""The cancel Lambda: the form on ``GET``, the submit on ``POST`` (``edge/actions.py``)."""
