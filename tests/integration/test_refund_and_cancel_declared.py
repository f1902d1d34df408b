"""Which actions a DETAILED lookup declares, through the local API Gateway, and that they work.

With actions enabled (the session gateway), each order card offers what makes sense for it and
its formUrl opens the form. With actions disabled (a deployment of its own, in another process,
because settings are read once per process), no order offers anything and the action URLs refuse.
"""

from __future__ import annotations

from typing import Any

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from tests.integration.actions_support import detailed, error_of

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def actions_by_order(profile: dict[str, Any]) -> dict[int, dict[str, str]]:
    return {
        int(transaction["orderNumber"]): {a["name"]: a["formUrl"] for a in transaction.get("actions") or []}
        for transaction in profile["transactions"]
    }


def test_each_order_offers_the_actions_its_state_allows(gladly_client: GladlyClient) -> None:
    # Given actions enabled When Martha's profile is looked up in detail
    actions = actions_by_order(detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL))
    # Then paid orders offer a refund, orders not shipped/cancelled/refunded offer a cancel
    assert set(actions[seed.UNSHIPPED_ORDER_ID]) == {"Refund", "Cancel order"}
    assert set(actions[seed.REFUNDABLE_ORDER_ID]) == {"Refund"}  # completed and shipped
    assert set(actions[seed.SHIPPED_ORDER_ID]) == {"Refund"}
    assert set(actions[seed.CANCELLED_ORDER_ID]) == {"Refund"}  # cancelling moved no money
    # partly refunded, not shipped: the rest can be refunded, and the order can still be cancelled
    assert set(actions[seed.PARTIALLY_REFUNDED_ORDER_ID]) == {"Refund", "Cancel order"}
    assert set(actions[seed.PENDING_ORDER_ID]) == {"Cancel order"}  # unpaid: nothing to refund
    assert actions[seed.FULLY_REFUNDED_ORDER_ID] == {}
    # And the formUrls are relative to the Lookup URL, naming the order and its owner
    assert (
        actions[seed.UNSHIPPED_ORDER_ID]["Refund"]
        == f"actions/refund?orderId={seed.UNSHIPPED_ORDER_ID}&customer=1"
    )


def test_a_declared_form_url_opens_its_form(gladly_client: GladlyClient) -> None:
    actions = actions_by_order(detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL))
    for name in ("Refund", "Cancel order"):
        response = gladly_client.get("/" + actions[seed.UNSHIPPED_ORDER_ID][name])
        assert response.status_code == 200, response.text
        assert response.json()["actionUrl"].startswith(actions[seed.UNSHIPPED_ORDER_ID][name] + "&token=")


def test_a_guest_order_in_a_registered_profile_is_acted_on_as_the_guest_it_was(
    gladly_client: GladlyClient,
) -> None:
    # Given a customer whose profile also lists guest orders placed with their email
    profile = detailed(gladly_client, str(seed.MIXED_CUSTOMER_ID), seed.MIXED_EMAIL)
    guest_order = seed.MIXED_GUEST_ORDER_IDS[0]
    form_url = actions_by_order(profile)[guest_order]["Refund"]
    # Then the guest order's form is owned by the guest id of its email, and opens
    assert f"customer=guest%3A{seed.MIXED_EMAIL.replace('@', '%40')}" in form_url
    response = gladly_client.get("/" + form_url)
    assert response.status_code == 200, response.text
    methods = next((s for s in response.json()["sections"] if s["attr"] == "payment_method"), None)
    assert methods is None or "storecredit" not in [o["value"] for o in methods["input"]["options"]]


# --- a deployment with actions disabled (the `actions_disabled` fixture) -----------------------------


def test_with_actions_disabled_no_order_offers_any(actions_disabled: GladlyClient) -> None:
    profile = detailed(actions_disabled, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL)
    assert profile["transactions"], "the profile still lists the orders"
    assert all(not transaction.get("actions") for transaction in profile["transactions"])


def test_with_actions_disabled_the_action_urls_refuse(actions_disabled: GladlyClient) -> None:
    for action in ("refund", "cancel"):
        response = actions_disabled.get(f"/actions/{action}?orderId={seed.UNSHIPPED_ORDER_ID}&customer=1")
        assert response.status_code == 406
        assert error_of(response)["code"] == "action_disabled"
