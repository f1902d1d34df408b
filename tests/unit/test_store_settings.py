"""Store configuration kept per container (`lookup.StoreSetting`): time to live, failures, for good."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import DeadlineExceeded, UpstreamUnavailable
from gladly_bigcommerce.lookup.store_settings import StoreSetting

DEADLINE_SECONDS = 5.0


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Source:
    """Answers with the next of `answers` (an exception is raised), counting the reads."""

    def __init__(self, *answers: dict[int, str] | Exception) -> None:
        self.answers = list(answers)
        self.reads = 0

    def __call__(self, deadline: Deadline) -> dict[int, str]:
        self.reads += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def fetched(setting: StoreSetting[dict[int, str]]) -> dict[int, str]:
    return setting.fetch(Deadline.after(DEADLINE_SECONDS)).result(timeout=DEADLINE_SECONDS)


def test_a_value_is_read_once_then_kept_until_its_time_to_live_ends() -> None:
    # Given group names kept for 900 s
    clock = Clock()
    source = Source({2: "VIP"}, {2: "Gold"})
    setting = StoreSetting(source, ttl_seconds=900, clock=clock)
    # When fetched twice within that time, Then BigCommerce is read once
    assert fetched(setting) == {2: "VIP"}
    clock.now += 899
    assert fetched(setting) == {2: "VIP"}
    assert source.reads == 1
    # When the time to live has passed, Then it is read again (a renamed group shows)
    clock.now += 1
    assert setting.value is None
    assert fetched(setting) == {2: "Gold"}
    assert source.reads == 2


def test_an_empty_answer_is_kept_too() -> None:
    source = Source({})
    setting = StoreSetting(source, ttl_seconds=900, clock=Clock())
    assert fetched(setting) == {}
    assert fetched(setting) == {}
    assert source.reads == 1


def test_a_failed_read_is_not_remembered() -> None:
    # Given BigCommerce fails once
    source = Source(UpstreamUnavailable("BigCommerce timed out"), {2: "VIP"})
    setting = StoreSetting(source, ttl_seconds=900, clock=Clock())
    # When fetched, Then the failure reaches the caller; the next fetch reads again
    with pytest.raises(UpstreamUnavailable):
        fetched(setting)
    assert fetched(setting) == {2: "VIP"}
    assert source.reads == 2


def test_without_a_time_to_live_a_value_is_kept_for_good_until_cleared() -> None:
    clock = Clock()
    source = Source({1: "Retail"}, {1: "Retail shoppers"})
    setting = StoreSetting(source, clock=clock)
    fetched(setting)
    clock.now += 10**9
    assert fetched(setting) == {1: "Retail"}
    setting.clear()
    assert fetched(setting) == {1: "Retail shoppers"}
    assert source.reads == 2


class GatedSource:
    """A read that answers (or fails with `failure`) only once `gate` is set, counting the reads."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.gate = threading.Event()
        self.started = threading.Event()
        self.failure = failure
        self.reads = 0

    def __call__(self, deadline: Deadline) -> dict[int, str]:
        self.reads += 1
        self.started.set()
        assert self.gate.wait(DEADLINE_SECONDS)
        if self.failure is not None:
            raise self.failure
        return {2: "VIP"}


def test_lookups_that_need_it_while_it_is_read_wait_for_that_read_instead_of_sending_it_again() -> None:
    # Given a read of the group names under way
    source = GatedSource()
    setting = StoreSetting(source, ttl_seconds=900, clock=Clock())
    first = setting.fetch(Deadline.after(DEADLINE_SECONDS))
    assert source.started.wait(DEADLINE_SECONDS)
    # When three more lookups need them before it is answered
    with ThreadPoolExecutor(3) as pool:
        others = [pool.submit(setting.load, Deadline.after(DEADLINE_SECONDS)) for _ in range(3)]
        source.gate.set()
        # Then all four have its answer, and BigCommerce was read once
        assert [f.result(DEADLINE_SECONDS) for f in [first, *others]] == [{2: "VIP"}] * 4
    assert source.reads == 1


def test_a_read_that_fails_fails_those_waiting_for_it_and_is_not_remembered() -> None:
    source = GatedSource(UpstreamUnavailable("BigCommerce timed out"))
    setting = StoreSetting(source, ttl_seconds=900, clock=Clock())
    first = setting.fetch(Deadline.after(DEADLINE_SECONDS))
    assert source.started.wait(DEADLINE_SECONDS)
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(setting.load, Deadline.after(DEADLINE_SECONDS))
        source.gate.set()
        for future in (first, waiting):
            with pytest.raises(UpstreamUnavailable):
                future.result(DEADLINE_SECONDS)
    assert source.reads == 1
    # and the next lookup reads again
    source.failure = None
    assert fetched(setting) == {2: "VIP"}
    assert source.reads == 2


def test_a_lookup_whose_deadline_passes_while_another_reads_it_stops_waiting() -> None:
    source = GatedSource()
    setting = StoreSetting(source, ttl_seconds=900, clock=Clock())
    first = setting.fetch(Deadline.after(DEADLINE_SECONDS))
    assert source.started.wait(DEADLINE_SECONDS)
    with pytest.raises(DeadlineExceeded):
        setting.load(Deadline.after(0.0))
    source.gate.set()
    assert first.result(DEADLINE_SECONDS) == {2: "VIP"}
    assert source.reads == 1
