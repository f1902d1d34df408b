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
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.models import CustomerResult, LookupRequest
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.entry import manual_search
from gladly_bigcommerce.lookup.store_settings import forget_store_settings
from gladly_bigcommerce.settings.model import AdaptorSettings

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
    # And, as in a store of one storefront, no other account of her email is looked for
    assert [r.api_path for r in bc_sandbox.requests.snapshot()].count("/v3/customers") == 1


def test_failing_storefronts_are_said_and_the_orders_still_shown(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    bc_sandbox.faults.add(r"^/v3/channels$", 503)
    profile = profile_of(gladly_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID))))
    assert len(profile["transactions"]) == len(seed.MARTHA_ORDER_IDS)
    assert "storefronts (BigCommerce did not provide them)" in profile["customAttributes"]["detailsSkipped"]


# --- one person with an account on several storefronts -------------------------------------------------

ROSA_IDS = [str(customer_id) for customer_id in seed_channels.ROSA_CUSTOMER_IDS]
ROSA_PROFILE = {
    "id": "RosaGladlyProfile00001",
    "name": "Rosa Rivera",
    "emails": [seed_channels.ROSA_EMAIL],
    "phones": ["+15105550164"],
}


def search(**query: str) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": {"id": "agent-search", **query}}


def ids_of(response: requests.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [result["externalCustomerId"] for result in response.json()["results"]]


def test_a_search_finds_one_person_with_an_account_on_each_storefront_once(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given Rosa's global account (920) and her Brew Outlet account (921), one person
    # When an agent searches by her email, or by her phone
    # Then she is one result, named by her oldest account
    assert ids_of(gladly_client.post("/lookup", search(email=seed_channels.ROSA_EMAIL))) == [ROSA_IDS[0]]
    assert ids_of(gladly_client.post("/lookup", search(phone="(510) 555-0164"))) == [ROSA_IDS[0]]


def test_auto_link_links_the_person_not_a_conflict_between_her_accounts(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    auto_link = {"lookupLevel": "BASIC", "uniqueMatchRequired": True, "query": ROSA_PROFILE}
    assert ids_of(gladly_client.post("/lookup", auto_link)) == [ROSA_IDS[0]]
    report = gladly_client.post("/auto-link", auto_link)
    assert report.status_code == 200, report.text
    assert report.json()["kind"] == "linked"


def test_two_people_sharing_an_email_on_two_storefronts_stay_two(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given Sam (channel 1) and Samantha (channel 2): one email, disjoint channels, different names
    found = ids_of(gladly_client.post("/lookup", search(email=seed.SHARED_EMAIL)))
    # Then both are found, and an auto-link by that email is still a conflict
    assert sorted(found) == sorted(str(customer_id) for customer_id in seed.SHARED_EMAIL_CUSTOMER_IDS)
    auto_link = {
        "lookupLevel": "BASIC",
        "uniqueMatchRequired": True,
        "query": {"id": "SharedProfile000000001", "emails": [seed.SHARED_EMAIL], "phones": []},
    }
    assert ids_of(gladly_client.post("/lookup", auto_link)) != [found[0]]
    assert len(ids_of(gladly_client.post("/lookup", auto_link))) != 1


def test_a_search_of_a_store_without_shared_emails_reads_no_storefronts(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    ids_of(gladly_client.post("/lookup", search(email=seed.MARTHA_EMAIL)))
    assert not [
        r for r in bc_sandbox.requests.snapshot() if "channel" in r.api_path or "/sites" in r.api_path
    ]


def test_the_persons_profile_shows_every_accounts_orders_newest_first(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given Rosa linked by either of her accounts' ids (Gladly keeps the id it linked)
    for linked in ROSA_IDS:
        profile = profile_of(gladly_client.post("/lookup", detailed(linked)))
        # Then the profile is the one Gladly asked for, with the orders of both accounts, newest first
        assert profile["externalCustomerId"] == linked
        numbers = [int(order["orderNumber"]) for order in profile["transactions"]]
        assert numbers == sorted(seed_channels.ROSA_ORDER_IDS, reverse=True)
        assert profile["customAttributes"]["orderCount"] == str(len(seed_channels.ROSA_ORDER_IDS))
        assert profile["customAttributes"]["detailsSkipped"] == ""


def test_a_profile_of_a_shopper_sharing_an_email_with_another_person_shows_only_their_orders(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    _sam, samantha = seed.SHARED_EMAIL_CUSTOMER_IDS
    orders = orders_of(profile_of(gladly_client.post("/lookup", detailed(str(samantha)))))
    assert list(orders) == [seed_channels.SAMANTHA_SHARED_ORDER_ID]
    assert orders[seed_channels.SAMANTHA_SHARED_ORDER_ID]["note"] == "Storefront: Brew Outlet"


# --- where a shopper buys: the profile's `storefronts` and the `storefronts` results column ------------


def test_the_profile_says_on_which_storefronts_the_shopper_buys(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    rosa = profile_of(gladly_client.post("/lookup", detailed(ROSA_IDS[0])))
    assert rosa["customAttributes"]["storefronts"] == "Sandbox Outfitters, Brew Outlet"
    # Martha's account is global, and Brew Outlet refuses global logins: she buys on the default one
    martha = profile_of(gladly_client.post("/lookup", detailed(str(seed.MARTHA_CUSTOMER_ID))))
    assert martha["customAttributes"]["storefronts"] == "Sandbox Outfitters"
    amazon = profile_of(gladly_client.post("/lookup", detailed(MARKETPLACE_GUEST)))
    assert amazon["customAttributes"]["storefronts"] == "Amazon"


def search_with_columns(bc_sandbox: SandboxServer, **query: str) -> list[CustomerResult]:
    """A manual search made by the lookup itself with the `storefronts` column configured (the test
    gateway's columns are make run's), against the sandbox over HTTP."""
    settings = AdaptorSettings.from_env(
        {
            "DEPLOYMENT_NAME": "test",
            "STORE_HASH": bc_sandbox.store_hash,
            "SECRET_NAME": "secret",
            "BIGCOMMERCE_API_BASE": bc_sandbox.url,
            "SEARCH_QUERY_ATTRIBUTES": "email,phone,orderNumber",
            "SEARCH_RESULTS_ATTRIBUTES": "name,storefronts,orderNumber",
        }
    )
    with BigCommerceClient(bc_sandbox.store_hash, DEFAULT_TOKEN, api_base=bc_sandbox.url) as client:
        deps = LookupDeps(settings, StoreConnection(client), Deadline.after(5), "https://gladly.example/prod")
        return manual_search(LookupRequest.model_validate(search(**query)), deps).results


def test_the_storefronts_column_names_where_each_shopper_found_buys(bc_sandbox: SandboxServer) -> None:
    (rosa,) = search_with_columns(bc_sandbox, email=seed_channels.ROSA_EMAIL)
    assert rosa.model_extra == {"storefronts": "Sandbox Outfitters, Brew Outlet"}
    sam, samantha = search_with_columns(bc_sandbox, email=seed.SHARED_EMAIL)
    assert (sam.model_extra, samantha.model_extra) == (
        {"storefronts": "Sandbox Outfitters"},
        {"storefronts": "Brew Outlet"},
    )
    (amazon,) = search_with_columns(bc_sandbox, orderNumber=str(seed_channels.MARKETPLACE_ORDER_ID))
    assert amazon.model_extra == {
        "storefronts": "Amazon",
        "orderNumber": str(seed_channels.MARKETPLACE_ORDER_ID),
    }


def test_a_warm_profile_with_the_persons_email_finds_her_accounts_in_its_first_call(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_storefronts: None
) -> None:
    # Given a container that knows the store's storefronts
    with_emails = {**detailed(ROSA_IDS[1]), "query": {**ROSA_PROFILE, "externalCustomerId": ROSA_IDS[1]}}
    profile_of(gladly_client.post("/lookup", with_emails))
    bc_sandbox.requests.clear()
    # When Gladly opens her profile, with her email, again
    profile = profile_of(gladly_client.post("/lookup", with_emails))
    # Then one customers call (the accounts of her email) found her account and its copy
    customer_calls = bc_sandbox.requests.find("GET", r"^/v3/customers$")
    assert [call.query.get("email:in") for call in customer_calls] == [seed_channels.ROSA_EMAIL]
    assert len(profile["transactions"]) == len(seed_channels.ROSA_ORDER_IDS)
