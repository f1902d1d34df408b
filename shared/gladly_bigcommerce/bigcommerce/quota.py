"""What this container knows of a store's request quota, and the circuit that keeps it from overspending.

BigCommerce counts every request of every app of a store against one quota (150 per 30 s on the
Standard plan) and says, on every answer, how much is left: `X-Rate-Limit-Requests-Left`,
`-Requests-Quota`, `-Time-Window-Ms` and `-Time-Reset-Ms` (reference FACTS.md). A 429, or an answer
saying no request is left, means the store has said stop: until the window resets this container
sends the store nothing more (checkout and the store's other apps share that quota), so a lookup
answers at once from what it has instead of spending requests that are sure to be refused.

One `StoreQuota` per store (API base and store hash) per container, shared by every client and
thread: `quota_for(root)`. The estimate of what is left is kept on the safe side: each request sent
counts against it before its answer arrives, and answers that arrive out of order never raise it
within a window. What the others spend (the store's other apps, and in a fleet the other containers)
shows only in the next answer, a round trip late; when the store's count falls faster than this
container's own answers explain, it is the others' (`_others_rate`). When what they would spend at
that rate before a request sent now is counted could take what is left above the reserve, the
container sends one request at a time, each answer telling it how much is really left: a fleet that
spends the quota in a burst slows to one request per container before the store runs out, and stops
at the reserve; a burst that has ended costs a few requests sent one after the other, not a window.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from .errors import retry_after_seconds

# Share of the quota under which a store's quota counts as nearly spent (lookups then skip enrichment).
NEARLY_SPENT_SHARE = 0.1
# How long the store is left alone after a 429 that says nothing of when its window resets.
DEFAULT_LIMITED_SECONDS = 1.0
# A closing is told to the other containers again only when it reaches this much further.
_TOLD_AGAIN_AFTER = 0.5
# How far back (seconds) the store's answers are compared to tell how fast the others spend its
# quota, and the shortest stretch that tells a rate at all.
_RATE_SPAN = 1.0
_MIN_RATE_SPAN = 0.05
# Weight of each new round trip in the running estimate of how long one takes.
_LATENCY_WEIGHT = 0.2


@dataclass(frozen=True)
class QuotaView:
    """The store's quota as this container last saw it."""

    left: int | None  # requests estimated left in the current window; None: unknown (none seen yet)
    quota: int | None  # requests per window, as BigCommerce last said
    reset_in: float  # seconds until the window resets (0 when unknown)
    limited_for: float  # seconds during which nothing is sent (0: the store may be called)
    reserve: int = 0  # requests a container of a fleet leaves unsent (`StoreQuota.share`)

    def nearly_spent(self, needed: int) -> bool:
        """True when fewer requests are left, above the reserve, than ``needed`` or than a tenth of
        the quota."""
        if self.limited_for > 0:
            return True
        if self.left is None:
            return False
        floor = math.ceil(NEARLY_SPENT_SHARE * self.quota) if self.quota else 0
        return self.left - self.reserve < max(needed, floor)


