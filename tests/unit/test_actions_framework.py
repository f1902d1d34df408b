"""The action framework: order locks, attempt journal, idempotent submits, the submit pipeline (token
first, audit line), deadlines and BigCommerce writes. Form tokens: test_tokens.py; the strict reading of
submitted values: test_submit_reading.py.

DynamoDB is moto (a server on 127.0.0.1) with the tables built from template.yaml.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from devtools.aws import LocalResources
from devtools.template import SamTemplate
from gladly_bigcommerce.actions.machinery import context as context_module
from gladly_bigcommerce.actions.machinery import locks as locks_module
from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.context import ActionContext, action_deadlines
from gladly_bigcommerce.actions.machinery.errors import (
    ActionConflict,
    WriteGuidance,
    WriteNotSent,
    WriteOutcomeUnknown,
)
from gladly_bigcommerce.actions.machinery.exactly_once import ActionStores, SubmitRequest, run_submit
from gladly_bigcommerce.actions.machinery.idempotency import Submission
from gladly_bigcommerce.actions.machinery.locks import OrderLocks
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormToken, FormTokens
from gladly_bigcommerce.bigcommerce import errors as bigcommerce
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.edge.errors import action_answer
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable
from tests.fixtures.clock import ManualClock, SleepSpy

TOKENS = FormTokens.of("unit-test-signing-key", deployment_name="unit", store_hash="abc123")
REFUND_100 = FormSubject("refund", 100, None)
GLADLY_ABANDONS_AFTER_SECONDS = 15
GLADLY_FORM_PATIENCE_SECONDS = 5
NOTE_GUIDANCE = WriteGuidance(
    not_done="no note was added to order 100",
    unconfirmed="the note on order 100",
    checked="the order's notes are read",
)


def answered(error: Exception, values: Any) -> int:
    """The status Gladly gets for a submit's error: the edge's mapping, as edge/actions.py passes it."""
    return action_answer(error, "c", submitted=values)[0]


@pytest.fixture
def dynamodb(local_aws: LocalResources) -> Any:
    return local_aws.aws.client("dynamodb")


@pytest.fixture
def tables(local_aws: LocalResources) -> dict[str, str]:
    return dict(local_aws.table_names)


@pytest.fixture
def stores(dynamodb: Any, tables: dict[str, str]) -> ActionStores:
    return ActionStores.on_tables(
        dynamodb, idempotency_table=tables["IdempotencyTable"], locks_table=tables["OrderLocksTable"]
    )


def fresh_token(subject: FormSubject = REFUND_100) -> FormToken:
    return TOKENS.issue(subject, now=datetime.now(UTC))


# --- order locks ---------------------------------------------------------------------------------------


def test_a_held_lock_keeps_other_owners_out_until_released(stores: ActionStores) -> None:
    locks = stores.locks
    # Given agent A holds order 9001's lock
    lock = locks.try_acquire(9001, "agent-a")
    assert lock is not None
    # When agent B tries Then it does not get it, but A's own retry does
    assert locks.try_acquire(9001, "agent-b") is None
    assert locks.try_acquire(9001, "agent-a") is not None
    # And once A releases, B gets it
    locks.release(lock)
    assert locks.try_acquire(9001, "agent-b") is not None


def test_waiting_for_a_busy_order_ends_in_a_conflict_at_the_deadline(
    dynamodb: Any, tables: dict[str, str]
) -> None:
    # Given agent A holds order 9002's lock, and waits that move a manual clock (nothing really sleeps)
    clock = ManualClock()
    sleeps = SleepSpy(clock, really_wait=False)
    locks = OrderLocks(client=dynamodb, table_name=tables["OrderLocksTable"], sleep=sleeps)
    assert locks.try_acquire(9002, "agent-a") is not None
    deadline = clock.deadline(0.5)
    # When agent B waits for it under a 0.5 s deadline
    with pytest.raises(ActionConflict) as caught:
        locks.acquire(9002, "agent-b", deadline=deadline)
    # Then B polled until too little of the deadline was left for another poll (0.1 s to 0.2 s
    # apart, jittered), never waited past it, and got the 409 order_busy
    assert caught.value.errors[0].code == "order_busy"
    assert sleeps.waits and all(0.1 <= wait <= 0.2 for wait in sleeps.waits)
    assert sum(sleeps.waits) < 0.5
    assert 0 < deadline.remaining() < 0.2


@pytest.mark.parametrize("jitter", [0.0, 0.5, 0.999999])
def test_a_poll_that_would_end_after_the_deadline_is_never_started(
    dynamodb: Any, tables: dict[str, str], jitter: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given agent A holds an order's lock (one per case: the table is shared), and a jitter fixed at the
    # low, middle or top of its range
    order_id = 9100 + int(jitter * 10)
    monkeypatch.setattr(locks_module.random, "random", lambda: jitter)
    clock = ManualClock()
    sleeps = SleepSpy(clock, really_wait=False)
    locks = OrderLocks(client=dynamodb, table_name=tables["OrderLocksTable"], sleep=sleeps)
    assert locks.try_acquire(order_id, "agent-a") is not None
    deadline = clock.deadline(0.5)
    # When agent B waits for it under a 0.5 s deadline Then it gets the 409 without any wait
    # crossing the deadline
    with pytest.raises(ActionConflict):
        locks.acquire(order_id, "agent-b", deadline=deadline)
    wait = 0.1 * (1 + jitter)
    assert sleeps.waits and all(w == pytest.approx(wait) for w in sleeps.waits)
    assert sum(sleeps.waits) < 0.5 <= sum(sleeps.waits) + wait  # it stopped when one more poll would not fit
    assert deadline.remaining() > 0


def test_an_expired_lock_is_taken_over(dynamodb: Any, tables: dict[str, str]) -> None:
    clock = [1_000_000.0]
    locks = OrderLocks(client=dynamodb, table_name=tables["OrderLocksTable"], clock=lambda: clock[0])
    assert locks.try_acquire(9003, "crashed-run") is not None
    clock[0] += locks.ttl_seconds + 2
    assert locks.try_acquire(9003, "agent-b") is not None


def test_a_lock_is_released_after_an_error_but_kept_after_an_unknown_outcome(stores: ActionStores) -> None:
    class Unknown(Exception):
        pass

    # Given a block that fails with an ordinary error Then the lock is free afterwards
    with pytest.raises(ValueError), stores.locks.hold(9004, "a", deadline=Deadline.after(1)):
        raise ValueError("refused")
    assert stores.locks.try_acquire(9004, "b") is not None
    # Given a block that fails with an outcome-unknown error Then others stay locked out
    with pytest.raises(Unknown), stores.locks.hold(9005, "a", deadline=Deadline.after(1), keep_on=(Unknown,)):
        raise Unknown
    assert stores.locks.try_acquire(9005, "b") is None


# --- attempt journal -----------------------------------------------------------------------------------


def test_an_attempt_is_journaled_then_finished_with_its_answer(stores: ActionStores) -> None:
    journal = stores.journal
    nonce = fresh_token().nonce
    attempt = journal.begin(
        action="refund", nonce=nonce, order_id=9006, snapshot={"known": [1, 2]}, replacing=None
    )
    assert journal.get("refund", nonce) == attempt
    answer = SubmitAnswer.success("Refunded $1.00", audit={"amount": "1.00"})
    journal.finish(attempt, answer)
    stored = journal.get("refund", nonce)
    assert stored is not None
    assert (stored.state, stored.answer, stored.snapshot) == ("finished", answer, {"known": [1, 2]})


def test_two_runs_replacing_the_same_attempt_cannot_both_begin(stores: ActionStores) -> None:
    journal = stores.journal
    nonce = fresh_token().nonce
    first = journal.begin(action="refund", nonce=nonce, order_id=9007, snapshot={}, replacing=None)
    # Given two runs that both found `first` unfinished
    journal.begin(action="refund", nonce=nonce, order_id=9007, snapshot={"run": 1}, replacing=first)
    # When the second one begins too Then it is refused
    with pytest.raises(ActionConflict):
        journal.begin(action="refund", nonce=nonce, order_id=9007, snapshot={"run": 2}, replacing=first)
    # And a brand-new attempt cannot overwrite an existing one either
    with pytest.raises(ActionConflict):
        journal.begin(action="refund", nonce=nonce, order_id=9007, snapshot={}, replacing=None)


# --- idempotent submits --------------------------------------------------------------------------------


class CountingPerform:
    """A perform that counts its runs and can be slowed down or made to fail."""

    def __init__(self, delay: float = 0.0, error: Exception | None = None) -> None:
        self.runs = 0
        self.delay = delay
        self.error = error
        self._lock = threading.Lock()

    def __call__(self) -> SubmitAnswer:
        with self._lock:
            self.runs += 1
            run = self.runs
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error
        return SubmitAnswer.success(f"Done (run {run})", "detail")


def submission(token: FormToken, values: dict[str, Any], action: str = "refund") -> Submission:
    return Submission(action=action, subject="order-100", token=token, values=values)


def test_the_same_submit_twice_runs_once_and_gets_the_same_answer(stores: ActionStores) -> None:
    perform = CountingPerform()
    token = fresh_token()
    first = stores.submits.run(submission(token, {"amount": "5"}), perform, deadline=Deadline.after(5))
    second = stores.submits.run(submission(token, {"amount": "5"}), perform, deadline=Deadline.after(5))
    assert perform.runs == 1
    assert first == second == SubmitAnswer.success("Done (run 1)", "detail")


def test_the_same_token_with_other_values_is_refused(stores: ActionStores) -> None:
    perform = CountingPerform()
    token = fresh_token()
    stores.submits.run(submission(token, {"amount": "5"}), perform, deadline=Deadline.after(5))
    with pytest.raises(NotAcceptable) as caught:
        stores.submits.run(submission(token, {"amount": "6"}), perform, deadline=Deadline.after(5))
    assert caught.value.errors[0].code == "form_already_submitted"
    assert perform.runs == 1


def test_a_token_counts_per_action_and_subject(stores: ActionStores) -> None:
    perform = CountingPerform()
    token = fresh_token()
    stores.submits.run(submission(token, {"a": "1"}), perform, deadline=Deadline.after(5))
    stores.submits.run(submission(token, {"a": "1"}, action="cancel"), perform, deadline=Deadline.after(5))
    other_order = Submission(action="refund", subject="order-101", token=token, values={"a": "1"})
    stores.submits.run(other_order, perform, deadline=Deadline.after(5))
    assert perform.runs == 3


def test_a_run_that_raised_leaves_nothing_behind(stores: ActionStores) -> None:
    # Given a submit refused with a field to correct
    token = fresh_token()
    failing = CountingPerform(error=BadRequest.of("over_refund", "too much", attr="amount"))
    with pytest.raises(BadRequest):
        stores.submits.run(submission(token, {"amount": "500"}), failing, deadline=Deadline.after(5))
    # When the agent corrects the value and submits the same form Then it runs
    perform = CountingPerform()
    answer = stores.submits.run(submission(token, {"amount": "5"}), perform, deadline=Deadline.after(5))
    assert answer.succeeded and perform.runs == 1


def test_ten_concurrent_repeats_run_once_and_all_get_the_first_answer(stores: ActionStores) -> None:
    perform = CountingPerform(delay=0.3)
    token = fresh_token()
    barrier = threading.Barrier(10)
    answers: list[SubmitAnswer] = []

    def submit() -> None:
        barrier.wait()
        answers.append(
            stores.submits.run(submission(token, {"amount": "5"}), perform, deadline=Deadline.after(8))
        )

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert perform.runs == 1
    assert answers == [SubmitAnswer.success("Done (run 1)", "detail")] * 10


def test_a_repeat_that_cannot_wait_for_the_first_run_is_a_safe_conflict(stores: ActionStores) -> None:
    perform = CountingPerform(delay=1.5)
    token = fresh_token()
    first = threading.Thread(
        target=stores.submits.run,
        args=(submission(token, {"amount": "5"}), perform),
        kwargs={"deadline": Deadline.after(5)},
    )
    first.start()
    time.sleep(0.3)
    with pytest.raises(ActionConflict) as caught:
        stores.submits.run(submission(token, {"amount": "5"}), perform, deadline=Deadline.after(0.6))
    first.join()
    assert caught.value.errors[0].code == "submit_in_progress"
    assert perform.runs == 1


# --- run_submit: token, idempotency and the audit line ------------------------------------------------


def submit_context(stores: ActionStores | None = None) -> ActionContext:
    """A context for the machinery alone: a submit's deadlines, the tests' tokens, the edge's status for
    errors, and ``stores`` (its journal, for what a write forgets); no settings or BigCommerce client."""
    deadline, write_deadline = action_deadlines(submitting=True)
    unused = cast(Any, None)
    return ActionContext(
        settings=unused,
        client=unused,
        stores=stores or unused,
        tokens=TOKENS,
        deadline=deadline,
        write_deadline=write_deadline,
        now=datetime.now(UTC),
        correlation_id="c",
        lambda_context=None,
        public_base_url="https://example.test/prod",
        answered=answered,
    )


def submit_now(
    request: SubmitRequest,
    perform: Callable[[FormToken], SubmitAnswer],
    stores: ActionStores,
    *,
    correlation_id: str = "c",
) -> Any:
    """``run_submit`` now, with 5 s to go, the tests' tokens and the edge's status for errors."""
    context = replace(submit_context(stores), deadline=Deadline.after(5), correlation_id=correlation_id)
    return run_submit(context, request, perform)


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [record.audit for record in caplog.records if hasattr(record, "audit")]


def test_every_submit_writes_one_audit_line_and_a_repeat_says_it_was_replayed(
    stores: ActionStores, caplog: pytest.LogCaptureFixture
) -> None:
    token = fresh_token()
    request = SubmitRequest(
        form=REFUND_100,
        raw_token=str(token),
        values={"reason": "Parcel lost; call Martha on +14155550100"},
    )

    def perform(_: FormToken) -> SubmitAnswer:
        return SubmitAnswer.success("Refunded $5.00", audit={"amount": "5.00", "currency": "USD"})

    for _ in range(2):
        result = submit_now(request, perform, stores, correlation_id="corr-1")
        assert result.message == "Refunded $5.00"
    first, second = audit_lines(caplog)
    assert first["outcome"] == second["outcome"] == "succeeded"
    assert (first["replayed"], second["replayed"]) == (False, True)
    assert first["correlation_id"] == "corr-1" and first["order_id"] == 100
    assert first["details"] == {"amount": "5.00", "currency": "USD"}
    logged = json.dumps([record.__dict__ for record in caplog.records], default=str)
    assert "Martha" not in logged and "4155550100" not in logged


def test_a_refused_submit_is_raised_as_406_and_audited_as_refused(
    stores: ActionStores, caplog: pytest.LogCaptureFixture
) -> None:
    cancel_100 = FormSubject("cancel", 100, None)
    request = SubmitRequest(form=cancel_100, raw_token=str(fresh_token(cancel_100)), values={})
    with pytest.raises(NotAcceptable):
        submit_now(request, lambda _: SubmitAnswer.refused("payment_declined", "Declined"), stores)
    (line,) = audit_lines(caplog)
    assert (line["outcome"], line["status"], line["code"]) == ("refused", 406, "payment_declined")


class Untouchable:
    """A store that records any use: a refused token must not reach the hot path's lookups."""

    def __init__(self, used: list[str]) -> None:
        self._used = used

    def __getattr__(self, name: str) -> Any:
        self._used.append(name)
        raise AssertionError(f"the store was used: {name}")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("forged", "invalid_token"),
        (str(fresh_token(FormSubject("refund", 101, None))), "form_not_for_this"),
        (
            str(
                FormTokens.of("other-key", deployment_name="unit", store_hash="abc123").issue(
                    REFUND_100, now=datetime.now(UTC)
                )
            ),
            "form_not_for_this",
        ),
    ],
    ids=["malformed", "another-order", "not-ours"],
)
def test_a_bad_token_is_audited_and_nothing_is_looked_up_or_run(
    caplog: pytest.LogCaptureFixture, raw: str, code: str
) -> None:
    # Given stores that must not be touched, and a token that is malformed, for order 101, or not ours
    used: list[str] = []
    untouchable = cast(Any, Untouchable(used))
    stores = ActionStores(submits=untouchable, locks=untouchable, journal=untouchable)
    ran = []
    request = SubmitRequest(form=REFUND_100, raw_token=raw, values={})
    # When it is submitted for order 100 Then it is a 400, and nothing ran or was looked up
    with pytest.raises(BadRequest):
        submit_now(request, lambda _: ran.append(1) or SubmitAnswer.success("x"), stores)
    assert ran == [] and used == []
    # And the audit line records the refusal on order 100, and nothing done
    (line,) = audit_lines(caplog)
    assert (line["outcome"], line["status"], line["code"], line["order_id"]) == ("rejected", 400, code, 100)
    assert line.get("details", {}) == {} and line["replayed"] is False


