"""Store rules for several storefronts, without HTTP: channels, one email per storefront, store
credit written as a balance, and the countries the sandbox knows."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from devtools.sandbox import ApiError, geography, seed
from devtools.sandbox import seed_channels as storefronts
from devtools.sandbox.channels import DEFAULT_CHANNEL_ID, DEFAULT_SITE_ID
from devtools.sandbox.inputs import CustomerSettingsIn, CustomerUpdateIn
from devtools.sandbox.store import SandboxStore

BILLING = {
    "first_name": "Ann",
    "last_name": "Lee",
    "zip": "94105",
    "country_iso2": "US",
    "email": "a@example.com",
}
MUG = [{"name": "Mug", "quantity": 1, "price_ex_tax": 5, "price_inc_tax": 5}]


def allow_global_logins(store: SandboxStore, channel_id: int, allowed: bool) -> None:
    store.update_channel_settings(
        channel_id, CustomerSettingsIn.model_validate({"allow_global_logins": allowed})
    )


def test_a_new_store_has_the_default_storefront_and_its_site_and_keeps_them_through_clear() -> None:
    store = SandboxStore()
    store.add_channel(name="Outlet", type="storefront", platform="bigcommerce")
    store.clear()
    assert list(store.channels) == [DEFAULT_CHANNEL_ID]
    site = store.site_of(DEFAULT_CHANNEL_ID)
    assert (site.id, site.url) == (DEFAULT_SITE_ID, store.info.secure_url)
    assert store.channel_settings(DEFAULT_CHANNEL_ID).allow_global_logins is True
    # and a store with other information names its default storefront and site after it
    japan = SandboxStore()
    seed.populate(japan, seed.JAPAN)
    assert (japan.channel(1).name, japan.site_of(1).url) == (japan.info.name, japan.info.secure_url)


def test_same_email_on_two_channels_only_while_the_second_refuses_global_logins() -> None:
    # Given a store with a second storefront, which refuses global logins as new channels do
    store = SandboxStore()
    outlet = store.add_channel(name="Outlet", type="storefront", platform="bigcommerce", status="active")
    assert store.channel_settings(outlet.id).allow_global_logins is False
    # When one email gets a global account and an Outlet account, Then both exist
    store.add_customer(email="ann@example.com", first_name="Ann", last_name="Global")
    store.add_customer(email="ANN@example.com", first_name="Ann", last_name="Outlet", channel_ids=[outlet.id])
    # but a second account on either channel is refused
    with pytest.raises(ApiError) as again:
        store.add_customer(email="ann@example.com", first_name="Ann", last_name="Again", channel_ids=[1])
    assert again.value.status == 422
    # When the Outlet allows global logins, Then the same pair is refused for another email
    allow_global_logins(store, outlet.id, True)
    store.add_customer(email="ben@example.com", first_name="Ben", last_name="Global")
    with pytest.raises(ApiError):
        store.add_customer(
            email="ben@example.com", first_name="Ben", last_name="Outlet", channel_ids=[outlet.id]
        )
    # while two channel accounts on different channels never meet, whatever the settings
    store.add_customer(email="cy@example.com", first_name="Cy", last_name="One", channel_ids=[1])
    store.add_customer(email="cy@example.com", first_name="Cy", last_name="Two", channel_ids=[outlet.id])


def test_an_update_cannot_make_two_accounts_meet() -> None:
    store = SandboxStore()
    outlet = store.add_channel(name="Outlet", type="storefront", platform="bigcommerce")
    store.add_customer(email="ann@example.com", first_name="Ann", last_name="Global")
    mine = store.add_customer(
        email="ann@example.com", first_name="Ann", last_name="Outlet", channel_ids=[outlet.id]
    )
    with pytest.raises(ApiError):
        store.update_customers(
            [CustomerUpdateIn.model_validate({"id": mine.id, "channel_ids": [1, outlet.id]})]
        )
    assert mine.channel_ids == [outlet.id]


def test_concurrent_store_credit_read_modify_writes_lose_an_update() -> None:
    # Given Martha's $25.00 and two agents who each read it, then write it back raised by 5.00
    store = SandboxStore()
    seed.populate(store, seed.DEMO)
    both_read = threading.Barrier(2)

    def agent() -> None:
        balance = store.customers[seed.MARTHA_CUSTOMER_ID].store_credit[0]
        both_read.wait(timeout=5)
        store.set_store_credit(seed.MARTHA_CUSTOMER_ID, balance + Decimal("5.00"))

    agents = [threading.Thread(target=agent) for _ in range(2)]
    for thread in agents:
        thread.start()
    for thread in agents:
        thread.join(timeout=5)
    # Then one raise is lost: each PUT sets the balance it was given (no increment exists)
    assert store.customers[seed.MARTHA_CUSTOMER_ID].store_credit == [Decimal("30.00")]


def test_an_order_needs_an_existing_enabled_channel() -> None:
    store = SandboxStore()
    closed = store.add_channel(name="Closed", type="storefront", platform="bigcommerce", status="inactive")
    for channel_id in (closed.id, 99):
        with pytest.raises(ApiError) as refused:
            store.add_order(billing_address=BILLING, products=MUG, channel_id=channel_id)
        assert refused.value.status == 400
    assert store.orders == {}
    assert store.add_order(billing_address=BILLING, products=MUG).channel_id == DEFAULT_CHANNEL_ID


def test_the_demo_store_spans_two_storefronts_and_a_marketplace() -> None:
    store = SandboxStore()
    seed.populate(store, seed.DEMO)
    by_channel: dict[int, list[int]] = {}
    for order in store.orders.values():
        by_channel.setdefault(order.channel_id, []).append(order.id)
    assert tuple(by_channel[storefronts.BREW_OUTLET_CHANNEL_ID]) == storefronts.BREW_OUTLET_ORDER_IDS
    assert by_channel[storefronts.MARKETPLACE_CHANNEL_ID] == [storefronts.MARKETPLACE_ORDER_ID]
    shared = [store.orders[i].customer_id for i in storefronts.BREW_OUTLET_ORDER_IDS[:1]]
    assert shared == [seed.SHARED_EMAIL_CUSTOMER_IDS[1]]
    rosa = [c for c in store.customers.values() if c.email == storefronts.ROSA_EMAIL]
    assert tuple(c.id for c in rosa) == storefronts.ROSA_CUSTOMER_IDS
    assert [store.login_channels(c.channel_ids) for c in rosa] == [frozenset({1}), frozenset({2})]
    assert store.site_of(storefronts.BREW_OUTLET_CHANNEL_ID).url == storefronts.BREW_OUTLET_URL
    with pytest.raises(ApiError):
        store.site_of(storefronts.MARKETPLACE_CHANNEL_ID)


def test_the_countries_are_bigcommerces_capture() -> None:
    countries = geography.countries()
    with_states = sorted(c.country_iso2 for c in countries if c.states)
    assert (len(countries), len(geography.all_states()), len(with_states)) == (245, 386, 16)
    assert {"US", "CA", "AU", "IN", "DE", "IE"} <= set(with_states)
    assert not {"GB", "FR", "JP"} & set(with_states)
    names = {
        code: geography.country_name(code) for code in ("US", "GB", "DE", "FR", "IE", "CA", "AU", "JP", "IN")
    }
    assert names["GB"] == "United Kingdom" and names["US"] == "United States"
    assert geography.country_name("zz") == "ZZ"
