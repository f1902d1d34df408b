"""The Lookup URL end to end: signed requests through the local gateway to the real handler, against
the BigCommerce sandbox (demo store) and moto, with the deployment's default settings.

Settings other than the defaults (few recent orders, a short deadline) are in test_lookup_settings.py,
which runs a gateway of its own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
import requests

from devtools.aws import LocalResources
from devtools.replay import GladlyClient
from devtools.sandbox import (
    ALL_SCOPES,
    DEFAULT_TOKEN,
    ORDERS_READ,
    PRODUCTS,
    PRODUCTS_READ,
    SandboxServer,
    seed,
)
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.gladly.limits import PHONE_SPELLINGS_ONE_BY_ONE
from gladly_bigcommerce.gladly.models import LookupRequest
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.product_images import CACHE as PRODUCT_IMAGES
from gladly_bigcommerce.lookup.profile import detailed_lookup
from gladly_bigcommerce.lookup.store_settings import StoreSettings, forget_store_settings
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.fixtures.aws import empty_lookup_cache
from tests.fixtures.clock import ManualClock, spy_on_client_sleep

MARTHA_PROFILE = {
    "id": "ZL1Xq0wkTTS2uRDw0bKHVA",
    "name": "Martha Williams",
    "emails": [seed.MARTHA_EMAIL],
    "phones": ["+14155550100"],
}
MARTHA_ID = str(seed.MARTHA_CUSTOMER_ID)
GUEST_ID = f"guest:{seed.GUEST_EMAIL}"
CATALOG_PATH = "/v3/catalog/products"
GROUPS_PATH = "/v2/customer_groups"
THUMBNAIL = "https://cdn11.bigcommerce.com/s-sandbox/images/stencil/100x100/products/{id}/{name}.jpg"


def search(**query: str) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": query}


def detailed(external_id: str, **profile: Any) -> dict[str, Any]:
    query = {**profile, "externalCustomerId": external_id}
    return {"lookupLevel": "DETAILED", "uniqueMatchRequired": True, "query": query}


def results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"results"}
    return list(body["results"])


def the_one(response: requests.Response) -> dict[str, Any]:
    found = results(response)
    assert len(found) == 1, found
    return found[0]


def transactions_by_number(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {transaction["orderNumber"]: transaction for transaction in profile["transactions"]}


def api_paths(sandbox: SandboxServer) -> list[str]:
    return [record.api_path for record in sandbox.requests.snapshot()]


def product_images(profile: dict[str, Any]) -> dict[str, str | None]:
    """Each product line's image URL (None: no image), by product id."""
    return {
        product["productId"]: product.get("imageUrl")
        for transaction in profile["transactions"]
        for product in transaction["products"]
    }


@pytest.fixture
def cold_image_cache() -> Iterator[None]:
    """The gateway runs the lookup handler in this process: its container's image cache, emptied
    before the test (so the test's first lookup reads the catalog) and after it (so nothing the
    test changed in the catalog outlives it)."""
    PRODUCT_IMAGES.clear()
    yield
    PRODUCT_IMAGES.clear()


@pytest.fixture
def cold_store_settings() -> Iterator[None]:
    """The container's store information and customer group names, forgotten before the test (so
    its first lookup reads them) and after it (so nothing the test changed outlives it)."""
    forget_store_settings()
    yield
    forget_store_settings()


