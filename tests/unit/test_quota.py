"""The container's view of a store's request quota (bigcommerce/quota.py), on an injected clock."""

from __future__ import annotations

import pytest

from gladly_bigcommerce.bigcommerce.quota import StoreQuota


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def headers(left: int, reset_ms: int, quota: int = 150, window_ms: int = 30_000) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Requests-Quota": str(quota),
        "X-Rate-Limit-Time-Window-Ms": str(window_ms),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
    }


def test_nothing_is_known_before_an_answer_and_every_request_may_go() -> None:
    quota = StoreQuota(clock=Clock())
    assert quota.view().left is None
    assert not quota.view().nearly_spent(13)
    assert quota.admit() == 0.0


def test_requests_sent_count_against_what_the_last_answer_said_is_left() -> None:
    # Given an answer saying 20 of 150 are left in a window resetting in 10 s
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(200, headers(left=20, reset_ms=10_000))
    # When three more requests are sent, their answers not yet in
    for _ in range(3):
        assert quota.admit() == 0.0
    # Then they count already
    view = quota.view()
    assert (view.left, view.quota, view.reset_in) == (17, 150, 10.0)
    # and an older answer arriving late (more left) never raises the estimate within the window
    clock.now += 0.1
    quota.settle(200, headers(left=19, reset_ms=9_900))
    assert quota.view().left == 17


def test_nearly_spent_under_a_tenth_of_the_quota_or_under_what_a_lookup_needs() -> None:
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(200, headers(left=16, reset_ms=5_000))
    assert not quota.view().nearly_spent(13)  # 16 >= 15 (a tenth of 150) and >= 13
    assert quota.view().nearly_spent(17)  # fewer than the lookup needs
    quota.admit()
    quota.admit()
    assert quota.view().nearly_spent(13)  # 14 < 15


def test_an_answer_saying_none_is_left_closes_the_store_until_its_reset() -> None:
    # Given the answer to the quota's last request (0 left, reset in 2.5 s)
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(200, headers(left=0, reset_ms=2_500))
    # Then no request may go until the reset, and the view says for how long
    assert quota.admit() == 2.5
    assert quota.view().limited_for == 2.5
    assert quota.view().nearly_spent(1)
    clock.now += 2.0
    assert quota.admit() == 0.5
    # When the window has reset, requests go again and the estimate is unknown until the next answer
    clock.now += 0.5
    assert quota.admit() == 0.0
    assert quota.view().left is None


def test_a_429_closes_the_store_for_the_longer_of_its_two_waits() -> None:
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(429, {"X-Retry-After": "3", **headers(left=0, reset_ms=1_000)})
    assert quota.admit() == 3.0
    clock.now += 3.0
    assert quota.admit() == 0.0


def test_a_429_without_any_reset_header_closes_the_store_a_moment() -> None:
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(429, {})
    assert quota.admit() == 1.0


def test_our_own_requests_in_flight_close_the_store_before_it_says_so() -> None:
    # Given 2 left, and two requests sent
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(200, headers(left=2, reset_ms=4_000))
    assert quota.admit() == 0.0
    assert quota.admit() == 0.0
    # Then a third is not sent: it would be refused (and count as a call while limited)
    assert quota.admit() == 4.0


def test_a_new_window_starts_from_what_its_first_answer_says_less_what_is_in_flight() -> None:
    clock = Clock()
    quota = StoreQuota(clock=clock)
    quota.admit()
    quota.settle(200, headers(left=3, reset_ms=1_000))
    clock.now += 1.0  # the window resets
    quota.admit()
    quota.admit()
    quota.settle(200, headers(left=149, reset_ms=29_900))
    assert quota.view().left == 148  # one request still in flight may count in the new window


def test_unreadable_headers_are_ignored() -> None:
    quota = StoreQuota(clock=Clock())
    quota.admit()
    quota.settle(200, {"X-Rate-Limit-Requests-Left": "lots", "X-Rate-Limit-Time-Reset-Ms": "-5"})
    assert quota.view().left is None
    assert quota.admit() == 0.0


def test_in_a_fleet_a_container_stops_at_its_reserve_and_tells_the_others_once() -> None:
    # Given a container of a fleet keeping a fifth of the quota in reserve, told 31 are left
    clock = Clock()
    quota = StoreQuota(clock=clock)
    told: list[float] = []
    quota.share(0.2, told.append)
    quota.admit()
    quota.settle(200, headers(left=31, reset_ms=8_000))
    assert told == []
    # When it sends one more request (30 left: the reserve)
    assert quota.admit() == 0.0
    # Then it has told the others it stops until the reset, and sends nothing more until then
    assert told == [8.0]
    assert quota.admit() == 8.0
    # and the answers that follow within the same closing tell nothing new
    quota.settle(200, headers(left=30, reset_ms=8_000))
    quota.settle(429, {"X-Retry-After": "6"})
    assert told == [8.0]
    # while an answer that closes it for longer is told again
    quota.settle(429, {"X-Retry-After": "20"})
    assert told == [8.0, 20.0]


