"""Shoppers of the world end to end: signed requests through the local gateway to the real handlers,
against the demo store's international shoppers (`devtools.sandbox.seed_world`; the store is in the
US). Each phone is read in the country of its record, Gladly's E.164 number finds the shopper however
the store spelled it, and a number is never shown with a country its data does not support."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed_world
from devtools.sandbox.seed_world import WorldShopper
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.limits import PHONE_SPELLINGS_ONE_BY_ONE
from gladly_bigcommerce.lookup.store_settings import forget_store_settings

# The account phones a search can find (phone:in searches accounts), as Gladly holds them.
ACCOUNT_NUMBERS = [
    (seed_world.PRIYA, "+918987656787"),  # stored "8987656787", address book in India
    (seed_world.OLIVER, "+447400123456"),  # "07400 123456"
    (seed_world.HARUTO, "+819012345678"),  # "+81 90-1234-5678"
    (seed_world.JACK, "+61412345678"),  # "+61 412 345 678"
    (seed_world.RAVI, "+919876543210"),  # "9876543210", no address: nothing says it is not Indian
]


def search(**query: Any) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": query}


def detailed(external_id: str) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "uniqueMatchRequired": True,
        "query": {"externalCustomerId": external_id},
    }


def results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def customer_id(sandbox: SandboxServer, shopper: WorldShopper) -> str:
    (found,) = [c.id for c in sandbox.store.customers.values() if c.email == shopper.email]
    return str(found)


def profile(client: GladlyClient, sandbox: SandboxServer, shopper: WorldShopper) -> dict[str, Any]:
    external_id = customer_id(sandbox, shopper) if shopper.registered else f"guest:{shopper.email}"
    (found,) = results(client.post("/lookup", detailed(external_id)))
    return found


def phones(result: dict[str, Any]) -> dict[str, str | None]:
    return {phone["original"]: phone.get("type") for phone in result.get("phones", [])}


def address_phones(result: dict[str, Any]) -> set[str]:
    shown = {t["billingAddress"].get("phone") for t in result["transactions"] if "billingAddress" in t}
    shown |= {
        f["shippingAddress"].get("phone")
        for t in result["transactions"]
        for f in t["fulfillments"]
        if "shippingAddress" in f
    }
    return {phone for phone in shown if phone}


@pytest.fixture
def store_country(bc_sandbox: SandboxServer) -> Iterator[Any]:
    """Set the sandbox store's country (`/v2/store` `country_code`); the adaptor reads it afresh."""

    def set_country(code: str, name: str) -> None:
        bc_sandbox.store.info.country_code, bc_sandbox.store.info.country = code, name
        forget_store_settings()

    yield set_country
    forget_store_settings()  # the next test's store is the US demo's again (bc_sandbox resets it)


@pytest.mark.parametrize(
    ("shopper", "number"), ACCOUNT_NUMBERS, ids=[s.first_name for s, _ in ACCOUNT_NUMBERS]
)
def test_gladlys_e164_number_finds_the_shopper_however_the_store_spelled_it(
    gladly_client: GladlyClient,
    bc_sandbox: SandboxServer,
    phone_in_no_split: bool,
    shopper: WorldShopper,
    number: str,
) -> None:
    # Given an agent's search with Gladly's E.164 number, under either reading of `phone:in`
    found = results(gladly_client.post("/lookup", search(phone=number)))
    # Then the one shopper storing that number in its own country's spelling is found
    assert [result["externalCustomerId"] for result in found] == [customer_id(bc_sandbox, shopper)]
    # within the documented budget of a phone search
    customer_calls = len(bc_sandbox.requests.find("GET", r"^/v3/customers$"))
    assert customer_calls <= 1 + PHONE_SPELLINGS_ONE_BY_ONE
    assert len(bc_sandbox.requests.snapshot()) <= limits.basic_lookup_calls()


