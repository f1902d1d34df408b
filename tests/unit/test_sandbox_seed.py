"""The demo seed: deterministic, and the well-known fixtures hold what their names promise."""

from __future__ import annotations

from decimal import Decimal

import pytest

from devtools.sandbox import seed, seed_channels, seed_japan, seed_orders, seed_world
from devtools.sandbox.api_customers import customer_json
from devtools.sandbox.records import ORDER_STATUSES
from devtools.sandbox.store import SandboxStore


@pytest.fixture(scope="module")
def store() -> SandboxStore:
    demo = SandboxStore()
    seed.populate(demo, seed.DEMO)
    return demo


def test_the_seed_is_the_same_every_time(store: SandboxStore) -> None:
    again = SandboxStore()
    seed.populate(again, seed.DEMO)
    assert again.orders == store.orders
    assert [customer_json(c, {"addresses"}) for c in again.customers.values()] == [
        customer_json(c, {"addresses"}) for c in store.customers.values()
    ]


def test_an_unknown_seed_is_refused() -> None:
    with pytest.raises(ValueError):
        seed.populate(SandboxStore(), "production")


def test_martha_has_ten_orders_five_shipped(store: SandboxStore) -> None:
    martha = store.customers[seed.MARTHA_CUSTOMER_ID]
    orders = [o for o in store.orders.values() if o.customer_id == martha.id]
    shipped = [o.id for o in orders if store.shipments[o.id]]
    assert (martha.email, martha.phone) == (seed.MARTHA_EMAIL, seed.MARTHA_PHONE)
    assert tuple(o.id for o in orders) == seed.MARTHA_ORDER_IDS
    assert tuple(shipped) == seed.MARTHA_SHIPPED_ORDER_IDS


@pytest.mark.parametrize(
    ("order_id", "status"),
    [
        (seed.FULLY_REFUNDED_ORDER_ID, "Refunded"),
        (seed.PARTIALLY_REFUNDED_ORDER_ID, "Partially Refunded"),
        (seed.CANCELLED_ORDER_ID, "Cancelled"),
        (seed.SHIPPED_ORDER_ID, "Shipped"),
        (seed.PARTIALLY_SHIPPED_ORDER_ID, "Partially Shipped"),
        (seed.UNSHIPPED_ORDER_ID, "Awaiting Fulfillment"),
        (seed.PENDING_ORDER_ID, "Pending"),
        (seed.REFUNDABLE_ORDER_ID, "Completed"),
    ],
)
def test_the_status_fixtures(store: SandboxStore, order_id: int, status: str) -> None:
    assert store.orders[order_id].status == status


def test_guest_mixed_shared_and_conflict_fixtures(store: SandboxStore) -> None:
    by_email = {}
    for order in store.orders.values():
        by_email.setdefault(order.billing_address.email.casefold(), []).append(order)
    assert tuple(o.id for o in by_email[seed.GUEST_EMAIL]) == seed.GUEST_ORDER_IDS
    assert {o.customer_id for o in by_email[seed.GUEST_EMAIL]} == {0}
    mixed = {o.id: o.customer_id for o in by_email[seed.MIXED_EMAIL]}
    assert {mixed[i] for i in seed.MIXED_ACCOUNT_ORDER_IDS} == {seed.MIXED_CUSTOMER_ID}
    assert {mixed[i] for i in seed.MIXED_GUEST_ORDER_IDS} == {0}
    shared = [c.id for c in store.customers.values() if c.email == seed.SHARED_EMAIL]
    assert tuple(shared) == seed.SHARED_EMAIL_CUSTOMER_IDS
    alice, bob = store.customers[seed.ALICE_CUSTOMER_ID], store.customers[seed.BOB_CUSTOMER_ID]
    assert (alice.email, bob.phone) == (
        seed.ALICE_CONFLICT_EMAIL,
        seed.CONFLICT_PHONE,
    ) and alice.phone != bob.phone
    assert store.customers[seed.DIGITS_ONLY_CUSTOMER_ID].phone == seed.DIGITS_ONLY_PHONE
    assert store.orders[seed.DECLINING_ORDER_ID].decline_refunds
    assert store.orders[seed.BANK_DEPOSIT_ORDER_ID].payment_provider.offline


