"""A cold start's first lookup counts the init it waited for (lookup.InitClock, lookup_deadline)."""

from __future__ import annotations

from datetime import UTC, datetime

from gladly_bigcommerce.lookup.deadlines import InitClock, lookup_deadline
from gladly_bigcommerce.settings.model import AdaptorSettings

SETTINGS = AdaptorSettings.from_env({"DEPLOYMENT_NAME": "test", "STORE_HASH": "abc123", "SECRET_NAME": "s"})


class Clock:
    def __init__(self, now: float = 500.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_first_request_after_an_on_demand_init_counts_the_init_once() -> None:
    # Given a container whose init took 1.75 s before its first request reached the handler
    clock = Clock()
    init = InitClock(clock.now - 1.75, initialization_type="on-demand", clock=clock)
    # Then the first request counts it, and no later one does
    assert init.take(limit=4.5) == 1.75
    assert init.take(limit=4.5) == 0.0


def test_init_longer_than_the_deadline_is_a_container_made_before_its_request() -> None:
    # (provisioned concurrency or proactive init: the request did not wait for it)
    clock = Clock()
    assert InitClock(clock.now - 60.0, initialization_type="on-demand", clock=clock).take(limit=4.5) == 0.0


def test_a_snapstart_restore_counts_from_the_restore() -> None:
    # Given a function whose init ran when its version was published (SnapStart)
    clock = Clock()
    init = InitClock(clock.now - 2.0, initialization_type="snap-start", clock=clock)
    assert init.take(limit=4.5) == 0.0
    # When a SnapStart snapshot is restored and the request arrives 0.4 s later
    init.restart()
    clock.now += 0.4
    # Then that first request counts the restore
    assert round(init.take(limit=4.5), 6) == 0.4
    assert init.take(limit=4.5) == 0.0


def test_a_first_request_whose_init_took_long_gets_a_shorter_deadline() -> None:
    clock = Clock()
    received_at = datetime.now(UTC)
    warm = lookup_deadline(SETTINGS, received_at, 10, clock=clock)
    cold = lookup_deadline(SETTINGS, received_at, 10, init_spent=3.0, clock=clock)
    # The warm deadline is the whole budget less the (tiny) time since `received_at`
    assert SETTINGS.lookup_deadline_seconds - 0.5 < warm.remaining() <= SETTINGS.lookup_deadline_seconds
    assert cold.remaining() == SETTINGS.lookup_deadline_seconds - 3.0
    assert cold.budget is not None and cold.budget.calls == 10


def test_init_that_spent_the_whole_budget_leaves_an_expired_deadline() -> None:
    clock = Clock()
    deadline = lookup_deadline(
        SETTINGS, datetime.now(UTC), 10, init_spent=SETTINGS.lookup_deadline_seconds, clock=clock
    )
    assert deadline.expired


def test_off_lambda_nothing_is_counted_even_after_a_restore_hook_ran() -> None:
    # (tests call the SnapStart hooks themselves: the next test's lookup must keep its whole deadline)
    clock = Clock()
    init = InitClock(clock.now - 0.5, initialization_type=None, clock=clock)
    init.restart()
    clock.now += 0.4
    assert init.take(limit=4.5) == 0.0
