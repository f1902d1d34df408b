"""BigCommerce's answers shared by every container, in a DynamoDB table (template.yaml's LookupCacheTable).

On Lambda every concurrent container has memory of its own, so what one container read is of no use
to the next; this table is. It is generic: an entry is a JSON value under a `CacheKey` (what kind of
answer, of which thing, at which version of it), written with a maximum age. A reader names every key
it wants at once and gets, in ONE batched read (`BatchGetItem`), the entries that are there and not
older than their maximum age; the rest it reads from BigCommerce and writes back (`write`).

Keys carry a version when BigCommerce gives one (an order's `date_modified`): a changed order is a
new key, so its new shipment or refund shows in the next lookup. Every entry also has its maximum
age, for what a version does not cover (public sources do not list which writes move
`date_modified`), and its `expires_at`, which DynamoDB's TTL deletes "typically within two days":
until then an expired item "will still show up in reads" (AWS, UpdateTimeToLive), so `read` compares
`expires_at` with now itself.

The cache never fails or slows a lookup: every DynamoDB call waits at most `READ_TIMEOUT_SECONDS`
(writes `WRITE_TIMEOUT_SECONDS`), is not retried by boto3, and any error (table missing, access
denied, throttled, endpoint down) is logged, counted as `SharedCacheFailures` and answered as a miss.
Keys a `BatchGetItem` leaves unprocessed (throttling, 16 MB, "an internal processing failure": AWS
BatchGetItem reference) are asked once more after a short pause, then counted as misses.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gladly_bigcommerce.observability import count, logger

READ_TIMEOUT_SECONDS = 0.4
"""Longest wait for one DynamoDB read (connection and answer each): past it, the lookup asks BigCommerce."""
WRITE_TIMEOUT_SECONDS = 0.4
BATCH_LIMIT = 100
"""Keys per BatchGetItem ("as many as 100 items"; more is a ValidationException)."""
UNPROCESSED_RETRIES = 1
UNPROCESSED_PAUSE_SECONDS = 0.02


@dataclass(frozen=True)
class CacheKey:
    """What is cached: `kind` of answer (`"shipments"`), of which thing (`"123"`), at which version
    (an order's `date_modified`; `""` for things without one)."""

    kind: str
    name: str
    version: str = ""

    def item_key(self, store_hash: str) -> str:
        return f"{store_hash}#{self.kind}#{self.name}#{self.version}"


class SharedCache:
    """One store's entries in the shared table, read in batches, through one boto3 DynamoDB client."""

    def __init__(
        self,
        table: str,
        store_hash: str,
        *,
        client: Any = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.table = table
        self.store_hash = store_hash
        self._client = client
        self._clock = clock
        self._sleep = sleep
        self._client_lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The DynamoDB client, made at first use (boto3 honours AWS_ENDPOINT_URL: moto locally).

        Making it loads DynamoDB's service model (tens of ms): a container's first DETAILED lookup
        makes it alongside its first BigCommerce calls (`prepare`), not after them."""
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                config = Config(
                    connect_timeout=READ_TIMEOUT_SECONDS,
                    read_timeout=READ_TIMEOUT_SECONDS,
                    retries={"max_attempts": 1, "mode": "standard"},  # a miss is cheaper than a wait
                )
                self._client = boto3.client("dynamodb", config=config)
            return self._client

    def now(self) -> float:
        """The cache's clock (seconds since the epoch), against which entries expire."""
        return self._clock()

    @property
    def prepared(self) -> bool:
        return self._client is not None

    def prepare(self) -> None:
        """Make the client now (on a thread of the caller's choosing); a failure is left to `read`."""
        try:
            self.client  # noqa: B018 - made for its side effect
        except Exception as error:
            self._failed("prepare", error)

    def read(self, keys: Collection[CacheKey]) -> dict[CacheKey, Any]:
        """The fresh entries among `keys` (one BatchGetItem per 100 keys); a missing, expired or
        unreadable entry, or any failure, is simply not in the answer."""
        return {key: value for key, (value, _) in self.read_entries(keys).items()}

    def read_entries(self, keys: Collection[CacheKey]) -> dict[CacheKey, tuple[Any, float]]:
        """As `read`, each value with the time it expires (seconds since the epoch)."""
        by_item = {key.item_key(self.store_hash): key for key in keys}  # de-duplicated, as DynamoDB needs
        found: dict[CacheKey, tuple[Any, float]] = {}
        try:
            for chunk in _chunks(list(by_item), BATCH_LIMIT):
                for item in self._batch_get(chunk):
                    key = by_item.get(item.get("pk", {}).get("S", ""))
                    entry = self._fresh_entry(item)
                    if key is not None and entry is not None:
                        found[key] = entry
        except Exception as error:  # any failure is a miss: BigCommerce answers instead
            self._failed("read", error)
        count("SharedCacheHits", len(found))
        count("SharedCacheMisses", len(by_item) - len(found))
        return found

    def write(self, entries: Mapping[CacheKey, Any], max_age_seconds: float) -> None:
        """Keep these JSON values for `max_age_seconds`; a failure is logged and counted, never raised."""
        expires_at = self._clock() + max_age_seconds
        self.put({key: (value, expires_at) for key, value in entries.items()})

    def put(self, entries: Mapping[CacheKey, tuple[Any, float]]) -> None:
        """Keep these JSON values, each until its time (seconds since the epoch), in as few
        BatchWriteItems as DynamoDB allows (25 items each); a failure is logged and counted, never raised."""
        try:
            for chunk in _chunks(list(entries.items()), 25):  # BatchWriteItem's limit
                requests = [
                    {
                        "PutRequest": {
                            "Item": {
                                "pk": {"S": key.item_key(self.store_hash)},
                                "value": {"S": json.dumps(value, separators=(",", ":"))},
                                "expires_at": {"N": str(int(expires_at))},
                            }
                        }
                    }
                    for key, (value, expires_at) in chunk
                ]
                self.client.batch_write_item(RequestItems={self.table: requests})
        except Exception as error:
            self._failed("write", error)

    def _batch_get(self, item_keys: list[str]) -> Iterator[dict[str, Any]]:
        wanted: dict[str, Any] = {self.table: {"Keys": [{"pk": {"S": key}} for key in item_keys]}}
        for attempt in range(UNPROCESSED_RETRIES + 1):
            answer = self.client.batch_get_item(RequestItems=wanted)
            yield from answer.get("Responses", {}).get(self.table, [])
            wanted = answer.get("UnprocessedKeys") or {}
            if not wanted:
                return
            if attempt < UNPROCESSED_RETRIES:
                self._sleep(UNPROCESSED_PAUSE_SECONDS)
        left = len(wanted.get(self.table, {}).get("Keys", []))
        logger.warning("Shared cache keys left unprocessed; read from BigCommerce", extra={"keys": left})
        count("SharedCacheUnprocessed", left)

    def _fresh_entry(self, item: Mapping[str, Any]) -> tuple[Any, float] | None:
        try:
            expires_at = float(item["expires_at"]["N"])
            if expires_at <= self._clock():
                return None  # expired, not yet deleted by TTL
            return json.loads(item["value"]["S"]), expires_at
        except (KeyError, TypeError, ValueError):
            return None

    def _failed(self, operation: str, error: Exception) -> None:
        logger.warning(
            "Shared cache unavailable; BigCommerce answers instead",
            extra={"operation": operation, "error": type(error).__name__},
        )
        count("SharedCacheFailures")


def _chunks(values: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
