"""Store configuration kept per container (`lookup.StoreSetting`): time to live, failures, for good."""

from __future__ import annotations

import pytest

from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import UpstreamUnavailable
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
