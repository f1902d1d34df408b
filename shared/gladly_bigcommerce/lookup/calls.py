"""BigCommerce calls at once: the lookup's one small shared thread pool.

Independent calls run at once on it; every call gets the lookup's ``Deadline``, so the pool never
outlives the answer Gladly waits for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import DeadlineExceeded

T = TypeVar("T")

# As many workers as the client pools connections: a DETAILED lookup fans out one call per shipped order.
POOL_SIZE = 10
# Waiting a little past the deadline lets a call that the client cut at the deadline report its own error.
_RESULT_GRACE_SECONDS = 0.25

_pool_thread = threading.local()


def _mark_pool_thread() -> None:
    _pool_thread.active = True


_pool = ThreadPoolExecutor(
    max_workers=POOL_SIZE, thread_name_prefix="bigcommerce", initializer=_mark_pool_thread
)


def submit(call: Callable[[], T]) -> Future[T]:
    """Start `call` on the shared pool, or run it right here when already on a pool thread.

    Running nested work inline means no pool thread ever waits for another pool thread, so
    concurrent lookups sharing the pool cannot deadlock it.
    """
    if getattr(_pool_thread, "active", False):
        future: Future[T] = Future()
        try:
            future.set_result(call())
        except Exception as error:
            future.set_exception(error)
        return future
    return _pool.submit(call)


def result(future: Future[T], deadline: Deadline) -> T:
    """The call's result (or its exception), waiting no longer than the deadline allows."""
    try:
        return future.result(timeout=deadline.remaining() + _RESULT_GRACE_SECONDS)
    except FutureTimeout:
        raise DeadlineExceeded("the deadline passed while waiting for BigCommerce") from None


# Calls that a call already on the pool starts and waits for (a store setting read in several calls at
# once): a pool of their own, whose threads only call BigCommerce and never wait for another thread.
_fan_out = ThreadPoolExecutor(max_workers=POOL_SIZE, thread_name_prefix="bigcommerce-fan-out")


def all_at_once(calls: Sequence[Callable[[], T]], deadline: Deadline) -> list[T]:
    """Every call started at once, then their results in order (a failure raised). From a pool thread
    they run on the fan-out pool: `submit` would run them one after the other there. The calls must
    not start calls of their own."""
    start = _fan_out.submit if getattr(_pool_thread, "active", False) else submit
    started = [start(call) for call in calls]
    return [result(future, deadline) for future in started]
