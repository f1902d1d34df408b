"""At the edge of the store's request quota (shared with checkout and the store's other apps): a lean
profile that says what it skipped, and nothing sent to a store that has said stop.

Signed lookups through the local gateway to the real handler, against the sandbox's quota knobs
(`bc_sandbox.rate_limit`); "another app" spends the quota with raw requests (`bc_http`).
"""

from __future__ import annotations

import math
import time
from typing import Any

import pytest
import requests

from devtools.aws import LocalResources
from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import RateLimited
from gladly_bigcommerce.bigcommerce.shared_quota import RESERVE_SHARE
from gladly_bigcommerce.lookup.profile import DETAILS_SKIPPED_ATTRIBUTE
from tests.fixtures.aws import empty_lookup_cache
from tests.fixtures.clock import ManualClock, spy_on_client_sleep
from tests.fixtures.sandbox import SandboxHttp

MARTHA_ID = str(seed.MARTHA_CUSTOMER_ID)
MARTHA = {"lookupLevel": "DETAILED", "uniqueMatchRequired": True, "query": {
    "name": "Martha Williams", "emails": [seed.MARTHA_EMAIL], "externalCustomerId": MARTHA_ID,
}}  # fmt: skip
SEARCH = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": {"email": seed.MARTHA_EMAIL}}


def profile_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (profile,) = response.json()["results"]
    return dict(profile)


def tracked_orders(profile: dict[str, Any]) -> list[str]:
    return [
        transaction["orderNumber"]
        for transaction in profile["transactions"]
        if any(fulfillment.get("trackingNumber") for fulfillment in transaction.get("fulfillments", []))
    ]


def spend_quota_until(bc_http: SandboxHttp, sandbox: SandboxServer, left: int) -> None:
    """Another app of the store spends its quota until `left` requests are left."""
    while sandbox.rate_limit.peek().left > left:
        assert bc_http.get("/v2/store").status_code == 200


QUOTA = 40
RESERVE = math.ceil(RESERVE_SHARE * QUOTA)
"""What a container of the deployment (the tests' gateway has the shared table) leaves unsent: 12."""


