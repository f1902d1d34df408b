"""The demo store's storefronts and sales channels, and the shoppers and orders that span them.

A store with several storefronts ("Multi-Storefront"): every order carries the `channel_id` it came
from, every account its `channel_ids`, and each storefront has its own site (URL).

* Channel 1, the default storefront every store has, named after the store ("Sandbox Outfitters"),
  site 1000 at the store's `secure_url` (`https://sandbox-outfitters.example.com`, no trailing
  slash), allows global logins. Nearly every demo order is on it.
* `BREW_OUTLET_CHANNEL_ID` (2), "Brew Outlet": a second Stencil storefront (platform `bigcommerce`),
  site `BREW_OUTLET_SITE_ID` (1001) at `BREW_OUTLET_URL`, entered with a trailing slash (merchants
  enter URLs either way; BigCommerce answers them as entered). It refuses global logins
  (`allow_global_logins: false`), which is what lets one email have an account on each storefront.
* `MARKETPLACE_CHANNEL_ID` (3), "Amazon": a marketplace channel (`connected`) without a site, so its
  `/site` answers 404.
* Rosa Rivera (`ROSA_EMAIL`), one person with an account on each storefront: `ROSA_CUSTOMER_IDS` =
  her global account, created on channel 1 (`channel_ids: null`: she may log in wherever global logins
  are allowed, i.e. channel 1), and her Brew Outlet account (`channel_ids: [2]`, origin channel 2),
  same name, phone and address. Her orders `ROSA_ORDER_IDS` alternate between the storefronts:
  920 (channel 1, shipped), 921 (channel 2, shipped), `MULTI_ADDRESS_ORDER_ID` 922 (channel 1, two
  shipping addresses: hers, shipped, and a gift to her brother in Texas, not shipped yet: Partially
  Shipped), 923 (channel 2, Awaiting Fulfillment, nothing shipped).
* `BREW_OUTLET_GUEST_ORDER_ID` (924): a guest's order on Brew Outlet, unshipped.
* `MARKETPLACE_ORDER_ID` (925): an Amazon order (guest, channel 3, shipped): its channel has no site.
* The two `SHARED_EMAIL` accounts of `seed` are on channels 1 and 2, one order each (Samantha's on
  Brew Outlet): `BREW_OUTLET_ORDER_IDS` lists every order on channel 2.

Ids come from a block of their own (`IDS_FROM`), so the fixtures seeded around them keep theirs;
dates fall amid the US demo's (December 2024), so the world shoppers' orders stay the newest.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from devtools.sandbox.records import STATUS_PARTIALLY_SHIPPED
from devtools.sandbox.seed_making import Shipping, billing_of, make_customer, make_order
from devtools.sandbox.store import SandboxStore

IDS_FROM = {
    "customer": 920,
    "customer_address": 920,
    "order": 920,
    "order_product": 9200,
    "order_address": 920,
    "shipment": 920,
}
BREW_OUTLET_CHANNEL_ID = 2
BREW_OUTLET_NAME = "Brew Outlet"
BREW_OUTLET_SITE_ID = 1001
BREW_OUTLET_URL = "https://brew-outlet.example.com/"
MARKETPLACE_CHANNEL_ID = 3
MARKETPLACE_NAME = "Amazon"

ROSA_EMAIL = "rosa.rivera@example.com"
ROSA_PHONE = "+1 510 555 0164"
ROSA_CUSTOMER_IDS = (920, 921)
ROSA_ORDER_IDS = (920, 921, 922, 923)
MULTI_ADDRESS_ORDER_ID = 922
BREW_OUTLET_GUEST_ORDER_ID = 924
MARKETPLACE_ORDER_ID = 925
SAMANTHA_SHARED_ORDER_ID = 117  # the order of `seed.SHARED_EMAIL`'s channel-2 account
BREW_OUTLET_ORDER_IDS = (SAMANTHA_SHARED_ORDER_ID, 921, 923, BREW_OUTLET_GUEST_ORDER_ID)

CHANNELS_OPENED = datetime(2024, 6, 3, 9, 0, tzinfo=UTC)
ROSA_ADDRESS = ("US", "1 Frank H Ogawa Plaza", "Oakland", "California", "94612")
GIFT_ADDRESS = {
    "first_name": "Mateo",
    "last_name": "Rivera",
    "street_1": "301 W 2nd St",
    "city": "Austin",
    "state": "Texas",
    "zip": "78701",
    "country_iso2": "US",
    "phone": "+1 512 555 0165",
    "shipping_method": "Ground",
}
GUEST_BILLING = {
    "first_name": "Gwen",
    "last_name": "Guest",
    "street_1": "200 Larkin St",
    "city": "San Francisco",
    "state": "California",
    "zip": "94102",
    "country_iso2": "US",
    "phone": "+1 415 555 0166",
    "email": "gwen.guest@example.com",
}
MARKETPLACE_BILLING = {  # marketplaces relay the shopper's email through an address of their own
    "first_name": "Hana",
    "last_name": "Hayes",
    "street_1": "410 Terry Ave N",
    "city": "Seattle",
    "state": "Washington",
    "zip": "98109",
    "country_iso2": "US",
    "email": "x7k2m9q4p1@marketplace.amazon.example.com",
}


def add_channels(store: SandboxStore) -> None:
    """Brew Outlet and its site, and the Amazon channel (before any customer or order is seeded)."""
    with store.lock:
        store.add_channel(
            name=BREW_OUTLET_NAME,
            type="storefront",
            platform="bigcommerce",
            status="active",
            date_created=CHANNELS_OPENED,
        )
        store.create_site(BREW_OUTLET_CHANNEL_ID, BREW_OUTLET_URL, created=CHANNELS_OPENED)
        # New channels refuse global logins ("on by default only for the default storefront",
        # customers.v3 createCustomers): said here too, since one email per storefront needs it.
        store.channel_customer_settings[BREW_OUTLET_CHANNEL_ID].allow_global_logins = False
        store.add_channel(
            name=MARKETPLACE_NAME,
            type="marketplace",
            platform="amazon",
            status="connected",
            date_created=CHANNELS_OPENED + timedelta(days=30),
        )


def populate(store: SandboxStore) -> None:
    """Rosa's two accounts and her orders, and the other orders beyond channel 1."""
    with store.lock, store.numbered_from(**IDS_FROM):
        everywhere = make_customer(
            store, "Rosa", "Rivera", ROSA_EMAIL, ROSA_PHONE, day=40, address=ROSA_ADDRESS
        )
        outlet = make_customer(
            store,
            "Rosa",
            "Rivera",
            ROSA_EMAIL,
            ROSA_PHONE,
            day=49,
            address=ROSA_ADDRESS,
            channel_ids=[BREW_OUTLET_CHANNEL_ID],
        )
        rosa, brew = billing_of(everywhere), BREW_OUTLET_CHANNEL_ID
        make_order(
            store,
            rosa,
            [(103, 1)],
            customer_id=everywhere.id,
            status_id=2,
            day=27,
            shipping=Shipping("ups", "1Z999AA10123459201"),
        )
        make_order(
            store,
            rosa,
            [(104, 2)],
            customer_id=outlet.id,
            status_id=2,
            day=33,
            channel_id=brew,
            shipping=Shipping("ups", "1Z999AA10123459211"),
        )
        gift = make_order(
            store,
            rosa,
            [(106, 1), (109, 1)],
            customer_id=everywhere.id,
            status_id=STATUS_PARTIALLY_SHIPPED,
            day=39,
            shipping=Shipping("ups", "1Z999AA10123459221", lines=(0,)),
            shipping_addresses=[{**rosa, "shipping_method": "Ground"}, GIFT_ADDRESS],
        )
        # An API-made order puts every line on its first address: the gift goes to the second.
        gift.products[1].order_address_id = gift.shipping_addresses[1].id
        make_order(
            store, rosa, [(108, 3), (107, 1)], customer_id=outlet.id, status_id=11, day=47, channel_id=brew
        )
        make_order(store, GUEST_BILLING, [(104, 1)], customer_id=0, status_id=11, day=51, channel_id=brew)
        amazon = make_order(
            store,
            MARKETPLACE_BILLING,
            [(101, 1)],
            customer_id=0,
            status_id=2,
            day=54,
            channel_id=MARKETPLACE_CHANNEL_ID,
            shipping=Shipping("ups", "TBA304958172000"),
            via_api=True,
        )
        amazon.external_source = MARKETPLACE_NAME
