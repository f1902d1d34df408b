"""The action framework: form tokens, strict amounts, order locks, attempt journal, idempotent submits.

DynamoDB is moto (a server on 127.0.0.1) with the tables built from template.yaml.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from devtools.aws import LocalResources
from gladly_bigcommerce.actions.amounts import parse_amount, parse_quantity
from gladly_bigcommerce.actions.answers import SubmitAnswer
from gladly_bigcommerce.actions.errors import ActionConflict
from gladly_bigcommerce.actions.idempotency import Submission
from gladly_bigcommerce.actions.locks import OrderLocks
from gladly_bigcommerce.actions.submit import ActionStores, SubmitRequest, run_submit
from gladly_bigcommerce.actions.tokens import FORM_TOKEN_MAX_AGE, FormToken
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

NOW = datetime(2026, 3, 1, 17, 4, 5, tzinfo=UTC)


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


def fresh_token() -> FormToken:
    return FormToken.issue(datetime.now(UTC))


# --- form tokens ---------------------------------------------------------------------------------


def test_a_token_reads_back_as_issued() -> None:
    token = FormToken.issue(NOW)
    assert FormToken.parse(str(token), now=NOW + timedelta(minutes=3)) == token
    assert str(token).startswith(f"{int(NOW.timestamp())}.")


def test_two_tokens_issued_at_the_same_moment_differ() -> None:
    assert len({str(FormToken.issue(NOW)) for _ in range(50)}) == 50


@pytest.mark.parametrize("raw", [None, "", "abc", "1772384645.short", "1772384645." + "!" * 32])
def test_a_missing_or_malformed_token_is_a_bad_request_on_the_token(raw: str | None) -> None:
    with pytest.raises(BadRequest) as caught:
        FormToken.parse(raw, now=NOW)
    assert caught.value.errors[0].attr == "token"


def test_a_form_older_than_the_maximum_age_is_not_acceptable() -> None:
    # Given a token issued just over the maximum age ago
    token = FormToken.issue(NOW)
    # When its submit arrives Then Gladly is told to close the form (406)
    with pytest.raises(NotAcceptable) as caught:
        FormToken.parse(str(token), now=NOW + FORM_TOKEN_MAX_AGE + timedelta(seconds=1))
    assert caught.value.errors[0].code == "form_expired"


def test_a_token_from_the_future_beyond_clock_skew_is_not_acceptable() -> None:
    token = FormToken.issue(NOW + timedelta(hours=1))
    with pytest.raises(NotAcceptable):
        FormToken.parse(str(token), now=NOW)


# --- amounts typed by agents -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "amount"),
    [
        ("12.50", "USD", Decimal("12.50")),
        (" 12.5 ", "USD", Decimal("12.5")),
        ("7", "EUR", Decimal("7")),
        ("1250", "JPY", Decimal("1250")),
        ("0.125", "KWD", Decimal("0.125")),
        (12, "USD", Decimal("12")),
    ],
)
def test_amounts_in_plain_digits_are_read_exactly(text: Any, currency: str, amount: Decimal) -> None:
    assert parse_amount(text, currency_code=currency, attr="amount") == amount


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("12,5", "USD"),
        ("12,5abc", "USD"),
        ("1,234.50", "USD"),
        ("$12.50", "USD"),
        ("12.505", "USD"),
        ("12.5", "JPY"),
        ("-3", "USD"),
        ("0", "USD"),
        ("0.00", "USD"),
        ("1e3", "USD"),
        ("NaN", "USD"),
        (12.5, "USD"),
        (True, "USD"),
    ],
)
def test_anything_else_is_a_bad_request_on_the_field(text: Any, currency: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_amount(text, currency_code=currency, attr="custom_amount")
    assert caught.value.errors[0].attr == "custom_amount"


def test_an_empty_amount_is_none_and_an_empty_quantity_zero() -> None:
    assert parse_amount("  ", currency_code="USD", attr="a") is None
    assert parse_amount(None, currency_code="USD", attr="a") is None
    assert parse_quantity("", attr="q") == 0
    assert parse_quantity(" 3 ", attr="q") == 3
    with pytest.raises(BadRequest):
        parse_quantity("1.5", attr="q")
    with pytest.raises(BadRequest):
        parse_quantity("-1", attr="q")


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


def test_waiting_for_a_busy_order_ends_in_a_conflict_at_the_deadline(stores: ActionStores) -> None:
    assert stores.locks.try_acquire(9002, "agent-a") is not None
    started = time.monotonic()
    with pytest.raises(ActionConflict) as caught:
        stores.locks.acquire(9002, "agent-b", deadline=Deadline.after(0.5))
    assert caught.value.errors[0].code == "order_busy"
    assert time.monotonic() - started < 3


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


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [record.audit for record in caplog.records if hasattr(record, "audit")]


def test_every_submit_writes_one_audit_line_and_a_repeat_says_it_was_replayed(
    stores: ActionStores, caplog: pytest.LogCaptureFixture
) -> None:
    token = fresh_token()
    request = SubmitRequest(
        action="refund",
        raw_token=str(token),
        values={"reason": "Parcel lost; call Martha on +14155550100"},
        correlation_id="corr-1",
        order_id=100,
    )

    def perform(_: FormToken) -> SubmitAnswer:
        return SubmitAnswer.success("Refunded $5.00", audit={"amount": "5.00", "currency": "USD"})

    for _ in range(2):
        result = run_submit(
            request, perform, stores=stores, deadline=Deadline.after(5), now=datetime.now(UTC)
        )
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
    request = SubmitRequest(
        action="cancel", raw_token=str(fresh_token()), values={}, correlation_id="c", order_id=100
    )
    with pytest.raises(NotAcceptable):
        run_submit(
            request,
            lambda _: SubmitAnswer.refused("payment_declined", "Declined"),
            stores=stores,
            deadline=Deadline.after(5),
            now=datetime.now(UTC),
        )
    (line,) = audit_lines(caplog)
    assert (line["outcome"], line["status"], line["code"]) == ("refused", 406, "payment_declined")


def test_a_bad_token_is_audited_and_never_runs(
    stores: ActionStores, caplog: pytest.LogCaptureFixture
) -> None:
    ran = []
    request = SubmitRequest(action="refund", raw_token="forged", values={}, correlation_id="c", order_id=100)
    with pytest.raises(BadRequest):
        run_submit(
            request,
            lambda _: ran.append(1) or SubmitAnswer.success("x"),
            stores=stores,
            deadline=Deadline.after(5),
            now=datetime.now(UTC),
        )
    assert ran == []
    (line,) = audit_lines(caplog)
    assert (line["outcome"], line["status"], line["code"]) == ("rejected", 400, "invalid_token")