def leave_four_above_the_reserve_as_a_search_tells(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    """Another app leaves the reserve and 6 requests, then a search's answers tell the adaptor 4 above
    the reserve are left. Its guest-orders call is not awaited (the email is a customer's): wait until
    it was sent. The request log is empty afterwards."""
    spend_quota_until(bc_http, bc_sandbox, left=RESERVE + 6)
    bc_sandbox.requests.clear()
    profile_of(gladly_client.post("/lookup", SEARCH))
    assert len(bc_sandbox.requests.wait_for(2)) == 2
    bc_sandbox.requests.clear()


def test_near_the_end_of_the_quota_a_detailed_profile_is_lean_and_says_so(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, bc_http: SandboxHttp, local_aws: LocalResources
) -> None:
    # Given a store with 40 requests per window, a profile already opened once (its store
    # information, group names and images kept in this container) whose shipments no container
    # shares any more, and another app that left the reserve and 6 requests
    bc_sandbox.rate_limit.configure(quota=QUOTA, window_seconds=30)
    full = profile_of(gladly_client.post("/lookup", MARTHA))
    assert full["customAttributes"][DETAILS_SKIPPED_ATTRIBUTE] == ""
    assert len(tracked_orders(full)) == len(seed.MARTHA_SHIPPED_ORDER_IDS)
    empty_lookup_cache(local_aws)
    # and a search whose answers told the adaptor so (4 above the reserve, fewer than a full profile
    # may need)
    leave_four_above_the_reserve_as_a_search_tells(gladly_client, bc_sandbox, bc_http)
    # When the profile is opened again
    lean = profile_of(gladly_client.post("/lookup", MARTHA))
    # Then only the shopper, the orders, the guest orders and the newest order's shipments were read
    paths = sorted(record.api_path for record in bc_sandbox.requests.snapshot())
    newest_shipped = str(max(seed.MARTHA_SHIPPED_ORDER_IDS))
    assert paths == sorted(
        ["/v3/customers", "/v2/orders", "/v2/orders", f"/v2/orders/{newest_shipped}/shipments"]
    )
    assert all(record.status == 200 for record in bc_sandbox.requests.snapshot())
    # and the profile has the shopper and every order, tracking for the newest shipped one only
    assert lean["name"] == full["name"]
    assert [t["orderNumber"] for t in lean["transactions"]] == [
        t["orderNumber"] for t in full["transactions"]
    ]
    assert tracked_orders(lean) == [newest_shipped]
    # and says what it left out and why, in an attribute Gladly shows
    note = lean["customAttributes"][DETAILS_SKIPPED_ATTRIBUTE]
    assert (
        note
        == "Not shown: tracking of older orders (the store's BigCommerce request limit is nearly used up)"
    )


def test_near_the_end_of_the_quota_a_returning_shopper_is_shown_whole_from_the_shared_cache(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a store with 40 requests per window, Martha's profile opened once (its shipments in the
    # cache the containers share), and another app that left 4 above the reserve, as a search told the
    # adaptor
    bc_sandbox.rate_limit.configure(quota=QUOTA, window_seconds=30)
    full = profile_of(gladly_client.post("/lookup", MARTHA))
    leave_four_above_the_reserve_as_a_search_tells(gladly_client, bc_sandbox, bc_http)
    # When the profile is opened again
    again = profile_of(gladly_client.post("/lookup", MARTHA))
    # Then only the shopper, the orders and the guest orders were read, and nothing was left out
    paths = sorted(record.api_path for record in bc_sandbox.requests.snapshot())
    assert paths == sorted(["/v3/customers", "/v2/orders", "/v2/orders"])
    assert again == full
    assert again["customAttributes"][DETAILS_SKIPPED_ATTRIBUTE] == ""


def test_after_a_429_nothing_reaches_the_store_and_lookups_answer_503_at_once(
    gladly_client: GladlyClient,
    bc_sandbox: SandboxServer,
    bc_http: SandboxHttp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given another app spent the store's whole quota for the next 30 s
    bc_sandbox.rate_limit.configure(quota=3, window_seconds=30)
    spend_quota_until(bc_http, bc_sandbox, left=0)
    # When a profile nobody opened before is looked up: BigCommerce says 429
    response = gladly_client.post("/lookup", MARTHA)
    assert response.status_code == 503
    assert response.json()["errors"][0]["code"] == "upstream_rate_limited"
    time.sleep(0.5)  # calls of that lookup sent alongside the refused one, before the 429 was known
    assert {record.status for record in bc_sandbox.requests.find(path_pattern=r"^/v[23]/(?!store)")} == {429}
    bc_sandbox.requests.clear()
    # Then the lookups that follow answer 503 at once (the client asks for no wait: the reset is past
    # their deadline), sending BigCommerce nothing until the reset
    waits = spy_on_client_sleep(monkeypatch, ManualClock())
    for body in (MARTHA, SEARCH):
        response = gladly_client.post("/lookup", body)
        assert response.status_code == 503
        assert response.json()["errors"][0]["code"] == "upstream_rate_limited"
    assert waits.waits == []
    assert len(bc_sandbox.requests) == 0


def test_while_the_quota_is_spent_a_profile_opened_before_is_shown_from_memory(
    gladly_client: GladlyClient,
    bc_sandbox: SandboxServer,
    bc_http: SandboxHttp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given Martha's profile opened a moment ago
    full = profile_of(gladly_client.post("/lookup", MARTHA))
    # and then another app spent the store's whole quota for the next 30 s
    bc_sandbox.rate_limit.configure(quota=1, window_seconds=30)
    spend_quota_until(bc_http, bc_sandbox, left=0)
    # When it is opened again twice
    first = gladly_client.post("/lookup", MARTHA)
    time.sleep(0.5)  # calls of that lookup sent alongside the refused one, before the 429 was known
    bc_sandbox.requests.clear()
    waits = spy_on_client_sleep(monkeypatch, ManualClock())
    again = gladly_client.post("/lookup", MARTHA)
    # Then both show what was read before, saying when and why, the second at once with no request
    for response in (first, again):
        profile = profile_of(response)
        assert profile["transactions"] == full["transactions"]
        note = profile["customAttributes"][DETAILS_SKIPPED_ATTRIBUTE]
        assert note.startswith("Shown as read at ") and "request limit is used up" in note
    assert waits.waits == []
    assert len(bc_sandbox.requests) == 0


def test_a_write_never_waits_for_the_quota_and_is_never_sent_while_it_is_spent(
    bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = spy_on_client_sleep(monkeypatch, ManualClock())
    with BigCommerceClient(bc_sandbox.store_hash, "sandbox-token", api_base=bc_sandbox.url) as client:
        # Given BigCommerce said 429, resetting in 2 s
        bc_sandbox.faults.add(r"^/v2/store$", "rate_limit", times=1, retry_after=2)
        with pytest.raises(RateLimited):
            client.get_store(deadline=Deadline.after(1.0))  # a read that cannot wait that long
        assert waits.waits == []
        # When an order's status is to be changed
        with pytest.raises(RateLimited):
            client.update_order_status(seed.MARTHA_ORDER_IDS[0], 5)
        # Then it was not sent, nor waited for
        assert bc_sandbox.requests.find("PUT") == []
        assert waits.waits == []
        # while a read that can wait for the reset asks to wait for it, and is sent once, after it
        client.get_store(deadline=Deadline.after(4.0))
        (wait,) = waits.waits
        assert 1.0 <= wait <= 2.5
        assert [record.status for record in bc_sandbox.requests.find("GET", r"^/v2/store$")] == [429, 200]