@pytest.mark.parametrize(
    ("error", "outcome", "status", "code"),
    [
        (bigcommerce.RateLimited("slow down", status=429, retry_after=30), "failed", 400, "rate_limited"),
        (bigcommerce.OutcomeUnknown("no answer"), "outcome_unknown", 400, "outcome_unknown"),
        (ActionConflict.of("order_busy", "Busy."), "rejected", 400, "order_busy"),
        (bigcommerce.Forbidden("scope", status=403), "failed", 406, "forbidden"),
        (WriteNotSent.of("upstream_rate_limited", "Not sent."), "failed", 400, "upstream_rate_limited"),
        (KeyError("a bug"), "failed", 406, None),
    ],
)
def test_a_failed_submit_is_audited_with_what_happened_and_the_status_gladly_gets(
    stores: ActionStores,
    caplog: pytest.LogCaptureFixture,
    error: Exception,
    outcome: str,
    status: int,
    code: str,
) -> None:
    # Given a submit whose action raises
    request = SubmitRequest(form=REFUND_100, raw_token=str(fresh_token()), values={"reason": "x"})

    def perform(_: FormToken) -> SubmitAnswer:
        raise error

    # When it runs
    with pytest.raises(type(error)):
        submit_now(request, perform, stores)
    # Then its audit line says what happened, and the status is the one the answer carries (the edge's
    # action mapping: 400 keeps the form open to submit again, 406 closes it)
    (line,) = audit_lines(caplog)
    assert (line["outcome"], line["status"], line.get("code")) == (outcome, status, code)


