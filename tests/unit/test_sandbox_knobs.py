"""Knobs without HTTP: the fault plan, the rate limiter and the request log."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from devtools.sandbox.knobs import FaultPlan, RateLimiter, RequestLog, RequestRecord


def test_a_fault_matches_by_regex_and_method_and_stops_after_its_times() -> None:
    plan = FaultPlan()
    fault = plan.add(r"^/v2/orders$", 503, method="get", times=2)
    assert plan.take("POST", "/v2/orders") is None
    assert plan.take("GET", "/v2/orders/1") is None
    assert plan.take("GET", "/v2/orders") is fault
    assert plan.take("GET", "/v2/orders") is fault
    assert plan.take("GET", "/v2/orders") is None
    assert fault.hits == 2


def test_the_first_live_fault_wins_and_clear_removes_all() -> None:
    plan = FaultPlan()
    first = plan.add("orders", "reset", times=1)
    second = plan.add("orders", "slow", seconds=0.1)
    assert [plan.take("GET", "/v2/orders") for _ in range(3)] == [first, second, second]
    plan.clear()
    assert len(plan) == 0 and plan.take("GET", "/v2/orders") is None


def test_an_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        FaultPlan().add("x", 418)  # type: ignore[arg-type]


def test_the_rate_limiter_counts_down_refuses_and_renews_with_the_window() -> None:
    limiter = RateLimiter(quota=2, window_seconds=0.5)
    first, second, third = (limiter.consume() for _ in range(3))
    assert (first[0], first[1].left) == (True, 1)
    assert (second[0], second[1].left) == (True, 0)
    assert third[0] is False and third[1].retry_after_seconds == 1
    assert third[1].headers()["X-Rate-Limit-Requests-Quota"] == "2"
    time.sleep(third[1].reset_ms / 1000 + 0.05)
    assert limiter.consume()[0] is True


def test_the_rate_limiter_resets_to_bigcommerce_standard_plan() -> None:
    limiter = RateLimiter(quota=1, window_seconds=1)
    limiter.reset()
    state = limiter.peek()
    assert (state.quota, state.left, state.window_ms) == (150, 150, 30000)
    with pytest.raises(ValueError):
        limiter.configure(quota=0)


def test_the_rate_limiter_restarts_a_window_part_of_which_is_gone() -> None:
    # Given a window of 30 s, half spent
    limiter = RateLimiter(quota=10, window_seconds=30)
    for _ in range(5):
        limiter.consume()
    # When it restarts with 20 s of it gone
    limiter.restart(elapsed_seconds=20)
    # Then none of it is used, and it resets within the 10 s left
    state = limiter.peek()
    assert state.left == 10
    assert 0 < state.reset_ms <= 10000
    # and a point outside the window is refused
    for outside in (-1, 30):
        with pytest.raises(ValueError):
            limiter.restart(elapsed_seconds=outside)


def _record(method: str, api_path: str) -> RequestRecord:
    return RequestRecord(
        time=datetime.now(UTC),
        method=method,
        path=f"/stores/x{api_path}",
        api_path=api_path,
        query_string="",
        query={},
        headers={},
        body=b"",
        json=None,
        status=200,
        response_headers={},
        response_body=b'{"data": []}',
    )


def test_the_request_log_is_a_sequence_that_finds_and_clears() -> None:
    log = RequestLog()
    get, put = _record("GET", "/v2/orders"), _record("PUT", "/v2/orders/5")
    log.append(get)
    log.append(put)
    assert list(log) == [get, put] and log[-1] is put and log[0:1] == [get]
    assert log.find("put", r"/\d+$") == [put]
    assert get.response_json == {"data": []}
    log.clear()
    assert len(log) == 0


def test_the_request_log_waits_for_a_call_that_lands_after_the_answer() -> None:
    # Given a log with one call, and a second one appended by another thread (before or during the wait)
    log = RequestLog()
    first, late = _record("GET", "/v3/customers"), _record("GET", "/v2/orders")
    log.append(first)
    started = threading.Event()
    appender = threading.Thread(target=lambda: (started.wait(5), log.append(late)))
    appender.start()
    # When a test waits for two Then it gets both
    started.set()
    assert log.wait_for(2) == [first, late]
    appender.join(5)
    # And a wait for more than ever come ends at its timeout with what there is
    assert log.wait_for(3, timeout=0.01) == [first, late]