def test_a_german_mobile_written_with_its_three_digit_prefix_is_found(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Lena's "0151 23456789" (phonenumbers writes 01512 3456789) and a store that splits
    # `phone:in` (under the literal reading only the 8 likeliest spellings are asked: README, Limits)
    found = results(gladly_client.post("/lookup", search(phone="+4915123456789")))
    assert [result["externalCustomerId"] for result in found] == [customer_id(bc_sandbox, seed_world.LENA)]
    assert len(bc_sandbox.requests.find("GET", r"^/v3/customers$")) == 1


def test_auto_link_by_the_indian_account_number_links_priya(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Gladly's auto-link request for a profile holding the E.164 number of "8987656787"
    body = search()
    body["query"] = {"id": "Ac4nF6hYTmWp9rBx2dKqZs", "phones": ["+918987656787"]}
    # Then Priya is the one result, with that number as a MOBILE phone (Gladly's own check passes)
    (linked,) = results(gladly_client.post("/lookup", body))
    assert linked["externalCustomerId"] == customer_id(bc_sandbox, seed_world.PRIYA)
    assert linked["phones"][0] == {"original": "+918987656787", "type": "MOBILE"}
    report = gladly_client.post("/auto-link", body).json()
    assert report["kind"] == "linked"


@pytest.mark.parametrize("number", ["+18987656787", "+447439250893", "+18098765432"])
def test_the_same_digits_in_another_country_find_nobody(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, phone_in_no_split: bool, number: str
) -> None:
    # Given numbers whose national digits a world shopper stores, but in another country (a US
    # 898-765-6787; the UK reading of the Indian billing phone; a NANP 809 number)
    # When searched Then nobody is found: each stored phone is read in its own country first
    assert results(gladly_client.post("/lookup", search(phone=number))) == []


def test_priyas_profile_shows_every_phone_of_hers_in_india(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Priya's records: account "8987656787", address book "9898712123" and "+91 98450 12345",
    # billed "07439250893", shipped to "+91-98450-12345"
    shown = profile(gladly_client, bc_sandbox, seed_world.PRIYA)
    # Then her profile has each number once, in India, typed, the account's first
    assert phones(shown) == {
        "+918987656787": "MOBILE",
        "+919898712123": "MOBILE",
        "+919845012345": "MOBILE",
        "+917439250893": "MOBILE",
    }
    assert shown["phones"][0]["original"] == "+918987656787"
    # And her orders' billing and shipping addresses show them in India too
    assert address_phones(shown) == {"+917439250893", "+919845012345"}


@pytest.mark.parametrize(
    "shopper",
    [seed_world.OLIVER, seed_world.HARUTO, seed_world.LENA, seed_world.JACK],
    ids=["UK", "Japan", "Germany", "Australia"],
)
def test_each_country_s_shopper_has_its_numbers_on_the_profile(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, shopper: WorldShopper
) -> None:
    shown = profile(gladly_client, bc_sandbox, shopper)
    assert set(phones(shown)) == set(shopper.numbers)
    assert address_phones(shown) <= set(shopper.numbers)


def test_an_office_line_on_a_commercial_address_is_typed_office(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    shown = profile(gladly_client, bc_sandbox, seed_world.OLIVER)
    assert phones(shown) == {"+447400123456": "MOBILE", "+442079460321": "OFFICE"}


def test_a_shopper_whose_phones_are_only_on_billing_addresses_has_them_on_her_profile(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    shown = profile(gladly_client, bc_sandbox, seed_world.CHLOE)
    assert phones(shown) == {"+61491570156": "MOBILE", "+61491570157": "MOBILE"}


def test_a_guest_has_the_phones_of_its_billing_addresses(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Yuki, a guest billed with one mobile in two spellings and, lately, a fixed line
    # Then a search and her profile have both numbers, the newest order's first, each once
    expected = [{"original": "+81312349876", "type": "HOME"}, {"original": "+818098765432", "type": "MOBILE"}]
    (found,) = results(gladly_client.post("/lookup", search(email=seed_world.YUKI.email)))
    assert found["phones"] == expected
    assert profile(gladly_client, bc_sandbox, seed_world.YUKI)["phones"] == expected


def test_an_account_phone_that_nothing_places_is_not_shown_until_the_store_s_country_does(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, store_country: Any
) -> None:
    # Given Ravi: account phone "9876543210" and no address book, in a US store (no US number)
    shown = profile(gladly_client, bc_sandbox, seed_world.RAVI)
    # Then only his billing phone (India) is shown, never a +1 reading of his account phone
    assert phones(shown) == {"+919876543210": "MOBILE"}
    assert not any(number.startswith("+1") for number in phones(shown))
    # And in a store whose country is India, his account phone is read there
    store_country("IN", "India")
    (found,) = results(gladly_client.post("/lookup", search(email=seed_world.RAVI.email)))
    assert phones(found) == {"+919876543210": "MOBILE"}


def test_an_agent_s_national_number_is_read_in_the_store_s_country(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, store_country: Any
) -> None:
    # Given a store in India, an agent types the Indian account number as Indians write it
    store_country("IN", "India")
    found = results(gladly_client.post("/lookup", search(phone="089876 56787")))
    # Then it is the Indian number, and Priya is found
    assert [result["externalCustomerId"] for result in found] == [customer_id(bc_sandbox, seed_world.PRIYA)]
    # While in the US store the same digits are a US number nobody has
    store_country("US", "United States")
    assert results(gladly_client.post("/lookup", search(phone="8987656787"))) == []


def test_store_information_that_cannot_be_read_leaves_phones_to_the_default_region(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, store_country: Any
) -> None:
    # Given /v2/store failing (forgotten by the adaptor first, so it is read again)
    store_country("IN", "India")
    bc_sandbox.faults.add(r"^/v2/store$", 500, times=100)
    # When Ravi is searched by email Then the search is answered; his account phone, which only the
    # store's country (unread) could place, is read in DEFAULT_PHONE_REGION (US), where it is none
    (found,) = results(gladly_client.post("/lookup", search(email=seed_world.RAVI.email)))
    assert phones(found) == {}
