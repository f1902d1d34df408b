"""Refund and cancel rules that need no network: which actions an order offers, who owns an order,
how refund methods are offered, how a journaled refund is recognised, and what agents are told."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import pytest

from gladly_bigcommerce.actions.cancel import not_cancellable
from gladly_bigcommerce.actions.declare import may_cancel, may_refund, order_actions
from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.orders import belongs_to, order_customer_id
from gladly_bigcommerce.actions.refund.amounts import (
    QuotedRefund,
    RefundableOrder,
    RefundMethod,
    default_method,
    refund_methods,
)
from gladly_bigcommerce.actions.refund.plan import refuse_adjusted_quote
from gladly_bigcommerce.actions.refund.write import (
    PAYMENT_PROCESSED_LATER,
    RefundSnapshot,
    find_journaled_refund,
    refund_answer,
)
from gladly_bigcommerce.bigcommerce.models import Order, Refund, RefundItem, RefundMethodPayment, RefundQuote
from gladly_bigcommerce.gladly.errors import BadRequest
from gladly_bigcommerce.settings.model import AdaptorSettings


def order(**fields: Any) -> Order:
    values: dict[str, Any] = {
        "id": 100,
        "customer_id": 1,
        "status_id": 11,
        "status": "Awaiting Fulfillment",
        "date_created": datetime(2025, 3, 1, tzinfo=UTC),
        "subtotal_ex_tax": "100",
        "subtotal_inc_tax": "108.50",
        "total_ex_tax": "100",
        "total_inc_tax": "108.50",
        "currency_code": "USD",
        "payment_status": "captured",
        "billing_address": {"email": "Shopper@Example.com"},
    }
    values.update(fields)
    return Order.model_validate(values)


def settings(actions: str) -> AdaptorSettings:
    return AdaptorSettings.from_env(
        {"DEPLOYMENT_NAME": "test", "STORE_HASH": "abc123", "SECRET_NAME": "s", "ACTIONS_ENABLED": actions}
    )


# --- which actions an order offers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "refund", "cancel"),
    [
        ({}, True, True),
        ({"status_id": 2, "status": "Shipped", "items_shipped": 1}, True, False),
        ({"status_id": 3, "status": "Partially Shipped", "items_shipped": 1}, True, False),
        ({"status_id": 10, "status": "Completed"}, True, False),
        ({"status_id": 9, "status": "Awaiting Shipment", "items_shipped": 1}, True, False),
        ({"status_id": 5, "status": "Cancelled"}, True, False),
        ({"status_id": 4, "status": "Refunded", "payment_status": "refunded"}, False, False),
        ({"status_id": 14, "status": "Partially Refunded"}, True, True),
        ({"status_id": 1, "status": "Pending", "payment_status": "pending"}, False, True),
        ({"status_id": 7, "status": "Awaiting Payment"}, False, True),
        ({"status_id": 0, "status": "Incomplete"}, False, False),
        ({"payment_status": "void"}, False, True),
        ({"total_inc_tax": "0"}, False, True),
    ],
)
def test_an_order_offers_what_its_state_allows(fields: dict[str, Any], refund: bool, cancel: bool) -> None:
    subject = order(**fields)
    assert (may_refund(subject), may_cancel(subject)) == (refund, cancel)


def test_actions_are_declared_only_when_enabled() -> None:
    subject = order()
    base = "https://abc.execute-api.us-east-1.amazonaws.com/prod"
    assert order_actions(subject, settings(""), base) == []
    assert [a.name for a in order_actions(subject, settings("refund"), base)] == ["Refund"]
    assert [a.name for a in order_actions(subject, settings("cancel,discount"), base)] == ["Cancel order"]
    declared = order_actions(subject, settings("true"), base)
    # Form URLs are absolute, on the public base URL Gladly called
    assert [(a.name, a.form_url) for a in declared] == [
        ("Refund", f"{base}/actions/refund?orderId=100&customer=1"),
        ("Cancel order", f"{base}/actions/cancel?orderId=100&customer=1"),
        ("Add staff note", f"{base}/actions/staff_note?orderId=100&customer=1"),
    ]
    assert [a.name for a in order_actions(subject, settings("staff_note"), base)] == ["Add staff note"]


def test_a_guest_order_is_owned_by_the_guest_id_of_its_email() -> None:
    guest = order(customer_id=0)
    assert order_customer_id(guest) == "guest:shopper@example.com"
    assert belongs_to(guest, "guest:shopper@example.com")
    # another spelling of the guest id is no id the adaptor hands out (the action URL refuses it)
    assert not belongs_to(guest, "GUEST:Shopper@Example.com")
    assert not belongs_to(guest, "guest:someone.else@example.com")
    assert not belongs_to(guest, "1")
    assert belongs_to(order(), "1") and not belongs_to(order(), "2")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status_id": 5, "status": "Cancelled"}, "already_cancelled"),
        ({"status_id": 2, "status": "Shipped"}, "already_shipped"),
        ({"items_shipped": 1}, "already_shipped"),
        ({"status_id": 4, "status": "Refunded"}, "already_refunded"),
    ],
)
def test_an_order_that_cannot_be_cancelled_says_why(fields: dict[str, Any], code: str) -> None:
    refusal = not_cancellable(order(**fields))
    assert refusal is not None and refusal.errors[0].code == code
    assert not_cancellable(order()) is None


# --- refund methods ------------------------------------------------------------------------------------


def option(
    provider: str, amount: str = "50", *, offline: bool = False, description: str = ""
) -> dict[str, Any]:
    return {
        "provider_id": provider,
        "provider_description": description or provider.title(),
        "amount": amount,
        "offline": offline,
        "offline_provider": offline,
    }


def quote(*methods: list[dict[str, Any]], total: str = "50") -> RefundQuote:
    return RefundQuote.model_validate({"total_refund_amount": total, "refund_methods": list(methods)})


def test_store_credit_is_offered_to_registered_customers_only() -> None:
    offered = quote([option("braintree")], [option("storecredit")], [option("custom", offline=True)])
    assert [m.key for m in refund_methods(offered, order())] == ["braintree", "storecredit", "custom"]
    assert [m.key for m in refund_methods(offered, order(customer_id=0))] == ["braintree", "custom"]


def test_the_preselected_method_is_how_the_shopper_paid() -> None:
    methods = refund_methods(
        quote([option("storecredit")], [option("custom", offline=True)], [option("paypal")]), order()
    )
    chosen = default_method(methods)
    assert chosen is not None and chosen.key == "paypal"
    assert default_method([]) is None


def test_a_split_method_pays_with_each_of_its_providers() -> None:
    split = RefundMethod(
        (
            RefundMethodPayment.model_validate(option("bankdeposit", "30.35", offline=True)),
            RefundMethodPayment.model_validate(option("storecredit", "19.65")),
        )
    )
    assert split.key == "bankdeposit+storecredit"
    assert split.total == Decimal("50.00")
    assert not split.offline
    assert [(p.provider_id, p.amount, p.offline) for p in split.payments()] == [
        ("bankdeposit", Decimal("30.35"), True),
        ("storecredit", Decimal("19.65"), False),
    ]
    assert (
        "recorded only"
        in RefundMethod((RefundMethodPayment.model_validate(option("custom", offline=True)),)).label
    )


# --- recognising and describing a refund ------------------------------------------------------------------


def snapshot(**fields: Any) -> RefundSnapshot:
    values: dict[str, Any] = {
        "known_refund_ids": [1, 2],
        "amount": "25.00",
        "currency": "EUR",
        "method_key": "braintree",
        "method_name": "Braintree (Credit Card)",
        "offline": False,
        "description": "1 x Towel (FLCT-BS)",
        "reason": "Torn",
        "items": "PRODUCT:3x1",
    }
    values.update(fields)
    return RefundSnapshot.model_validate(values)


def refund(refund_id: int, amount: str, *payments: dict[str, Any]) -> Refund:
    return Refund.model_validate(
        {
            "id": refund_id,
            "order_id": 100,
            "total_amount": amount,
            "payments": list(payments) or [{"provider_id": "braintree", "amount": amount}],
        }
    )


def test_a_journaled_refund_is_a_new_one_of_the_journaled_amount() -> None:
    known = refund(2, "25.00")
    other = refund(3, "10.00")
    ours = refund(4, "25.00")
    assert find_journaled_refund(snapshot(), (known, other, ours)) == ours
    assert find_journaled_refund(snapshot(), (known, other)) is None


def test_a_refund_is_described_as_requested_in_the_orders_currency_with_method_and_reason() -> None:
    # Given a refund BigCommerce accepted (its payment is processed afterwards, orders.v3)
    answer = refund_answer(refund(7, "25.00"), snapshot(), order_id=100)
    # Then the agent reads that it was requested, by which method, and that a decline may follow
    assert answer.result is not None
    assert answer.result.message == "Refund of €25.00 requested on order 100"
    assert answer.result.detail is not None
    assert "Refund of €25.00 requested by Braintree (Credit Card) on order 100" in answer.result.detail
    assert PAYMENT_PROCESSED_LATER in answer.result.detail
    assert "Refunded" not in answer.result.message + answer.result.detail
    assert "Reason: Torn" in answer.result.detail and "BigCommerce refund 7." in answer.result.detail
    assert answer.audit["amount"] == "25.00" and answer.audit["currency"] == "EUR"
    assert "Torn" not in str(answer.audit)


def test_a_declined_payment_is_a_refusal_saying_what_did_and_did_not_go_back() -> None:
    declined = refund(
        8,
        "25.00",
        {"provider_id": "storecredit", "amount": "5.00"},
        {
            "provider_id": "braintree",
            "amount": "20.00",
            "is_declined": True,
            "declined_message": "Expired",
        },
    )
    answer = refund_answer(declined, snapshot(), order_id=100)
    assert answer.refusal is not None and answer.refusal.code == "payment_declined"
    assert "€20.00 by braintree: Expired" in answer.refusal.detail
    assert "Only €5.00 by storecredit is still requested." in answer.refusal.detail
    assert answer.audit["declined"] == "true"


def test_an_offline_refund_is_described_as_recorded_with_no_money_sent() -> None:
    answer = refund_answer(refund(7, "25.00"), snapshot(offline=True, method_name="Custom"), order_id=100)
    assert answer.result is not None and answer.result.detail is not None
    assert answer.result.message == "Refund of €25.00 recorded on order 100"
    assert "BigCommerce sent no money" in answer.result.detail


# --- declined refunds and quotes BigCommerce adjusted -------------------------------------------------------


def refundable(*refunds: Refund, money_left: str = "108.50") -> RefundableOrder:
    return RefundableOrder(
        order=order(),
        products=(),
        refunds=refunds,
        lines=(),
        shipping=(),
        money_left=Decimal(money_left),
    )


def test_a_declined_refund_is_named_and_said_to_be_included_in_what_is_left() -> None:
    declined = refund(
        9,
        "20.00",
        {"provider_id": "braintree", "amount": "20.00", "is_declined": True, "declined_message": "Expired"},
    )
    note = refundable(refund(8, "5.00"), declined).declined_note()
    assert note is not None
    assert note.startswith(
        "An earlier refund of $20.00 by braintree (BigCommerce refund 9) was declined (Expired)"
    )
    assert "its amount is included in what is left" in note
    assert refundable(refund(8, "5.00")).declined_note() is None


NO_CONTEXT = cast(ActionContext, None)
"""A single field is at fault by itself: no BigCommerce call is needed to find it."""


def planned(total: str, adjustment: str, item: RefundItem) -> QuotedRefund:
    quote = RefundQuote.model_validate({"total_refund_amount": total, "adjustment": adjustment})
    return QuotedRefund(items=(item,), quote=quote)


AMOUNT_ITEM = RefundItem(item_type="ORDER", item_id=100, amount=Decimal("50.00"))
QUANTITY_ITEM = RefundItem(item_type="PRODUCT", item_id=3, quantity=2)


@pytest.mark.parametrize(
    ("quoted", "asked", "code", "detail"),
    [
        (planned("40.00", "-10.00", AMOUNT_ITEM), "50.00", "exceeds_remaining", "only $40.00 of the $50.00"),
        (planned("40.00", "0", AMOUNT_ITEM), "50.00", "exceeds_remaining", "only $40.00 of the $50.00"),
        (planned("50.01", "0.01", AMOUNT_ITEM), "50.00", "quote_differs", "quotes $50.01 for the $50.00"),
        (planned("30.00", "-20.00", QUANTITY_ITEM), None, "exceeds_remaining", "only $30.00 of the $50.00"),
    ],
    ids=["capped-amount", "total-below-asked", "rounded-up", "capped-quantity"],
)
def test_a_quote_not_as_asked_is_refused_on_the_field(
    quoted: QuotedRefund, asked: str | None, code: str, detail: str
) -> None:
    with pytest.raises(BadRequest) as refused:
        refuse_adjusted_quote(
            NO_CONTEXT, refundable(), quoted, ["amount"], asked=None if asked is None else Decimal(asked)
        )
    (error,) = refused.value.errors
    assert (error.attr, error.code) == ("amount", code)
    assert detail in error.detail and "Nothing was refunded" in error.detail


def test_a_quote_as_asked_passes() -> None:
    refuse_adjusted_quote(
        NO_CONTEXT, refundable(), planned("50.00", "0", AMOUNT_ITEM), ["amount"], asked=Decimal(50)
    )
    refuse_adjusted_quote(
        NO_CONTEXT, refundable(), planned("75.84", "0", QUANTITY_ITEM), ["qty_3"], asked=None
    )
