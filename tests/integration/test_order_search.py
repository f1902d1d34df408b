"""Order-number search end to end: `orderNumber` (a Search Query Attribute `make run` and the test
gateway enable against the sandbox) finds the order's shopper in one BigCommerce call, and anything
that is not an order number answers 200 with no results and no call."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed

MARTHA_ID = str(seed.MARTHA_CUSTOMER_ID)
GUEST_ID = f"guest:{seed.GUEST_EMAIL}"


def search(**query: Any) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": {"id": "agent-search", **query}}


def results(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"results"}
    return list(response.json()["results"])


def calls(sandbox: SandboxServer) -> list[tuple[str, str]]:
    return [(record.method, record.api_path) for record in sandbox.requests.snapshot()]


@pytest.mark.parametrize("typed", ["100", "#100", " 100 ", "# 100", 100])
def test_an_order_number_finds_the_registered_shopper_in_one_call(
    typed: Any, gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    (found,) = results(gladly_client.post("/lookup", search(orderNumber=typed)))
    assert found["externalCustomerId"] == MARTHA_ID
    assert found["name"] == "Martha Williams"
    assert found["orderNumber"] == str(seed.REFUNDABLE_ORDER_ID)
    assert found["orderStatus"] == "Completed"
    assert calls(bc_sandbox) == [("GET", "/v2/orders/100")]


def test_a_guest_order_finds_the_guest_shopper_by_its_email(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    order_id = seed.GUEST_ORDER_IDS[0]
    (found,) = results(gladly_client.post("/lookup", search(orderNumber=f"#{order_id}")))
    assert found["externalCustomerId"] == GUEST_ID
    assert found["emails"] == [{"original": seed.GUEST_EMAIL}]
    assert found["orderNumber"] == str(order_id)
    assert calls(bc_sandbox) == [("GET", f"/v2/orders/{order_id}")]


def test_the_found_id_opens_the_same_profile_as_an_email_search(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    (by_order,) = results(gladly_client.post("/lookup", search(orderNumber=str(seed.GUEST_ORDER_IDS[1]))))
    (by_email,) = results(gladly_client.post("/lookup", search(email=seed.GUEST_EMAIL)))
    assert by_order["externalCustomerId"] == by_email["externalCustomerId"]


def test_an_unknown_order_number_finds_no_one_after_one_call(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    assert results(gladly_client.post("/lookup", search(orderNumber="99999"))) == []
    assert calls(bc_sandbox) == [("GET", "/v2/orders/99999")]


@pytest.mark.parametrize(
    "typed",
    [
        "12a4",  # letters
        "1" * 40,  # 40 digits: no BigCommerce order id is that long
        "2147483648",  # one past the largest 32-bit id
        "",
        "   ",
        "#",
        "0",
        "-100",
        "100.0",
        "\uff11\uff10\uff10",  # full-width digits are not ASCII digits
        ["100"],  # an array
        {"number": "100"},
        True,
        0,
    ],
)
def test_what_is_not_an_order_number_finds_no_one_without_a_call(
    typed: Any, gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    assert results(gladly_client.post("/lookup", search(orderNumber=typed))) == []
    assert calls(bc_sandbox) == []


def test_an_order_number_under_custom_attributes_is_searched_too(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    (found,) = results(gladly_client.post("/lookup", search(customAttributes={"orderNumber": "100"})))
    assert found["externalCustomerId"] == MARTHA_ID


def test_an_order_number_with_an_email_of_its_shopper_gives_one_result_with_the_order(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    query = search(orderNumber="100", email=seed.MARTHA_EMAIL)
    (found,) = results(gladly_client.post("/lookup", query))
    assert found["externalCustomerId"] == MARTHA_ID
    assert found["email"] == seed.MARTHA_EMAIL
    assert found["orderNumber"] == "100"


def test_an_order_number_with_another_shoppers_email_widens_the_search(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    query = search(orderNumber=str(seed.GUEST_ORDER_IDS[0]), email=seed.MARTHA_EMAIL)
    found = results(gladly_client.post("/lookup", query))
    assert [result["externalCustomerId"] for result in found] == [GUEST_ID, MARTHA_ID]
    assert "orderNumber" not in found[1]  # Martha was found by her email, not by the order


def test_an_email_search_fills_no_order_columns(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    (found,) = results(gladly_client.post("/lookup", search(email=seed.MARTHA_EMAIL)))
    assert "orderNumber" not in found
    assert "orderStatus" not in found


def test_bigcommerce_failing_on_the_order_is_a_503_not_no_results(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce answers the order with 503 (not "no such order")
    bc_sandbox.faults.add(r"^/v2/orders/100$", 503)
    # Then the agent is told BigCommerce is unavailable, rather than that nobody placed the order
    response = gladly_client.post("/lookup", search(orderNumber="100"))
    assert response.status_code == 503, response.text
    assert response.json()["errors"][0]["code"] == "upstream_unavailable"