@pytest.fixture
def store_information_kept(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    """The container has read the store's information (its country reads phones), as after its first
    lookup, whichever test ran first; the sandbox's request log starts empty. (A phone search waits for
    that read; an email search may answer while it is still on its way.)"""
    gladly_client.post("/lookup", search(phone="+14155550100"))
    bc_sandbox.requests.clear()


# --- BASIC: manual search ----------------------------------------------------------------------------


def test_search_by_email_finds_the_customer_with_gladly_fields(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Martha's account When an agent searches by her email
    found = the_one(gladly_client.post("/lookup", search(email=seed.MARTHA_EMAIL)))
    # Then her profile comes back with a string id, E.164 mobile phone and the Email column filled
    assert found == {
        "externalCustomerId": MARTHA_ID,
        "name": "Martha Williams",
        "address": "1 Ferry Building, San Francisco, California 94111, US",
        "emails": [{"original": seed.MARTHA_EMAIL}],
        "phones": [{"original": "+14155550100", "type": "MOBILE"}],
        "email": seed.MARTHA_EMAIL,
    }


def test_search_by_email_ignores_case(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    found = the_one(gladly_client.post("/lookup", search(email="  Martha.WILLIAMS@Example.COM ")))
    assert found["externalCustomerId"] == MARTHA_ID


@pytest.mark.parametrize(
    "typed",
    ["+14155550100", "+1 415-555-0100", "415.555.0100", "4155550100", "1-415-555-0100", "(415) 555-0100"],
)
def test_search_by_phone_finds_the_customer_whatever_the_spelling(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, store_information_kept: None, typed: str
) -> None:
    # Given Martha's phone stored as "(415) 555-0100" When the agent types it another way
    found = the_one(gladly_client.post("/lookup", search(phone=typed)))
    # Then she is found, in one customers call
    assert found["externalCustomerId"] == MARTHA_ID
    assert api_paths(bc_sandbox) == ["/v3/customers"]


def test_a_phone_stored_as_bare_digits_is_found_from_e164(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    found = the_one(gladly_client.post("/lookup", search(phone="+1 (415) 555-0123")))
    assert found["externalCustomerId"] == str(seed.DIGITS_ONLY_CUSTOMER_ID)
    assert found["phones"] == [{"original": "+14155550123", "type": "MOBILE"}]


@pytest.mark.parametrize(
    ("typed", "customer_id"),
    [("+1 415-555-0100", seed.MARTHA_CUSTOMER_ID), ("+1 (415) 555-0123", seed.DIGITS_ONLY_CUSTOMER_ID)],
    ids=["stored-national", "stored-digits"],
)
def test_phone_search_finds_the_stored_spelling_under_both_readings_of_phone_in(
    gladly_client: GladlyClient,
    bc_sandbox: SandboxServer,
    phone_in_no_split: bool,
    typed: str,
    customer_id: int,
) -> None:
    # Given BigCommerce splits `phone:in` at commas, or reads it as one literal string
    # When the agent searches by a spelling the store did not use
    found = the_one(gladly_client.post("/lookup", search(phone=typed)))
    # Then the customer is found
    assert found["externalCustomerId"] == str(customer_id)
    # within the budget: one call when the list is split; else at most one per likely spelling more
    calls = api_paths(bc_sandbox).count("/v3/customers")
    if phone_in_no_split:
        assert 2 <= calls <= 1 + PHONE_SPELLINGS_ONE_BY_ONE
    else:
        assert calls == 1


def test_a_phone_nobody_has_costs_one_call_once_a_stored_spelling_is_known(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, phone_in_no_split: bool
) -> None:
    # Given the adaptor has seen a customer with a phone (Martha, found by email)
    the_one(gladly_client.post("/lookup", search(email=seed.MARTHA_EMAIL)))
    bc_sandbox.requests.clear()
    # When the agent searches for a number nobody has
    assert results(gladly_client.post("/lookup", search(phone="+1 999 555 0142"))) == []
    # Then a store that splits `phone:in` is asked once (her spelling in the list proves the split);
    # one that reads it as one string is asked at most once per likely spelling more
    calls = api_paths(bc_sandbox).count("/v3/customers")
    assert calls == (1 + PHONE_SPELLINGS_ONE_BY_ONE if phone_in_no_split else 1)


def test_a_search_that_matches_nobody_is_an_empty_list(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    assert results(gladly_client.post("/lookup", search(email="nobody.here@example.com"))) == []
    assert results(gladly_client.post("/lookup", search(phone="+1 999 555 0100"))) == []
    assert results(gladly_client.post("/lookup", search(phone="not a phone"))) == []


def test_a_guest_shopper_is_found_by_email_with_a_guest_id(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    found = the_one(gladly_client.post("/lookup", search(email=seed.GUEST_EMAIL.upper())))
    assert found == {
        "externalCustomerId": GUEST_ID,
        "name": "Gary Guest",
        "address": "55 Music Concourse Drive, San Francisco, California 94118, US",
        "emails": [{"original": seed.GUEST_EMAIL}],
        "phones": [{"original": "+14155550177", "type": "MOBILE"}],
        "email": seed.GUEST_EMAIL,
    }


def test_a_customer_with_guest_orders_too_is_one_match(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Morgan has an account and guest orders under the same email (spelled differently)
    # When an agent searches by that email Then only the account comes back, not a second "guest"
    found = the_one(gladly_client.post("/lookup", search(email=seed.MIXED_EMAIL)))
    assert found["externalCustomerId"] == str(seed.MIXED_CUSTOMER_ID)


def test_an_email_shared_by_two_accounts_returns_both(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    found = results(gladly_client.post("/lookup", search(email=seed.SHARED_EMAIL)))
    assert sorted(result["externalCustomerId"] for result in found) == sorted(
        str(customer_id) for customer_id in seed.SHARED_EMAIL_CUSTOMER_IDS
    )


def test_search_by_email_costs_at_most_two_calls(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    the_one(gladly_client.post("/lookup", search(email=seed.MARTHA_EMAIL)))
    bc_sandbox.requests.wait_for(2)  # a guest-orders call the answer did not need to wait for may still land
    assert sorted(api_paths(bc_sandbox)) == ["/v2/orders", "/v3/customers"]


# --- BASIC: auto-link --------------------------------------------------------------------------------


def test_an_auto_link_request_gets_every_shopper_matching_the_profile(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a profile whose email is Alice's and whose phone is Bob's
    profile = {
        "id": "profile-1",
        "name": "Alice Conflict",
        "emails": [seed.ALICE_CONFLICT_EMAIL],
        "phones": ["+12125550199"],
    }
    body = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": profile}
    # When Gladly asks to auto-link it Then both shoppers come back (Gladly links only a lone match)
    found = results(gladly_client.post("/lookup", body))
    assert sorted(result["externalCustomerId"] for result in found) == sorted(
        [str(seed.ALICE_CUSTOMER_ID), str(seed.BOB_CUSTOMER_ID)]
    )


def test_an_auto_link_request_for_martha_finds_only_martha(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    body = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": MARTHA_PROFILE}
    assert the_one(gladly_client.post("/lookup", body))["externalCustomerId"] == MARTHA_ID


# --- DETAILED ----------------------------------------------------------------------------------------


def test_detailed_registered_customer_has_attributes_and_recent_orders(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When Gladly opens Martha's linked profile
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then her profile carries string attributes...
    assert profile["externalCustomerId"] == MARTHA_ID
    assert profile["customAttributes"] == {
        "accountType": "Registered",
        "orderCount": "10",
        "lifetimeValue": "€72.86 + £83.92 + $1105.34",
        "customerGroup": "VIP",
        "adminLink": "https://store-sandbox.mybigcommerce.com/manage/customers/1/edit",
        "customerSince": "2023-10-03",
        "storeCredit": "$25.00",
        "company": "",
        # the demo store sells on several storefronts: where she buys (test_storefronts.py)
        "storefronts": "Sandbox Outfitters",
        "detailsSkipped": "",
    }
    # ... and, under default settings, her name and address: Gladly applies Overwrite Existing Values
    assert profile["name"] == "Martha Williams"
    assert profile["address"] == "1 Ferry Building, San Francisco, California 94111, US"
    # ... and her ten orders, newest first
    numbers = [transaction["orderNumber"] for transaction in profile["transactions"]]
    assert numbers == [str(order_id) for order_id in sorted(seed.MARTHA_ORDER_IDS, reverse=True)]
    assert all(transaction["createdAt"].endswith("Z") for transaction in profile["transactions"])


def test_detailed_carries_name_address_and_company_under_default_settings(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the default settings (the adaptor has no copy of Overwrite Existing Values)
    # When Bob's linked profile is opened
    profile = the_one(gladly_client.post("/lookup", detailed(str(seed.BOB_CUSTOMER_ID))))
    # Then Gladly is sent his name, address and company; Gladly decides what replaces its own copies
    assert profile["name"] == "Bob Conflict"
    assert profile["address"] == "1 Ferry Building, San Francisco, California 94111, US"
    assert profile["customAttributes"]["company"] == "Conflict & Co"


def test_detailed_order_transactions_carry_money_links_products_and_tracking(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    orders = transactions_by_number(profile)
    shipped = orders[str(seed.SHIPPED_ORDER_ID)]
    assert shipped["orderStatus"] == "Shipped"
    assert shipped["orderTotal"] == "$143.42"
    assert shipped["currencyCode"] == "USD"
    assert shipped["itemCount"] == 3
    assert (
        shipped["orderLink"]
        == f"https://store-sandbox.mybigcommerce.com/manage/orders/{seed.SHIPPED_ORDER_ID}"
    )
    assert shipped["customerOrderUrl"] == (
        f"https://sandbox-outfitters.example.com/account.php?action=view_order&order_id={seed.SHIPPED_ORDER_ID}"
    )
    assert shipped["billingAddress"]["street1"] == "1 Ferry Building"
    assert [(p["name"], p["quantity"], p["unitPrice"]) for p in shipped["products"]] == [
        ("Orbit Terrarium - Large", 1, "$118.27"),
        ("1 L Le Parfait Jar", 2, "$7.60"),
    ]
    (fulfillment,) = shipped["fulfillments"]
    assert fulfillment["trackingNumber"] == "794644790138"
    assert fulfillment["carrier"] == "FedEx"
    assert fulfillment["trackingUrl"] == "https://www.fedex.com/fedextrack/?trknbr=794644790138"
    assert fulfillment["productIds"] == [p["id"] for p in shipped["products"]]
    # Money is formatted in each order's own currency
    assert orders[str(seed.GBP_ORDER_ID)]["orderTotal"] == "£83.92"
    assert orders[str(seed.EUR_ORDER_ID)]["orderTotal"] == "€72.86"
    # A partly shipped order shows what shipped and what still waits
    partly = orders[str(seed.PARTIALLY_SHIPPED_ORDER_ID)]
    assert [f["status"] for f in partly["fulfillments"]] == ["Shipped", "Not shipped"]
    # An order that shipped nothing has no tracking
    unshipped = orders[str(seed.UNSHIPPED_ORDER_ID)]
    assert [f["status"] for f in unshipped["fulfillments"]] == ["Not shipped"]


def test_detailed_guest_shopper_has_its_guest_orders(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    profile = the_one(gladly_client.post("/lookup", detailed(GUEST_ID, emails=[seed.GUEST_EMAIL])))
    assert profile["externalCustomerId"] == GUEST_ID
    assert profile["emails"] == [{"original": seed.GUEST_EMAIL}]
    assert profile["customAttributes"] == {
        "accountType": "Guest",
        "orderCount": "2",
        "lifetimeValue": "$203.76",
        "storefronts": "Sandbox Outfitters",  # the demo store sells on several storefronts
        "detailsSkipped": "",
    }
    orders = transactions_by_number(profile)
    assert sorted(orders) == sorted(str(order_id) for order_id in seed.GUEST_ORDER_IDS)
    assert all("customerOrderUrl" not in order for order in orders.values())  # no account to show them in
    first = orders[str(seed.GUEST_ORDER_IDS[0])]
    assert first["fulfillments"][0]["trackingNumber"] == "1Z999AA10123456791"


def test_detailed_customer_with_guest_orders_shows_both_kinds(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Morgan's account orders and guest orders billed to "Mixed.History@Example.com"
    body = detailed(str(seed.MIXED_CUSTOMER_ID), emails=[seed.MIXED_EMAIL])
    profile = the_one(gladly_client.post("/lookup", body))
    numbers = {transaction["orderNumber"] for transaction in profile["transactions"]}
    assert numbers == {str(n) for n in (*seed.MIXED_ACCOUNT_ORDER_IDS, *seed.MIXED_GUEST_ORDER_IDS)}
    assert profile["customAttributes"]["orderCount"] == "4"


def test_detailed_finds_guest_orders_even_when_gladly_has_another_email(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    body = detailed(str(seed.MIXED_CUSTOMER_ID), emails=["someone.else@example.com"])
    profile = the_one(gladly_client.post("/lookup", body))
    assert len(profile["transactions"]) == 4


@pytest.mark.parametrize("external_id", ["999999", "guest:nobody.here@example.com", "not-one-of-ours"])
def test_detailed_for_an_unknown_id_is_an_empty_list(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, external_id: str
) -> None:
    assert results(gladly_client.post("/lookup", detailed(external_id))) == []


def test_detailed_accepts_a_numeric_external_id(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    body = detailed(MARTHA_ID)
    body["query"]["externalCustomerId"] = seed.MARTHA_CUSTOMER_ID
    assert the_one(gladly_client.post("/lookup", body))["externalCustomerId"] == MARTHA_ID


def test_a_first_time_detailed_lookup_costs_three_calls_plus_one_per_shipped_order(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, local_aws: LocalResources
) -> None:
    # Given a container that has answered a lookup before (store information read once, then kept),
    # and a shared cache that holds nothing of Martha's orders (no container has opened her profile)
    the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    empty_lookup_cache(local_aws)
    bc_sandbox.requests.clear()
    # When Martha's profile is opened
    the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then: customer, her orders, guest orders by email, and the shipments of her 5 shipped orders
    shipments = sorted(f"/v2/orders/{order_id}/shipments" for order_id in seed.MARTHA_SHIPPED_ORDER_IDS)
    assert sorted(api_paths(bc_sandbox)) == sorted(["/v3/customers", "/v2/orders", "/v2/orders", *shipments])
    assert len(api_paths(bc_sandbox)) <= 3 + len(seed.MARTHA_SHIPPED_ORDER_IDS)


def test_a_returning_shoppers_detailed_lookup_costs_three_calls_and_shows_the_same_profile(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Martha's profile opened once (its shipments now in the cache the containers share)
    first = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    bc_sandbox.requests.clear()
    # When it is opened again
    again = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then only the calls that find her were made: customer, her orders, guest orders by email
    assert sorted(api_paths(bc_sandbox)) == sorted(["/v3/customers", "/v2/orders", "/v2/orders"])
    # and the profile is the same, tracking numbers included
    assert again == first
    assert again["customAttributes"]["detailsSkipped"] == ""


def test_detailed_products_carry_their_catalog_images(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_image_cache: None
) -> None:
    # Given the Le Parfait jar (catalog product 108) has no image any more, every other product has one
    bc_sandbox.store.add_catalog_product(
        product_id=108, name="1 L Le Parfait Jar", sku="SLLPJ", price=Decimal("7.00"), image_url=""
    )
    # When Martha's profile is opened
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then each product line shows its catalog thumbnail, and the jar none
    shipped = transactions_by_number(profile)[str(seed.SHIPPED_ORDER_ID)]
    assert [(p["name"], p.get("imageUrl")) for p in shipped["products"]] == [
        ("Orbit Terrarium - Large", THUMBNAIL.format(id=102, name="otl")),
        ("1 L Le Parfait Jar", None),
    ]
    thumbnails = {str(id_): THUMBNAIL.format(id=id_, name=sku.lower()) for id_, _, sku, _ in seed.CATALOG}
    images = product_images(profile)
    assert images.pop("108") is None
    assert images == {product_id: thumbnails[product_id] for product_id in images}
    # And one catalog call asked for all her orders' products at once
    (catalog,) = bc_sandbox.requests.find("GET", f"^{CATALOG_PATH}$")
    assert sorted(catalog.query["id:in"].split(","), key=int) == sorted([*images, "108"], key=int)


def test_a_second_detailed_lookup_takes_the_images_from_the_cache(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_image_cache: None
) -> None:
    # Given Martha's profile was opened once (the catalog was read)
    first = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert api_paths(bc_sandbox).count(CATALOG_PATH) == 1
    bc_sandbox.requests.clear()
    # When it is opened again
    second = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then the images are the same, and the catalog was not asked
    assert CATALOG_PATH not in api_paths(bc_sandbox)
    assert product_images(second) == product_images(first)
    assert all(product_images(first).values())


def test_a_token_without_the_products_scope_gets_the_orders_without_images(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_image_cache: None
) -> None:
    # Given an API account without "Products: read-only"
    bc_sandbox.add_token(DEFAULT_TOKEN, ALL_SCOPES - {PRODUCTS, PRODUCTS_READ})
    # When Martha's profile is opened
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then BigCommerce refused the catalog, and the profile still has all her orders, without images
    assert [r.status for r in bc_sandbox.requests.find("GET", f"^{CATALOG_PATH}$")] == [403]
    assert len(profile["transactions"]) == len(seed.MARTHA_ORDER_IDS)
    assert not any(product_images(profile).values())
    # And the refusal is remembered: the next profile does not ask again
    bc_sandbox.requests.clear()
    the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert CATALOG_PATH not in api_paths(bc_sandbox)


def test_a_failing_catalog_leaves_the_images_out_and_is_asked_again_next_time(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_image_cache: None
) -> None:
    # Given the catalog fails (every attempt)
    bc_sandbox.faults.add(f"^{CATALOG_PATH}$", 503)
    # When Martha's profile is opened, Then it has all her orders, without images
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert len(profile["transactions"]) == len(seed.MARTHA_ORDER_IDS)
    assert not any(product_images(profile).values())
    # When the catalog is back, Then the next profile reads it (an outage is not remembered)
    bc_sandbox.faults.clear()
    again = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert all(product_images(again).values())


def test_a_cold_container_reads_the_group_names_alongside_the_first_wave_then_keeps_them(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_store_settings: None
) -> None:
    # Given a container that has not read the store's customer groups
    # When Martha's profile is opened
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then her group shows by name, read in one call
    assert profile["customAttributes"]["customerGroup"] == "VIP"
    assert [r.status for r in bc_sandbox.requests.find("GET", f"^{GROUPS_PATH}$")] == [200]
    # When the profile is opened again, Then the names come from the container, not BigCommerce
    bc_sandbox.requests.clear()
    again = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert again["customAttributes"]["customerGroup"] == "VIP"
    assert GROUPS_PATH not in api_paths(bc_sandbox)


def test_a_guest_profile_does_not_read_the_group_names(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_store_settings: None
) -> None:
    profile = the_one(gladly_client.post("/lookup", detailed(GUEST_ID)))
    assert "customerGroup" not in profile["customAttributes"]
    assert GROUPS_PATH not in api_paths(bc_sandbox)


def test_unreadable_group_names_show_the_group_id_and_are_asked_again_next_time(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, cold_store_settings: None
) -> None:
    # Given the customer groups fail (every attempt)
    bc_sandbox.faults.add(f"^{GROUPS_PATH}$", 503)
    # When Martha's profile is opened, Then it is complete, her group shown by its id
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert profile["customAttributes"]["customerGroup"] == "2"
    assert len(profile["transactions"]) == len(seed.MARTHA_ORDER_IDS)
    assert {r.status for r in bc_sandbox.requests.find("GET", f"^{GROUPS_PATH}$")} == {503}
    # When the groups are back, Then the next profile reads them (an outage is not remembered)
    bc_sandbox.faults.clear()
    again = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    assert again["customAttributes"]["customerGroup"] == "VIP"


def test_refused_group_names_show_the_group_id_logged_without_personal_data(
    bc_sandbox: SandboxServer, log_lines: io.StringIO
) -> None:
    # Given a store connection whose group names are read with a token BigCommerce refuses them to
    # (the sandbox's scopes cannot refuse groups yet grant customers, as BigCommerce's cannot)
    bc_sandbox.add_token("orders-only", [ORDERS_READ])
    settings = AdaptorSettings.from_env(
        {
            "DEPLOYMENT_NAME": "test",
            "STORE_HASH": bc_sandbox.store_hash,
            "SECRET_NAME": "secret",
            "BIGCOMMERCE_API_BASE": bc_sandbox.url,
        }
    )
    with (
        BigCommerceClient(bc_sandbox.store_hash, DEFAULT_TOKEN, api_base=bc_sandbox.url) as client,
        BigCommerceClient(bc_sandbox.store_hash, "orders-only", api_base=bc_sandbox.url) as refused,
    ):
        connection = StoreConnection(client)
        refused_groups = StoreSettings.of(refused).group_names
        connection.kept(StoreSettings, lambda c: replace(StoreSettings.of(c), group_names=refused_groups))
        deps = LookupDeps(settings, connection, Deadline.after(5), "https://gladly.example/prod")
        request = LookupRequest.model_validate(detailed(MARTHA_ID, **MARTHA_PROFILE))
        # When Martha's profile is made
        (profile,) = detailed_lookup(request, deps).results
    # Then BigCommerce refused the groups, and her group shows by its id
    assert [r.status for r in bc_sandbox.requests.find("GET", f"^{GROUPS_PATH}$")] == [403]
    assert profile.custom_attributes is not None
    assert profile.custom_attributes["customerGroup"] == "2"
    # And the failure was logged by part, naming nobody
    failures = [json.loads(line) for line in log_lines.getvalue().splitlines() if "Enrichment failed" in line]
    assert [line["part"] for line in failures] == ["customer_groups"]
    assert seed.MARTHA_EMAIL not in log_lines.getvalue() and "Martha" not in log_lines.getvalue()


def test_store_information_is_read_once_per_container(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    for _ in range(3):
        the_one(gladly_client.post("/lookup", detailed(GUEST_ID)))
    assert api_paths(bc_sandbox).count("/v2/store") <= 1


# --- degraded and failed answers ---------------------------------------------------------------------


def test_failed_shipments_leave_the_orders_without_tracking(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce fails every shipments call
    bc_sandbox.faults.add(r"^/v2/orders/\d+/shipments$", 500)
    # When Martha's profile is opened
    profile = the_one(gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE)))
    # Then every order is still there; shipped ones just lack their tracking
    orders = transactions_by_number(profile)
    assert len(orders) == 10
    assert orders[str(seed.SHIPPED_ORDER_ID)]["fulfillments"] == []
    assert orders[str(seed.SHIPPED_ORDER_ID)]["products"]
    assert [f["status"] for f in orders[str(seed.PARTIALLY_SHIPPED_ORDER_ID)]["fulfillments"]] == [
        "Not shipped"
    ]


@pytest.mark.parametrize("kind", [503, "reset", "malformed_json"])
def test_customers_unreadable_is_an_error_status_never_a_500(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, kind: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given customers that cannot be read, and a spy on the client's waits
    bc_sandbox.faults.add(r"^/v3/customers$", kind)
    sleeps = spy_on_client_sleep(monkeypatch, ManualClock())
    # When Gladly searches
    response = gladly_client.post("/lookup", search(email=seed.MARTHA_EMAIL))
    # Then it gets an error status, after a few tries with short waits, far within the lookup's deadline
    assert response.status_code in (502, 503)
    assert response.json()["errors"][0]["code"] in {"upstream_unavailable", "bad_upstream_response"}
    assert 1 <= len(bc_sandbox.requests.find("GET", r"^/v3/customers$")) <= 3
    assert sum(sleeps.waits) < 1.0


def test_a_rate_limit_storm_is_a_503_at_once(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce answers 429 with a window that resets only after Gladly would have given up
    bc_sandbox.faults.add(r".", "rate_limit", retry_after=30)
    sleeps = spy_on_client_sleep(monkeypatch, ManualClock())
    # When Gladly opens a profile
    response = gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE))
    # Then it is a 503 at once: no call waited for the window, and none was sent again
    assert response.status_code == 503
    detail = "BigCommerce's rate limit is reached; try again."
    assert response.json() == {
        "errors": [{"attr": "", "code": "upstream_rate_limited", "detail": detail, "message": detail}]
    }
    assert sleeps.waits == []
    sent = [(r.method, r.path, r.query_string) for r in bc_sandbox.requests.snapshot()]
    assert sent and len(sent) == len(set(sent))


def test_orders_unreadable_is_an_error_not_an_empty_profile(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    bc_sandbox.faults.add(r"^/v2/orders$", 503)
    response = gladly_client.post("/lookup", detailed(MARTHA_ID, **MARTHA_PROFILE))
    assert response.status_code == 503


# --- bad requests ------------------------------------------------------------------------------------


def error_items(response: requests.Response, status: int) -> list[dict[str, str]]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    return list(body["errors"])


def test_a_body_that_is_not_json_is_a_400(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    (item,) = error_items(gladly_client.post("/lookup", b'{"lookupLevel": "BASIC", "query": '), 400)
    assert item["attr"] == "body" and item["code"] == "invalid_json"
    assert bc_sandbox.requests.snapshot() == []


def test_an_unknown_lookup_level_is_a_400(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    body = {"lookupLevel": "FULL", "query": {"email": seed.MARTHA_EMAIL}}
    (item,) = error_items(gladly_client.post("/lookup", body), 400)
    assert item["attr"] == "lookupLevel"


def test_a_query_that_is_not_an_object_is_a_400(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    items = error_items(gladly_client.post("/lookup", {"lookupLevel": "BASIC", "query": ["x"]}), 400)
    assert items[0]["attr"] == "query"


def test_detailed_without_external_customer_id_is_a_400(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    body = {"lookupLevel": "DETAILED", "uniqueMatchRequired": True, "query": MARTHA_PROFILE}
    (item,) = error_items(gladly_client.post("/lookup", body), 400)
    assert item == {
        "attr": "query.externalCustomerId",
        "code": "missing",
        "detail": "Field required",
        "message": "Field required",
    }


def test_a_request_signed_with_another_key_is_a_401(gateway_url: str, bc_sandbox: SandboxServer) -> None:
    impostor = GladlyClient(gateway_url, "not-the-signing-key")
    (item,) = error_items(impostor.post("/lookup", search(email=seed.MARTHA_EMAIL)), 401)
    assert item["code"] == "bad_signature"
    assert bc_sandbox.requests.snapshot() == []  # nothing was acted upon


@pytest.fixture
def gateway_url(gladly_client: GladlyClient) -> str:
    return gladly_client.base_url
