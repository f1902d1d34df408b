"""A store's storefronts (``bigcommerce/storefronts.py``) and how orders show them
(``lookup/mapping/orders.order_note`` and ``customer_order_url``): pure, no I/O."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gladly_bigcommerce.bigcommerce.models import Channel, Customer, CustomerChannelSettings, Order, Site
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts, people, same_person
from gladly_bigcommerce.lookup.mapping.customers import StoreLinks
from gladly_bigcommerce.lookup.mapping.orders import customer_order_url, order_note
from gladly_bigcommerce.lookup.shared_reads import dump_storefronts, load_storefronts

LINKS = StoreLinks("https://store-abc123.mybigcommerce.com/manage", "https://shop.example.com")
DEFAULT = Channel(id=1, name="Main Shop", type="storefront", platform="bigcommerce", status="active")
OUTLET = Channel(id=2, name="Outlet", type="storefront", platform="bigcommerce", status="active")
HEADLESS = Channel(id=4, name="Catalyst", type="storefront", platform="catalyst", status="active")
AMAZON = Channel(id=3, name="Amazon", type="marketplace", platform="amazon", status="connected")
# The site of a channel as a captured answer carries it: no `urls` (docs@24f580c
# docs/storefront/headless/cart-checkout/abandoned-carts.mdx), with a trailing slash or without.
SITES = [
    Site(id=1000, url="https://shop.example.com/", channel_id=1),
    Site(id=1001, url="https://outlet.example.com/", channel_id=2),
    Site(id=1002, url="https://catalyst.example.com", channel_id=4),
]
SEVERAL = Storefronts.of(
    [DEFAULT, OUTLET, AMAZON, HEADLESS],
    SITES,
    {
        1: CustomerChannelSettings(allow_global_logins=True),
        2: CustomerChannelSettings(allow_global_logins=False),
    },
)
ONE = Storefronts.of([DEFAULT], SITES[:1])


def order(channel_id: int | None, customer_id: int = 7, message: str = "") -> Order:
    return Order.model_validate(
        {
            "id": 55,
            "status_id": 11,
            "customer_id": customer_id,
            "channel_id": channel_id,
            "customer_message": message,
        }
    )


# --- orders -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("storefronts", [ONE, Storefronts.unknown()], ids=["one storefront", "unknown"])
def test_a_store_of_one_storefront_keeps_the_note_and_link_as_they_were(storefronts: Storefronts) -> None:
    assert order_note(order(1, message="Leave at the door"), storefronts) == "Leave at the door"
    assert order_note(order(None), storefronts) is None
    assert customer_order_url(order(1), LINKS, storefronts) == (
        "https://shop.example.com/account.php?action=view_order&order_id=55"
    )


def test_in_a_store_of_several_storefronts_every_order_names_its_own() -> None:
    assert order_note(order(1), SEVERAL) == "Storefront: Main Shop"
    assert order_note(order(None), SEVERAL) == "Storefront: Main Shop"  # no channel named: channel 1
    assert order_note(order(2, message="Gift wrap"), SEVERAL) == "Storefront: Outlet\nGift wrap"
    assert order_note(order(3), SEVERAL) == "Channel: Amazon (marketplace)"


def test_an_order_of_a_channel_whose_name_is_unknown_names_its_number() -> None:
    # A marketplace order in a store whose channels could not be read
    assert order_note(order(9), Storefronts.unknown()) == "Channel 9"


def test_the_shoppers_link_is_on_the_orders_storefront_when_it_has_account_pages() -> None:
    # Another Stencil storefront: its own site, without the merchant's trailing slash doubled
    assert customer_order_url(order(2), LINKS, SEVERAL) == (
        "https://outlet.example.com/account.php?action=view_order&order_id=55"
    )
    # The default storefront: the store's own storefront URL (STOREFRONT_URL or /v2/store), as before
    assert customer_order_url(order(1), LINKS, SEVERAL) == (
        "https://shop.example.com/account.php?action=view_order&order_id=55"
    )
    # A headless storefront (its own account routes), a marketplace (no site), a guest: no link
    assert customer_order_url(order(4), LINKS, SEVERAL) is None
    assert customer_order_url(order(3), LINKS, SEVERAL) is None
    assert customer_order_url(order(2, customer_id=0), LINKS, SEVERAL) is None
    # Channels unknown: an order of another channel gets no link rather than the wrong storefront's
    assert customer_order_url(order(2), LINKS, Storefronts.unknown()) is None


def test_a_sites_primary_url_wins_over_its_url() -> None:
    site = Site.model_validate(
        {
            "id": 1001,
            "url": "https://old.example.com",
            "channel_id": 2,
            "urls": [
                {"url": "https://checkout.example.com", "type": "checkout"},
                {"url": "https://www.outlet.example.com/", "type": "primary"},
            ],
        }
    )
    assert Storefronts.of([DEFAULT, OUTLET], [site]).site_url(2) == "https://www.outlet.example.com"


def test_channels_that_sell_no_more_are_not_storefronts() -> None:
    gone = Channel(id=5, name="Old Shop", type="storefront", platform="bigcommerce", status="archived")
    assert Storefronts.of([DEFAULT, gone]).several is False
    assert SEVERAL.storefront_ids == [1, 2, 4]


# --- one person, several accounts ---------------------------------------------------------------------


def account(customer_id: int, channel_ids: list[int] | None, **overrides: Any) -> Customer:
    fields = {
        "id": customer_id,
        "email": "Rosa.Rivera@example.com",
        "first_name": "Rosa",
        "last_name": "Rivera",
        "phone": "+1 510 555 0164",
        "channel_ids": channel_ids,
    }
    return Customer.model_validate(fields | overrides)


def test_channel_specific_copies_of_one_shopper_are_one_person() -> None:
    everywhere, outlet = account(920, None), account(921, [2], email=" rosa.rivera@EXAMPLE.com ")
    # channel 2 refuses global logins: the global account cannot log in there, so they share no channel
    assert same_person(everywhere, outlet, SEVERAL)
    assert people([outlet, everywhere], SEVERAL) == [(everywhere, outlet)]
    # explicit lists that share no channel, the phone written without its country code
    assert same_person(account(1, [1]), account(2, [2], phone="(510) 555-0164"), SEVERAL)


@pytest.mark.parametrize(
    ("other", "why"),
    [
        (account(921, [1, 2]), "they share channel 1"),
        (account(921, None), "two global accounts"),
        (account(921, [4]), "channel 4's global logins are unknown"),
        (account(921, [2], first_name="Samantha"), "another first name"),
        (account(921, [2], phone="+1 212 555 0199"), "another phone"),
        (account(921, [2], email="other@example.com"), "another email"),
    ],
)
def test_anything_short_of_proof_keeps_two_accounts_two_people(other: Customer, why: str) -> None:
    assert not same_person(account(920, None), other, SEVERAL), why
    assert len(people([account(920, None), other], SEVERAL)) == 2


def test_without_the_channels_settings_no_global_account_joins_anyone() -> None:
    assert not same_person(account(920, None), account(921, [2]), Storefronts.of([DEFAULT, OUTLET]))


def test_a_third_account_joins_only_a_person_it_matches_entirely() -> None:
    everywhere, outlet, impostor = (
        account(920, None),
        account(921, [2]),
        account(922, [4], last_name="Rivers"),
    )
    assert people([impostor, outlet, everywhere], SEVERAL) == [(everywhere, outlet), (impostor,)]


def test_the_storefronts_kept_in_the_shared_cache_read_back_as_they_were() -> None:
    # Given a store's storefronts as the shared cache keeps them (JSON, as DynamoDB holds it)
    stored = json.loads(json.dumps(dump_storefronts(SEVERAL)))
    # Then they read back equal: channels, sites and each storefront's global-login setting
    assert load_storefronts(stored) == SEVERAL
    assert load_storefronts(stored).global_logins == SEVERAL.global_logins != {}


@pytest.mark.parametrize(
    "damaged",
    [
        {"channels": [{"id": "x"}], "site_urls": {}, "global_logins": {}},
        {"channels": []},
        {"global_logins": "no"},
    ],
)
def test_storefronts_in_another_shape_are_a_miss_never_a_wrong_store(damaged: dict[str, Any]) -> None:
    # A shape the shared cache's reader refuses is read again from BigCommerce (ProfileReads.hit)
    with pytest.raises((ValueError, TypeError, KeyError, AttributeError)):
        load_storefronts(damaged)
