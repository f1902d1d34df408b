"""The cancel action end to end: signed requests through the local API Gateway, the real handler,
DynamoDB in moto and the BigCommerce sandbox over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.refund import write as refund_module
from tests.fixtures.sandbox import SandboxHttp
from tests.integration.actions_support import (
    MARTHA,
    REFUNDS_PATH,
    answer_after_the_deadline,
    assert_documented_answer,
    assert_every_event_covered,
    error_of,
    form_url,
    open_form,
    rate_limit_once,
    refund_posts,
    refunds_of,
    run_concurrently,
    sections_by_attr,
    send_event,
    submit,
    submit_new_form,
)

ORDER = seed.UNSHIPPED_ORDER_ID  # Awaiting Fulfillment, $170.54 paid by card
ORDER_PATH = rf"^/v2/orders/{ORDER}$"
CANCELLED = 5

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def status_puts(sandbox: SandboxServer) -> list[Any]:
    return sandbox.requests.find("PUT", r"^/v2/orders/\d+$")


def status_of(sandbox: SandboxServer, order_id: int) -> int:
    with sandbox.store.lock:
        return sandbox.store.order(order_id).status_id


def cancel(client: GladlyClient, values: dict[str, str]) -> requests.Response:
    return submit_new_form(client, "cancel", values, ORDER)


def test_the_form_asks_for_a_reason_and_says_cancelling_does_not_refund(gladly_client: GladlyClient) -> None:
    form = open_form(gladly_client, "cancel", ORDER)
    sections = sections_by_attr(form)
    assert not sections["reason"]["input"].get("optional")
    refund = sections["refund"]
    assert refund["defaultValue"] == "none"
    assert "Cancelling does not refund the customer" in refund["hint"]
    assert [o["value"] for o in refund["input"]["options"]] == [
        "none",
        "refund:braintree",
        "refund:storecredit",
        "refund:custom",
    ]
    assert "$170.54" in refund["input"]["options"][1]["text"]


def test_cancelling_sets_status_5_only_and_moves_no_money(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When the agent cancels without a refund
    response = cancel(gladly_client, {"reason": "Customer changed their mind", "refund": "none"})
    # Then the order is cancelled with exactly {"status_id": 5}, and nothing is refunded
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Cancelled order {ORDER}"
    assert "cancelling does not refund the customer" in response.json()["detail"]
    (put,) = status_puts(bc_sandbox)
    assert put.json == {"status_id": CANCELLED}
    assert status_of(bc_sandbox, ORDER) == CANCELLED
    assert refund_posts(bc_sandbox) == []


def test_cancelling_with_a_refund_refunds_everything_then_cancels(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = cancel(gladly_client, {"reason": "Out of stock", "refund": "refund:braintree"})
    assert response.status_code == 200, response.text
    # The refund is said to be requested: BigCommerce processes its payment afterwards
    assert response.json()["message"] == f"Cancelled order {ORDER} and requested a refund of $170.54"
    assert refund_module.PAYMENT_PROCESSED_LATER in response.json()["detail"]
    (refund,) = refunds_of(bc_sandbox, ORDER)
    assert str(refund.total_amount) == "170.54"
    assert status_of(bc_sandbox, ORDER) == CANCELLED
    # The refund went first, the status change after it
    calls = [(r.method, r.api_path) for r in bc_sandbox.requests if r.method in ("POST", "PUT")]
    assert calls[-2:] == [
        ("POST", f"/v3/orders/{ORDER}/payment_actions/refunds"),
        ("PUT", f"/v2/orders/{ORDER}"),
    ]


def test_a_refund_declined_after_the_cancel_is_shown_and_counts_as_not_refunded(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given an unshipped order whose card refunds the payment provider declines, after BigCommerce
    # took them (orders.v3 createOrderRefund: the payment request itself occurs asynchronously)
    order_id, customer = seed.DECLINING_ORDER_ID, str(seed.DECLINING_CUSTOMER_ID)
    form = open_form(gladly_client, "cancel", order_id, customer=customer)
    # When the agent cancels it and refunds everything to the card
    response = submit(gladly_client, form, {"reason": "Changed mind", "refund": "refund:braintree"})
    # Then the order is cancelled and the refund said to be requested, never returned
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["message"].startswith(f"Cancelled order {order_id} and requested a refund of ")
    assert refund_module.PAYMENT_PROCESSED_LATER in result["detail"]
    assert "Refunded" not in result["message"] + result["detail"]
    assert status_of(bc_sandbox, order_id) == CANCELLED
    # And the order's refunds, read afterwards, carry the decline
    (listed,) = bc_http.get(f"/v3/orders/{order_id}/payment_actions/refunds").json()["data"]
    assert [p["is_declined"] for p in listed["payments"]] == [True]
    # And the refund form names it, and offers its amount again
    left = result["message"].rsplit(" ", 1)[-1]
    scope = sections_by_attr(open_form(gladly_client, "refund", order_id, customer=customer))["refund"]
    assert scope["input"]["options"][0]["text"] == f"Everything left: {left}"
    assert (
        f"An earlier refund of {left} by braintree (BigCommerce refund {listed['id']}) was declined"
        in (scope["hint"])
    )


@pytest.mark.parametrize(
    ("order_id", "code", "state"),
    [
        (seed.SHIPPED_ORDER_ID, "already_shipped", "Shipped"),
        (seed.PARTIALLY_SHIPPED_ORDER_ID, "already_shipped", "Partially Shipped"),
        (seed.CANCELLED_ORDER_ID, "already_cancelled", "cancelled"),
        (seed.FULLY_REFUNDED_ORDER_ID, "already_refunded", "Refunded"),
    ],
)
def test_an_order_past_cancelling_is_refused_with_its_real_state(
    gladly_client: GladlyClient, order_id: int, code: str, state: str
) -> None:
    response = gladly_client.get(form_url(gladly_client, "cancel", {"orderId": order_id, "customer": MARTHA}))
    assert response.status_code == 406
    assert error_of(response)["code"] == code
    assert state in error_of(response)["detail"]


def test_an_order_shipped_between_form_and_submit_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the agent opened the form, then the warehouse shipped the order
    form = open_form(gladly_client, "cancel", ORDER)
    bc_sandbox.store.set_order_status(ORDER, 2)
    # When the agent submits Then the order's real state is reported and nothing is changed
    response = submit(gladly_client, form, {"reason": "Too late?", "refund": "refund:braintree"})
    assert response.status_code == 406
    assert error_of(response)["code"] == "already_shipped"
    assert "Shipped" in error_of(response)["detail"]
    assert status_puts(bc_sandbox) == [] and refund_posts(bc_sandbox) == []


def test_an_order_cancelled_elsewhere_between_form_and_submit_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client, "cancel", ORDER)
    bc_sandbox.store.set_order_status(ORDER, CANCELLED)
    response = submit(gladly_client, form, {"reason": "Twice", "refund": "none"})
    assert response.status_code == 406
    assert error_of(response)["code"] == "already_cancelled"
    assert status_puts(bc_sandbox) == []


@pytest.mark.parametrize(
    ("values", "attr", "code"),
    [
        ({"reason": "", "refund": "none"}, "reason", "missing"),
        ({"reason": "Changed mind", "refund": "all-of-it"}, "refund", "invalid_choice"),
        # a method the form did not offer is no option of its select
        ({"reason": "Changed mind", "refund": "refund:paypal"}, "refund", "invalid_choice"),
    ],
)
def test_a_bad_submit_is_refused_on_its_field_and_nothing_changes(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, values: dict[str, str], attr: str, code: str
) -> None:
    response = cancel(gladly_client, values)
    assert response.status_code == 400
    assert (error_of(response)["attr"], error_of(response)["code"]) == (attr, code)
    assert status_puts(bc_sandbox) == [] and refund_posts(bc_sandbox) == []


def test_ten_concurrent_submits_cancel_and_refund_once(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    bc_sandbox.refund_processing_seconds = 0.3
    form = open_form(gladly_client, "cancel", ORDER)
    values = {"reason": "Impatient clicks", "refund": "refund:braintree"}
    responses = run_concurrently([lambda: submit(gladly_client, form, values)] * 10)
    assert [r.status_code for r in responses] == [200] * 10
    assert len({r.text for r in responses}) == 1
    assert len(refund_posts(bc_sandbox)) == 1
    assert len(status_puts(bc_sandbox)) == 1


def test_a_timed_out_cancel_is_checked_on_retry_and_not_sent_twice(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce cancels the order but answers after the adaptor stopped waiting
    answer_after_the_deadline(bc_sandbox, monkeypatch, ORDER_PATH, "PUT")
    form = open_form(gladly_client, "cancel", ORDER)
    values = {"reason": "Slow store", "refund": "refund:braintree"}
    first = submit(gladly_client, form, values)
    # The form stays open (400 naming no field): submitting it again is how the agent finds out
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "outcome_unknown")
    # When the agent submits again Then the status is read, found cancelled, and not set again
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 200, retry.text
    assert retry.json()["message"] == f"Cancelled order {ORDER} and requested a refund of $170.54"
    assert len(status_puts(bc_sandbox)) == 1
    assert len(refund_posts(bc_sandbox)) == 1


def test_a_refund_timed_out_inside_a_cancel_is_found_and_the_cancel_completed(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_after_the_deadline(bc_sandbox, monkeypatch, REFUNDS_PATH, "POST")
    form = open_form(gladly_client, "cancel", ORDER)
    values = {"reason": "Slow provider", "refund": "refund:braintree"}
    assert submit(gladly_client, form, values).status_code == 400
    assert status_puts(bc_sandbox) == []
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 200, retry.text
    assert len(refund_posts(bc_sandbox)) == 1
    assert status_of(bc_sandbox, ORDER) == CANCELLED


def test_a_rate_limited_cancel_did_nothing_and_the_same_form_cancels_on_the_next_submit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce answers the status PUT with 429: it did nothing
    rate_limit_once(bc_sandbox, ORDER_PATH, "PUT")
    form = open_form(gladly_client, "cancel", ORDER)
    values = {"reason": "Busy store", "refund": "none"}
    # When the agent submits Then the form stays open, saying the order was not cancelled
    first = submit(gladly_client, form, values)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "upstream_rate_limited")
    assert error_of(first)["message"] == (
        f"BigCommerce is busy (its rate limit is reached), so order {ORDER} was not cancelled, and nothing "
        "was changed. Submit this form again in a minute."
    )
    assert status_of(bc_sandbox, ORDER) != CANCELLED
    # When the agent submits the same form again, without waiting, Then the order is cancelled
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 200, retry.text
    assert retry.json()["message"] == f"Cancelled order {ORDER}"
    assert [put.status for put in status_puts(bc_sandbox)] == [429, 200]
    assert status_of(bc_sandbox, ORDER) == CANCELLED


def test_a_cancel_rate_limited_after_its_refund_cancels_on_resubmit_without_refunding_again(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a cancel with a refund, where BigCommerce makes the refund and answers the status PUT with 429
    rate_limit_once(bc_sandbox, ORDER_PATH, "PUT")
    form = open_form(gladly_client, "cancel", ORDER)
    values = {"reason": "Busy store", "refund": "refund:braintree"}
    # When the agent submits Then the form stays open, saying the refund went through and the order was
    # not cancelled
    first = submit(gladly_client, form, values)
    assert first.status_code == 400, first.text
    assert error_of(first)["message"] == (
        f"BigCommerce is busy (its rate limit is reached), so order {ORDER} was not cancelled (its refund "
        "went through). Submit this form again in a minute: the refund is not made twice."
    )
    assert len(refunds_of(bc_sandbox, ORDER)) == 1
    # When the agent submits the same form again Then the order is cancelled and the refund not repeated
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 200, retry.text
    assert retry.json()["message"] == f"Cancelled order {ORDER} and requested a refund of $170.54"
    assert len(refund_posts(bc_sandbox)) == 1
    assert [put.status for put in status_puts(bc_sandbox)] == [429, 200]
    assert status_of(bc_sandbox, ORDER) == CANCELLED


@pytest.mark.parametrize(
    ("event", "status", "attr", "code"),
    [
        ("cancel-form", 200, None, None),
        ("cancel-form-shipped", 406, None, "already_shipped"),
        ("cancel-form-already-cancelled", 406, None, "already_cancelled"),
        ("cancel-submit", 200, None, None),
        ("cancel-submit-with-refund", 200, None, None),
        ("cancel-submit-shipped", 406, None, "already_shipped"),
        ("cancel-submit-already-cancelled", 406, None, "already_cancelled"),
        ("cancel-submit-missing-reason", 400, "reason", "missing"),
        ("cancel-submit-invalid-refund-choice", 400, "refund", "invalid_choice"),
        ("cancel-submit-refund-declined", 200, None, None),
        ("cancel-submit-expired-token", 406, None, "form_expired"),
        ("cancel-submit-bad-signature", 401, None, None),
        # issue 16: every value means one thing (tests/integration/test_strict_submits.py)
        ("cancel-submit-refund-choice-without-method", 400, "refund", "invalid_choice"),
        ("cancel-submit-refund-choice-with-space", 400, "refund", "invalid_choice"),
    ],
)
def test_each_cancel_event_gets_its_documented_answer(
    gladly_client: GladlyClient, event: str, status: int, attr: str | None, code: str | None
) -> None:
    assert_documented_answer(send_event(gladly_client, event), status, attr, code)


def test_the_declined_refund_event_cancels_and_its_decline_shows_on_the_refund_form(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When events/cancel-submit-refund-declined.json is replayed (a card refund declined later)
    response = send_event(gladly_client, "cancel-submit-refund-declined")
    # Then the order is cancelled with its refund requested, and BigCommerce records the decline after
    assert response.status_code == 200, response.text
    assert "and requested a refund of " in response.json()["message"]
    assert status_of(bc_sandbox, seed.DECLINING_ORDER_ID) == CANCELLED
    (refund,) = refunds_of(bc_sandbox, seed.DECLINING_ORDER_ID)
    assert refund.is_declined
    # And the refund form says so
    form = open_form(
        gladly_client, "refund", seed.DECLINING_ORDER_ID, customer=str(seed.DECLINING_CUSTOMER_ID)
    )
    assert f"(BigCommerce refund {refund.id}) was declined" in sections_by_attr(form)["refund"]["hint"]


def test_every_cancel_event_file_is_covered() -> None:
    assert_every_event_covered(__file__, "cancel-")
