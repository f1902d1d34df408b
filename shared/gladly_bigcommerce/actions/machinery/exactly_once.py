"""The submit side of every action, in one place: token, exactly-once run, audit line, answer.

An action (refund, cancel, discount, store credit, staff note) supplies only
``perform(token) -> SubmitAnswer``: its own validation, BigCommerce calls and wording. ``run_submit``
wraps it so that every action gets the same guarantees:

- the values are checked for what no form may carry (``fields.check_submitted``), then the form's
  one-time token (present, well formed, issued by this deployment for this action, order and
  customer, not expired), before anything is looked up or locked; the action reads the values
  against its form's fields itself (``fields.read_submit``), before it journals or writes anything;
- ``perform`` runs at most once per token and values; repeats get the stored answer; an action that
  changes an order or a customer runs under its lock (``submit_locked``), after this form's earlier
  attempt is looked at (``recover_attempt``);
- one audit line records who (Gladly correlation id), what, for which order or customer, and how it
  ended, whether the answer was fresh or replayed, succeeded or raised;
- the result is an ``ActionResult`` (200) or a raised error for the edge to answer (``edge/errors.py``,
  ``action_answer``: 400 or 406), and the audit line records that status.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt, AttemptJournal
from gladly_bigcommerce.actions.machinery.audit import AuditOutcome, AuditRecord, audit, token_fingerprint
from gladly_bigcommerce.actions.machinery.errors import WriteError, WriteOutcomeUnknown
from gladly_bigcommerce.actions.machinery.fields import check_submitted
from gladly_bigcommerce.actions.machinery.idempotency import IdempotentSubmits, Submission
from gladly_bigcommerce.actions.machinery.locks import Lockable, LockTarget, OrderLocks
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormToken
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import BigCommerceError, UpstreamUnavailable
from gladly_bigcommerce.gladly.errors import GladlyError
from gladly_bigcommerce.gladly.models import ActionResult
from gladly_bigcommerce.observability import logger

if TYPE_CHECKING:
    from gladly_bigcommerce.actions.machinery.context import ActionContext

OUTCOME_UNKNOWN_CODE = "outcome_unknown"
LOCK_WAIT_SECONDS = 5.0
"""How long a submit waits for another action on the same order (a refund takes a few seconds)."""
READS_AFTER_THE_LOCK_SECONDS = 2.5
"""What a lock wait leaves of the reads' deadline for the reads and quotes that follow it."""

AnsweredStatus = Callable[[Exception, Mapping[str, Any]], int]
"""The status Gladly gets for a submit that raised, given its values: the edge's answer to the error
(``edge/errors.action_answer``), so the audit line records what Gladly was told."""


@dataclass(frozen=True)
class ActionStores:
    """The DynamoDB-backed state of actions: idempotency records, order locks, attempt journal."""

    submits: IdempotentSubmits
    locks: OrderLocks
    journal: AttemptJournal

    @classmethod
    def on_tables(cls, client: Any, *, idempotency_table: str, locks_table: str) -> ActionStores:
        """Stores on the two tables of template.yaml, through one (thread-safe) boto3 DynamoDB client."""
        return cls(
            submits=IdempotentSubmits(client=client, table_name=idempotency_table),
            locks=OrderLocks(client=client, table_name=locks_table),
            journal=AttemptJournal(client=client, table_name=locks_table),
        )


@dataclass(frozen=True)
class SubmitRequest:
    """What every action submit carries, once the signed request is parsed (its Gladly correlation id
    is the context's).

    ``form`` is what the submit URL names (action, order, customer): its token must prove exactly that.
    ``customer_id`` is the customer as the audit line names it (an id, a guest's fingerprint).
    """

    form: FormSubject
    raw_token: str | None
    values: Mapping[str, Any]
    customer_id: str | None = None

    @property
    def action(self) -> str:
        return self.form.action

    @property
    def order_id(self) -> int | None:
        return self.form.order_id

    @property
    def subject(self) -> str:
        """What the form is about: its token counts for this and nothing else."""
        if self.order_id is not None:
            return f"order-{self.order_id}"
        return f"customer-{self.customer_id}"


