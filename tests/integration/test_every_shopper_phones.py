"""Issue 15's "done means": every shopper of the demo store (the US demo and its international
shoppers, registered and guest), looked up as Gladly does (a search by the shopper's email, then the
DETAILED profile, signed, through the local gateway), shows no phone with a country its data does not
support.

What the data supports is worked out here with phonenumbers directly, from the sandbox's records, not
with the adaptor's code: a phone written with `+` is its own country's; any other is a valid number of
the country of the record it sits on (an address's country; for the account phone, its address book's
countries, or the store's when the address book is empty), or follows `00` as a valid number. A
profile phone must be one of those numbers; an address's phone one of those, or the text as stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
import pytest
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed_channels
from devtools.sandbox.records import Order
from devtools.sandbox.store import SandboxStore
from gladly_bigcommerce.bigcommerce.quota import forget_quotas

MAY_BE_MOBILE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


ONE_PERSON = {
    str(account): {str(each) for each in seed_channels.ROSA_CUSTOMER_IDS}
    for account in seed_channels.ROSA_CUSTOMER_IDS
}
"""Rosa's accounts, one per storefront: the same person (``bigcommerce/storefronts.py``)."""


@dataclass
class Shopper:
    external_id: str
    email: str
    # (stored text, the countries its record names)
    phones: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def supported(self) -> set[str]:
        return {number for text, countries in self.phones for number in numbers_of(text, countries)}

    def stored(self) -> set[str]:
        return {text.strip() for text, _ in self.phones if text.strip()}


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def numbers_of(text: str, countries: tuple[str, ...]) -> set[str]:
    """Every number the text can be, given the countries its record names."""
    text = text.strip()
    if not text:
        return set()
    try:
        if re.match(r"^[\s(]*\+", text):
            number = phonenumbers.parse(text, None)
            return {e164(number)} if phonenumbers.is_possible_number(number) else set()
    except NumberParseException:
        return set()
    found = set()
    digits = re.sub(r"\D", "", text)
    candidates = [("+" + digits[2:], None)] if digits.startswith("00") else []
    for raw, region in [*candidates, *((text, country) for country in countries)]:
        try:
            number = phonenumbers.parse(raw, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            found.add(e164(number))
    return found


def order_phones(order: Order) -> list[tuple[str, tuple[str, ...]]]:
    places = [order.billing_address, *(shipping.address for shipping in order.shipping_addresses)]
    return [(address.phone, (address.country_iso2,)) for address in places]


def every_shopper(store: SandboxStore) -> list[Shopper]:
    store_country = store.info.country_code
    shoppers = []
    for customer in store.customers.values():
        countries = tuple(address.country_code for address in customer.addresses) or (store_country,)
        shopper = Shopper(str(customer.id), customer.email, [(customer.phone, countries)])
        shopper.phones += [(address.phone, (address.country_code,)) for address in customer.addresses]
        person = {int(account) for account in ONE_PERSON.get(str(customer.id), {str(customer.id)})}
        for order in store.orders.values():
            mine = order.customer_id in person  # one person's accounts show each other's orders
            guest_of_mine = (
                order.customer_id == 0 and order.billing_address.email.lower() == customer.email.lower()
            )
            if mine or guest_of_mine:
                shopper.phones += order_phones(order)
        shoppers.append(shopper)
    registered = {customer.email.lower() for customer in store.customers.values()}
    guests: dict[str, Shopper] = {}
    for order in store.orders.values():
        email = order.billing_address.email.lower()
        if order.customer_id == 0 and email not in registered:
            guest = guests.setdefault(email, Shopper(f"guest:{email}", email))
            guest.phones += order_phones(order)
    return shoppers + list(guests.values())


def shown_phones(result: dict[str, Any]) -> list[dict[str, str]]:
    return list(result.get("phones") or [])


def shown_address_phones(result: dict[str, Any]) -> list[str]:
    addresses = [t.get("billingAddress") or {} for t in result.get("transactions", [])]
    addresses += [
        f.get("shippingAddress") or {} for t in result.get("transactions", []) for f in t["fulfillments"]
    ]
    return [address["phone"] for address in addresses if address.get("phone")]


def lookup(client: GladlyClient, body: dict[str, Any]) -> list[dict[str, Any]]:
    response = client.post("/lookup", body)
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


@pytest.fixture
def unlimited_quota(bc_sandbox: SandboxServer) -> SandboxServer:
    """The walk makes a few hundred calls: more than the store's 150 per 30 s (reset after the test)."""
    bc_sandbox.rate_limit.configure(quota=100_000)
    forget_quotas()
    return bc_sandbox


def test_no_shopper_of_the_demo_store_shows_a_phone_with_a_country_its_data_does_not_support(
    gladly_client: GladlyClient, unlimited_quota: SandboxServer
) -> None:
    shoppers = every_shopper(unlimited_quota.store)
    assert len(shoppers) > 40  # the US demo, its fillers and guests, and the world's shoppers
    problems: list[str] = []
    shown_numbers = 0
    for shopper in shoppers:
        supported, stored = shopper.supported(), shopper.stored()
        found = lookup(gladly_client, {"lookupLevel": "BASIC", "query": {"email": shopper.email}})
        # one person's accounts on several storefronts are one result, named by the oldest account
        person = ONE_PERSON.get(shopper.external_id, {shopper.external_id})
        mine = [result for result in found if result["externalCustomerId"] in person]
        assert mine, f"{shopper.external_id} not found by its email"
        (profile,) = lookup(
            gladly_client,
            {
                "lookupLevel": "DETAILED",
                "uniqueMatchRequired": True,
                "query": {"externalCustomerId": shopper.external_id},
            },
        )
        for result in (*mine, profile):
            for phone in shown_phones(result):
                shown_numbers += 1
                if phone["original"] not in supported:
                    problems.append(
                        f"{shopper.external_id}: profile phone {phone['original']} ({sorted(stored)})"
                    )
                number = phonenumbers.parse(phone["original"], None)
                if phone.get("type") == "MOBILE" and phonenumbers.number_type(number) not in MAY_BE_MOBILE:
                    problems.append(f"{shopper.external_id}: {phone['original']} typed MOBILE")
        for text in shown_address_phones(profile):
            if text not in supported and text not in stored:
                problems.append(f"{shopper.external_id}: address phone {text} ({sorted(stored)})")
    assert problems == []
    assert shown_numbers > len(shoppers)  # the walk did look at phones
