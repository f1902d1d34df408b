"""The final answer of an action submit, in a form that can be stored and replayed.

A submit ends in one of two ways Gladly understands once a BigCommerce write was made: ``200``
(done: ``message`` and ``detail`` go into the conversation timeline) or ``406`` (failed for good:
the form closes, e.g. a declined refund payment). Both are *returned* from the idempotent part of a
submit, never raised, so that the idempotency record keeps them and a repeated submit gets the same
answer instead of a second write. Everything that happens before a write (a field to correct, a busy
order, BigCommerce unreachable) is raised instead: nothing is stored and the agent can submit again.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gladly_bigcommerce.gladly.errors import ErrorItem, NotAcceptable
from gladly_bigcommerce.gladly.models import ActionResult


class SubmitAnswer(BaseModel):
    """Exactly one of ``result`` (200) or ``refusal`` (406)."""

    model_config = ConfigDict(frozen=True)

    result: ActionResult | None = None
    refusal: ErrorItem | None = None
    audit: dict[str, str] = Field(default_factory=dict)
    """The action's facts for the audit line (amounts, currency, method, BigCommerce ids): no PII."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.result is None) == (self.refusal is None):
            raise ValueError("a submit answer is either a result or a refusal")
        return self

    @classmethod
    def success(
        cls, message: str, detail: str | None = None, *, audit: dict[str, str] | None = None
    ) -> SubmitAnswer:
        return cls(result=ActionResult(message=message, detail=detail), audit=audit or {})

    @classmethod
    def refused(
        cls, code: str, detail: str, attr: str | None = None, *, audit: dict[str, str] | None = None
    ) -> SubmitAnswer:
        return cls(refusal=ErrorItem(attr=attr, code=code, detail=detail), audit=audit or {})

    @property
    def succeeded(self) -> bool:
        return self.result is not None

    def deliver(self) -> ActionResult:
        """The result for Gladly; a refusal is raised as ``NotAcceptable`` (406) for the edge to answer."""
        if self.refusal is not None:
            raise NotAcceptable(self.refusal)
        assert self.result is not None  # guaranteed by the validator
        return self.result
