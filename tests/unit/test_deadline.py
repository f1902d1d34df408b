"""Deadline: one shrinking budget on a monotonic clock."""

import math
import time

import pytest

from gladly_bigcommerce.bigcommerce.deadline import Deadline


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_fresh_deadline_has_its_whole_budget_left() -> None:
    # Given a deadline 4.5 s from now on a clock that does not move
    clock = FakeClock()
    deadline = Deadline.after(4.5, clock=clock)
    # Then all of it remains and it has not expired
    assert deadline.remaining() == 4.5
    assert not deadline.expired


def test_remaining_shrinks_as_time_passes_and_never_goes_negative() -> None:
    clock = FakeClock()
    deadline = Deadline.after(2.0, clock=clock)
    # When 1.5 s pass
    clock.now += 1.5
    # Then 0.5 s remain
    assert deadline.remaining() == pytest.approx(0.5)
    assert not deadline.expired
    # When the deadline is passed by far
    clock.now += 10
    # Then nothing remains and it is expired
    assert deadline.remaining() == 0.0
    assert deadline.expired


def test_cap_shortens_a_timeout_to_what_is_left() -> None:
    clock = FakeClock()
    deadline = Deadline.after(1.0, clock=clock)
    assert deadline.cap(4.0) == 1.0
    assert deadline.cap(0.25) == 0.25
    clock.now += 2
    assert deadline.cap(4.0) == 0.0


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_a_zero_or_negative_budget_is_already_expired(seconds: float) -> None:
    assert Deadline.after(seconds, clock=FakeClock()).expired


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        Deadline.after(math.nan)


def test_the_default_clock_is_monotonic_time() -> None:
    # Given a real deadline
    deadline = Deadline.after(5.0)
    # When a little real time passes
    time.sleep(0.01)
    # Then the budget has shrunk by at least that much, and no more than the whole budget
    assert 0.0 < deadline.remaining() <= 5.0 - 0.01