def test_a_write_error_carries_what_was_done_before_it_into_the_audit_line(
    stores: ActionStores, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a cancel whose refund was made, and whose status change BigCommerce did not take
    cancel_100 = FormSubject("cancel", 100, None)
    request = SubmitRequest(form=cancel_100, raw_token=str(fresh_token(cancel_100)), values={})
    error = WriteNotSent.of("upstream_rate_limited", "Not cancelled.").noting(
        {"refund_id": "7", "cancelled": "false"}
    )

    def perform(_: FormToken) -> SubmitAnswer:
        raise error

    with pytest.raises(WriteNotSent):
        submit_now(request, perform, stores)
    # Then the line records the refund as well as the failure
    (line,) = audit_lines(caplog)
    assert line["details"] == {"refund_id": "7", "cancelled": "false"}


# --- BigCommerce writes: what happened, and what the journal keeps -----------------------------------


def failing(error: Exception) -> Any:
    def send(_: Deadline) -> Any:
        raise error

    return send


def journaled(stores: ActionStores) -> Attempt:
    """The attempt an action journals before its write (``begin_attempt``)."""
    return stores.journal.begin(
        action="refund", nonce=fresh_token().nonce, order_id=100, snapshot={}, replacing=None
    )


@pytest.mark.parametrize(
    ("error", "code", "cause"),
    [
        (
            bigcommerce.RateLimited("429", status=429),
            "upstream_rate_limited",
            "BigCommerce is busy (its rate limit is reached)",
        ),
        (
            bigcommerce.UpstreamUnavailable("could not be reached"),
            "upstream_unavailable",
            "BigCommerce is not answering",
        ),
        (
            bigcommerce.DeadlineExceeded("no time left"),
            "upstream_timeout",
            "BigCommerce did not answer in time",
        ),
    ],
    ids=["429", "unreachable", "no-time-left"],
)
def test_a_write_bigcommerce_never_took_is_forgotten_and_said_to_have_changed_nothing(
    stores: ActionStores, error: Exception, code: str, cause: str
) -> None:
    # Given a journaled write the client reports as never done (429, unreachable before sending, no time
    # to start)
    attempt = journaled(stores)
    # When it is sent through the context
    with pytest.raises(WriteNotSent) as caught:
        submit_context(stores).write(failing(error), guidance=NOTE_GUIDANCE, forget=attempt)
    # Then its journal entry is forgotten (the next submit proceeds), and the agent is told why and what
    assert stores.journal.get("refund", attempt.nonce) is None
    item = caught.value.errors[0]
    assert (item.code, item.detail) == (
        code,
        f"{cause}, so no note was added to order 100. Submit this form again in a minute.",
    )
    # And Gladly gets a 400 on no field: the same form may be submitted again
    status, (answered,) = action_answer(caught.value, "c", submitted={"reason": "x"})
    assert (status, answered.attr, answered.detail) == (400, "", item.detail)


def test_a_write_whose_outcome_is_unknown_keeps_its_journal_entry(stores: ActionStores) -> None:
    attempt = journaled(stores)
    with pytest.raises(WriteOutcomeUnknown) as caught:
        submit_context(stores).write(
            failing(bigcommerce.OutcomeUnknown("timed out after sending")),
            guidance=NOTE_GUIDANCE,
            forget=attempt,
        )
    assert stores.journal.get("refund", attempt.nonce) == attempt
    assert (caught.value.errors[0].code, caught.value.errors[0].detail) == (
        "outcome_unknown",
        "BigCommerce did not confirm the note on order 100. Submit this form again in a moment, and the "
        "order's notes are read before anything else is done.",
    )


@pytest.mark.parametrize(
    ("guidance", "not_sent", "unknown"),
    [
        (  # a refund moves money: never do it another way while it is unconfirmed
            WriteGuidance(
                not_done="the refund of $25.00 on order 100 was not sent, and nothing was changed",
                unconfirmed="the refund of $25.00 on order 100",
                checked="the order's refunds are checked",
                other_way="refund it",
            ),
            "so the refund of $25.00 on order 100 was not sent, and nothing was changed. Submit this form "
            "again in a minute.",
            "BigCommerce did not confirm the refund of $25.00 on order 100. Do not refund it another way: "
            "submit this form again in a moment, and the order's refunds are checked before anything else "
            "is done.",
        ),
        (  # a cancel whose refund went through first: submitting again does not refund again
            WriteGuidance(
                not_done="order 100 was not cancelled (its refund went through)",
                not_repeated="the refund is not made twice",
                unconfirmed="cancelling order 100 (its refund went through)",
                checked="the order's status is checked",
            ),
            "so order 100 was not cancelled (its refund went through). Submit this form again in a minute: "
            "the refund is not made twice.",
            "BigCommerce did not confirm cancelling order 100 (its refund went through). Submit this form "
            "again in a moment, and the order's status is checked before anything else is done.",
        ),
        (  # a write that leaves nothing usable: nothing to check first
            WriteGuidance(
                not_done="no discount was created", unconfirmed="creating the discount", checked=None
            ),
            "so no discount was created. Submit this form again in a minute.",
            "BigCommerce did not confirm creating the discount. Submit this form again in a moment.",
        ),
    ],
    ids=["money-moving", "repeats-nothing-done-before", "nothing-to-check"],
)
def test_write_guidance_is_worded_alike_from_its_parts(
    guidance: WriteGuidance, not_sent: str, unknown: str
) -> None:
    assert (guidance.not_sent, guidance.unknown) == (not_sent, unknown)


def test_a_refused_write_is_forgotten_and_raised_for_the_action_to_word(stores: ActionStores) -> None:
    attempt = journaled(stores)
    refusal = bigcommerce.ValidationFailed("422", status=422)
    with pytest.raises(bigcommerce.ValidationFailed) as caught:
        submit_context(stores).write(failing(refusal), guidance=NOTE_GUIDANCE, forget=attempt)
    assert caught.value is refusal and stores.journal.get("refund", attempt.nonce) is None


def test_a_write_is_sent_with_the_whole_submit_deadline() -> None:
    context = submit_context()
    received: list[Deadline] = []
    assert (
        context.write(lambda deadline: received.append(deadline) or "done", guidance=NOTE_GUIDANCE) == "done"
    )
    assert received == [context.write_deadline]


def test_a_failure_before_any_write_says_nothing_was_done() -> None:
    # Given a submit whose reads run out of time before its write
    context = submit_context()
    request_perform = failing(bigcommerce.DeadlineExceeded("the deadline passed"))
    # When it is explained Then the agent is told nothing was done
    with pytest.raises(WriteNotSent) as caught:
        context._explained(lambda _: request_perform(context.deadline), fresh_token())
    assert caught.value.errors[0].detail == (
        "BigCommerce did not answer in time, so nothing was done. Submit this form again in a minute."
    )


def test_a_failure_after_a_write_is_left_to_the_generic_wording() -> None:
    # Given a submit that wrote, then failed reading: what was written is checked on the next submit
    context = submit_context()
    context.write(lambda _: "written", guidance=NOTE_GUIDANCE)
    error = bigcommerce.UpstreamUnavailable("unreachable")
    with pytest.raises(bigcommerce.UpstreamUnavailable):
        context._explained(lambda _: failing(error)(context.deadline), fresh_token())


# --- deadlines -------------------------------------------------------------------------------------------


class RemainingMillis:
    def __init__(self, millis: int) -> None:
        self.millis = millis

    def get_remaining_time_in_millis(self) -> int:
        return self.millis


def test_a_form_has_the_form_deadline_for_everything() -> None:
    deadline, write_deadline = action_deadlines(submitting=False)
    assert deadline.remaining() == pytest.approx(context_module.FORM_DEADLINE_SECONDS, abs=0.05)
    assert write_deadline.remaining() == pytest.approx(context_module.FORM_DEADLINE_SECONDS, abs=0.05)


def test_a_submit_keeps_the_end_of_its_deadline_for_its_write() -> None:
    deadline, write_deadline = action_deadlines(submitting=True)
    submit_seconds = context_module.SUBMIT_DEADLINE_SECONDS
    assert write_deadline.remaining() == pytest.approx(submit_seconds, abs=0.05)
    assert deadline.remaining() == pytest.approx(
        submit_seconds - context_module.WRITE_RESERVE_SECONDS, abs=0.05
    )


def test_deadlines_end_before_the_lambda_is_stopped() -> None:
    deadline, write_deadline = action_deadlines(submitting=True, lambda_context=RemainingMillis(9_000))
    assert write_deadline.remaining() == pytest.approx(9.0 - 1.5, abs=0.05)
    assert deadline.remaining() == pytest.approx(9.0 - 1.5 - context_module.WRITE_RESERVE_SECONDS, abs=0.05)


def test_action_deadlines_fit_gladlys_patience_and_the_template_timeouts() -> None:
    # Forms answer within Gladly's 5 s, like lookups
    assert context_module.FORM_DEADLINE_SECONDS < GLADLY_FORM_PATIENCE_SECONDS
    # A submit leaves its reads time, and its write the reserve
    assert 0 < context_module.WRITE_RESERVE_SECONDS < context_module.SUBMIT_DEADLINE_SECONDS
    # And answers before the action Lambdas are stopped (template.yaml Timeout), themselves stopped before
    # Gladly gives up
    timeouts = {
        function.logical_id: function.timeout_seconds
        for function in SamTemplate().functions()
        if function.logical_id in {"RefundFunction", "CancelFunction", "DiscountFunction"}
    }
    assert len(timeouts) == 3
    for logical_id, timeout in timeouts.items():
        assert context_module.SUBMIT_DEADLINE_SECONDS + 1.0 <= timeout < GLADLY_ABANDONS_AFTER_SECONDS, (
            logical_id
        )
