"""What an action needs to run, built once per container from the deployment's settings and secret.

The store's connection (``bigcommerce/connection.py``, the one every function uses: its metrics
included; the edge hands its client over) and the boto3 DynamoDB client are reused across
invocations of a warm Lambda (their connection pools are the point); a rotated access token gets a
new connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

import boto3
from botocore.config import Config

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.attempts import Attempt
from gladly_bigcommerce.actions.machinery.errors import (
    Refusal,
    WriteGuidance,
    WriteNotSent,
    WriteOutcomeUnknown,
    submit_again,
    why_not_sent,
)
from gladly_bigcommerce.actions.machinery.exactly_once import (
    ActionStores,
    AnsweredStatus,
    SubmitRequest,
    discard_attempt,
    run_submit,
)
from gladly_bigcommerce.actions.machinery.idempotency import RemainingTime
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormToken, FormTokens
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import CallBudget, Deadline
from gladly_bigcommerce.bigcommerce.errors import (
    BigCommerceError,
    CallBudgetExceeded,
    Conflict,
    OutcomeUnknown,
    RateLimited,
    UpstreamUnavailable,
    ValidationFailed,
)
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.errors import NotAcceptable
from gladly_bigcommerce.gladly.models import ActionResult
from gladly_bigcommerce.settings.model import ActionName, AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from gladly_bigcommerce.settings.secret import AdaptorSecret

T = TypeVar("T")

FORM_DEADLINE_SECONDS = 4.5
"""A form only reads: like a lookup, it answers (the form, or why it cannot be shown) within Gladly's 5 s."""
SUBMIT_DEADLINE_SECONDS = 12.0
"""Gladly abandons a request at 15 s and the action Lambdas stop at 14 s (template.yaml Timeout): a
submit answers, done or saying why not, by 12 s."""
WRITE_RESERVE_SECONDS = 5.0
"""The end of a submit's deadline kept for its write. Reads, lock waits and checks must be done by
``SUBMIT_DEADLINE_SECONDS - WRITE_RESERVE_SECONDS`` (7 s), so a write always starts with at least 5 s
for BigCommerce's answer (a refund waits on the payment provider). A write that cannot start in time is
never sent; one whose answer comes too late is outcome-unknown, checked by the next submit."""
_LAMBDA_MARGIN_SECONDS = 1.5
_DYNAMODB_CONFIG = Config(connect_timeout=2, read_timeout=3, retries={"max_attempts": 3, "mode": "standard"})


