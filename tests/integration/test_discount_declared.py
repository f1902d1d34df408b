"""The discount code in Gladly's "+" menu: declared by the DETAILED lookup (the result's top-level
`actions`) only when the deployment enables it, and its formUrl opens the form.

With actions enabled this is the session gateway; with actions disabled, a deployment of its own
(the `actions_disabled` fixture: settings are read once per process).
"""

from __future__ import annotations

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from tests.integration.actions_support import detailed, error_of, form_url, open_form_at, submit

GUEST = f"guest:{seed.GUEST_EMAIL}"

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def test_a_registered_customer_is_offered_a_discount_code(gladly_client: GladlyClient) -> None:
    # Given actions enabled When Martha's profile is looked up in detail
    profile = detailed(gladly_client, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL)
    # Then the "+" menu offers a discount code, for her, at an absolute URL on the host and stage called
    declared = f"{gladly_client.base_url}/actions/discount?customer=1"
    assert profile["actions"][0] == {"name": "Discount code", "formUrl": declared}
    # And the formUrl, followed as given, opens the form, whose actionUrl adds a token to it
    form = open_form_at(gladly_client, declared)
    assert form["actionUrl"].startswith(declared + "&token=")
    # And the actionUrl, followed as given, creates the code
    values = {
        "discount_type": "percentage",
        "amount": "10",
        "valid_days": "30",
        "uses": "1",
        "reason": "Late",
    }
    response = submit(gladly_client, form, values)
    assert response.status_code == 200, response.text


def test_a_guest_shopper_is_offered_a_discount_code_under_the_guest_id(gladly_client: GladlyClient) -> None:
    profile = detailed(gladly_client, GUEST, seed.GUEST_EMAIL)
    (action,) = profile["actions"]
    assert (
        action["formUrl"]
        == f"{gladly_client.base_url}/actions/discount?customer=guest%3Aguest.shopper%40example.com"
    )
    open_form_at(gladly_client, action["formUrl"])


def test_with_actions_disabled_no_discount_is_offered_and_its_url_refuses(
    actions_disabled: GladlyClient,
) -> None:
    profile = detailed(actions_disabled, str(seed.MARTHA_CUSTOMER_ID), seed.MARTHA_EMAIL)
    assert "actions" not in profile
    response = actions_disabled.get(form_url(actions_disabled, "discount", {"customer": "1"}))
    assert response.status_code == 406
    assert error_of(response)["code"] == "action_disabled"
