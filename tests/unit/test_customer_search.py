"""The lookup's shared pool (lookup/calls.py): concurrent, deadline-bound, and safe to use from inside
itself; and the store's country a search reads phones in, read once."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import pytest

from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import DeadlineExceeded, UpstreamUnavailable
from gladly_bigcommerce.bigcommerce.models import StoreInfo
from gladly_bigcommerce.lookup.calls import POOL_SIZE, result, submit
from gladly_bigcommerce.lookup.search import PhoneRegion


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


# --- the store's country, read once, alongside a search ----------------------------------------------


class StoreReads:
    """Counts the store reads a PhoneRegion starts; each answers `info`, or raises `error`."""

    def __init__(self, info: StoreInfo | None = None, error: Exception | None = None) -> None:
        self.info, self.error, self.started = info, error, 0

    def __call__(self) -> Future[StoreInfo]:
        self.started += 1

        def read() -> StoreInfo:
            if self.error is not None:
                raise self.error
            assert self.info is not None
            return self.info

        return submit(read)


def test_a_phone_region_reads_the_store_once_started_by_prefetch_and_answers_its_country() -> None:
    reads = StoreReads(StoreInfo(country="India", country_code="IN"))
    region = PhoneRegion("US", reads, Deadline.after(2))
    region.prefetch()
    region.prefetch()
    assert reads.started == 1
    assert region.get() == "IN" and region.get() == "IN"
    assert reads.started == 1


def test_a_store_without_a_known_country_code_is_read_by_its_country_name() -> None:
    region = PhoneRegion("US", StoreReads(StoreInfo(country="Japan", country_code="")), Deadline.after(2))
    assert region.get() == "JP"


def test_an_unreadable_store_leaves_the_default_region() -> None:
    reads = StoreReads(error=UpstreamUnavailable("BigCommerce failed to answer (500)"))
    assert PhoneRegion("DE", reads, Deadline.after(2)).get() == "DE"
    assert PhoneRegion("GB").get() == "GB"  # nothing to read: the default at once
