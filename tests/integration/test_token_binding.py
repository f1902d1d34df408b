"""Form tokens are bound to what they were issued for, end to end through the local API Gateway.

A signed request proves Gladly sent it, not that its token belongs on its URL: a token issued for
one order, customer or action and sent (validly signed) with another must be refused with 400
naming no field, before anything is looked up, locked or sent to BigCommerce, and the audit line
must record the refusal, never a mutation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient, local_form_tokens
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from tests.integration.actions_support import (
    MARTHA,
    error_of,
    open_action_form,
    open_form,
    refund_posts,
    refunds_of,
    submit,
    token_in,
    with_query,
)

ORDER_A = seed.REFUNDABLE_ORDER_ID
ORDER_B = seed.PARTIALLY_REFUNDED_ORDER_ID  # Martha's too, with money left to refund
AMOUNT_10 = {"refund": "amount", "amount": "10", "payment_method": "braintree", "reason": "Damaged"}
TEN_PERCENT = {
    "discount_type": "percentage",
    "amount": "10",
    "valid_days": "30",
    "uses": "1",
    "reason": "Late",
}
PROMOTIONS_PATH = r"^/v3/promotions$"
NOT_THIS_ORDER = (
    "This form was opened for another order (or not by this adaptor), so nothing was done. Open the action "
    "again."
)

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [record.audit for record in caplog.records if hasattr(record, "audit")]


def assert_refused_as_not_for_this(response: requests.Response, message: str = NOT_THIS_ORDER) -> None:
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert (error["attr"], error["code"], error["message"]) == ("", "form_not_for_this", message)


def test_a_refund_token_used_on_another_order_refunds_nothing_and_is_audited_as_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a refund form of order A, submitted successfully
    form = open_form(gladly_client, "refund", ORDER_A)
    assert submit(gladly_client, form, AMOUNT_10).status_code == 200
    refunds_of_b = refunds_of(bc_sandbox, ORDER_B)
    calls_before = len(bc_sandbox.requests.find("GET", r".*")) + len(refund_posts(bc_sandbox))
    caplog.clear()
    # When the same token is sent, validly signed, on order B's URL with the same values
    response = gladly_client.post(with_query(form["actionUrl"], orderId=ORDER_B), AMOUNT_10)
    # Then it is refused, naming no field, and neither A's answer nor a refund of B comes back
    assert_refused_as_not_for_this(response)
    assert refunds_of(bc_sandbox, ORDER_B) == refunds_of_b
    assert len(refunds_of(bc_sandbox, ORDER_A)) == 1
    # And BigCommerce was not called at all
    assert len(bc_sandbox.requests.find("GET", r".*")) + len(refund_posts(bc_sandbox)) == calls_before
    # And the audit line records a refusal on order B, never a refund
    (line,) = audit_lines(caplog)
    assert (line["action"], line["order_id"], line["outcome"], line["status"], line["code"]) == (
        "refund",
        ORDER_B,
        "rejected",
        400,
        "form_not_for_this",
    )
    assert "details" not in line or line["details"] == {}
    # And order A's form still answers what it did, once
    again = submit(gladly_client, form, AMOUNT_10)
    assert again.status_code == 200
    assert again.json()["message"] == f"Refund of $10.00 requested on order {ORDER_A}"
    assert len(refund_posts(bc_sandbox)) == 1


def test_a_fresh_token_used_on_another_order_first_changes_nothing_and_stays_good_for_its_own(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given an unused refund form of order A, sent first on order B's URL
    form = open_form(gladly_client, "refund", ORDER_A)
    refunds_of_b = refunds_of(bc_sandbox, ORDER_B)
    elsewhere = with_query(form["actionUrl"], orderId=ORDER_B)
    assert_refused_as_not_for_this(gladly_client.post(elsewhere, AMOUNT_10))
    # When it is then submitted on its own URL Then it refunds order A, once
    response = submit(gladly_client, form, AMOUNT_10)
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Refund of $10.00 requested on order {ORDER_A}"
    assert [r.status for r in refund_posts(bc_sandbox)] == [201]
    assert refunds_of(bc_sandbox, ORDER_B) == refunds_of_b


@pytest.mark.parametrize(
    ("route", "changes"),
    [
        ("/actions/refund", {"customer": str(seed.MIXED_CUSTOMER_ID)}),
        ("/actions/cancel", {}),
        ("/actions/refund", {"orderId": seed.UNSHIPPED_ORDER_ID}),
    ],
    ids=["another-customer", "another-action", "another-order"],
)
def test_an_order_token_is_refused_anywhere_but_its_own_action_order_and_customer(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, route: str, changes: dict[str, Any]
) -> None:
    # Given a refund form of order A opened from Martha's profile
    form = open_form(gladly_client, "refund", ORDER_A)
    url = with_query(form["actionUrl"], **changes).replace("/actions/refund", route)
    # When its token is sent with another customer, to another action, or for another order
    response = gladly_client.post(url, {"reason": "Not mine", "refund": "none", **AMOUNT_10})
    # Then it is refused and nothing is sent to BigCommerce
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("", "form_not_for_this")
    assert bc_sandbox.requests.find("PUT", r".*") == [] and refund_posts(bc_sandbox) == []


def test_a_well_formed_token_never_issued_by_this_deployment_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a token minted for order A with another key (a leaked format, not our key)
    impostor = local_form_tokens("not-the-deployments-key")
    forged = impostor.issue(FormSubject("refund", ORDER_A, MARTHA), now=datetime.now(UTC))
    form = open_form(gladly_client, "refund", ORDER_A)
    url = form["actionUrl"].replace(token_in(form), str(forged))
    # When it is submitted on order A's URL Then it is refused like a token of another order
    assert_refused_as_not_for_this(gladly_client.post(url, AMOUNT_10))
    assert refund_posts(bc_sandbox) == []


def test_a_discount_token_of_one_customer_never_shows_their_code_to_another(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given customer 1's discount form, submitted: a code is made for customer 1
    form = open_action_form(gladly_client, "discount", {"customer": MARTHA})
    first = submit(gladly_client, form, TEN_PERCENT)
    assert first.status_code == 200, first.text
    code = first.json()["message"].split()[2].rstrip(":")
    promotions = len(bc_sandbox.requests.find("POST", PROMOTIONS_PATH))
    # When the same token is sent on customer 7's URL
    other = str(seed.DIGITS_ONLY_CUSTOMER_ID)
    response = gladly_client.post(with_query(form["actionUrl"], customer=other), TEN_PERCENT)
    # Then it is refused, customer 1's code is not in the answer, and no promotion is made
    assert_refused_as_not_for_this(
        response,
        "This form was opened for another customer (or not by this adaptor), so nothing was done. Open the "
        "action again.",
    )
    assert code not in response.text
    assert len(bc_sandbox.requests.find("POST", PROMOTIONS_PATH)) == promotions
