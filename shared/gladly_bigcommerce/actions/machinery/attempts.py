"""The attempt journal: what a submit was about to write to BigCommerce, recorded *before* writing.

BigCommerce has no idempotency key. When a refund or a status change times out, nobody knows whether
it happened, and trying it again blindly could refund twice. So every action writes an attempt item
before its BigCommerce write, holding what it knew then (for a refund: the ids of the refunds that
already existed and the amount about to be refunded). A later run of the same submit that finds an
unfinished attempt first checks BigCommerce for the write it describes, and answers from what it
finds instead of writing again. A finished attempt keeps the final answer, a second safety net under
the idempotency record.

Items live in the order-locks table (key ``pk``, TTL ``expires_at``) under ``attempt#<action>#<nonce>``.
"""

from __future__ import annotations

import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import AwareDatetime, BaseModel, ConfigDict

from gladly_bigcommerce.actions.machinery.answers import SubmitAnswer
from gladly_bigcommerce.actions.machinery.errors import ActionConflict
from gladly_bigcommerce.actions.machinery.tokens import IDEMPOTENCY_RECORD_TTL

AttemptState = Literal["started", "finished"]


class Attempt(BaseModel):
    """One submit's write to BigCommerce, as journaled."""

    model_config = ConfigDict(frozen=True)

    attempt_id: str
    """Random, so that a conditional write can tell this attempt from a newer one of the same submit."""
    action: str
    nonce: str
    order_id: int | None
    """The order it changes; None for an action on a customer (a discount code)."""
    started_at: AwareDatetime
    state: AttemptState = "started"
    snapshot: dict[str, Any]
    """What the action knew before writing, in its own shape (e.g. ``RefundSnapshot``)."""
    answer: SubmitAnswer | None = None

    def age_seconds(self, now: datetime) -> float:
        return (now - self.started_at).total_seconds()


@dataclass
class AttemptJournal:
    """Attempt items in the order-locks table."""

    client: Any
    table_name: str
    clock: Callable[[], float] = field(default=time.time, repr=False)

    @staticmethod
    def key(action: str, nonce: str) -> str:
        return f"attempt#{action}#{nonce}"

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), tz=UTC)

    def get(self, action: str, nonce: str) -> Attempt | None:
        item = self.client.get_item(
            TableName=self.table_name,
            Key={"pk": {"S": self.key(action, nonce)}},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return None
        return Attempt.model_validate_json(item["attempt"]["S"])

    def begin(
        self,
        *,
        action: str,
        nonce: str,
        order_id: int | None,
        snapshot: dict[str, Any],
        replacing: Attempt | None,
    ) -> Attempt:
        """Journal a write about to be made.

        ``replacing`` is the unfinished attempt this run found and checked (its write did not happen);
        the put only succeeds if the journal still holds exactly that, so two runs of one submit can
        never both get past this point. ``ActionConflict`` (409) when they race.
        """
        attempt = Attempt(
            attempt_id=uuid.uuid4().hex,
            action=action,
            nonce=nonce,
            order_id=order_id,
            started_at=self.now(),
            snapshot=snapshot,
        )
        try:
            self._put(attempt, replacing=replacing)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            raise ActionConflict.of(
                "submit_in_progress",
                "This form is being submitted by another request right now; wait a moment and submit "
                "again: it will not be done twice.",
            ) from error
        return attempt

    def update_snapshot(self, attempt: Attempt, snapshot: dict[str, Any]) -> Attempt:
        """Record progress within one attempt (a multi-step action finished a step)."""
        updated = attempt.model_copy(update={"snapshot": snapshot})
        self._put(updated, replacing=attempt)
        return updated

    def finish(self, attempt: Attempt, answer: SubmitAnswer) -> Attempt:
        """Keep the final answer; a later run of the same submit replays it."""
        finished = attempt.model_copy(update={"state": "finished", "answer": answer})
        self._put(finished, replacing=attempt)
        return finished

    def abandon(self, attempt: Attempt) -> None:
        """Forget an attempt whose write BigCommerce refused outright: nothing happened."""
        self.client.delete_item(
            TableName=self.table_name,
            Key={"pk": {"S": self.key(attempt.action, attempt.nonce)}},
            ConditionExpression="attempt_id = :previous",
            ExpressionAttributeValues={":previous": {"S": attempt.attempt_id}},
        )

    def _put(self, attempt: Attempt, *, replacing: Attempt | None) -> None:
        """Write ``attempt`` if the journal holds ``replacing`` (or nothing, when it is None)."""
        expires_at = math.ceil(self.clock() + IDEMPOTENCY_RECORD_TTL.total_seconds())
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": {
                "pk": {"S": self.key(attempt.action, attempt.nonce)},
                "attempt_id": {"S": attempt.attempt_id},
                "state": {"S": attempt.state},
                "attempt": {"S": json.dumps(attempt.model_dump(mode="json"), sort_keys=True)},
                "expires_at": {"N": str(expires_at)},
            },
        }
        if replacing is None:
            request["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            request["ConditionExpression"] = "attempt_id = :previous"
            request["ExpressionAttributeValues"] = {":previous": {"S": replacing.attempt_id}}
        self.client.put_item(**request)
