"""One deadline for a whole chain of upstream calls, and the budget of calls that goes with it.

Gladly waits 5 seconds for a lookup; every BigCommerce call, retry and back-off made while
answering it shares what is left of that budget. A monotonic clock keeps the budget honest when
the wall clock jumps. A request's deadline also carries its `CallBudget`: the store's rate-limit
quota is shared with every other app of the store, so no request may spend more than its cap.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import CallBudgetExceeded


class CallBudget:
    """How many BigCommerce calls one request may make, and how many retried attempts on top.

    The client spends one ``call`` before each first attempt and one ``retry`` before each repeated
    attempt. Past its calls it raises ``CallBudgetExceeded``, a bug signal (the request limits should
    make that impossible); past its retries the client stops retrying and raises the failure it has.
    Thread-safe: a lookup's calls run on several pool threads.
    """

    def __init__(self, calls: int, retries: int = 0) -> None:
        if calls < 1 or retries < 0:
            raise ValueError("a call budget needs at least one call and no negative retries")
        self.calls = calls
        self.retries = retries
        self._calls_made = 0
        self._retries_made = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"CallBudget(calls={self._calls_made}/{self.calls}, retries={self._retries_made}/{self.retries})"
        )

    @property
    def calls_made(self) -> int:
        return self._calls_made

    @property
    def retries_made(self) -> int:
        return self._retries_made

    def spend_call(self) -> None:
        """Count a first attempt; ``CallBudgetExceeded`` (nothing sent) when the calls are spent."""
        with self._lock:
            if self._calls_made >= self.calls:
                raise CallBudgetExceeded(self.calls)
            self._calls_made += 1

    def spend_retry(self) -> bool:
        """Count a repeated attempt; False (nothing counted) when the retries are spent."""
        with self._lock:
            if self._retries_made >= self.retries:
                return False
            self._retries_made += 1
            return True


@dataclass(frozen=True)
class Deadline:
    """A point in monotonic time after which work must stop."""

    expires_at: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    budget: CallBudget | None = field(default=None, compare=False)
    """The calls the request may still make (None: not counted, e.g. fixtures and tools)."""

    @classmethod
    def after(
        cls,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        budget: CallBudget | None = None,
    ) -> Deadline:
        """A deadline `seconds` from now (zero or less: already expired), spending `budget`."""
        if math.isnan(seconds):
            raise ValueError("deadline seconds must be a number")
        return cls(expires_at=clock() + seconds, clock=clock, budget=budget)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.expires_at - self.clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def cap(self, seconds: float) -> float:
        """`seconds`, shortened so that it ends no later than the deadline."""
        return min(seconds, self.remaining())
