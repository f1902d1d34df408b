"""Shoppers for the fleet benchmark: many different returning shoppers, each with orders that shipped.

The demo store has about twenty shoppers with a shipped order; `make bench`'s fleet quota edge needs
40 different ones (`bench/fleet_bench.py`). `add_fleet_shoppers(store, count)` adds them to a store
already seeded (the demo store), after everything else, so every id of the demo seed stays what it
is: registered customers `fleet.shopper.NN@example.com`, each with 2 to 7 orders of which 1 to 4
shipped with a tracking number; every fourth shopper placed its newest order as a guest, billed to
the same email. A DETAILED lookup of one costs what most do: the shopper, the orders, the guest
orders and one shipments call per shipped order. Nothing is random: the same call adds the same shoppers.
"""

from __future__ import annotations

from dataclasses import dataclass

from devtools.sandbox.seed_making import CARD, PAYPAL, Shipping, billing_of, make_customer, make_order
from devtools.sandbox.store import SandboxStore

FLEET_EMAIL = "fleet.shopper.{number:02d}@example.com"
FIRST_NAMES = ("Ada", "Ben", "Cleo", "Dev", "Esme", "Finn", "Gia", "Hugo")
LAST_NAMES = ("Fleetwood", "Harbor", "Quayle", "Marsh", "Ferris")
SHIPPED_STATUS = 2  # Shipped
OPEN_STATUSES = (11, 10, 9)  # Awaiting Fulfillment, Completed, Awaiting Shipment


@dataclass(frozen=True)
class FleetShopper:
    """One added shopper as a lookup names it, and what BigCommerce holds for it."""

    customer_id: int
    name: str
    email: str
    order_ids: tuple[int, ...]
    tracked_order_ids: tuple[int, ...]
    """Orders with a shipment that has a tracking number: a full profile shows each one's tracking."""


def add_fleet_shoppers(store: SandboxStore, count: int) -> list[FleetShopper]:
    """Add `count` shoppers with shipped orders to `store` (seeded already), in a fixed way."""
    shoppers = []
    with store.lock:
        for number in range(1, count + 1):
            shoppers.append(_add_shopper(store, number))
    return shoppers


def _add_shopper(store: SandboxStore, number: int) -> FleetShopper:
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[number % len(LAST_NAMES)]
    email = FLEET_EMAIL.format(number=number)
    customer = make_customer(
        store, first, last, email, f"+1 415 555 {2000 + number:04d}", day=number % 300, group=number % 4
    )
    orders = 2 + number % 6
    shipped = min(orders, 1 + number % 4)
    order_ids, tracked = [], []
    for index in range(orders):
        shipping = (
            Shipping(("ups", "fedex", "usps")[index % 3], f"1Z999FL{number:03d}{index:02d}0000")
            if index < shipped
            else None
        )
        order = make_order(
            store,
            billing_of(customer),
            [(101 + (number + index) % 10, 1 + index % 2)],
            customer_id=customer.id if not (number % 4 == 0 and index == orders - 1) else 0,  # a guest one
            status_id=SHIPPED_STATUS if shipping else OPEN_STATUSES[index % len(OPEN_STATUSES)],
            day=10 + (number * 3 + index * 11) % 120,
            provider=(CARD, PAYPAL)[index % 2],
            shipping=shipping,
        )
        order_ids.append(order.id)
        if shipping is not None:
            tracked.append(order.id)
    return FleetShopper(customer.id, f"{first} {last}", email, tuple(order_ids), tuple(tracked))
