"""The demo store: deterministic customers, orders, shipments, refunds and a promotion.

Nothing here is random and every date is fixed (orders from November 2024 to March 2025), so ids
and amounts are the same on every run. Tests use the constants below instead of numbers.

Well-known fixtures
-------------------
* Martha Williams (`MARTHA_EMAIL`, phone stored as `MARTHA_PHONE` = "(415) 555-0100", VIP group,
  $25.00 store credit, two addresses): 10 orders `MARTHA_ORDER_IDS` (100-109), of which 5 shipped
  with shipments (`MARTHA_SHIPPED_ORDER_IDS`). Her orders double as the status fixtures:
  `REFUNDABLE_ORDER_ID` (Completed, 2 lines, qty 2, shipping and handling, card, shipped),
  `GBP_ORDER_ID`, `FULLY_REFUNDED_ORDER_ID` (Refunded, with its refund), `EUR_ORDER_ID` (Shipped),
  `PARTIALLY_REFUNDED_ORDER_ID` (1 of 2 refunded, PayPal), `CANCELLED_ORDER_ID`, `SHIPPED_ORDER_ID`
  (FedEx), `PARTIALLY_SHIPPED_ORDER_ID` (USPS, one of two lines), `UNSHIPPED_ORDER_ID` (Awaiting
  Fulfillment, created through the API: `customer_message`, `staff_notes` and `cart_id` are `null`),
  `PENDING_ORDER_ID` (unpaid: nothing to refund).
* A guest shopper, `GUEST_EMAIL`, no customer record: `GUEST_ORDER_IDS` (customer_id 0; the first
  shipped, the second Awaiting Fulfillment, refundable without store credit, created through the API
  with `null` notes).
* Shipments created without comments answer `"comments": null` (every seeded shipment).
* Morgan Mixed (`MIXED_EMAIL`, `MIXED_CUSTOMER_ID`): account orders `MIXED_ACCOUNT_ORDER_IDS` and guest
  orders `MIXED_GUEST_ORDER_IDS` billed to the same email spelled "Mixed.History@Example.com".
* Two accounts sharing `SHARED_EMAIL` on channels 1 and 2 (`SHARED_EMAIL_CUSTOMER_IDS`), one order each.
* `ALICE_CONFLICT_EMAIL` (Alice, phone `ALICE_PHONE`) and Bob, whose phone is `CONFLICT_PHONE`
  ("+1 212 555 0199"): `ALICE_CUSTOMER_ID`, `BOB_CUSTOMER_ID`.
* `DIGITS_ONLY_PHONE` "4155550123" stored as digits only (`DIGITS_ONLY_CUSTOMER_ID`).
* `DECLINING_ORDER_ID`: refunds to its card come back declined (knob `decline_refunds`).
* `BANK_DEPOSIT_ORDER_ID`: paid offline, so its own provider refunds offline only.
* A coupon promotion `WELCOME_PROMOTION_ID` with the code `WELCOME_CODE` ("WELCOME10").
* Two dozen more customers (`FILLER_CUSTOMER_COUNT`) with phones in many spellings (`+1 628 555
  0131`, `(628) 555-0132`, `6285550133`, `628-555-0134`, `+16285550135`, `+44 20 7946 0136`,
  `020 7946 0137`, `07700 900138`, `+447700900139`), groups, store credit and a few orders each.
* Shoppers of the UK, India, Japan, Germany and Australia (`seed_world.WORLD_SHOPPERS`), their phones
  as their countries write them, their orders in their currencies: seeded last, so the ids above
  stay as they are.

`seed_orders` adds Olivia Options and her orders as real stores hold them; `seed_channels` the store's
other sales channels (Brew Outlet, a second storefront, and an Amazon marketplace without a site),
Rosa Rivera with an account on each storefront, and orders on them; `seed_making` holds the steps every
fixture is made with. `JAPAN` (`seed_japan`) is the seed of the sandbox's second store, `sandboxjp`, in
yen.

Customer groups (`CUSTOMER_GROUPS`): 0 none, 1 Retail, 2 VIP, 3 Wholesale (the store lists the
three groups; 0 is a customer's "no group" and no group of its own). The catalog (`CATALOG`)
gives each product an image URL; BigCommerce order products carry none.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from devtools.sandbox import seed_channels, seed_japan, seed_orders, seed_world
from devtools.sandbox.records import (
    STATUS_PARTIALLY_SHIPPED,
    CustomerAddress,
    Order,
)
from devtools.sandbox.seed_making import (
    BANK_DEPOSIT,
    CARD,
    PAYPAL,
    START,
    Shipping,
    billing_of,
    make_customer,
    make_order,
    make_refund,
)
from devtools.sandbox.store import SandboxStore

DEMO = "demo"
JAPAN = seed_japan.JAPAN

CUSTOMER_GROUPS = {0: "No group", 1: "Retail", 2: "VIP", 3: "Wholesale"}

MARTHA_EMAIL = "martha.williams@example.com"
MARTHA_PHONE = "(415) 555-0100"
MARTHA_CUSTOMER_ID = 1
MARTHA_ORDER_IDS = tuple(range(100, 110))
REFUNDABLE_ORDER_ID = 100
GBP_ORDER_ID = 101
FULLY_REFUNDED_ORDER_ID = 102
EUR_ORDER_ID = 103
PARTIALLY_REFUNDED_ORDER_ID = 104
CANCELLED_ORDER_ID = 105
SHIPPED_ORDER_ID = 106
PARTIALLY_SHIPPED_ORDER_ID = 107
UNSHIPPED_ORDER_ID = 108
PENDING_ORDER_ID = 109
MARTHA_SHIPPED_ORDER_IDS = (
    REFUNDABLE_ORDER_ID,
    GBP_ORDER_ID,
    EUR_ORDER_ID,
    SHIPPED_ORDER_ID,
    PARTIALLY_SHIPPED_ORDER_ID,
)

GUEST_EMAIL = "guest.shopper@example.com"
GUEST_ORDER_IDS = (110, 111)

MIXED_EMAIL = "mixed.history@example.com"
MIXED_CUSTOMER_ID = 2
MIXED_ACCOUNT_ORDER_IDS = (112, 113)
MIXED_GUEST_ORDER_IDS = (114, 115)

SHARED_EMAIL = "shared.email@example.com"
SHARED_EMAIL_CUSTOMER_IDS = (3, 4)

ALICE_CONFLICT_EMAIL = "alice.conflict@example.com"
ALICE_PHONE = "+1 646 555 0142"
ALICE_CUSTOMER_ID = 5
CONFLICT_PHONE = "+1 212 555 0199"
BOB_CONFLICT_EMAIL = "bob.conflict@example.com"
BOB_CUSTOMER_ID = 6

DIGITS_ONLY_PHONE = "4155550123"
DIGITS_ONLY_CUSTOMER_ID = 7

DECLINING_EMAIL = "dana.decline@example.com"
DECLINING_CUSTOMER_ID = 8
DECLINING_ORDER_ID = 121
BANK_DEPOSIT_ORDER_ID = 122

WELCOME_PROMOTION_ID = 1
WELCOME_CODE = "WELCOME10"

FILLER_CUSTOMER_COUNT = 24

CATALOG: tuple[tuple[int, str, str, str], ...] = (
    (101, "Fog Linen Chambray Towel - Beige Stripe", "FLCT-BS", "49.00"),
    (102, "Orbit Terrarium - Large", "OTL", "109.00"),
    (103, "Able Brewing System", "ABS", "225.00"),
    (104, "Chemex Coffeemaker 3 Cup", "CC3C", "49.50"),
    (105, "Canvas Laundry Cart", "CLC", "200.00"),
    (106, "Tiered Wire Basket", "TWB", "119.95"),
    (107, "Oak Cheese Grater", "OCG", "34.95"),
    (108, "1 L Le Parfait Jar", "SLLPJ", "7.00"),
    (109, "Dustpan & Brush", "DPB", "34.50"),
    (110, "Utility Caddy", "OFSUC", "45.95"),
)
IMAGE_URL = "https://cdn11.bigcommerce.com/s-sandbox/images/stencil/original/products/{id}/{sku}.jpg"

FIRST_NAMES = ("Ava", "Noah", "Mia", "Liam", "Zoe", "Ethan", "Chloe", "Lucas", "Isla", "Oscar", "Ruby", "Leo")
LAST_NAMES = (
    "Nguyen",
    "Patel",
    "Garcia",
    "Okafor",
    "Schmidt",
    "Dubois",
    "Murphy",
    "Kowalski",
    "Rossi",
    "Tanaka",
)
US_PHONE_SPELLINGS = (
    "+1 628 555 {line}",
    "(628) 555-{line}",
    "628555{line}",
    "628-555-{line}",
    "+1628555{line}",
)
UK_PHONE_SPELLINGS = ("+44 20 7946 {line}", "020 7946 {line}", "07700 900{short}", "+447700900{short}")
FILLER_ADDRESSES = (
    ("US", "742 Evergreen Terrace", "Springfield", "Oregon", "97403"),
    ("GB", "221B Baker Street", "London", "", "NW1 6XE"),
    ("US", "1600 Amphitheatre Pkwy", "Mountain View", "California", "94043"),
    ("DE", "Unter den Linden 77", "Berlin", "", "10117"),
    ("FR", "8 Rue de Rivoli", "Paris", "", "75004"),
    ("IE", "12 Grafton Street", "Dublin", "", "D02 X285"),
)


def populate(store: SandboxStore, name: str) -> None:
    """Load the named seed into an empty store."""
    if name == JAPAN:
        seed_japan.populate(store)
        return
    if name != DEMO:
        raise ValueError(f"unknown seed {name!r}; the sandbox knows {DEMO!r} and {JAPAN!r}")
    with store.lock:
        seed_channels.add_channels(store)
        for group_id, group_name in CUSTOMER_GROUPS.items():
            if group_id:
                store.add_customer_group(group_id=group_id, name=group_name)
        for product_id, product_name, sku, price in CATALOG:
            image = IMAGE_URL.format(id=product_id, sku=sku.lower())
            store.add_catalog_product(
                product_id=product_id, name=product_name, sku=sku, price=Decimal(price), image_url=image
            )
        _well_known_customers(store)
        _martha_orders(store)
        _other_orders(store)
        _fillers(store)
        seed_world.populate(store)
        promotion = store.add_promotion(
            name="Welcome 10% off",
            display_name="10% off your first order",
            redemption_type="COUPON",
            rules=[{"action": {"cart_value": {"discount": {"percentage_amount": "10"}}}}],
            start_date=START.isoformat(),
        )
        code = store.add_coupon_code(promotion.id, WELCOME_CODE, max_uses=0, max_uses_per_customer=1)
        code.created = START
        seed_orders.populate(store)
        seed_channels.populate(store)


def _well_known_customers(store: SandboxStore) -> None:
    martha = make_customer(
        store, "Martha", "Williams", MARTHA_EMAIL, MARTHA_PHONE, day=1, group=2, credit="25.00"
    )
    martha.addresses.append(
        CustomerAddress(
            id=store.next_id("customer_address"),
            customer_id=martha.id,
            first_name="Martha",
            last_name="Williams",
            company="Williams Design Studio",
            address1="500 Howard Street",
            address2="Suite 300",
            city="San Francisco",
            state_or_province="California",
            postal_code="94105",
            country_code="US",
            country="United States",
            phone=MARTHA_PHONE,
            address_type="commercial",
        )
    )
    make_customer(store, "Morgan", "Mixed", MIXED_EMAIL, "+1 415 555 0107", day=2, group=1)
    make_customer(store, "Sam", "Shared", SHARED_EMAIL, "+1 312 555 0110", day=3, channel_ids=[1])
    make_customer(
        store,
        "Samantha",
        "Shared",
        SHARED_EMAIL,
        "+44 20 7946 0111",
        day=4,
        channel_ids=[2],
        address=("GB", "10 Downing Street", "London", "", "SW1A 2AA"),
    )
    make_customer(store, "Alice", "Conflict", ALICE_CONFLICT_EMAIL, ALICE_PHONE, day=5, group=1)
    make_customer(
        store, "Bob", "Conflict", BOB_CONFLICT_EMAIL, CONFLICT_PHONE, day=6, group=3, company="Conflict & Co"
    )
    make_customer(store, "Devon", "Digits", "devon.digits@example.com", DIGITS_ONLY_PHONE, day=7)
    make_customer(store, "Dana", "Decline", DECLINING_EMAIL, "+1 503 555 0150", day=8, credit="5.00")


GUEST_BILLING = {
    "first_name": "Gary",
    "last_name": "Guest",
    "street_1": "55 Music Concourse Drive",
    "city": "San Francisco",
    "state": "California",
    "zip": "94118",
    "country_iso2": "US",
    "phone": "+1 415 555 0177",
    "email": GUEST_EMAIL,
}


def _martha_orders(store: SandboxStore) -> None:
    martha = store.customers[MARTHA_CUSTOMER_ID]
    billing = billing_of(martha)

    def order(lines: list[tuple[int, int]], status_id: int, day: int, **details: Any) -> Order:
        return make_order(
            store, billing, lines, customer_id=martha.id, status_id=status_id, day=day, **details
        )

    order([(103, 1), (107, 2)], 10, 0, handling="2.00", shipping=Shipping("ups", "1Z999AA10123456784"))
    order([(101, 2)], 10, 37, currency="GBP", shipping=Shipping("royalmail", "RM123456785GB"))
    refunded = order([(107, 1)], 11, 64)
    shipping_item = {"item_type": "SHIPPING", "item_id": refunded.shipping_addresses[0].id, "amount": "9.95"}
    product_item = {"item_type": "PRODUCT", "item_id": refunded.products[0].id, "quantity": 1}
    make_refund(store, refunded, [product_item, shipping_item], CARD.provider_id, day=66)
    order(
        [(104, 1), (108, 3)],
        2,
        76,
        currency="EUR",
        shipping=Shipping("", "JD014600006281230704", carrier="dhl"),
    )
    partly = order([(109, 2)], 11, 89, provider=PAYPAL)
    one_unit = {"item_type": "PRODUCT", "item_id": partly.products[0].id, "quantity": 1}
    make_refund(store, partly, [one_unit], PAYPAL.provider_id, day=91)
    order([(110, 1)], 5, 97)
    order([(102, 1), (108, 2)], 2, 105, shipping=Shipping("fedex", "794644790138"))
    partial_shipping = Shipping("usps", "9400111899223817572377", lines=(1,))
    order([(105, 1), (106, 1)], STATUS_PARTIALLY_SHIPPED, 111, shipping=partial_shipping)
    order([(101, 1), (104, 2)], 11, 116, via_api=True)
    order([(108, 1)], 1, 117)


def _other_orders(store: SandboxStore) -> None:
    def registered(
        customer_id: int, lines: list[tuple[int, int]], status_id: int, day: int, **details: Any
    ) -> Order:
        billing = billing_of(store.customers[customer_id])
        return make_order(
            store, billing, lines, customer_id=customer_id, status_id=status_id, day=day, **details
        )

    def guest(
        billing: dict[str, str], lines: list[tuple[int, int]], status_id: int, day: int, **details: Any
    ) -> None:
        make_order(store, billing, lines, customer_id=0, status_id=status_id, day=day, **details)

    guest(GUEST_BILLING, [(106, 1)], 2, 40, shipping=Shipping("ups", "1Z999AA10123456791"))
    guest(GUEST_BILLING, [(104, 1)], 11, 110, via_api=True)
    registered(MIXED_CUSTOMER_ID, [(110, 1)], 10, 20, shipping=Shipping("usps", "9400111899223817572401"))
    registered(MIXED_CUSTOMER_ID, [(108, 4)], 11, 100)
    mixed_guest = billing_of(store.customers[MIXED_CUSTOMER_ID], email="Mixed.History@Example.com")
    guest(mixed_guest, [(107, 1)], 2, 50, shipping=Shipping("fedex", "794644790152"))
    guest(mixed_guest, [(109, 1)], 5, 60)
    for customer_id in SHARED_EMAIL_CUSTOMER_IDS:
        shared = registered(customer_id, [(101, 1)], 11, 70 + customer_id)
        shared.channel_id = (store.customers[customer_id].channel_ids or [1])[0]
    registered(ALICE_CUSTOMER_ID, [(103, 1)], 11, 80)
    registered(BOB_CUSTOMER_ID, [(105, 2)], 10, 81, shipping=Shipping("ups", "1Z999AA10123456808"))
    registered(
        DIGITS_ONLY_CUSTOMER_ID, [(102, 1)], 2, 82, shipping=Shipping("usps", "9400111899223817572418")
    )
    registered(DECLINING_CUSTOMER_ID, [(106, 1)], 11, 83, decline_refunds=True)
    registered(DECLINING_CUSTOMER_ID, [(107, 1)], 11, 84, provider=BANK_DEPOSIT)


def _fillers(store: SandboxStore) -> None:
    statuses = (10, 2, 11, 5, 1, 10)
    currencies = ("USD", "USD", "EUR", "USD", "GBP", "USD")
    for index in range(FILLER_CUSTOMER_COUNT):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        line = f"{131 + index:04d}"
        spellings = US_PHONE_SPELLINGS + UK_PHONE_SPELLINGS
        phone = (
            "" if index % 11 == 10 else spellings[index % len(spellings)].format(line=line, short=line[1:])
        )
        address = FILLER_ADDRESSES[index % len(FILLER_ADDRESSES)]
        customer = make_customer(
            store,
            first,
            last,
            f"{first}.{last}.{index}@example.com".lower(),
            phone,
            day=20 + index,
            group=index % 4,
            credit=f"{index % 5 * 10}.00" if index % 5 else None,
            address=address,
        )
        for number in range(index % 3):
            step = index + number
            make_order(
                store,
                billing_of(customer),
                [(101 + step % 10, 1 + number)],
                customer_id=customer.id,
                status_id=statuses[step % len(statuses)],
                day=120 + index + number,
                currency=currencies[step % len(currencies)],
                provider=(CARD, PAYPAL)[step % 2],
                shipping=Shipping("ups", f"1Z999AA1{index:04d}{number:04d}")
                if statuses[step % len(statuses)] in (2, 10)
                else None,
            )
