"""Several storefronts end to end: the demo store sells on its default storefront ("Sandbox
Outfitters", channel 1), a second Stencil storefront (Brew Outlet, channel 2, its own site) and an
Amazon marketplace (channel 3, no site) (`devtools/sandbox/seed_channels.py`). Each order names the
one it came from in its note, and the shopper's order link is on that storefront's site."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import (
    ALL_SCOPES,
    CHANNELS,
    CHANNELS_READ,
    DEFAULT_TOKEN,
    SandboxServer,
    seed,
    seed_channels,
)
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.lookup.store_settings import forget_store_settings

ROSA_OUTLET_ID = seed_channels.ROSA_CUSTOMER_IDS[1]
MARKETPLACE_GUEST = "guest:x7k2m9q4p1@marketplace.amazon.example.com"
ACCOUNT_PAGE = "account.php?action=view_order&order_id={}"


def detailed(external_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "uniqueMatchRequired": True,
        "query": {"externalCustomerId": external_id},
    }


def profile_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (profile,) = response.json()["results"]
    return dict(profile)


def orders_of(profile: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(order["orderNumber"]): order for order in profile["transactions"]}


@pytest.fixture
def cold_storefronts() -> Iterator[None]:
    """The container's storefronts (and other store settings) forgotten before and after the test."""
    forget_store_settings()
    yield
    forget_store_settings()


def test_an_order_of_another_storefront_names_it_and_links_to_that_storefronts_site(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given Rosa's Brew Outlet account When her profile is opened
    orders = orders_of(profile_of(gladly_client.post("/lookup", detailed(str(ROSA_OUTLET_ID)))))
    # Then her Brew Outlet order says so, and its shopper link is on Brew Outlet's site
    outlet_order = orders[921]
    assert outlet_order["note"] == "Storefront: Brew Outlet"
    assert outlet_order["customerOrderUrl"] == "https://brew-outlet.example.com/" + ACCOUNT_PAGE.format(921)
    # And the agent's link is the store's control panel, as for every order
    assert outlet_order["orderLink"].endswith("/manage/orders/921")


def test_an_order_of_the_default_storefront_names_it_and_keeps_the_stores_link(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    orders = orders_of(profile_of(gladly_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID)))))
    shipped = orders[seed.SHIPPED_ORDER_ID]
    assert shipped["note"] == "Storefront: Sandbox Outfitters"
    assert shipped["customerOrderUrl"] == (
        "https://sandbox-outfitters.example.com/" + ACCOUNT_PAGE.format(seed.SHIPPED_ORDER_ID)
    )


def test_a_marketplace_order_names_its_channel_and_has_no_shopper_link(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    orders = orders_of(profile_of(gladly_client.post("/lookup", detailed(MARKETPLACE_GUEST))))
    amazon = orders[seed_channels.MARKETPLACE_ORDER_ID]
    assert amazon["note"] == "Channel: Amazon (marketplace)"
    assert "customerOrderUrl" not in amazon


def test_the_storefronts_are_read_once_and_kept_within_the_call_budget(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given a container that has not read the storefronts When a profile is opened
    profile_of(gladly_client.post("/lookup", detailed(str(ROSA_OUTLET_ID))))
    sent = [record.api_path for record in bc_sandbox.requests.snapshot()]
    # Then the channels, their sites and each storefront's customer settings were read
    assert sent.count("/v3/channels") == 1
    assert sent.count("/v3/sites") == 1
    assert sorted(path for path in sent if path.startswith("/v3/customers/settings/channels/")) == [
        "/v3/customers/settings/channels/1",
        "/v3/customers/settings/channels/2",
    ]
    assert len(sent) <= limits.detailed_lookup_calls(10)
    # And the next profile reads none of them again
    bc_sandbox.requests.clear()
    profile_of(gladly_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID))))
    assert not [
        r for r in bc_sandbox.requests.snapshot() if "channel" in r.api_path or "/sites" in r.api_path
    ]


def test_without_the_channels_scope_the_store_looks_like_one_storefront(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given an API account without "Channel Settings" (BigCommerce answers /v3/channels with 403)
    bc_sandbox.add_token(DEFAULT_TOKEN, ALL_SCOPES - {CHANNELS, CHANNELS_READ})
    profile = profile_of(gladly_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID))))
    # Then the orders carry the shopper's message alone, the links are the store's, as before
    shipped = orders_of(profile)[seed.SHIPPED_ORDER_ID]
    assert "note" not in shipped
    assert shipped["customerOrderUrl"].startswith("https://sandbox-outfitters.example.com/")
    # And nothing is said to be missing: a store may simply not have granted the scope
    assert profile["customAttributes"]["detailsSkipped"] == ""


def test_failing_storefronts_are_said_and_the_orders_still_shown(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    bc_sandbox.faults.add(r"^/v3/channels$", 503)
    profile = profile_of(gladly_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID))))
    assert len(profile["transactions"]) == len(seed.MARTHA_ORDER_IDS)
    assert "storefronts (BigCommerce did not provide them)" in profile["customAttributes"]["detailsSkipped"]