@dataclass(frozen=True)
class ActionContext:
    """One action request's dependencies and budget.

    ``public_base_url`` is where Gladly reaches the API: a rendered form's ``actionUrl`` is built on it.
    ``deadline`` bounds everything but writes: the whole of a form; on a submit, the reads, lock waits
    and checks before a write, which end ``WRITE_RESERVE_SECONDS`` before ``write_deadline``, the
    submit's own deadline, by which writes (``write``) must be answered.
    """

    settings: AdaptorSettings
    client: BigCommerceClient
    stores: ActionStores
    tokens: FormTokens
    deadline: Deadline
    write_deadline: Deadline
    now: datetime
    correlation_id: str
    lambda_context: RemainingTime | None
    public_base_url: str
    answered: AnsweredStatus
    """The status Gladly gets for a submit's error (the edge's ``action_answer``), for its audit line."""
    connection: StoreConnection | None = None
    """The store's connection, where an action keeps per container what it reads once (``keep``)."""
    _writes_started: list[int] = field(default_factory=list, repr=False)

    def keep(self, kind: type[T], make: Callable[[BigCommerceClient], T]) -> T:
        """The ``kind`` of state an action keeps for the store in this container (e.g. BigCommerce's
        countries), made at first use (``StoreConnection.kept``); made afresh without a connection."""
        if self.connection is None:
            return make(self.client)
        return self.connection.kept(kind, make)

    def issue_token(self, subject: FormSubject) -> FormToken:
        """A one-time token for a form about ``subject``, rendered now."""
        return self.tokens.issue(subject, now=self.now)

    def submit(
        self,
        subject: FormSubject,
        raw_token: str | None,
        values: Mapping[str, Any],
        perform: Callable[[FormToken], SubmitAnswer],
        *,
        audit_customer: str | None = None,
    ) -> ActionResult:
        """Run an action's ``perform`` under ``run_submit``, with this request's stores, budget and clock.

        ``subject`` is what the submit URL names; its token must have been issued for exactly that.
        ``audit_customer`` is the customer as the audit line may name it (no email).
        """
        request = SubmitRequest(form=subject, raw_token=raw_token, values=values, customer_id=audit_customer)
        return run_submit(self, request, lambda token: self._explained(perform, token))

    def _explained(self, perform: Callable[[FormToken], SubmitAnswer], token: FormToken) -> SubmitAnswer:
        """``perform``, where BigCommerce failing before any write of this run is said to have changed
        nothing (after a write, the edge's wording applies: what was done is checked on the next submit)."""
        try:
            return perform(token)
        except (RateLimited, UpstreamUnavailable) as error:
            if isinstance(error, OutcomeUnknown) or self._writes_started:
                raise
            raise WriteNotSent.because(error, submit_again("nothing was done")) from error

    def write(
        self,
        send: Callable[[Deadline], T],
        *,
        guidance: WriteGuidance,
        forget: Attempt | None = None,
        audit: Mapping[str, str] | None = None,
        refused: Refusal | None = None,
    ) -> T:
        """Send one BigCommerce write (never retried) within the submit's deadline; say what happened.

        - answered: its result;
        - sent and not answered, or answered unreadably (``OutcomeUnknown``): ``WriteOutcomeUnknown``
          saying ``guidance.unknown``, the journaled attempt kept for the next submit to check;
        - not done (429, BigCommerce unreachable before sending, the deadline passed before it could
          start, or refused with a 4xx): ``forget``, the attempt journaled for it, is dropped
          (``discard_attempt``), so the next submit proceeds normally; the unavailable kinds raise
          ``WriteNotSent`` ("<why>, <guidance.not_sent>"), a refusal is answered as ``refused`` says
          (a conflict, or without ``refused`` any refusal, is re-raised for the caller's own wording).
        ``audit`` records, on those errors, what this submit did before (e.g. a refund made).
        """
        self._writes_started.append(1)  # from here on, failures may follow a change: the edge words them
        try:
            return send(self.write_deadline)
        except OutcomeUnknown as error:
            raise WriteOutcomeUnknown.of("outcome_unknown", guidance.unknown).noting(audit) from error
        except (BigCommerceError, CallBudgetExceeded) as error:
            if forget is not None:
                discard_attempt(self, forget)
            if why_not_sent(error) is not None:
                raise WriteNotSent.because(error, guidance.not_sent).noting(audit) from error
            if (
                refused is not None
                and isinstance(error, ValidationFailed)
                and not isinstance(error, Conflict)
            ):
                raise refused.answer(error) from error
            raise


