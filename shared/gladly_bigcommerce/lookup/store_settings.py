"""A store's configuration as lookups keep it per container: store information, customer group names
and the store's storefronts.

Kept on the store's connection (``StoreConnection.kept``): store information (storefront domain,
default currency, country) is read at most once per container, alongside the first lookup that needs
it; group names and storefronts (channels, their sites, whether each lets global accounts log in:
``bigcommerce/storefronts.py``) are read again after ``GROUP_NAMES_TTL_SECONDS``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from typing import Generic, TypeVar

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import forget_kept_state
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import DeadlineExceeded
from gladly_bigcommerce.bigcommerce.models import StoreInfo
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts, read_storefronts
from gladly_bigcommerce.lookup.calls import all_at_once, submit
from gladly_bigcommerce.lookup.recent_profiles import recent_profiles

T = TypeVar("T")

# How long customer group names (and the store's storefronts) are trusted before they are read again.
GROUP_NAMES_TTL_SECONDS = 15 * 60


class StoreSetting(Generic[T]):
    """A piece of store configuration (not per shopper), read at most once per `ttl_seconds`.

    `fetch` answers at once from memory while the value is fresh; otherwise it starts a read
    alongside the lookup's other calls. A failed read is not remembered: the next lookup tries again.
    Lookups that need it while it is being read wait for that read (its value, or its failure) instead
    of sending the same request again: a container's concurrent cold lookups read it once.
    """

    def __init__(
        self,
        load: Callable[[Deadline], T],
        ttl_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._clock = clock
        self._value: tuple[float, T] | None = None  # (expires, value)
        self._reading: Future[T] | None = None  # the read in flight, if any
        self._lock = threading.Lock()

    @property
    def value(self) -> T | None:
        """The remembered value while it is fresh, else None."""
        with self._lock:
            if self._value is None or self._value[0] <= self._clock():
                return None
            return self._value[1]

    def fetch(self, deadline: Deadline) -> Future[T]:
        """The fresh value as a finished future, or a read of it started now."""
        cached = self.value
        if cached is not None:
            done: Future[T] = Future()
            done.set_result(cached)
            return done
        return submit(lambda: self.load(deadline))

    def load(self, deadline: Deadline) -> T:
        """Read the value now and remember it; while another lookup is reading it, its outcome."""
        mine: Future[T] = Future()
        with self._lock:
            reading = self._reading
            if reading is None:
                self._reading = mine
        if reading is not None:
            try:
                return reading.result(timeout=deadline.remaining())
            except TimeoutError as error:
                raise DeadlineExceeded("the deadline passed while another lookup read it") from error
        try:
            value = self.keep(self._load(deadline))
        except BaseException as error:
            mine.set_exception(error)
            raise
        finally:
            with self._lock:
                self._reading = None
        mine.set_result(value)
        return value

    def keep(self, value: T) -> T:
        """Remember a value read elsewhere (the shared cache) as if read now."""
        expires = math.inf if self._ttl is None else self._clock() + self._ttl
        with self._lock:
            self._value = (expires, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._value = None


@dataclass(frozen=True)
class StoreSettings:
    """A store's configuration as lookups keep it per container, on the store's connection
    (``StoreConnection.kept``).

    Store information (storefront domain, default currency) is read at most once per container,
    alongside the first DETAILED lookup, and read again only if that failed. Customer group names
    change more often (a merchant adds or renames a group) and are kept for `GROUP_NAMES_TTL_SECONDS`,
    as are the store's storefronts (a merchant opens a storefront).
    """

    store: StoreSetting[StoreInfo]
    group_names: StoreSetting[dict[int, str]]
    storefronts: StoreSetting[Storefronts]

    @classmethod
    def of(cls, client: BigCommerceClient) -> StoreSettings:
        return cls(
            store=StoreSetting(lambda deadline: client.get_store(deadline=deadline)),
            group_names=StoreSetting(partial(_read_group_names, client), ttl_seconds=GROUP_NAMES_TTL_SECONDS),
            storefronts=StoreSetting(partial(_read_storefronts, client), ttl_seconds=GROUP_NAMES_TTL_SECONDS),
        )


def _read_group_names(client: BigCommerceClient, deadline: Deadline) -> dict[int, str]:
    return {group.id: group.name for group in client.list_customer_groups(deadline=deadline)}


def _read_storefronts(client: BigCommerceClient, deadline: Deadline) -> Storefronts:
    """Channels, then their sites and settings at once (two calls deep: a cold lookup waits no longer)."""
    return read_storefronts(client, deadline, partial(all_at_once, deadline=deadline))


def forget_store_settings() -> None:
    """Forget the store configuration every connection has kept, and the profiles kept, as a new
    container would have."""
    forget_kept_state()
    recent_profiles.clear()
