"""The Lookup URL under non-default settings: 3 recent orders, email-only search, every results column
configured, and a 1.5 s deadline for BigCommerce.

Handlers read their settings once per process, so these run against a gateway of their own: `make
run` in a child process, pointed at this process's sandbox, with its own moto (`configured_gateway`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed
from tests.fixtures.gateway import configured_gateway

DEADLINE_SECONDS = 1.5
SETTINGS = {
    "RECENT_ORDERS": "3",
    "SEARCH_QUERY_ATTRIBUTES": "email:Email",
    "SEARCH_RESULTS_ATTRIBUTES": "name:Name,email:Email,phone:Phone,externalCustomerId:Customer ID,tier:Tier",
    "LOOKUP_DEADLINE_SECONDS": str(DEADLINE_SECONDS),
}


@pytest.fixture(scope="module")
def configured_client(bc_sandbox_server: SandboxServer) -> Iterator[GladlyClient]:
    """A signed client for a gateway deployed with SETTINGS against the test sandbox."""
    with configured_gateway(bc_sandbox_server, SETTINGS) as client:
        yield client


def detailed(external_id: str, **profile: Any) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "uniqueMatchRequired": True,
        "query": {**profile, "externalCustomerId": external_id},
    }


def search(**query: str) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": query}


def the_one(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return dict(result)


def test_recent_orders_setting_limits_transactions_not_the_order_count(
    configured_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    profile = the_one(configured_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID))))
    numbers = [transaction["orderNumber"] for transaction in profile["transactions"]]
    assert numbers == [str(order_id) for order_id in sorted(seed.MARTHA_ORDER_IDS, reverse=True)[:3]]
    assert profile["customAttributes"]["orderCount"] == "10"


def test_every_supported_results_column_is_filled(
    configured_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    found = the_one(configured_client.post("/lookup", search(email=seed.MARTHA_EMAIL)))
    assert found["email"] == seed.MARTHA_EMAIL
    assert found["phone"] == "+14155550100"
    assert found["externalCustomerId"] == str(seed.MARTHA_CUSTOMER_ID)
    assert found["name"] == "Martha Williams"
    assert "tier" not in found  # configured but unsupported: an empty column


def test_a_search_attribute_that_is_not_configured_is_not_searched(
    configured_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = configured_client.post("/lookup", search(phone="+14155550100"))
    assert response.status_code == 200
    assert response.json() == {"results": []}
    assert bc_sandbox.requests.snapshot() == []


def test_slow_bigcommerce_is_a_503_before_its_answer_comes(
    configured_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce holds its answer to customers back until the test lets it go (at most 10 s)
    bc_sandbox.faults.add(r"^/v3/customers$", "slow", seconds=5)
    release = threading.Event()
    pause = bc_sandbox.pause

    def hold_the_slow_answer(seconds: float) -> None:
        if seconds == 5:
            release.wait(timeout=10)
        else:
            pause(seconds)

    monkeypatch.setattr(bc_sandbox, "pause", hold_the_slow_answer)
    try:
        # When Gladly asks for a profile
        response = configured_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID)))
    finally:
        release.set()
    # Then it got a 503 upstream_timeout while the answer was still held: the adaptor gave up on it.
    # It sent customers once: the 1.5 s deadline cut the first attempt's 4 s read timeout and left no
    # time to retry (under the 4.5 s default, the attempt times out at 4 s and is retried once).
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "upstream_timeout"
    assert len(bc_sandbox.requests.find("GET", r"^/v3/customers$")) == 1


def test_a_rate_limit_that_outlasts_the_deadline_is_a_503_without_a_second_try(
    configured_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given every call is refused with 429 and a window that resets in 2 s, after the 1.5 s deadline
    bc_sandbox.faults.add(r".", "rate_limit", retry_after=2)
    try:
        # When Gladly searches
        response = configured_client.post("/lookup", search(email=seed.MARTHA_EMAIL))
    finally:
        # The gateway's container remembers the store said stop (it sends it nothing until the window
        # resets): wait that out whatever happens here, so the next test meets a store it may call.
        time.sleep(2.2)
    # Then the adaptor did not wait for a window it cannot outlast: a 503 that says so, and no call
    # was sent twice (how far the calls got before the first 429 closed the store is a matter of
    # timing; that a wait that fits is waited is shown on a manual clock in the client's fault tests)
    assert response.status_code == 503, response.text
    assert response.json()["errors"][0]["code"] == "upstream_rate_limited"
    sent = [(r.method, r.path, r.query_string) for r in bc_sandbox.requests.snapshot()]
    assert sent and len(sent) == len(set(sent))


def test_an_outage_is_a_503_after_at_most_three_attempts_of_a_call(
    configured_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce answers every call with 503
    bc_sandbox.faults.add(r".", 503)
    # When Gladly asks for a profile
    response = configured_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID)))
    # Then it is a 503, after at most the retry policy's 3 attempts of any one call
    assert response.status_code == 503, response.text
    assert response.json()["errors"][0]["code"] == "upstream_unavailable"
    sent = [(r.method, r.path, r.query_string) for r in bc_sandbox.requests.snapshot()]
    assert sent and max(sent.count(call) for call in sent) <= 3