def test_the_store_is_varied_enough_for_demos(store: SandboxStore) -> None:
    statuses = {o.status for o in store.orders.values()}
    currencies = {o.currency_code for o in store.orders.values()}
    phones = [c.phone for c in store.customers.values() if c.phone]
    assert {ORDER_STATUSES[i][0] for i in (1, 2, 3, 4, 5, 10, 11, 14)} <= statuses
    assert {"USD", "EUR", "GBP", "JPY", "INR", "AUD"} <= currencies
    # the demo's eight, the fillers, the world's shoppers, Olivia Options (seed_orders) and Rosa's two
    # accounts (seed_channels), one person whose two accounts share her phone
    rosa = len(seed_channels.ROSA_CUSTOMER_IDS)
    assert len(store.customers) == 8 + seed.FILLER_CUSTOMER_COUNT + seed_world.WORLD_CUSTOMER_COUNT + 1 + rosa
    assert any(p.startswith("+44") for p in phones) and any(p.startswith("07700") for p in phones)
    assert len(set(phones)) == len(phones) - rosa + 1
    assert {c.customer_group_id for c in store.customers.values()} == set(seed.CUSTOMER_GROUPS)
    assert {g.id: g.name for g in store.customer_groups.values()} == {
        group_id: name for group_id, name in seed.CUSTOMER_GROUPS.items() if group_id
    }
    # Every catalog product has an image; a gift certificate is no catalog product
    lines = [p for o in store.orders.values() for p in o.products]
    assert all(store.product_image_url(p.product_id) for p in lines if p.type != "giftcertificate")


def test_olivias_orders_are_the_kinds_real_stores_hold(store: SandboxStore) -> None:
    orders = {o.id: o for o in store.orders.values() if o.customer_id == seed_orders.OLIVIA_CUSTOMER_ID}
    assert tuple(orders) == seed_orders.OLIVIA_ORDER_IDS
    tee, bundle, brewer, chemex = orders[seed_orders.OPTIONS_BUNDLE_ORDER_ID].products
    assert [o.display_name for o in tee.options] == ["Size", "Color", "Back print"]
    assert tee.discounted_total_inc_tax == tee.total_inc_tax - Decimal("5.00")
    assert (brewer.parent_id, chemex.parent_id) == (bundle.id, bundle.id)
    assert [p.quantity_shipped for p in (tee, bundle, brewer, chemex)] == [2, 1, 1, 0]
    assert [p.type for p in orders[seed_orders.DIGITAL_ORDER_ID].products] == ["digital"]
    assert [p.type for p in orders[seed_orders.GIFT_CERTIFICATE_ORDER_ID].products] == [
        "giftcertificate",
        "physical",
    ]
    completed = orders[seed_orders.COMPLETED_UNSHIPPED_ORDER_ID]
    assert (completed.status, store.shipments[completed.id]) == ("Completed", [])
    renamed = orders[seed_orders.RENAMED_STATUS_ORDER_ID]
    assert store.status_label(renamed.status_id) == seed_orders.RENAMED_STATUS_LABEL
    # Id blocks (theirs, seed_channels') leave every other fixture's ids where they were: one sequence
    main = sorted(o.id for o in store.orders.values() if o.id < min(orders))
    assert main == list(range(100, 100 + len(main)))


def test_the_japanese_store_sells_in_whole_yen() -> None:
    japan = SandboxStore()
    seed.populate(japan, seed.JAPAN)
    assert (japan.info.currency, japan.info.decimal_places) == ("JPY", 0)
    shipped = japan.orders[seed_japan.JP_SHIPPED_ORDER_ID]
    assert (shipped.currency_code, shipped.total_inc_tax) == ("JPY", seed_japan.JP_SHIPPED_TOTAL)
    assert shipped.store_default_to_transactional_exchange_rate == 1
    assert all(
        o.total_inc_tax >= 1000 and o.total_inc_tax == o.total_inc_tax.to_integral()
        for o in japan.orders.values()
    )
    assert japan.customers[seed_japan.HARUKA_CUSTOMER_ID].email == seed_japan.HARUKA_EMAIL
