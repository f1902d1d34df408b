"""The audit trail of agent actions: one structured log line per submit, whatever its outcome.

Finance and support read these lines to answer "who refunded what, when, and did it work". They
carry ids and amounts only: the Gladly correlation id stands for the agent's request, the order and
customer are BigCommerce ids, and free text typed by the agent (a refund reason may hold a name or
an address) is never logged; only its length is.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gladly_bigcommerce.observability import count, logger

AuditOutcome = Literal["succeeded", "refused", "rejected", "failed", "outcome_unknown"]
"""succeeded: done; refused: the action cannot succeed, after or instead of a write; rejected: a field to
correct or a busy order (nothing done, the agent may resubmit); failed: BigCommerce, the deployment or
the adaptor failed before any write; outcome_unknown: a write BigCommerce did not confirm. The line's
``status`` is what Gladly was answered (200, 400 or 406)."""


class AuditRecord(BaseModel):
    """One audit line. ``details`` are the action's own facts: amounts, currency, method, BigCommerce ids."""

    model_config = ConfigDict(frozen=True)

    action: str
    outcome: AuditOutcome
    correlation_id: str | None
    order_id: int | None = None
    customer_id: str | None = None
    submit_ref: str | None = None
    """A short fingerprint of the form token: ties the lines of one submit together, reveals nothing."""
    replayed: bool = False
    """True when the answer came from the idempotency record (a repeated submit, no new write)."""
    status: int
    code: str | None = None
    details: dict[str, str] = Field(default_factory=dict)


def token_fingerprint(token: str) -> str:
    """12 hex characters of the token's SHA-256: enough to correlate, useless to replay."""
    return hashlib.sha256(token.encode()).hexdigest()[:12]


def audit(record: AuditRecord) -> None:
    """Write the audit line (INFO, key ``audit``) and count the outcome per action."""
    logger.info(
        f"action {record.action} {record.outcome}",
        extra={"audit": record.model_dump(mode="json", exclude_none=True)},
    )
    count(metric_name(record.action, record.outcome))


def metric_name(action: str, outcome: AuditOutcome) -> str:
    """The count of one action's outcome: ``ActionRefundSucceeded``, ``ActionStoreCreditOutcomeUnknown``."""
    return f"Action{_camel(action)}{_camel(outcome)}"


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
