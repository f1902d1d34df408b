"""One deadline for a whole chain of upstream calls.

Gladly waits 5 seconds for a lookup; every BigCommerce call, retry and back-off made while
answering it shares what is left of that budget. A monotonic clock keeps the budget honest when
the wall clock jumps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Deadline:
    """A point in monotonic time after which work must stop."""

    expires_at: float
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)

    @classmethod
    def after(cls, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> Deadline:
        """A deadline `seconds` from now (zero or less: already expired)."""
        if math.isnan(seconds):
            raise ValueError("deadline seconds must be a number")
        return cls(expires_at=clock() + seconds, clock=clock)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.expires_at - self.clock())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def cap(self, seconds: float) -> float:
        """`seconds`, shortened so that it ends no later than the deadline."""
        return min(seconds, self.remaining())