class StoreQuota:
    """Thread-safe view of one store's quota, fed by every answer's `X-Rate-Limit-*` headers."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._reserve_share = 0.0
        self._on_spent: Callable[[float], None] | None = None
        self._forget()

    def share(self, reserve_share: float, on_spent: Callable[[float], None]) -> None:
        """Run as one of a fleet of containers: stop sending once `reserve_share` of the quota is left
        (the others' requests already on their way land in it, not past the quota), and call
        `on_spent(seconds)` when this container stops, with the seconds until the store's window
        resets, to tell the others (`shared_quota.py`)."""
        with self._lock:
            self._reserve_share = reserve_share
            self._on_spent = on_spent

    def forget(self) -> None:
        """Know nothing of the quota any more, and share it with no fleet, as a new container would
        before its first connection (`share` again)."""
        with self._lock:
            self._forget()
            self._reserve_share = 0.0
            self._on_spent = None

    def _forget(self) -> None:
        self._left: int | None = None
        self._quota: int | None = None
        self._reset_at = 0.0
        self._limited_until = 0.0
        self._in_flight = 0
        self._window: float | None = None  # seconds per window, as BigCommerce last said
        self._sent: deque[float] = deque()  # when each request in flight was sent, oldest first
        self._round_trip = 0.0  # seconds from sending a request to its answer (a running estimate)
        self._answered = 0  # this container's answers so far
        self._marks: deque[tuple[float, int, int]] = deque()  # this window: (when, left, answered)
        self._others_rate = 0.0  # requests per second the store counts that are not this container's
        self._told_until = 0.0  # until when this container told the others it sends nothing

    def view(self) -> QuotaView:
        with self._lock:
            now = self._clock()
            self._roll(now)
            return QuotaView(
                left=self._left,
                quota=self._quota,
                reset_in=max(0.0, self._reset_at - now),
                limited_for=self._closed_for(now),
                reserve=self._reserve(),
            )

    def admit(self) -> float:
        """Take one request from the estimate before sending it: 0.0 when it may be sent, else the
        seconds to wait before asking again (nothing taken): until the store's window resets, or, while
        the others may spend what is left above the reserve before this request lands, until the
        answer of the one request this container then has in flight says how much is left."""
        with self._lock:
            now = self._clock()
            self._roll(now)
            closed_for = self._closed_for(now)
            if closed_for <= 0 and self._in_flight and self._others_may_spend_reserve(now):
                return max(self._round_trip, _MIN_RATE_SPAN)
            if closed_for <= 0:
                if self._left is not None:
                    self._left -= 1
                self._in_flight += 1
                self._sent.append(now)
            on_spent = self._telling(now)
        if on_spent is not None:  # this container stops (now, or after this request): the others too
            on_spent()
        return closed_for

    def settle(self, status: int | None, headers: Mapping[str, str] | None) -> None:
        """Record the answer to an admitted request (``status`` None: none arrived); when it closes
        this container's circuit, tell the others (`share`)."""
        with self._lock:
            now = self._clock()
            self._record(now, status, headers)
            on_spent = self._telling(now)
        if on_spent is not None:
            on_spent()

    def _telling(self, now: float) -> Callable[[], None] | None:
        """What tells the other containers this one stopped, when it has not told them yet (or stops
        for longer than it told)."""
        closed_for = self._closed_for(now)
        told_enough = now + closed_for <= self._told_until + _TOLD_AGAIN_AFTER
        if self._on_spent is None or closed_for <= 0 or told_enough:
            return None
        self._told_until = now + closed_for
        return partial(self._on_spent, closed_for)

    def hold(self, seconds: float) -> None:
        """Send nothing for `seconds`: another container said the store's quota is spent until then."""
        with self._lock:
            self._limited_until = max(self._limited_until, self._clock() + seconds)
            self._told_until = max(self._told_until, self._limited_until)  # the others know it already

    def _record(self, now: float, status: int | None, headers: Mapping[str, str] | None) -> None:
        self._in_flight = max(0, self._in_flight - 1)
        if self._sent:
            trip = now - self._sent.popleft()
            self._round_trip = (
                trip
                if not self._round_trip
                else self._round_trip + _LATENCY_WEIGHT * (trip - self._round_trip)
            )
        self._answered += 1
        left, quota, window_ms, reset_ms = _rate_headers(headers or {})
        if window_ms:
            self._window = window_ms / 1000
        if left is not None and reset_ms is not None:
            reset_at = now + reset_ms / 1000
            # Answers of one window give reset times apart by their latencies; a later window's is
            # a window later.
            tolerance = min(1.0, (self._window or 4.0) / 4)
            if self._left is None or self._reset_at <= now or reset_at > self._reset_at + tolerance:
                # A new window: requests still in flight may count against it too.
                self._left = left - self._in_flight
                self._reset_at = reset_at
                self._marks.clear()
                self._others_rate = 0.0
            else:
                self._left = min(self._left, left)
            self._mark(now, left)
            if quota is not None:
                self._quota = quota
            if left <= 0:
                # The store has said stop: its own reset time is the one that counts.
                self._limited_until = max(self._limited_until, reset_at)
                self._reset_at = reset_at
        if status == 429:
            retry_after = retry_after_seconds(headers or {})
            wait = retry_after if retry_after is not None else DEFAULT_LIMITED_SECONDS
            self._limited_until = max(self._limited_until, now + wait)
            self._left = 0
            self._reset_at = now + wait

    def _mark(self, now: float, left: int) -> None:
        """Note what the store said is left; from the answers of the last `_RATE_SPAN` seconds, the rate
        at which its count fell beyond this container's own answers: the others' spending."""
        self._marks.append((now, left, self._answered))
        while len(self._marks) > 2 and self._marks[1][0] <= now - _RATE_SPAN:
            self._marks.popleft()
        first_at, first_left, first_answered = self._marks[0]
        if now - first_at >= _MIN_RATE_SPAN:
            others = (first_left - left) - (self._answered - first_answered)
            self._others_rate = max(0, others) / (now - first_at)

    def _others_may_spend_reserve(self, now: float) -> bool:
        """True when what this container counts left, less what the others spend at their recent rate
        until a request sent now is counted (since the last answer, and one round trip), is no more than
        the reserve: the others' requests not seen yet may take what this container counts."""
        if self._left is None or not self._marks or not self._others_rate:
            return False
        unseen = self._others_rate * (now - self._marks[-1][0] + self._round_trip)
        return self._left - unseen <= self._reserve()

    def _closed_for(self, now: float) -> float:
        if self._limited_until > now:
            return self._limited_until - now
        if self._left is not None and self._left <= self._reserve() and self._reset_at > now:
            return self._reset_at - now
        return 0.0

    def _reserve(self) -> int:
        return math.ceil(self._reserve_share * self._quota) if self._quota else 0

    def _roll(self, now: float) -> None:
        if self._reset_at <= now:
            self._left = None  # a new window: unknown until the next answer says
            self._marks.clear()
            self._others_rate = 0.0


def _rate_headers(headers: Mapping[str, str]) -> tuple[int | None, int | None, int | None, int | None]:
    """(requests left, quota, window ms, reset ms) from an answer's headers; None for what is absent
    or unreadable."""
    return (
        _int_header(headers, "X-Rate-Limit-Requests-Left"),
        _int_header(headers, "X-Rate-Limit-Requests-Quota"),
        _int_header(headers, "X-Rate-Limit-Time-Window-Ms"),
        _int_header(headers, "X-Rate-Limit-Time-Reset-Ms"),
    )


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        raw = next((value for key, value in headers.items() if key.lower() == name.lower()), None)
    try:
        value = int(str(raw).strip()) if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and value >= 0 else None


_quotas: dict[str, StoreQuota] = {}
_quotas_lock = threading.Lock()


def quota_for(store_root: str) -> StoreQuota:
    """This container's view of the quota of the store at ``store_root`` (API base + store hash)."""
    with _quotas_lock:
        quota = _quotas.get(store_root)
        if quota is None:
            quota = _quotas[store_root] = StoreQuota()
        return quota


def forget_quotas() -> None:
    """Forget every store's quota, as a new container would (tests reset their sandbox's quota);
    clients already made keep their (now blank) view."""
    with _quotas_lock:
        for quota in _quotas.values():
            quota.forget()
