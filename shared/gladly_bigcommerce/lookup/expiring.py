"""What a lookup container keeps in memory for a while: a bounded map whose entries expire.

Kept in the container's memory only, never logged or written anywhere. Expiry is on a monotonic clock
(Lambda does not promise it across a SnapStart restore: the restore hook clears what is kept).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class ExpiringMap(Generic[K, V]):
    """A thread-safe map whose entries live ``ttl_seconds`` and of which at most ``max_entries`` are
    kept. Entries are kept in the order they were stored, which with one TTL for all is also the order
    they expire in: the oldest make room."""

    TTL_SECONDS: ClassVar[float] = 60.0
    MAX_ENTRIES: ClassVar[int] = 100

    def __init__(
        self,
        *,
        ttl_seconds: float | None = None,
        max_entries: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``ttl_seconds`` and ``max_entries`` default to the class's ``TTL_SECONDS`` and ``MAX_ENTRIES``."""
        ttl = self.TTL_SECONDS if ttl_seconds is None else ttl_seconds
        most = self.MAX_ENTRIES if max_entries is None else max_entries
        if ttl <= 0 or most < 1:
            raise ValueError("a kept map needs a positive TTL and room for at least one entry")
        self._ttl = ttl
        self._max_entries = most
        self._clock = clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def fresh(self, keys: Iterable[K]) -> dict[K, V]:
        """The entries among ``keys`` that have not expired."""
        return {key: value for key, (value, _) in self.fresh_for(keys).items()}

    def fresh_for(self, keys: Iterable[K]) -> dict[K, tuple[V, float]]:
        """As `fresh`, each with the seconds it has left."""
        now = self._clock()
        with self._lock:
            found = {key: self._entries.get(key) for key in keys}
        return {key: (entry[1], entry[0] - now) for key, entry in found.items() if entry and entry[0] > now}

    def put(self, entries: Mapping[K, V]) -> None:
        """Keep these entries for the TTL (an entry stored again moves to the young end)."""
        expires = self._clock() + self._ttl
        with self._lock:
            for key, value in entries.items():
                self._entries.pop(key, None)
                self._entries[key] = (expires, value)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
