"""Which actions a DETAILED lookup declares, through the local API Gateway, and that they work.

With actions enabled (the session gateway), each order card offers what makes sense for it and
its formUrl opens the form. With actions disabled (a deployment of its own, in another process,
because settings are read once per process), no order offers anything and the action URLs refuse.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from tests.integration.actions_support import (
    assert_on_the_gateway,
    detailed,
    error_of,
    form_url,
    open_form_at,
)

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def actions_by_order(profile: dict[str, Any]) -> dict[int, dict[str, str]]:
    return {
        int(transaction["orderNumber"]): {a["name"]: a["formUrl"] for a in transaction.get("actions") or []}
        for transaction in profile["transactions"]
    }


def test_each_order_offers_the_actions_its_state_allows(gladly_client: GladlyClient) -> None:
    # Given actions enabled When Martha's profile is looked up in detail
    actions = actions_by_order(detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL))
    # Then paid orders offer a refund, orders not shipped/cancelled/refunded offer a cancel, every order
    # a staff note, and an open order's address nothing shipped to a change of address
    note, address = "Add staff note", "Change shipping address"
    assert set(actions[seed.UNSHIPPED_ORDER_ID]) == {"Refund", "Cancel order", note, address}
    assert set(actions[seed.REFUNDABLE_ORDER_ID]) == {"Refund", note}  # completed and shipped
    assert set(actions[seed.SHIPPED_ORDER_ID]) == {"Refund", note}
    assert set(actions[seed.CANCELLED_ORDER_ID]) == {"Refund", note}  # cancelling moved no money
    # partly refunded, not shipped: the rest can be refunded, and the order can still be cancelled
    assert set(actions[seed.PARTIALLY_REFUNDED_ORDER_ID]) == {"Refund", "Cancel order", note, address}
    assert set(actions[seed.PENDING_ORDER_ID]) == {"Cancel order", note, address}  # unpaid: nothing to refund
    assert set(actions[seed.FULLY_REFUNDED_ORDER_ID]) == {note}
    # And the formUrls are absolute, on the host and stage the lookup was sent to, naming the order
    # and its owner
    assert (
        actions[seed.UNSHIPPED_ORDER_ID]["Refund"]
        == f"{gladly_client.base_url}/actions/refund?orderId={seed.UNSHIPPED_ORDER_ID}&customer=1"
    )


def test_a_declared_form_url_opens_its_form(gladly_client: GladlyClient) -> None:
    actions = actions_by_order(detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL))
    for name in ("Refund", "Cancel order", "Add staff note"):
        form = open_form_at(gladly_client, actions[seed.UNSHIPPED_ORDER_ID][name])
        assert form["actionUrl"].startswith(actions[seed.UNSHIPPED_ORDER_ID][name] + "&token=")


def test_declared_urls_followed_exactly_as_given_open_and_submit(gladly_client: GladlyClient) -> None:
    # Given a DETAILED lookup through the local gateway (http://127.0.0.1:<port>/prod/lookup)
    actions = actions_by_order(detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL))
    declared = actions[seed.UNSHIPPED_ORDER_ID]["Cancel order"]
    # Then its formUrl is absolute: http, the gateway's host and port, the /prod stage
    assert_on_the_gateway(gladly_client, declared)
    assert declared.startswith("http://127.0.0.1:")
    assert urlsplit(declared).path == "/prod/actions/cancel"
    # When Gladly GETs it verbatim, then POSTs the form's actionUrl verbatim
    form = gladly_client.get(declared)
    assert form.status_code == 200, form.text
    action_url = form.json()["actionUrl"]
    assert action_url.startswith(declared + "&token=")
    response = gladly_client.post(action_url, {"reason": "Customer changed their mind", "refund": "none"})
    # Then both are answered by the adaptor, and the order is cancelled
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Cancelled order {seed.UNSHIPPED_ORDER_ID}"


def test_a_guest_order_in_a_registered_profile_is_acted_on_as_the_guest_it_was(
    gladly_client: GladlyClient,
) -> None:
    # Given a customer whose profile also lists guest orders placed with their email
    profile = detailed(gladly_client, str(seed.MIXED_CUSTOMER_ID), seed.MIXED_EMAIL)
    guest_order = seed.MIXED_GUEST_ORDER_IDS[0]
    declared = actions_by_order(profile)[guest_order]["Refund"]
    # Then the guest order's form is owned by the guest id of its email, and opens
    assert f"customer=guest%3A{seed.MIXED_EMAIL.replace('@', '%40')}" in declared
    form = open_form_at(gladly_client, declared)
    methods = next((s for s in form["sections"] if s["attr"] == "payment_method"), None)
    assert methods is None or "storecredit" not in [o["value"] for o in methods["input"]["options"]]


# --- a deployment with actions disabled (the `actions_disabled` fixture) -----------------------------


def test_with_actions_disabled_no_order_offers_any(actions_disabled: GladlyClient) -> None:
    profile = detailed(actions_disabled, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL)
    assert profile["transactions"], "the profile still lists the orders"
    assert all(not transaction.get("actions") for transaction in profile["transactions"])


def test_with_actions_disabled_the_action_urls_refuse(actions_disabled: GladlyClient) -> None:
    for action in ("refund", "cancel"):
        query = {"orderId": seed.UNSHIPPED_ORDER_ID, "customer": "1"}
        response = actions_disabled.get(form_url(actions_disabled, action, query))
        assert response.status_code == 406
        assert error_of(response)["code"] == "action_disabled"