class _Clients:
    """The per-container DynamoDB client and action stores, rebuilt only when the tables change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: dict[tuple[str, str], ActionStores] = {}
        self._dynamodb: Any = None

    def stores(self, settings: AdaptorSettings) -> ActionStores:
        if not settings.idempotency_table_name or not settings.order_locks_table_name:
            raise ConfigError(
                [
                    ConfigProblem(
                        field=name,
                        problem="is empty, and actions cannot run without it",
                        fix="Deploy with template.yaml, which sets it from its own DynamoDB table.",
                    )
                    for name, value in (
                        ("IDEMPOTENCY_TABLE_NAME", settings.idempotency_table_name),
                        ("ORDER_LOCKS_TABLE_NAME", settings.order_locks_table_name),
                    )
                    if not value
                ]
            )
        key = (settings.idempotency_table_name, settings.order_locks_table_name)
        with self._lock:
            stores = self._stores.get(key)
            if stores is None:
                if self._dynamodb is None:
                    # boto3 honours AWS_ENDPOINT_URL, which points it at moto locally.
                    self._dynamodb = boto3.client("dynamodb", config=_DYNAMODB_CONFIG)
                stores = ActionStores.on_tables(self._dynamodb, idempotency_table=key[0], locks_table=key[1])
                self._stores[key] = stores
            return stores


_clients = _Clients()


def drop_connection_pools() -> None:
    """Close the DynamoDB client's pooled connections; it opens new ones when next used (the SnapStart
    restore hook, ``snapstart.py``; the BigCommerce clients get theirs from the client module)."""
    if _clients._dynamodb is not None:
        _clients._dynamodb.close()


def action_context(
    action: ActionName,
    settings: AdaptorSettings,
    secret: AdaptorSecret,
    connection: StoreConnection,
    *,
    submitting: bool,
    now: datetime,
    correlation_id: str,
    public_base_url: str,
    answered: AnsweredStatus,
    lambda_context: Any = None,
) -> ActionContext:
    """The context for one request of ``action`` (a submit, or a form); 406 when the action is turned off.

    A form gets ``FORM_DEADLINE_SECONDS``; a submit ``SUBMIT_DEADLINE_SECONDS``, the last
    ``WRITE_RESERVE_SECONDS`` of it for writes only. Both are shortened to what the Lambda has left.
    ``connection`` is the store's (``ACTION_READ_TIMEOUT``): its client makes the calls; ``answered`` the
    status Gladly gets for a submit's error (the edge's mapping), for its audit line.
    """
    if action not in settings.actions_enabled:
        raise NotAcceptable.of(
            "action_disabled",
            f"The {action} action is turned off for this deployment; ask an admin to enable it.",
        )
    if not hasattr(lambda_context, "get_remaining_time_in_millis"):
        lambda_context = None
    # One call budget for the whole request, shared by both deadlines (``gladly/limits.py``).
    calls = CallBudget(limits.ACTION_CALLS, limits.RETRIES_PER_REQUEST)
    deadline, write_deadline = action_deadlines(
        submitting=submitting, lambda_context=lambda_context, calls=calls
    )
    signing_key = secret.gladly_signing_key.get_secret_value()
    return ActionContext(
        settings=settings,
        client=connection.client,
        stores=_clients.stores(settings),
        tokens=FormTokens.of(signing_key, deployment_name=settings.name, store_hash=settings.store_hash),
        deadline=deadline,
        write_deadline=write_deadline,
        now=now,
        correlation_id=correlation_id,
        lambda_context=lambda_context,
        public_base_url=public_base_url,
        answered=answered,
        connection=connection,
    )


def action_deadlines(
    *, submitting: bool, lambda_context: RemainingTime | None = None, calls: CallBudget | None = None
) -> tuple[Deadline, Deadline]:
    """A request's ``(deadline, write_deadline)``, starting now, sharing ``calls``.

    A form: ``FORM_DEADLINE_SECONDS`` for everything (it never writes). A submit:
    ``SUBMIT_DEADLINE_SECONDS`` for the writes, and that less ``WRITE_RESERVE_SECONDS`` for the rest.
    Both end ``_LAMBDA_MARGIN_SECONDS`` before the Lambda would be stopped, if that comes first.
    """
    budget = SUBMIT_DEADLINE_SECONDS if submitting else FORM_DEADLINE_SECONDS
    if lambda_context is not None:
        budget = min(budget, lambda_context.get_remaining_time_in_millis() / 1000 - _LAMBDA_MARGIN_SECONDS)
    write_deadline = Deadline.after(budget, budget=calls)
    reserve = WRITE_RESERVE_SECONDS if submitting else 0.0
    return replace(write_deadline, expires_at=write_deadline.expires_at - reserve), write_deadline
