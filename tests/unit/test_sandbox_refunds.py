"""The refund engine without HTTP: amounts, tax, methods, and what a refund changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from devtools.sandbox import ApiError, PaymentProvider, api_refunds, refunds
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
    capped = _quote(store, order, [{"item_type": "PRODUCT", "item_id": order.products[0].id, "quantity": 1}])
    assert (capped.total_refund_amount, capped.adjustment) == (Decimal("8.55"), Decimal("-2.30"))
    _refund(store, order, [{"item_type": "ORDER", "item_id": order.id, "amount": "8.55"}])
    assert (order.status_id, order.payment_status) == (4, "refunded")


# --- quotes for more than is left: capped, with a negative adjustment (orders.v3 AdjustmentAmount) ----


@pytest.mark.parametrize(
    ("items", "total", "adjustment"),
    [
        ([{"item_type": "PRODUCT", "item_id": 1, "quantity": 4}], "32.55", "-10.85"),
        (
            [
                {"item_type": "PRODUCT", "item_id": 1, "quantity": 2},
                {"item_type": "PRODUCT", "item_id": 1, "quantity": 2},
            ],
            "32.55",
            "-10.85",
        ),
        ([{"item_type": "SHIPPING", "item_id": 1, "amount": "6.01"}], "6.00", "-0.01"),
        ([{"item_type": "ORDER", "item_id": 100, "amount": "100.00"}], "38.55", "-61.45"),
        ([{"item_type": "PRODUCT", "item_id": 1, "quantity": 3}], "32.55", "0.00"),
    ],
    ids=["quantity", "quantity-repeated", "shipping", "order-amount", "exactly-what-is-left"],
)
def test_a_quote_is_capped_at_what_is_left_with_a_negative_adjustment(
    store: SandboxStore, items: list[dict[str, Any]], total: str, adjustment: str
) -> None:
    # Given an order of 3 mugs at $10.85 and $6.00 shipping (order 100, product 1, address 1)
    order = _order(store)
    # When more than is left is quoted
    quoted = _quote(store, order, items)
    # Then the total is what is refundable, the adjustment the (negative) difference from what was asked
    assert (quoted.total_refund_amount, quoted.adjustment) == (Decimal(total), Decimal(adjustment))
    assert {o.amount for method in quoted.refund_methods for o in method} == {Decimal(total)}


def test_a_quote_capped_to_nothing_offers_no_refund_method(store: SandboxStore) -> None:
    order = _order(store)
    _refund(store, order, [{"item_type": "ORDER", "item_id": order.id, "amount": "38.55"}])
    quoted = _quote(store, order, [{"item_type": "ORDER", "item_id": order.id, "amount": "1.00"}])
    assert (quoted.total_refund_amount, quoted.adjustment) == (Decimal("0.00"), Decimal("-1.00"))
    assert quoted.refund_methods == ()


@pytest.mark.parametrize(
    ("item", "title", "errors"),
    [
        (
            {"item_type": "PRODUCT", "item_id": 1, "quantity": 4},
            "Refund quantity is greater than remaining quantity",
            {"items.0.quantity": "3 left to refund"},
        ),
        (
            {"item_type": "SHIPPING", "item_id": 1, "amount": "6.01"},
            refunds.OVER_REFUND_TITLE,
            {"items.0.amount": "6.00 left to refund"},
        ),
        ({"item_type": "ORDER", "item_id": 100, "amount": "38.56"}, refunds.OVER_REFUND_TITLE, {}),
    ],
    ids=["quantity", "shipping", "order-amount"],
)
def test_the_refunds_post_refuses_what_a_quote_caps(
    store: SandboxStore, item: dict[str, Any], title: str, errors: dict[str, str]
) -> None:
    # Given payments for the capped quote When the refund asks for more than is left
    order = _order(store)
    with pytest.raises(ApiError) as refused:
        _refund(store, order, [item])
    # Then it is refused (reference FACTS "Not settled": 422) and nothing is recorded or moved
    assert (refused.value.status, refused.value.title, refused.value.errors) == (422, title, errors)
    assert store.refunds == {} and order.products[0].quantity_refunded == 0


# --- declines ---------------------------------------------------------------------------------------------


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
        ({"item_type": "PRODUCT", "item_id": 1, "quantity": 0}, "Quantity is required"),
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


def test_a_decline_shows_in_the_refund_list_not_in_the_posts_answer(store: SandboxStore) -> None:
    # Given an order whose card refunds are declined, refunded in full to the card
    order = _order(store, decline_refunds=True)
    everything = [{"item_type": "ORDER", "item_id": order.id, "amount": "38.55"}]
    declined = _refund(store, order, everything)
    # Then the POST's answer shows the payment scheduled (orders.v3: the payment is asynchronous)
    (answered,) = api_refunds.refund_json(declined, scheduled=True)["payments"]
    assert (answered["is_declined"], answered["declined_message"]) == (False, "")
    # And the refund as listed afterwards carries the decline
    (listed,) = api_refunds.refund_json(declined)["payments"]
    assert listed["is_declined"] is True and listed["declined_message"] == refunds.DECLINED_MESSAGE
    # And a new quote includes the declined amount again, consistent with the list
    again = _quote(store, order, everything)
    assert (again.total_refund_amount, again.adjustment) == (Decimal("38.55"), Decimal("0.00"))
