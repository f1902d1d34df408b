"""Short per-order locks: one money- or status-changing action on an order at a time.

BigCommerce does not support concurrent refunds on one order (it answers 409 or, worse, computes
two refunds from the same remaining amount). Two agents, or an agent and a retry, are therefore
serialised with a conditional DynamoDB write: the lock is an item that exists until it is released
or its ``expires_at`` passes, so a crashed Lambda blocks the order for at most ``LOCK_TTL``.

The owner is the form token's nonce: a retry of the *same* submit may take over its own lock (it is
the one that has to find out what its earlier attempt did), while anybody else waits.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from gladly_bigcommerce.actions.machinery.errors import ActionConflict
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.observability import logger

LOCK_TTL_SECONDS = 30
"""Longer than any action's BigCommerce calls (bounded by the Lambda's 14 s), short enough to self-heal."""

_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class OrderLock:
    """A held lock; release it through ``OrderLocks.hold`` rather than by hand."""

    order_id: int
    owner: str
    expires_at: int


@dataclass
class OrderLocks:
    """Order locks in the order-locks table (key ``pk``, TTL attribute ``expires_at``)."""

    client: Any
    table_name: str
    ttl_seconds: int = LOCK_TTL_SECONDS
    clock: Callable[[], float] = field(default=time.time, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @staticmethod
    def key(order_id: int) -> str:
        return f"order-lock#{order_id}"

    def try_acquire(self, order_id: int, owner: str) -> OrderLock | None:
        """Take the lock if it is free, expired or already ``owner``'s; None when someone else holds it."""
        now = self.clock()
        expires_at = math.ceil(now + self.ttl_seconds)
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": self.key(order_id)},
                    "owner": {"S": owner},
                    "expires_at": {"N": str(expires_at)},
                },
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now OR #owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":now": {"N": str(int(now))}, ":owner": {"S": owner}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise
        return OrderLock(order_id=order_id, owner=owner, expires_at=expires_at)

    def acquire(self, order_id: int, owner: str, *, deadline: Deadline) -> OrderLock:
        """Wait (until ``deadline``) for the lock; ``ActionConflict`` (409) if it stays taken."""
        while True:
            lock = self.try_acquire(order_id, owner)
            if lock is not None:
                return lock
            wait = _POLL_SECONDS * (1 + random.random())  # noqa: S311 - jitter, not security
            if deadline.remaining() <= wait:  # the next poll would come after the deadline
                raise ActionConflict.of(
                    "order_busy",
                    f"Another action on order {order_id} is being processed. Nothing was done: submit "
                    "again in a few seconds to see the order as it is then.",
                )
            self.sleep(wait)

    def release(self, lock: OrderLock) -> None:
        """Delete the lock if it is still ours (it may have expired and been taken over)."""
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key={"pk": {"S": self.key(lock.order_id)}},
                ConditionExpression="#owner = :owner",
                ExpressionAttributeNames={"#owner": "owner"},
                ExpressionAttributeValues={":owner": {"S": lock.owner}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise

    @contextmanager
    def hold(
        self,
        order_id: int,
        owner: str,
        *,
        deadline: Deadline,
        keep_on: tuple[type[BaseException], ...] = (),
    ) -> Iterator[OrderLock]:
        """Hold the order's lock for the block.

        An exception in ``keep_on`` leaves the lock in place until it expires: after a write whose
        outcome is unknown, BigCommerce may still be working on it, and nobody else should start
        another one on the same order meanwhile (the same submit's retry can still take it over).
        """
        lock = self.acquire(order_id, owner, deadline=deadline)
        try:
            yield lock
        except keep_on:
            raise
        except BaseException:
            self._release_quietly(lock)
            raise
        self._release_quietly(lock)

    def _release_quietly(self, lock: OrderLock) -> None:
        """Release, but never let a failed release hide what the block did: the lock expires anyway."""
        try:
            self.release(lock)
        except (ClientError, BotoCoreError):
            logger.warning("Could not release an order lock; it expires by itself", exc_info=True)
