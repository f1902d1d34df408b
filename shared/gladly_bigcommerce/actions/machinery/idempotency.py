"""Exactly-once submits with the Powertools idempotency utility on the idempotency table.

The key is the form's one-time token (with the action and what the form is about); the payload that
must match is the submitted values. So:
- the same submit received twice, even at the same moment, runs once: the first run's stored answer
  is returned to every repeat (a concurrent repeat waits for it, within the request's deadline);
- the same token with different values is refused (406): the form's first submit stands;
- a run that raised (a field to correct, a busy order, BigCommerce down before any write) leaves no
  record, so the agent can correct and submit the same form again.

Idempotency wraps the logic function, not the Lambda handler, as Powertools recommends: the record
holds the ``SubmitAnswer`` model, not an HTTP response.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyInconsistentStateError,
    IdempotencyPersistenceLayerError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.errors import ActionConflict
from gladly_bigcommerce.actions.machinery.tokens import IDEMPOTENCY_RECORD_TTL, FormToken
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.gladly.errors import NotAcceptable, ServiceUnavailable

KEY_PREFIX = "gladly-bigcommerce"
_POLL_SECONDS = 0.2
_FALLBACK_RUN_SECONDS = 15.0
"""Without a Lambda context, how long an in-progress record protects a run: more than a Lambda lives."""


class RemainingTime(Protocol):
    """The part of a Lambda context the idempotency utility reads."""

    def get_remaining_time_in_millis(self) -> int: ...


@dataclass(frozen=True)
class Submission:
    """One submit of an action form."""

    action: str
    """``refund``, ``cancel``, ``discount``: separate key spaces."""
    subject: str
    """What the form is about, e.g. ``order-123`` or ``customer-45``: a token only counts for it."""
    token: FormToken
    values: Mapping[str, Any]
    """The submitted form values, exactly as received."""

    def payload(self) -> dict[str, Any]:
        return {"key": f"{self.subject}#{self.token}", "values": dict(self.values)}


@dataclass(frozen=True)
class _FixedRunTime:
    ends_at: float

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.ends_at - time.monotonic()) * 1000))


@dataclass
class IdempotentSubmits:
    """Runs submits at most once per (action, subject, token), remembering each final answer."""

    client: Any
    table_name: str
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    _layers: dict[str, DynamoDBPersistenceLayer] = field(default_factory=dict, init=False, repr=False)
    _layers_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def run(
        self,
        submission: Submission,
        perform: Callable[[], SubmitAnswer],
        *,
        deadline: Deadline,
        lambda_context: RemainingTime | None = None,
    ) -> SubmitAnswer:
        """``perform()`` once for this submission; its answer (or the stored one) for every repeat.

        ``perform`` returns the answer once it wrote to BigCommerce, and raises before that.
        ``lambda_context`` bounds how long an unfinished run blocks its repeats (when a Lambda dies
        mid-run, a repeat may start again after the Lambda's own timeout: the attempt journal then
        tells it what the dead run did).
        """
        config = _config()
        run_time = lambda_context or _FixedRunTime(time.monotonic() + _FALLBACK_RUN_SECONDS)
        config.register_lambda_context(cast(LambdaContext, run_time))

        def perform_once(submission: dict[str, Any]) -> dict[str, Any]:
            return perform().model_dump(mode="json")

        once = idempotent_function(
            perform_once,
            data_keyword_argument="submission",
            persistence_store=self._layer(submission.action),
            config=config,
            key_prefix=_key_prefix(submission.action),
        )
        while True:
            try:
                return SubmitAnswer.model_validate(once(submission=submission.payload()))
            except IdempotencyValidationError as error:
                raise NotAcceptable.of(
                    "form_already_submitted",
                    "This form was already submitted with other values, and that first submit stands. "
                    "Open the action again to do more.",
                ) from error
            except (IdempotencyAlreadyInProgressError, IdempotencyInconsistentStateError) as error:
                if deadline.remaining() <= 2 * _POLL_SECONDS:
                    raise ActionConflict.of(
                        "submit_in_progress",
                        "This form is being submitted by another request right now; wait a moment and "
                        "submit again: it will not be done twice.",
                    ) from error
                self.sleep(_POLL_SECONDS)
            except IdempotencyPersistenceLayerError as error:
                raise ServiceUnavailable.of(
                    "action_state_unavailable",
                    "The adaptor could not reach its record of submitted actions. Check the order before "
                    "submitting again.",
                ) from error

    def _layer(self, action: str) -> DynamoDBPersistenceLayer:
        """One persistence layer per action, configured here under a lock.

        Powertools configures a layer on its first use without locking; two threads using a fresh
        layer at once (the local gateway runs invocations in threads) could hash a key before the
        key expression is set.
        """
        with self._layers_lock:
            layer = self._layers.get(action)
            if layer is None:
                layer = DynamoDBPersistenceLayer(table_name=self.table_name, boto3_client=self.client)
                layer.configure(config=_config(), key_prefix=_key_prefix(action))
                self._layers[action] = layer
            return layer


def _config() -> IdempotencyConfig:
    return IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="values",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=int(IDEMPOTENCY_RECORD_TTL.total_seconds()),
    )


def _key_prefix(action: str) -> str:
    return f"{KEY_PREFIX}#{action}"
