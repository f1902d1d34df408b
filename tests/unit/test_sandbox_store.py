"""Store rules shared by the API and the test helpers."""

from __future__ import annotations

import pytest

from devtools.sandbox import ApiError
from devtools.sandbox.store import SandboxStore

BILLING = {
    "first_name": "Ann",
    "last_name": "Lee",
    "zip": "94105",
    "country_iso2": "US",
    "email": "ann@example.com",
}


def test_an_email_is_unique_per_channel_but_may_repeat_across_channels() -> None:
    store = SandboxStore()
    store.add_customer(email="a@example.com", first_name="A", last_name="One", channel_ids=[1])
    store.add_customer(email="A@example.com", first_name="A", last_name="Two", channel_ids=[2])
    with pytest.raises(ApiError):
        store.add_customer(email="a@EXAMPLE.com", first_name="A", last_name="Global")


def test_a_coupon_code_is_unique_ignoring_case_and_limited_in_charset() -> None:
    store = SandboxStore()
    promotion = store.add_promotion(
        name="P",
        redemption_type="COUPON",
        rules=[{"action": {"cart_value": {"discount": {"fixed_amount": "5"}}}}],
    )
    store.add_coupon_code(promotion.id, "SAVE 5_now-1")
    with pytest.raises(ApiError) as duplicate:
        store.add_coupon_code(promotion.id, "save 5_NOW-1")
    with pytest.raises(ApiError) as bad:
        store.add_coupon_code(promotion.id, "SAVE5%")
    assert (duplicate.value.status, bad.value.status) == (422, 422)
    assert duplicate.value.title == "Coupon code already exists"


def test_an_order_for_an_unknown_customer_or_product_is_refused() -> None:
    store = SandboxStore()
    with pytest.raises(ApiError):
        store.add_order(customer_id=42, billing_address=BILLING, products=[{"product_id": 1, "quantity": 1}])
    with pytest.raises(ApiError):
        store.add_order(billing_address=BILLING, products=[{"product_id": 1, "quantity": 1}])


def test_add_shipment_ships_everything_left_by_default() -> None:
    store = SandboxStore()
    order = store.add_order(
        status_id=11,
        billing_address=BILLING,
        products=[{"name": "Mug", "quantity": 2, "price_ex_tax": 5, "price_inc_tax": 5}],
    )
    shipment = store.add_shipment(order.id, tracking_number="T1", tracking_carrier="ups")
    assert [(i.order_product_id, i.quantity) for i in shipment.items] == [(order.products[0].id, 2)]
    assert (order.status, order.date_shipped) == ("Shipped", shipment.date_created)
    with pytest.raises(ApiError):
        store.add_shipment(order.id, items=[{"order_product_id": order.products[0].id, "quantity": 1}])


def test_clear_starts_ids_again() -> None:
    store = SandboxStore()
    store.add_order(
        billing_address=BILLING,
        products=[{"name": "Mug", "quantity": 1, "price_ex_tax": 5, "price_inc_tax": 5}],
    )
    store.clear()
    order = store.add_order(
        billing_address=BILLING,
        products=[{"name": "Mug", "quantity": 1, "price_ex_tax": 5, "price_inc_tax": 5}],
    )
    assert (order.id, order.products[0].id) == (100, 1)