def test_in_a_fleet_nearly_spent_counts_what_is_left_above_the_reserve() -> None:
    quota = StoreQuota(clock=Clock())
    quota.share(0.2, lambda _: None)
    quota.admit()
    quota.settle(200, headers(left=44, reset_ms=5_000))
    assert quota.view().reserve == 30
    assert quota.view().nearly_spent(13)  # 14 above the reserve: under a tenth of the quota


def test_a_429_is_told_to_the_other_containers_with_its_wait() -> None:
    quota = StoreQuota(clock=Clock())
    told: list[float] = []
    quota.share(0.2, told.append)
    quota.admit()
    quota.settle(429, {"X-Retry-After": "12"})
    assert told == [12.0]


def test_held_by_another_container_nothing_is_sent_until_then() -> None:
    # Given a container of a fleet, and another container said the store's quota is spent for 5 s
    clock = Clock()
    quota = StoreQuota(clock=clock)
    told: list[float] = []
    quota.share(0.2, told.append)
    quota.hold(5.0)
    # Then nothing may be sent for 5 s, and the view says so; what the fleet knows is not told again
    assert quota.admit() == 5.0
    assert quota.view().nearly_spent(1)
    assert told == []
    clock.now += 5.0
    assert quota.admit() == 0.0


def test_without_a_fleet_there_is_no_reserve() -> None:
    quota = StoreQuota(clock=Clock())
    quota.admit()
    quota.settle(200, headers(left=1, reset_ms=5_000))
    assert quota.view().reserve == 0
    assert quota.admit() == 0.0  # the last request may still go


def test_a_forgotten_view_shares_nothing_until_shared_again() -> None:
    quota = StoreQuota(clock=Clock())
    quota.share(0.2, lambda _: None)
    quota.forget()
    quota.admit()
    quota.settle(200, headers(left=1, reset_ms=5_000))
    assert quota.view().reserve == 0


def answered(quota: StoreQuota, clock: Clock, *, left: int, reset_ms: int, after: float) -> None:
    """One request sent, and its answer `after` seconds later saying `left`."""
    assert quota.admit() == 0.0
    clock.now += after
    quota.settle(200, headers(left=left, reset_ms=reset_ms))


def in_a_fleet(clock: Clock) -> StoreQuota:
    quota = StoreQuota(clock=clock)
    quota.share(0.2, lambda _: None)  # a reserve of 30 of 150
    return quota


def test_while_the_others_may_spend_the_reserve_before_a_request_lands_one_is_sent_at_a_time() -> None:
    # Given a container of a fleet whose answers, 0.1 s apart (a round trip each), say the store's count
    # fell by 10 each time while it sent one request in between: the others spend 90 per second
    clock = Clock()
    quota = in_a_fleet(clock)
    for left in (68, 58, 48, 38):
        answered(quota, clock, left=left, reset_ms=20_000, after=0.1)
    # Then with 38 left (above the reserve) but 29 once a round trip of theirs lands, one request may go
    assert quota.admit() == 0.0
    # and the next waits a round trip for its answer, nothing taken
    assert quota.admit() == pytest.approx(0.1)
    assert quota.view().left == 37
    # When that answer says the others have stopped (one fewer: this container's own)
    clock.now += 0.1
    quota.settle(200, headers(left=37, reset_ms=19_500))
    # Then the next goes, and while their last second still shows their pace, one at a time
    assert quota.admit() == 0.0
    assert quota.admit() > 0
    # and once its answers of the last second no longer show their pace, as many as it likes
    clock.now += 1.0
    quota.settle(200, headers(left=36, reset_ms=18_500))
    assert [quota.admit() for _ in range(3)] == [0.0] * 3


def test_far_above_the_reserve_the_others_pace_changes_nothing() -> None:
    # Given the others spending 90 per second and 70 left: 61 once a round trip of theirs lands
    clock = Clock()
    quota = in_a_fleet(clock)
    for left in (100, 90, 80, 70):
        answered(quota, clock, left=left, reset_ms=20_000, after=0.1)
    # Then requests go together as ever
    assert [quota.admit() for _ in range(5)] == [0.0] * 5


def test_alone_a_count_falling_by_our_own_requests_is_nobody_elses_pace() -> None:
    # Given answers whose count falls by exactly this container's own requests, down to 32 left
    clock = Clock()
    quota = in_a_fleet(clock)
    for left in (35, 34, 33, 32):
        answered(quota, clock, left=left, reset_ms=20_000, after=0.1)
    # Then the requests up to the reserve go together
    assert [quota.admit() for _ in range(2)] == [0.0, 0.0]
    assert quota.admit() > 1  # the reserve: closed until the reset


def test_a_new_window_forgets_how_fast_the_others_spent() -> None:
    clock = Clock()
    quota = in_a_fleet(clock)
    for left in (68, 58, 48, 38):
        answered(quota, clock, left=left, reset_ms=1_000, after=0.1)
    quota.admit()
    assert quota.admit() > 0
    # When the window resets and its first answer says 149 are left
    clock.now += 1.0
    quota.settle(200, headers(left=149, reset_ms=30_000))
    # Then requests go together again
    assert [quota.admit() for _ in range(3)] == [0.0] * 3
