"""The fleet benchmark's shoppers (devtools/sandbox/seed_fleet.py): added after the demo store, every
demo id kept, each shopper with orders of which some shipped with tracking, the same every time."""

from __future__ import annotations

from devtools.sandbox import seed
from devtools.sandbox.seed_fleet import add_fleet_shoppers
from devtools.sandbox.store import SandboxStore


def demo_store() -> SandboxStore:
    store = SandboxStore()
    seed.populate(store, seed.DEMO)
    return store


def test_forty_shoppers_come_after_the_demo_store_whose_ids_stay_as_they_are() -> None:
    # Given the demo store, and the same store with the fleet's shoppers added
    plain, with_fleet = demo_store(), demo_store()
    shoppers = add_fleet_shoppers(with_fleet, 40)
    # Then every customer and order of the demo store is there, unchanged, and the shoppers are new
    assert {i: with_fleet.customers[i].email for i in plain.customers} == {
        i: c.email for i, c in plain.customers.items()
    }
    assert {i: with_fleet.orders[i] for i in plain.orders} == plain.orders
    assert not {s.customer_id for s in shoppers} & set(plain.customers)
    assert not {i for s in shoppers for i in s.order_ids} & set(plain.orders)
    assert len({s.email for s in shoppers}) == len({s.customer_id for s in shoppers}) == 40


def test_each_shopper_has_orders_some_shipped_with_tracking_and_every_fourth_a_guest_order() -> None:
    store = demo_store()
    for number, shopper in enumerate(add_fleet_shoppers(store, 40), start=1):
        assert 2 <= len(shopper.order_ids) <= 7 and 1 <= len(shopper.tracked_order_ids) <= 4
        for order_id in shopper.order_ids:
            order = store.orders[order_id]
            assert order.billing_address.email == shopper.email
            assert order.customer_id in (shopper.customer_id, 0)
            tracking = [s.tracking_number for s in store.shipments[order_id] if s.tracking_number]
            assert bool(tracking) == (order_id in shopper.tracked_order_ids)
        guests = [i for i in shopper.order_ids if store.orders[i].customer_id == 0]
        assert len(guests) == (1 if number % 4 == 0 else 0)


def test_the_same_call_adds_the_same_shoppers() -> None:
    first, second = demo_store(), demo_store()
    assert add_fleet_shoppers(first, 40) == add_fleet_shoppers(second, 40)
    assert first.orders == second.orders
