"""THE connection to a store: made here, once per container and store, for every function.

A connection is the store's one BigCommerce client (one pooled session) wired to the upstream metrics
template.yaml's alarms and dashboard read: every attempt counts as ``UpstreamCalls``, a failed one
(no answer, or 4xx/5xx) as ``UpstreamErrors`` too, a 429 (the store's quota spent) as
``UpstreamRateLimited`` too. It shows the store's request quota as this container last saw it
(``quota``); each request's call budget travels with its ``Deadline`` (``deadline.CallBudget``) and is
spent by the client before every call. A room keeps state of its own per store on the connection
(``kept``): the lookups' store settings, read once per container. What every container shares is on
it too: ``shared``, the store's entries in the shared cache table (``shared_cache.py``), when the
deployment has one.

Lookups and actions wait differently for an answer: a lookup's calls end by Gladly's 5 s anyway,
while a refund may take the payment provider several seconds (``ACTION_READ_TIMEOUT``). A container
runs one function, so it holds one connection per store; credentials rotated since get a new one
(the old one is closed: credentials of the past are not used again).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.http import RequestRecord
from gladly_bigcommerce.bigcommerce.quota import QuotaView
from gladly_bigcommerce.bigcommerce.shared_cache import SharedCache
from gladly_bigcommerce.bigcommerce.shared_quota import share_quota
from gladly_bigcommerce.observability import count

T = TypeVar("T")

LOOKUP_READ_TIMEOUT = 4.0
"""Seconds a lookup's call waits for an answer at most (its deadline shortens it further)."""
ACTION_READ_TIMEOUT = 8.0
"""Seconds an action's call waits at most: reads are quick, a refund may wait on the payment provider.
Every call is shortened to what is left of its deadline."""


def record_upstream_call(record: RequestRecord) -> None:
    """Count every BigCommerce attempt, and the failed ones."""
    count("UpstreamCalls")
    if record.status is None or record.status >= 400:
        count("UpstreamErrors")
    if record.status == 429:  # the store's quota is spent (template.yaml alarms on it)
        count("UpstreamRateLimited")


class StoreConnection:
    """One store's client, its quota view, what the rooms keep per store (``kept``), and the store's
    entries in the cache every container shares (``shared``; None without a cache table)."""

    def __init__(self, client: BigCommerceClient, shared: SharedCache | None = None) -> None:
        self.client = client
        self.shared = shared
        self._kept: dict[type[Any], Any] = {}
        self._lock = threading.Lock()

    @property
    def store_hash(self) -> str:
        return self.client.store_hash

    @property
    def quota(self) -> QuotaView:
        """The store's request quota as this container last saw it (shared by all its clients)."""
        return self.client.quota

    def kept(self, kind: type[T], make: Callable[[BigCommerceClient], T]) -> T:
        """The ``kind`` of state a room keeps for this store, made from the client at first use."""
        with self._lock:
            value = self._kept.get(kind)
            if value is None:
                value = self._kept[kind] = make(self.client)
            return value

    def forget_kept(self) -> None:
        """Forget what the rooms kept for this store, as a new container would."""
        with self._lock:
            self._kept.clear()

    def close(self) -> None:
        self.client.close()


_connections: dict[tuple[str, str, float, str], tuple[tuple[str, str], StoreConnection]] = {}
_connections_lock = threading.Lock()


def store_connection(
    api_base: str,
    store_hash: str,
    *,
    access_token: str,
    client_id: str,
    read_timeout: float,
    cache_table: str | None = None,
) -> StoreConnection:
    """The container's connection to the store (API base and hash) for these credentials, sharing
    BigCommerce's answers with the other containers in `cache_table` when one is named."""
    store = (api_base, store_hash, read_timeout, cache_table or "")
    credentials = (access_token, client_id)
    with _connections_lock:
        known = _connections.get(store)
        if known is not None and known[0] == credentials:
            _share_quota(known[1])  # again: a view of the quota forgotten since shares nothing
            return known[1]
        client = BigCommerceClient(
            store_hash,
            access_token,
            client_id=client_id,
            api_base=api_base,
            read_timeout=read_timeout,
            on_request=record_upstream_call,
        )
        shared = SharedCache(cache_table, store_hash) if cache_table else None
        connection = StoreConnection(client, shared)
        _share_quota(connection)
        _connections[store] = (credentials, connection)
    if known is not None:
        known[1].close()  # credentials of the past are not used again
    return connection


def _share_quota(connection: StoreConnection) -> None:
    """With a shared table, this container is one of a fleet: they tell each other the quota is spent."""
    if connection.shared is not None:
        share_quota(connection.shared, connection.client.store_quota)


def live_connections() -> list[StoreConnection]:
    """Every connection of this container."""
    with _connections_lock:
        return [connection for _, connection in _connections.values()]


def forget_kept_state() -> None:
    """Forget what every connection kept for its store (``kept``), as a new container would."""
    for connection in live_connections():
        connection.forget_kept()
