"""Short locks on an order or a customer: one change to it at a time.

BigCommerce does not support concurrent refunds on one order (it answers 409 or, worse, computes
two refunds from the same remaining amount), and it keeps some values whole, to be read, changed and
written back (a customer's store credit, an order's staff notes): two writers would lose one change.
Two agents, or an agent and a retry, are therefore serialised with a conditional DynamoDB write: the
lock is an item that exists until it is released or its ``expires_at`` passes, so a crashed Lambda
blocks the order or customer for at most ``LOCK_TTL``. An order is locked by its id (``int``), a
customer by ``LockTarget.customer``.

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
class LockTarget:
    """What a lock is on: an order or a customer, by BigCommerce id."""

    kind: str
    id: int

    @classmethod
    def order(cls, order_id: int) -> LockTarget:
        return cls("order", order_id)

    @classmethod
    def customer(cls, customer_id: int) -> LockTarget:
        return cls("customer", customer_id)

    @property
    def key(self) -> str:
        return f"{self.kind}-lock#{self.id}"

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"


Lockable = int | LockTarget
"""An order id, or a ``LockTarget``."""


def lock_target(target: Lockable) -> LockTarget:
    return target if isinstance(target, LockTarget) else LockTarget.order(target)


@dataclass(frozen=True)
class OrderLock:
    """A held lock; release it through ``OrderLocks.hold`` rather than by hand."""

    target: LockTarget
    owner: str
    expires_at: int


@dataclass
class OrderLocks:
    """Order and customer locks in the order-locks table (key ``pk``, TTL attribute ``expires_at``)."""

    client: Any
    table_name: str
    ttl_seconds: int = LOCK_TTL_SECONDS
    clock: Callable[[], float] = field(default=time.time, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    @staticmethod
    def key(target: Lockable) -> str:
        return lock_target(target).key

    def try_acquire(self, target: Lockable, owner: str) -> OrderLock | None:
        """Take the lock if it is free, expired or already ``owner``'s; None when someone else holds it."""
        locked = lock_target(target)
        now = self.clock()
        expires_at = math.ceil(now + self.ttl_seconds)
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": locked.key},
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
        return OrderLock(target=locked, owner=owner, expires_at=expires_at)

    def acquire(self, target: Lockable, owner: str, *, deadline: Deadline) -> OrderLock:
        """Wait (until ``deadline``) for the lock; ``ActionConflict`` (409) if it stays taken."""
        locked = lock_target(target)
        while True:
            lock = self.try_acquire(locked, owner)
            if lock is not None:
                return lock
            wait = _POLL_SECONDS * (1 + random.random())  # noqa: S311 - jitter, not security
            if deadline.remaining() <= wait:  # the next poll would come after the deadline
                raise ActionConflict.of(
                    f"{locked.kind}_busy",
                    f"Another action on {locked} is being processed. Nothing was done: submit again in a "
                    f"few seconds to see the {locked.kind} as it is then.",
                )
            self.sleep(wait)

    def release(self, lock: OrderLock) -> None:
        """Delete the lock if it is still ours (it may have expired and been taken over)."""
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key={"pk": {"S": lock.target.key}},
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
        target: Lockable,
        owner: str,
        *,
        deadline: Deadline,
        keep_on: tuple[type[BaseException], ...] = (),
    ) -> Iterator[OrderLock]:
        """Hold the order's (or customer's) lock for the block.

        An exception in ``keep_on`` leaves the lock in place until it expires: after a write whose
        outcome is unknown, BigCommerce may still be working on it, and nobody else should start
        another one on the same order or customer meanwhile (the same submit's retry can still take it
        over).
        """
        lock = self.acquire(target, owner, deadline=deadline)
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
