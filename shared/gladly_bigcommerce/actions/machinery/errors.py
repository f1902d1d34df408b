"""Errors of the action framework that Gladly's protocol has no dedicated class for.

They subclass ``GladlyError`` so the edge (``edge/errors.py``) answers them like every other error:
status and body.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Self

from gladly_bigcommerce.bigcommerce.errors import (
    DeadlineExceeded,
    OutcomeUnknown,
    RateLimited,
    UpstreamUnavailable,
    ValidationFailed,
)
from gladly_bigcommerce.gladly.errors import BadRequest, ErrorItem, GladlyError, ServiceUnavailable


class ActionConflict(GladlyError):
    """409: the same order or form is being worked on right now; submitting again shortly is safe."""

    status = 409


class WriteError(ServiceUnavailable):
    """503 about a BigCommerce write; ``details`` are what the submit did before it, for the audit line."""

    def __init__(self, *errors: ErrorItem) -> None:
        super().__init__(*errors)
        self.details: dict[str, str] = {}

    def noting(self, details: Mapping[str, str] | None) -> Self:
        """This error, with what was done before it (e.g. the refund of a cancel) for the audit line."""
        self.details = dict(details or {})
        return self


class WriteOutcomeUnknown(WriteError):
    """503: BigCommerce did not confirm a refund or status change, and it may still have happened.

    The order stays locked until the lock expires (only the same form may go on), and the next
    submit of the same form checks BigCommerce for the write before doing anything.
    """


class WriteNotSent(WriteError):
    """503: BigCommerce did not take the write (rate limit, unreachable before sending, no time left to
    start it): it did not happen, its journaled attempt is dropped, and the same form can be submitted
    again. The edge answers 400 without a field, so the form stays open."""

    @classmethod
    def because(cls, error: Exception, consequence: str) -> Self:
        """ "<why BigCommerce did not take it>, <consequence>", coded like the edge codes ``error``."""
        why = why_not_sent(error) or ("upstream_unavailable", "BigCommerce is not answering")
        return cls.of(why[0], f"{why[1]}, {consequence}")


def why_not_sent(error: Exception) -> tuple[str, str] | None:
    """The code and cause of a failure that means BigCommerce did nothing with a write: 429, unreachable
    before sending, or the deadline passed before it could be sent. The client raises ``OutcomeUnknown``
    (not matched here) for a write that may have been received; None for anything else."""
    if isinstance(error, RateLimited):
        return "upstream_rate_limited", "BigCommerce is busy (its rate limit is reached)"
    if isinstance(error, DeadlineExceeded):
        return "upstream_timeout", "BigCommerce did not answer in time"
    if isinstance(error, UpstreamUnavailable) and not isinstance(error, OutcomeUnknown):
        return "upstream_unavailable", "BigCommerce is not answering"
    return None


def submit_again(not_done: str, not_repeated: str = "") -> str:
    """What a submit says after ``why_not_sent``'s cause (``WriteNotSent.because``): "so <not_done>.
    Submit this form again in a minute[: <not_repeated>]." """
    return f"so {not_done}. Submit this form again in a minute{f': {not_repeated}' if not_repeated else ''}."


@dataclass(frozen=True)
class WriteGuidance:
    """What the agent is told when BigCommerce does not take a submit's write (``not_sent``) or does not
    confirm it (``unknown``), worded here from what varies, so that every action says it alike
    (``ActionContext.write``)."""

    not_done: str
    """What did not happen: ``the refund of $25.00 on order 100 was not sent, and nothing was changed``."""
    unconfirmed: str
    """What BigCommerce did not confirm: ``the refund of $25.00 on order 100``."""
    checked: str | None
    """What the next submit of the form checks before anything else is done, so nothing is done twice:
    ``the order's refunds are checked``. None only when an unconfirmed write leaves nothing that can be
    used (``unconfirmed`` says why), so the next submit simply does it again."""
    other_way: str = ""
    """For a write that moves money, what the agent must not do by other means while it is unconfirmed
    (``refund it``): "Do not refund it another way"."""
    not_repeated: str = ""
    """When the submit did something before this write: why submitting again does not repeat it
    (``the refund is not made twice``)."""

    @property
    def not_sent(self) -> str:
        """The consequence ``WriteNotSent`` gives after its cause: nothing of this write happened."""
        return submit_again(self.not_done, self.not_repeated)

    @property
    def unknown(self) -> str:
        """The ``WriteOutcomeUnknown`` sentence: the write may have happened, and the same form finds out."""
        again = "submit this form again in a moment"
        advice = f"Do not {self.other_way} another way: {again}" if self.other_way else again.capitalize()
        check = f", and {self.checked} before anything else is done" if self.checked is not None else ""
        return f"BigCommerce did not confirm {self.unconfirmed}. {advice}{check}."


@dataclass(frozen=True)
class Refusal:
    """How a submit says BigCommerce refused its write (a 4xx other than a conflict): nothing was done,
    and the agent can change the form (400 on ``attr``)."""

    code: str
    what: str
    """What was refused, as the sentence names it: ``the refund``."""
    consequence: str
    """What that means: ``Nothing was refunded.``"""
    attr: str

    def answer(self, error: ValidationFailed) -> BadRequest:
        reason = error.upstream_message or "no reason given"
        return BadRequest.of(
            self.code, f"BigCommerce refused {self.what}: {reason}. {self.consequence}", attr=self.attr
        )
