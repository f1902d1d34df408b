"""The shared pool of customer_search: concurrent, deadline-bound, and safe to use from inside itself."""

from __future__ import annotations

import threading

import pytest

from gladly_bigcommerce.bigcommerce import Deadline, DeadlineExceeded
from gladly_bigcommerce.customer_search import POOL_SIZE, result, submit


def test_calls_submitted_together_run_at_once() -> None:
    # Given as many calls as the pool has workers, each waiting for all the others to start
    barrier = threading.Barrier(POOL_SIZE, timeout=2)
    deadline = Deadline.after(3)
    # When they are submitted together Then they all pass the barrier: none waited for another
    pending = [submit(barrier.wait) for _ in range(POOL_SIZE)]
    assert sorted(result(future, deadline) for future in pending) == list(range(POOL_SIZE))


def test_work_submitted_from_a_pool_thread_runs_inline_and_cannot_deadlock() -> None:
    # Given every pool worker busy with a call that itself submits and waits for nested work
    deadline = Deadline.after(3)

    def outer() -> str:
        inner = submit(lambda: threading.current_thread().name)
        return result(inner, deadline)

    pending = [submit(outer) for _ in range(POOL_SIZE * 2)]
    # Then each nested call ran on the thread that asked for it, and everything finished
    names = [result(future, deadline) for future in pending]
    assert all(name.startswith("bigcommerce") for name in names)


def test_a_failure_is_raised_by_result() -> None:
    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        result(submit(fail), Deadline.after(1))


def test_waiting_stops_at_the_deadline() -> None:
    # Given a call that outlasts the deadline
    release = threading.Event()
    future = submit(lambda: release.wait(5))
    try:
        # When its result is awaited under a 0.1 s deadline
        with pytest.raises(DeadlineExceeded):
            result(future, Deadline.after(0.1))
        # Then the wait ended with DeadlineExceeded while the call was still running (it did not wait
        # for the call to finish)
        assert not future.done()
    finally:
        release.set()
