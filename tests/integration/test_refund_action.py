"""The refund action end to end: signed requests through the local API Gateway, the real handler,
DynamoDB in moto (tables from template.yaml) and the BigCommerce sandbox over HTTP.

Every test starts from the sandbox's seeded demo store (`bc_sandbox` resets it); each form is
opened fresh, so each submit has its own one-time token.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import PaymentProvider, seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from gladly_bigcommerce.actions.refund import write as refund_module
from tests.fixtures.sandbox import SandboxHttp
from tests.integration.actions_support import (
    MARTHA,
    REFUNDS_PATH,
    SHORT_DEADLINE_SECONDS,
    answer_after_the_deadline,
    assert_documented_answer,
    assert_every_event_covered,
    check_token,
    error_of,
    form_url,
    open_form,
    rate_limit_once,
    refund_posts,
    refunds_of,
    run_concurrently,
    sections_by_attr,
    send_event,
    short_deadlines,
    submit,
    submit_new_form,
)

ORDER = seed.REFUNDABLE_ORDER_ID  # $331.92: 1 x $244.13, 2 x $37.92, shipping $9.95, handling $2.00
GREATER_LINE = 2  # order product id of the 2 Oak Cheese Graters on ORDER
SHIPPING_ADDRESS = 1  # order address id of ORDER

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def submit_refund(client: GladlyClient, values: dict[str, Any]) -> requests.Response:
    return submit_new_form(client, "refund", values, ORDER)


# --- the form -------------------------------------------------------------------------------------------


def test_the_form_shows_what_is_left_and_every_way_to_refund_it(gladly_client: GladlyClient) -> None:
    # Given a paid, unrefunded order of $331.92 When the agent opens the refund form
    form = open_form(gladly_client, "refund", ORDER)
    sections = sections_by_attr(form)
    # Then it offers everything left (quoted by BigCommerce), items, shipping or a custom amount
    scope_options = {o["value"]: o["text"] for o in sections["refund"]["input"]["options"]}
    assert scope_options == {
        "everything": "Everything left: $331.92",
        "items": "Chosen items (quantities below)",
        "shipping": "Shipping (amount below)",
        "amount": "A custom amount (below)",
    }
    assert "2 left at $37.92 each" in sections[f"qty_{GREATER_LINE}"]["label"]
    assert sections[f"shipping_{SHIPPING_ADDRESS}"]["label"] == "Shipping: up to $9.95"
    # And how the money can go back: the card, store credit (a registered customer) or recorded only
    methods = [o["value"] for o in sections["payment_method"]["input"]["options"]]
    assert methods == ["braintree", "storecredit", "custom"]
    assert sections["payment_method"]["defaultValue"] == "braintree"
    # And a required reason, and a one-time token in the action URL
    assert not sections["reason"]["input"].get("optional")
    query = parse_qs(urlsplit(form["actionUrl"]).query)
    assert urlsplit(form["actionUrl"]).path == "/prod/actions/refund"
    assert query["orderId"] == [str(ORDER)] and query["customer"] == [MARTHA]
    assert check_token(gladly_client, form, FormSubject("refund", ORDER, MARTHA))


def test_amounts_are_in_the_orders_own_currency(gladly_client: GladlyClient) -> None:
    form = open_form(gladly_client, "refund", seed.GBP_ORDER_ID)
    options = sections_by_attr(form)["refund"]["input"]["options"]
    assert options[0]["text"] == "Everything left: £83.92"
    response = submit(gladly_client, form, {"refund": "amount", "amount": "10.50", "reason": "Late"})
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Refund of £10.50 requested on order {seed.GBP_ORDER_ID}"


def test_each_form_gets_its_own_token(gladly_client: GladlyClient) -> None:
    first = open_form(gladly_client, "refund", ORDER)
    second = open_form(gladly_client, "refund", ORDER)
    assert first["actionUrl"] != second["actionUrl"]


def test_a_guest_order_is_not_offered_store_credit(gladly_client: GladlyClient) -> None:
    guest_order = seed.GUEST_ORDER_IDS[1]
    form = open_form(gladly_client, "refund", guest_order, customer=f"guest:{seed.GUEST_EMAIL}")
    methods = sections_by_attr(form).get("payment_method")
    offered = [o["value"] for o in methods["input"]["options"]] if methods else []
    assert "storecredit" not in offered


@pytest.mark.parametrize(
    "order_id", [seed.FULLY_REFUNDED_ORDER_ID, seed.PENDING_ORDER_ID], ids=["refunded", "unpaid"]
)
def test_nothing_left_to_refund_is_406(gladly_client: GladlyClient, order_id: int) -> None:
    response = gladly_client.get(form_url(gladly_client, "refund", {"orderId": order_id, "customer": MARTHA}))
    assert response.status_code == 406
    assert error_of(response)["code"] == "nothing_to_refund"


def test_a_form_for_another_customers_order_is_refused(gladly_client: GladlyClient) -> None:
    query = {"orderId": ORDER, "customer": seed.MIXED_CUSTOMER_ID}
    response = gladly_client.get(form_url(gladly_client, "refund", query))
    # A form that cannot be served is a 406 naming no field (orderId is in the URL, not the form)
    assert response.status_code == 406
    assert error_of(response)["attr"] == ""
    assert error_of(response)["code"] == "order_of_another_customer"


# --- refunds that go through ----------------------------------------------------------------------------


def test_a_full_refund_returns_everything_left_and_nothing_is_left_after(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the refund form of a $331.92 order
    form = open_form(gladly_client, "refund", ORDER)
    # When the agent refunds everything to the card
    response = submit(
        gladly_client, form, {"refund": "everything", "payment_method": "braintree", "reason": "Damaged"}
    )
    # Then Gladly is told the refund was requested, in the order's currency, and how; BigCommerce
    # processes the payment afterwards (orders.v3 createOrderRefund), so no money is said to be back
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["message"] == f"Refund of $331.92 requested on order {ORDER}"
    assert "requested by Braintree (Credit Card)" in result["detail"]
    assert refund_module.PAYMENT_PROCESSED_LATER in result["detail"]
    assert "Refunded" not in result["message"] + result["detail"]
    assert "Reason: Damaged" in result["detail"]
    # And BigCommerce made exactly that refund, with payments adding up to the quote
    (refund,) = refunds_of(bc_sandbox, ORDER)
    assert refund.total_amount == Decimal("331.92")
    assert sum(p.amount for p in refund.payments) == Decimal("331.92")
    assert bc_sandbox.store.order(ORDER).status_id == 4  # Refunded
    # And a new form says there is nothing left
    again = gladly_client.get(form_url(gladly_client, "refund", {"orderId": ORDER, "customer": MARTHA}))
    assert again.status_code == 406


def test_a_partial_refund_by_item_refunds_that_quantity_only(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = submit_refund(
        gladly_client,
        {
            "refund": "items",
            f"qty_{GREATER_LINE}": "1",
            "qty_1": "0",
            "payment_method": "braintree",
            "reason": "One grater was chipped",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Refund of $37.92 requested on order {ORDER}"
    assert "1 x Oak Cheese Grater (OCG)" in response.json()["detail"]
    (refund,) = refunds_of(bc_sandbox, ORDER)
    assert [(i.item_type, i.item_id, i.quantity) for i in refund.items] == [("PRODUCT", GREATER_LINE, 1)]
    # And the next form shows one grater left
    label = sections_by_attr(open_form(gladly_client, "refund", ORDER))[f"qty_{GREATER_LINE}"]["label"]
    assert "1 left at $37.92 each" in label


def test_a_partial_refund_by_amount_goes_to_store_credit_when_chosen(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = submit_refund(
        gladly_client,
        {"refund": "amount", "amount": "12.50", "payment_method": "storecredit", "reason": "Goodwill"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Refund of $12.50 requested on order {ORDER}"
    assert "requested by Store Credit" in response.json()["detail"]
    (refund,) = refunds_of(bc_sandbox, ORDER)
    assert [(i.item_type, i.requested_amount) for i in refund.items] == [("ORDER", Decimal("12.50"))]
    assert [p.provider_id for p in refund.payments] == ["storecredit"]


def test_a_shipping_refund_refunds_the_shipping_amount(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = submit_refund(
        gladly_client,
        {"refund": "shipping", f"shipping_{SHIPPING_ADDRESS}": "9.95", "reason": "Late"},
    )
    assert response.status_code == 200, response.text
    (refund,) = refunds_of(bc_sandbox, ORDER)
    assert [(i.item_type, i.item_id, i.requested_amount) for i in refund.items] == [
        ("SHIPPING", SHIPPING_ADDRESS, Decimal("9.95"))
    ]


def test_an_offline_method_says_no_money_was_sent(gladly_client: GladlyClient) -> None:
    response = submit_refund(
        gladly_client, {"refund": "amount", "amount": "5", "payment_method": "custom", "reason": "Cash"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Refund of $5.00 recorded on order {ORDER}"
    assert "BigCommerce sent no money" in response.json()["detail"]


# --- refunds refused --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "attr", "code"),
    [
        ({"refund": "amount", "amount": "331.93"}, "amount", "exceeds_remaining"),
        ({"refund": "items", f"qty_{GREATER_LINE}": "3"}, f"qty_{GREATER_LINE}", "exceeds_remaining"),
        ({"refund": "shipping", "shipping_1": "10.00"}, "shipping_1", "exceeds_remaining"),
        ({"refund": "amount", "amount": "12,5abc"}, "amount", "invalid_amount"),
        ({"refund": "amount", "amount": "12.505"}, "amount", "invalid_amount"),
        ({"refund": "amount", "amount": ""}, "amount", "missing"),
        ({"refund": "items", "qty_1": "0", f"qty_{GREATER_LINE}": "0"}, "qty_1", "missing"),
        ({"refund": "everything", "amount": "5"}, "amount", "conflicting_fields"),
        ({"refund": "", "amount": "5"}, "refund", "missing"),
        # a method the form did not offer (paypal) is no option of its select
        ({"refund": "amount", "amount": "5", "payment_method": "paypal"}, "payment_method", "invalid_choice"),
    ],
    ids=[
        "over-refund-amount",
        "over-refund-quantity",
        "over-refund-shipping",
        "comma-amount",
        "three-decimals",
        "no-amount",
        "no-quantity",
        "fields-of-another-choice",
        "no-choice",
        "method-not-on-the-form",
    ],
)
def test_a_bad_choice_is_refused_on_its_field_and_nothing_is_refunded(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, values: dict[str, str], attr: str, code: str
) -> None:
    response = submit_refund(gladly_client, {**values, "reason": "Testing"})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == (attr, code)
    assert refund_posts(bc_sandbox) == []


def test_a_missing_reason_is_refused_and_the_corrected_form_then_goes_through(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a submit without a reason, refused on the reason field (the form stays open)
    form = open_form(gladly_client, "refund", ORDER)
    refused = submit(gladly_client, form, {"refund": "amount", "amount": "5", "reason": " "})
    assert refused.status_code == 400 and error_of(refused)["attr"] == "reason"
    # When the agent adds a reason and submits the same form
    accepted = submit(gladly_client, form, {"refund": "amount", "amount": "5", "reason": "Goodwill"})
    # Then it goes through: a refused submit does not use up the token
    assert accepted.status_code == 200, accepted.text
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_a_form_is_checked_against_what_is_left_when_it_is_submitted(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a form opened, then money refunded elsewhere (BigCommerce's control panel) meanwhile
    form = open_form(gladly_client, "refund", ORDER)
    other = open_form(gladly_client, "refund", ORDER)
    assert submit(gladly_client, other, {"refund": "amount", "amount": "330", "reason": "Elsewhere"}).ok
    # When the first form asks for more than is now left
    response = submit(gladly_client, form, {"refund": "amount", "amount": "5", "reason": "Too late"})
    # Then it is refused on the amount, with what is left
    assert response.status_code == 400
    assert error_of(response)["attr"] == "amount"
    assert "$1.92" in error_of(response)["detail"]
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_a_refund_declined_after_the_post_is_never_reported_as_money_returned(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given an order whose card refunds the payment provider declines, after BigCommerce took them
    order_id, customer = seed.DECLINING_ORDER_ID, str(seed.DECLINING_CUSTOMER_ID)
    form = open_form(gladly_client, "refund", order_id, customer=customer)
    everything = sections_by_attr(form)["refund"]["input"]["options"][0]["text"]
    left = everything.removeprefix("Everything left: ")
    values = {"refund": "everything", "payment_method": "braintree", "reason": "Wrong size"}
    # When the agent refunds everything to the card
    response = submit(gladly_client, form, values)
    # Then the answer says the refund was requested and that BigCommerce processes the payment
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["message"] == f"Refund of {left} requested on order {order_id}"
    assert refund_module.PAYMENT_PROCESSED_LATER in result["detail"]
    assert "Refunded" not in result["message"] + result["detail"]
    # And BigCommerce's answer to the POST showed no decline: the payment is processed afterwards
    (post,) = refund_posts(bc_sandbox)
    assert [p["is_declined"] for p in post.response_json["data"]["payments"]] == [False]
    # When the order's refunds are read afterwards Then they carry the decline
    (listed,) = bc_http.get(f"/v3/orders/{order_id}/payment_actions/refunds").json()["data"]
    assert [p["is_declined"] for p in listed["payments"]] == [True]
    # And the next form names the declined refund and offers its amount again
    scope = sections_by_attr(open_form(gladly_client, "refund", order_id, customer=customer))["refund"]
    assert scope["input"]["options"][0]["text"] == everything
    assert f"{left} of order {order_id} can be refunded." in scope["hint"]
    assert (
        f"An earlier refund of {left} by braintree (BigCommerce refund {listed['id']}) was declined"
        in (scope["hint"])
    )
    # And the same submit again answers the same, without a second refund
    again = submit(gladly_client, form, values)
    assert again.status_code == 200 and again.json() == result
    assert len(refund_posts(bc_sandbox)) == 1


# --- quotes BigCommerce caps: refused on the field, nothing sent --------------------------------------------


def capped_quotes(sandbox: SandboxServer) -> list[Any]:
    """The refund quotes BigCommerce answered with a total below what was asked (negative adjustment)."""
    return [
        record
        for record in sandbox.requests.find("POST", r"/refund_quotes$")
        if record.status == 201 and record.response_json["data"]["adjustment"] < 0
    ]


@pytest.mark.parametrize(
    ("values", "attr"),
    [
        ({"refund": "items", f"qty_{GREATER_LINE}": "1"}, f"qty_{GREATER_LINE}"),
        ({"refund": "shipping", f"shipping_{SHIPPING_ADDRESS}": "9.95"}, f"shipping_{SHIPPING_ADDRESS}"),
    ],
    ids=["quantity", "shipping-amount"],
)
def test_a_quote_bigcommerce_caps_is_refused_on_its_field_and_nothing_is_sent(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, values: dict[str, str], attr: str
) -> None:
    # Given $325.00 of the $331.92 order refunded as a custom amount: $6.92 left, though no item or
    # shipping was refunded, so the form's own checks of quantities and shipping pass
    earlier = {"refund": "amount", "amount": "325.00", "payment_method": "braintree", "reason": "Goodwill"}
    assert submit_refund(gladly_client, earlier).status_code == 200
    posts = len(refund_posts(bc_sandbox))
    # When the agent asks for an item or the shipping, worth more than is left
    response = submit_refund(gladly_client, {**values, "payment_method": "braintree", "reason": "Damaged"})
    # Then BigCommerce capped the quote (orders.v3 AdjustmentAmount) and the submit is refused on the
    # field, saying what can be refunded
    assert capped_quotes(bc_sandbox)
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == (attr, "exceeds_remaining")
    assert "BigCommerce can refund only $6.92" in error_of(response)["detail"]
    # And nothing reached the refunds endpoint
    assert len(refund_posts(bc_sandbox)) == posts
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_of_several_chosen_items_the_one_bigcommerce_caps_is_the_field_at_fault(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given an order of a $10.00 mug and a $100.00 kettle, $50.00 of it refunded: $60.00 left
    order = bc_sandbox.store.add_order(
        customer_id=seed.MARTHA_CUSTOMER_ID,
        status_id=11,
        billing_address={"first_name": "Martha", "zip": "94105", "email": seed.MARTHA_EMAIL},
        products=[
            {"name": "Mug", "quantity": 1, "price_ex_tax": "10.00", "price_inc_tax": "10.00"},
            {"name": "Kettle", "quantity": 1, "price_ex_tax": "100.00", "price_inc_tax": "100.00"},
        ],
        payment_provider=PaymentProvider("braintree", "Braintree (Credit Card)"),
    )
    mug, kettle = order.products
    earlier = {"refund": "amount", "amount": "50.00", "payment_method": "braintree", "reason": "Goodwill"}
    assert submit_new_form(gladly_client, "refund", earlier, order.id).status_code == 200
    posts = len(refund_posts(bc_sandbox))
    # When the agent asks for one mug and one kettle
    values = {"refund": "items", f"qty_{mug.id}": "1", f"qty_{kettle.id}": "1", "reason": "Both broken"}
    response = submit_new_form(gladly_client, "refund", values, order.id)
    # Then the kettle's field is refused (alone it is worth more than is left), and nothing is sent
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == (
        f"qty_{kettle.id}",
        "exceeds_remaining",
    )
    assert len(refund_posts(bc_sandbox)) == posts


# --- exactly once ---------------------------------------------------------------------------------------


def test_the_same_submit_twice_refunds_once_and_answers_the_same(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client, "refund", ORDER)
    values = {"refund": "amount", "amount": "10", "payment_method": "braintree", "reason": "Double click"}
    first = submit(gladly_client, form, values)
    second = submit(gladly_client, form, values)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(refund_posts(bc_sandbox)) == 1


def test_the_same_token_with_other_values_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client, "refund", ORDER)
    assert submit(gladly_client, form, {"refund": "amount", "amount": "10", "reason": "First"}).ok
    response = submit(gladly_client, form, {"refund": "amount", "amount": "20", "reason": "First"})
    assert response.status_code == 406
    assert error_of(response)["code"] == "form_already_submitted"
    assert len(refund_posts(bc_sandbox)) == 1


def test_ten_concurrent_submits_of_one_form_make_exactly_one_refund(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a refund that takes BigCommerce a moment, so the repeats arrive while it runs
    bc_sandbox.refund_processing_seconds = 0.5
    form = open_form(gladly_client, "refund", ORDER)
    values = {"refund": "everything", "payment_method": "braintree", "reason": "Impatient clicks"}
    # When the same submit arrives ten times at once
    responses = run_concurrently([lambda: submit(gladly_client, form, values)] * 10)
    # Then BigCommerce saw one refund, and every request got its answer
    assert len(refund_posts(bc_sandbox)) == 1
    assert len(refunds_of(bc_sandbox, ORDER)) == 1
    assert [r.status_code for r in responses] == [200] * 10
    assert len({r.text for r in responses}) == 1


def test_two_agents_refunding_one_order_at_once_are_serialised(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given two agents with the refund form of the same order, and BigCommerce refusing (409)
    # a refund while another one on the order is being processed
    bc_sandbox.refund_processing_seconds = 0.5
    first = open_form(gladly_client, "refund", ORDER)
    second = open_form(gladly_client, "refund", ORDER)
    values = {"refund": "everything", "payment_method": "braintree", "reason": "Both agents"}
    # When both refund everything at the same moment
    responses = run_concurrently(
        [lambda: submit(gladly_client, first, values), lambda: submit(gladly_client, second, values)]
    )
    # Then one refund was made; the other agent waited for it and learnt nothing is left
    assert sorted(r.status_code for r in responses) == [200, 406]
    refused = next(r for r in responses if r.status_code == 406)
    assert error_of(refused)["code"] == "nothing_to_refund"
    assert len(refunds_of(bc_sandbox, ORDER)) == 1
    # And BigCommerce never had two refunds of the order at once
    assert [r.status for r in refund_posts(bc_sandbox)] == [201]


def test_two_agents_refunding_parts_at_once_both_succeed_one_after_the_other(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    bc_sandbox.refund_processing_seconds = 0.3
    forms = [open_form(gladly_client, "refund", ORDER) for _ in range(2)]
    values = {"refund": "amount", "amount": "10", "payment_method": "braintree", "reason": "Each a part"}
    responses = run_concurrently([lambda form=form: submit(gladly_client, form, values) for form in forms])
    assert [r.status_code for r in responses] == [200, 200]
    assert [r.status for r in refund_posts(bc_sandbox)] == [201, 201]


def test_a_timed_out_refund_is_found_on_retry_and_not_made_twice(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce makes the refund but answers after the adaptor has given up waiting
    answer_after_the_deadline(bc_sandbox, monkeypatch, REFUNDS_PATH, "POST")
    form = open_form(gladly_client, "refund", ORDER)
    values = {"refund": "amount", "amount": "25", "payment_method": "braintree", "reason": "Slow provider"}
    # When the agent submits
    first = submit(gladly_client, form, values)
    # Then the outcome is reported unknown, with the advice not to refund another way, and the form
    # stays open (400 naming no field) so that the same form can be submitted again
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "outcome_unknown")
    # When the agent submits the same form again
    retry = submit(gladly_client, form, values)
    # Then the refund is found among the order's refunds and reported, and not sent again
    assert retry.status_code == 200, retry.text
    assert "Confirmed after an earlier timeout" in retry.json()["detail"]
    assert len(refund_posts(bc_sandbox)) == 1
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_a_refund_lost_on_the_way_is_sent_again_only_once_it_is_known_not_to_exist(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a refund whose connection drops before BigCommerce does anything
    bc_sandbox.faults.add(REFUNDS_PATH, "reset", method="POST", times=1)
    form = open_form(gladly_client, "refund", ORDER)
    values = {"refund": "amount", "amount": "25", "payment_method": "braintree", "reason": "Flaky network"}
    assert submit(gladly_client, form, values).status_code == 400
    # When the agent submits again at once Then nothing is sent while it might still appear
    early = submit(gladly_client, form, values)
    assert early.status_code == 400 and error_of(early)["code"] == "outcome_unknown"
    assert len(refund_posts(bc_sandbox)) == 1
    # When the refund has had time to appear and has not
    monkeypatch.setattr(refund_module, "UNCONFIRMED_REFUND_SETTLE_SECONDS", 0.0)
    late = submit(gladly_client, form, values)
    # Then it is sent, once
    assert late.status_code == 200, late.text
    assert [r.status for r in refund_posts(bc_sandbox)] == [None, 201]
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_a_rate_limited_refund_did_nothing_and_the_same_form_refunds_on_the_next_submit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce answers the refund POST with 429: it did nothing
    rate_limit_once(bc_sandbox, REFUNDS_PATH, "POST")
    form = open_form(gladly_client, "refund", ORDER)
    values = {"refund": "amount", "amount": "25", "payment_method": "braintree", "reason": "Busy store"}
    # When the agent submits
    first = submit(gladly_client, form, values)
    # Then the form stays open (400 naming no field) and says nothing was refunded
    assert first.status_code == 400, first.text
    error = error_of(first)
    assert (error["attr"], error["code"]) == ("", "upstream_rate_limited")
    assert error["message"] == (
        "BigCommerce is busy (its rate limit is reached), so the refund of $25.00 on order "
        f"{ORDER} was not sent, and nothing was changed. Submit this form again in a minute."
    )
    assert refunds_of(bc_sandbox, ORDER) == []
    # When the agent submits the same form again, without waiting
    retry = submit(gladly_client, form, values)
    # Then it refunds, once: no "outcome unknown" wait, since BigCommerce is known to have done nothing
    assert retry.status_code == 200, retry.text
    assert retry.json()["message"] == f"Refund of $25.00 requested on order {ORDER}"
    assert [r.status for r in refund_posts(bc_sandbox)] == [429, 201]
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_a_refund_form_under_a_slow_bigcommerce_gives_up_and_says_it_cannot_be_shown(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce answers every call a second after the form's deadline
    short_deadlines(monkeypatch)
    bc_sandbox.latency = SHORT_DEADLINE_SECONDS + 1.0
    # When the agent opens the refund form
    response = gladly_client.get(form_url(gladly_client, "refund", {"orderId": ORDER, "customer": MARTHA}))
    # Then the form is answered, the adaptor having given up on BigCommerce, with why it cannot be shown
    assert response.status_code == 406, response.text
    assert error_of(response)["message"] == (
        "BigCommerce is not answering, so this form cannot be shown. Nothing was changed; try again in a "
        "minute."
    )


def test_a_refund_submit_under_a_slow_bigcommerce_changes_nothing_and_says_so(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a refund form, and then BigCommerce slower than the reads' part of a submit's deadline
    short_deadlines(monkeypatch)
    form = open_form(gladly_client, "refund", ORDER)
    bc_sandbox.latency = SHORT_DEADLINE_SECONDS + 1.0
    values = {"refund": "amount", "amount": "25", "payment_method": "braintree", "reason": "Slow store"}
    # When the agent submits
    response = submit(gladly_client, form, values)
    # Then the submit is answered (the reads ran out of time, so the refund was never sent) and the form
    # stays open, saying nothing was changed
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["attr"] == ""
    # ("did not answer in time", or "is not answering" when the last read gave up a moment early)
    assert error["message"].startswith("BigCommerce ")
    assert error["message"].endswith(", so nothing was done. Submit this form again in a minute.")
    assert refund_posts(bc_sandbox) == []
    # And once BigCommerce is quick again, the same form refunds
    bc_sandbox.latency = 0.0
    assert submit(gladly_client, form, values).status_code == 200
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


def test_an_expired_form_is_closed_without_refunding(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = send_event(gladly_client, "refund-submit-expired-token")
    assert response.status_code == 406
    assert error_of(response)["code"] == "form_expired"
    assert refund_posts(bc_sandbox) == []


# --- the events in events/ --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "status", "attr", "code"),
    [
        ("refund-form", 200, None, None),
        ("refund-form-guest-order", 200, None, None),
        ("refund-form-nothing-left", 406, None, "nothing_to_refund"),
        ("refund-form-unpaid", 406, None, "nothing_to_refund"),
        ("refund-form-other-customers-order", 406, None, "order_of_another_customer"),
        ("refund-submit-everything", 200, None, None),
        ("refund-submit-items", 200, None, None),
        ("refund-submit-shipping", 200, None, None),
        ("refund-submit-amount", 200, None, None),
        ("refund-submit-store-credit", 200, None, None),
        ("refund-submit-over-refund-amount", 400, "amount", "exceeds_remaining"),
        ("refund-submit-over-refund-quantity", 400, "qty_2", "exceeds_remaining"),
        ("refund-submit-malformed-amount", 400, "amount", "invalid_amount"),
        ("refund-submit-missing-reason", 400, "reason", "missing"),
        ("refund-submit-conflicting-fields", 400, "qty_2", "conflicting_fields"),
        ("refund-submit-store-credit-guest", 400, "payment_method", "invalid_choice"),
        ("refund-submit-declined", 200, None, None),
        ("refund-submit-nothing-left", 406, None, "nothing_to_refund"),
        ("refund-submit-expired-token", 406, None, "form_expired"),
        ("refund-submit-missing-token", 400, None, "invalid_token"),
        ("refund-submit-token-of-another-order", 400, None, "form_not_for_this"),
        ("refund-submit-bad-signature", 401, None, None),
        # issue 16: every value means one thing (tests/integration/test_strict_submits.py)
        ("refund-submit-method-as-list", 400, "payment_method", "invalid_type"),
        ("refund-submit-method-as-number", 400, "payment_method", "invalid_type"),
        ("refund-submit-line-zero-padded", 400, "qty_01", "unknown_field"),
        ("refund-submit-line-alias-beside-its-field", 400, "qty_02", "unknown_field"),
        ("refund-submit-line-in-arabic-indic-digits", 400, None, "unknown_field"),
        ("refund-submit-field-name-of-4301-digits", 400, None, "unknown_field"),
        ("refund-submit-amount-in-arabic-indic-digits", 400, "amount", "invalid_amount"),
        ("refund-submit-amount-in-fullwidth-digits", 400, "amount", "invalid_amount"),
        ("refund-submit-amount-in-mathematical-digits", 400, "amount", "invalid_amount"),
        ("refund-submit-amount-with-no-break-space", 400, "amount", "invalid_amount"),
        ("refund-submit-amount-as-json-number", 400, "amount", "invalid_type"),
        ("refund-submit-order-id-with-leading-zero", 400, None, "invalid"),
        ("refund-submit-reason-right-to-left-override", 400, "reason", "invalid_text"),
        ("refund-submit-reason-with-nul", 400, "reason", "invalid_text"),
        ("refund-submit-reason-with-markup", 200, None, None),
    ],
)
def test_each_refund_event_gets_its_documented_answer(
    gladly_client: GladlyClient, event: str, status: int, attr: str | None, code: str | None
) -> None:
    assert_documented_answer(send_event(gladly_client, event), status, attr, code)


def test_the_declined_card_event_is_answered_requested_and_its_decline_shown_on_the_next_form(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When events/refund-submit-declined.json is replayed (a card refund its provider declines later)
    response = send_event(gladly_client, "refund-submit-declined")
    # Then it is answered as requested, and BigCommerce records the decline on the order afterwards
    assert response.status_code == 200, response.text
    assert response.json()["message"].startswith("Refund of ")
    assert response.json()["message"].endswith(f" requested on order {seed.DECLINING_ORDER_ID}")
    (refund,) = refunds_of(bc_sandbox, seed.DECLINING_ORDER_ID)
    assert refund.is_declined
    # And the next form says so
    form = open_form(
        gladly_client, "refund", seed.DECLINING_ORDER_ID, customer=str(seed.DECLINING_CUSTOMER_ID)
    )
    assert f"(BigCommerce refund {refund.id}) was declined" in sections_by_attr(form)["refund"]["hint"]


def test_every_refund_event_file_is_covered() -> None:
    assert_every_event_covered(__file__, "refund-")
