"""DETAILED profiles kept for a few minutes, to show again while BigCommerce refuses calls."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from gladly_bigcommerce.gladly.models import CustomerResult

# Profiles kept to answer from while BigCommerce refuses calls (a few kB each), and for how long.
RECENT_PROFILES_MAX = 256
RECENT_PROFILES_TTL_SECONDS = 5 * 60


class RecentProfiles:
    """DETAILED profiles answered in the last minutes, to show again while BigCommerce refuses calls.

    Kept in the container's memory only (never logged or written anywhere), at most `max_entries`
    for `ttl_seconds`, and used only when the store has said its quota is spent: every other lookup
    reads BigCommerce afresh.
    """

    def __init__(
        self,
        max_entries: int = RECENT_PROFILES_MAX,
        ttl_seconds: float = RECENT_PROFILES_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._clock = clock
        self._entries: OrderedDict[tuple[str, ...], tuple[float, datetime, CustomerResult]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, key: tuple[str, ...], profile: CustomerResult) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (self._clock() + self._ttl, datetime.now(UTC), profile)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def recall(self, key: tuple[str, ...]) -> tuple[datetime, CustomerResult] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= self._clock():
                return None
            return entry[1], entry[2]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


recent_profiles = RecentProfiles()
