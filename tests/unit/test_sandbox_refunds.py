"""The refund engine without HTTP: amounts, tax, methods, and what a refund changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from devtools.sandbox import ApiError, PaymentProvider, refunds
from devtools.sandbox.inputs import RefundCreateIn, RefundQuoteIn
from devtools.sandbox.records import Order
from devtools.sandbox.store import SandboxStore

BILLING = {
    "first_name": "Ann",
    "last_name": "Lee",
    "zip": "94105",
    "country_iso2": "US",
    "email": "ann@example.com",
}


@pytest.fixture
def store() -> SandboxStore:
    return SandboxStore()


def _order(store: SandboxStore, *, customer_id: int = 0, **knobs: Any) -> Order:
    return store.add_order(
        customer_id=customer_id,
        status_id=11,
        billing_address=BILLING,
        products=[{"name": "Mug", "quantity": 3, "price_ex_tax": "10.00", "price_inc_tax": "10.85"}],
        shipping_cost_ex_tax="5.00",
        shipping_cost_inc_tax="6.00",
        payment_provider=PaymentProvider("braintree", "Braintree"),
        **knobs,
    )


def _quote(store: SandboxStore, order: Order, items: list[dict[str, Any]]) -> refunds.RefundQuote:
    return refunds.quote(store, order, RefundQuoteIn.model_validate({"items": items}).items)


def _refund(
    store: SandboxStore, order: Order, items: list[dict[str, Any]], provider: str = "braintree"
) -> Any:
    total = _quote(store, order, items).total_refund_amount
    body = RefundCreateIn.model_validate(
        {"items": items, "payments": [{"provider_id": provider, "amount": total}]}
    )
    return refunds.create_refund(store, order, body)


def test_products_refund_inclusive_of_tax_and_shipping_tax_is_proportional(store: SandboxStore) -> None:
    order = _order(store)
    items = [
        {"item_type": "PRODUCT", "item_id": order.products[0].id, "quantity": 2},
        {"item_type": "SHIPPING", "item_id": order.shipping_addresses[0].id, "amount": "3.00"},
    ]
    quoted = _quote(store, order, items)
    assert quoted.total_refund_amount == Decimal("24.70")
    assert quoted.total_refund_tax_amount == Decimal("2.20")  # 2 x 0.85 + 3.00 x 1/6
    assert [[o.provider_id for o in m] for m in quoted.refund_methods] == [["braintree"], ["custom"]]


def test_a_registered_customer_is_offered_store_credit_and_gets_it(store: SandboxStore) -> None:
    customer = store.add_customer(email="ann@example.com", first_name="Ann", last_name="Lee")
    order = _order(store, customer_id=customer.id)
    _refund(
        store,
        order,
        [{"item_type": "PRODUCT", "item_id": order.products[0].id, "quantity": 1}],
        "storecredit",
    )
    assert customer.store_credit == [Decimal("10.85")]


def test_refunds_consume_what_remains_until_the_order_is_refunded(store: SandboxStore) -> None:
    order = _order(store)
    _refund(store, order, [{"item_type": "ORDER", "item_id": order.id, "amount": "30.00"}])
    assert (order.status_id, refunds.remaining_amount(store, order)) == (14, Decimal("8.55"))
    with pytest.raises(ApiError) as over:
        _quote(store, order, [{"item_type": "PRODUCT", "item_id": order.products[0].id, "quantity": 1}])
    assert over.value.title == refunds.OVER_REFUND_TITLE
    _refund(store, order, [{"item_type": "ORDER", "item_id": order.id, "amount": "8.55"}])
    assert (order.status_id, order.payment_status) == (4, "refunded")


def test_a_declined_refund_changes_nothing(store: SandboxStore) -> None:
    order = _order(store, decline_refunds=True)
    declined = _refund(
        store, order, [{"item_type": "PRODUCT", "item_id": order.products[0].id, "quantity": 3}]
    )
    assert declined.is_declined and declined.settled_amount == 0
    assert (order.status_id, order.products[0].quantity_refunded) == (11, 0)
    offline = _refund(
        store, order, [{"item_type": "PRODUCT", "item_id": order.products[0].id, "quantity": 3}], "custom"
    )
    assert not offline.is_declined and order.products[0].quantity_refunded == 3


@pytest.mark.parametrize(
    ("item", "title"),
    [
        ({"item_type": "PRODUCT", "item_id": 999, "quantity": 1}, "Refund item not found"),
        (
            {"item_type": "PRODUCT", "item_id": 1, "quantity": 4},
            "Refund quantity is greater than remaining quantity",
        ),
        ({"item_type": "SHIPPING", "item_id": 1, "amount": "6.01"}, refunds.OVER_REFUND_TITLE),
        ({"item_type": "ORDER", "item_id": 1, "amount": "1.00"}, "Refund item not found"),
        ({"item_type": "ORDER", "item_id": 100, "amount": "0.005"}, "Amount has too many decimal places"),
        ({"item_type": "TAX", "item_id": 100, "amount": "1.00"}, "Tax refunds are not supported"),
        ({"item_type": "FEE", "item_id": 100, "amount": "1.00"}, "Refund item not found"),
    ],
)
def test_what_cannot_be_refunded_is_refused(store: SandboxStore, item: dict[str, Any], title: str) -> None:
    order = _order(store)
    with pytest.raises(ApiError) as refused:
        _quote(store, order, [item])
    assert (refused.value.status, refused.value.title) == (422, title)
