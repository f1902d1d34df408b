"""The demo store's international shoppers hold what `seed_world` promises: phones as each country
writes them, on accounts, address books, billing and shipping addresses, and orders in their
country's currency; the US demo's ids are untouched."""

from __future__ import annotations

import phonenumbers
import pytest

from devtools.sandbox import seed, seed_orders, seed_world
from devtools.sandbox.records import Customer, Order
from devtools.sandbox.seed_world import WORLD_SHOPPERS, WorldShopper
from devtools.sandbox.store import SandboxStore


@pytest.fixture(scope="module")
def store() -> SandboxStore:
    demo = SandboxStore()
    seed.populate(demo, seed.DEMO)
    return demo


def customer(store: SandboxStore, shopper: WorldShopper) -> Customer | None:
    return next((c for c in store.customers.values() if c.email == shopper.email), None)


def orders(store: SandboxStore, shopper: WorldShopper) -> list[Order]:
    return [o for o in store.orders.values() if o.billing_address.email == shopper.email]


def test_the_us_demo_keeps_its_ids_and_the_world_comes_after(store: SandboxStore) -> None:
    assert store.customers[seed.MARTHA_CUSTOMER_ID].email == seed.MARTHA_EMAIL
    assert store.orders[seed.BANK_DEPOSIT_ORDER_ID].customer_id == seed.DECLINING_CUSTOMER_ID
    us_demo = 8 + seed.FILLER_CUSTOMER_COUNT
    # after the US demo and before seed_orders' own block of ids (Olivia Options, 900)
    world = [c for c in store.customers.values() if us_demo < c.id < seed_orders.OLIVIA_CUSTOMER_ID]
    assert sorted(c.email for c in world) == sorted(s.email for s in WORLD_SHOPPERS if s.registered)


@pytest.mark.parametrize("shopper", WORLD_SHOPPERS, ids=[s.first_name for s in WORLD_SHOPPERS])
def test_each_shopper_holds_its_phones_as_typed_and_pays_in_its_currency(
    store: SandboxStore, shopper: WorldShopper
) -> None:
    record = customer(store, shopper)
    placed = orders(store, shopper)
    assert (record is not None) == shopper.registered
    held = [o.billing_address.phone for o in placed] + [
        a.address.phone for o in placed for a in o.shipping_addresses
    ]
    if record is not None:
        assert record.phone == shopper.account_phone
        assert [a.phone for a in record.addresses] == [p.phone for p in shopper.places]
        assert [a.country_code for a in record.addresses] == [p.country for p in shopper.places]
        held += [record.phone, *(a.phone for a in record.addresses)]
        assert all(o.customer_id == record.id for o in placed)
    else:
        assert all(o.customer_id == 0 for o in placed)
    assert sorted(text for text in held if text) == sorted(shopper.stored_phones)
    assert {o.currency_code for o in placed} == {shopper.currency}
    assert {o.billing_address.country_iso2 for o in placed} == {shopper.home.country}


@pytest.mark.parametrize("shopper", WORLD_SHOPPERS, ids=[s.first_name for s in WORLD_SHOPPERS])
def test_the_numbers_written_by_hand_are_what_phonenumbers_reads_in_each_records_country(
    shopper: WorldShopper,
) -> None:
    # Each phone text with the country of the record it sits on (the account: its address book's)
    home = shopper.places[0].country if shopper.places else None
    placed = [(shopper.account_phone, home)] + [(p.phone, p.country) for p in shopper.places]
    placed += [(t, shopper.home.country) for o in shopper.orders for t in (o.billing_phone, o.shipping_phone)]
    read = set()
    for text, country in placed:
        if text and country:
            number = phonenumbers.parse(text, country)
            assert phonenumbers.is_valid_number(number), text
            read.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    assert read == set(shopper.numbers)


def test_the_two_indian_numbers_of_the_issue_and_the_billing_only_shopper_are_there(
    store: SandboxStore,
) -> None:
    priya = customer(store, seed_world.PRIYA)
    assert priya is not None and priya.phone == "8987656787"
    assert {o.billing_address.phone for o in orders(store, seed_world.PRIYA)} == {"07439250893"}
    chloe = customer(store, seed_world.CHLOE)
    assert chloe is not None and chloe.phone == "" and all(not a.phone for a in chloe.addresses)
    assert all(o.billing_address.phone for o in orders(store, seed_world.CHLOE))