def run_submit(
    context: ActionContext, request: SubmitRequest, perform: Callable[[FormToken], SubmitAnswer]
) -> ActionResult:
    """Check the token, run ``perform`` exactly once for it, audit, and return or raise the answer.

    ``context`` gives the request's tokens, stores, clock, reads' deadline, Lambda time and correlation
    id, and the status Gladly gets for an error (``answered``), for the audit line.
    Values no form may carry, and a token that is not ours or not for this action, order and customer,
    are refused here: no idempotency record, journal entry, lock or BigCommerce call, and the audit line
    says so.
    """
    ran = False

    def perform_fresh(token: FormToken) -> SubmitAnswer:
        nonlocal ran
        ran = True
        return perform(token)

    record = AuditRecord(
        action=request.action,
        outcome="failed",
        correlation_id=context.correlation_id,
        order_id=request.order_id,
        customer_id=request.customer_id,
        submit_ref=token_fingerprint(request.raw_token) if request.raw_token else None,
        status=500,
    )
    try:
        check_submitted(request.values)
        token = context.tokens.check(request.raw_token, request.form, now=context.now)
        submission = Submission(
            action=request.action, subject=request.subject, token=token, values=request.values
        )
        answer = context.stores.submits.run(
            submission,
            lambda: perform_fresh(token),
            deadline=context.deadline,
            lambda_context=context.lambda_context,
        )
    except Exception as error:
        audit(_with_error(record, error, context.answered(error, request.values)))
        raise
    outcome: AuditOutcome = "succeeded" if answer.succeeded else "refused"
    audit(
        record.model_copy(
            update={
                "outcome": outcome,
                "status": 200 if answer.succeeded else 406,
                "code": answer.refusal.code if answer.refusal else None,
                "replayed": not ran,
                "details": answer.audit,
            }
        )
    )
    return answer.deliver()


def _with_error(record: AuditRecord, error: Exception, answered: int) -> AuditRecord:
    """The line of a submit that raised: the outcome and code say what happened, ``status`` what Gladly
    was answered (``answered``: the edge's mapping, the same the response goes through)."""
    code: str | None = None
    kind = 500
    if isinstance(error, GladlyError):
        kind, code = error.status, error.errors[0].code
    elif isinstance(error, BigCommerceError):
        kind, code = (503 if isinstance(error, UpstreamUnavailable) else 502), error.code
    outcome: AuditOutcome
    if code == OUTCOME_UNKNOWN_CODE:
        outcome = "outcome_unknown"
    elif kind == 406:
        outcome = "refused"
    elif kind < 500:
        outcome = "rejected"
    else:
        outcome = "failed"
    # What the submit did before it failed (a cancel's refund), so the line records all that happened.
    details = error.details if isinstance(error, WriteError) else {}
    update = {"outcome": outcome, "status": answered, "code": code, "details": details}
    return record.model_copy(update=update)


# --- the steps an action's submit takes (every action's, and those to come) ----------------------------

LockedPerform = Callable[[FormToken, Attempt | None], SubmitAnswer]
"""An action's own work for one submit under its lock: given the form's token and this form's unfinished
earlier attempt (None the first time), check what that attempt did, then plan, journal and write."""


def submit_order_action(
    context: ActionContext,
    subject: FormSubject,
    raw_token: str | None,
    values: Mapping[str, Any],
    perform: LockedPerform,
) -> ActionResult:
    """An order action's submit, exactly once per form: the token and idempotency (``run_submit``), the
    order's lock (two actions on one order never overlap in BigCommerce), then this form's earlier
    attempt: its answer when it finished, else ``perform`` with it. Audited for the order and customer."""
    order_id = subject.order_id
    if order_id is None:
        raise ValueError("an order action's form names its order")
    return submit_locked(context, subject, raw_token, values, perform, order_id, subject.customer)


def submit_customer_action(
    context: ActionContext,
    subject: FormSubject,
    raw_token: str | None,
    values: Mapping[str, Any],
    perform: LockedPerform,
    *,
    customer_id: int,
    audit_customer: str,
) -> ActionResult:
    """A registered customer's action (store credit), exactly once per form like an order's, under the
    customer's lock: two changes of one customer never overlap, so none is lost."""
    target = LockTarget.customer(customer_id)
    return submit_locked(context, subject, raw_token, values, perform, target, audit_customer)


def submit_locked(
    context: ActionContext,
    subject: FormSubject,
    raw_token: str | None,
    values: Mapping[str, Any],
    perform: LockedPerform,
    target: Lockable,
    audit_customer: str | None,
) -> ActionResult:
    """``perform`` exactly once per form under ``target``'s lock, after this form's earlier attempt."""

    def once(token: FormToken) -> SubmitAnswer:
        with hold_lock(context, target, token):
            earlier = recover_attempt(context, subject.action, token)
            if isinstance(earlier, SubmitAnswer):
                return earlier
            return perform(token, earlier)

    return context.submit(subject, raw_token, values, once, audit_customer=audit_customer)


def hold_lock(context: ActionContext, target: Lockable, token: FormToken) -> Any:
    """The order's (or customer's) lock for this submit, kept after a write whose outcome is unknown."""
    wait = max(0.5, min(LOCK_WAIT_SECONDS, context.deadline.remaining() - READS_AFTER_THE_LOCK_SECONDS))
    return context.stores.locks.hold(
        target, token.nonce, deadline=Deadline.after(wait), keep_on=(WriteOutcomeUnknown,)
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


def discard_attempt(context: ActionContext, attempt: Attempt) -> None:
    """Forget an attempt whose write BigCommerce refused or never got (``ActionContext.write``'s ``forget``):
    nothing happened. If forgetting fails, the next submit finds the attempt, looks for its write in vain,
    and carries on."""
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
