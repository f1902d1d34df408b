"""Orders as real stores hold them, end to end: signed lookups through the local gateway to the real
handler, against the sandbox (Olivia's orders in the demo store, the Japanese store at its own hash).

Every amount Gladly receives is checked the way Gladly's own App Platform bridge reads an order total
(reference/gladly/lookup-protocol.md): no grouping, `.` before the currency's own decimals.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import JAPAN_STORE_HASH, SandboxServer, seed_japan, seed_orders
from tests.fixtures.gateway import configured_gateway

OLIVIA_ID = str(seed_orders.OLIVIA_CUSTOMER_ID)
HARUKA_ID = str(seed_japan.HARUKA_CUSTOMER_ID)
# What a machine may read: a symbol, ASCII digits, `.` and the decimals (none for the yen)
DOLLARS = re.compile(r"^\$[0-9]+\.[0-9]{2}$")
YEN = re.compile(r"^¥[0-9]+$")


def detailed(external_id: str, **profile: Any) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "uniqueMatchRequired": True,
        "query": {**profile, "externalCustomerId": external_id},
    }


def the_profile(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    (profile,) = response.json()["results"]
    return dict(profile)


def by_number(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {transaction["orderNumber"]: transaction for transaction in profile["transactions"]}


def amounts(profile: dict[str, Any]) -> list[str]:
    """Every amount a transaction carries as data: order totals and unit prices."""
    found = []
    for transaction in profile["transactions"]:
        found.append(transaction["orderTotal"])
        found += [product["unitPrice"] for product in transaction["products"] if "unitPrice" in product]
    return found


@pytest.fixture(scope="module")
def japanese_store(bc_sandbox_server: SandboxServer) -> Iterator[GladlyClient]:
    """A signed client for a deployment on the sandbox's Japanese store (`sandboxjp`)."""
    with configured_gateway(bc_sandbox_server, {"BIGCOMMERCE_STORE_HASH": JAPAN_STORE_HASH}) as client:
        yield client


# --- the demo store: Olivia's orders ---------------------------------------------------------------


def test_options_typed_text_discount_and_a_bundle_show_as_the_shopper_bought_them(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    orders = by_number(the_profile(gladly_client.post("/lookup", detailed(OLIVIA_ID))))
    order = orders[str(seed_orders.OPTIONS_BUNDLE_ORDER_ID)]
    tee, bundle = order["products"]
    # The tee: the options as chosen and typed (on one line), the coupon, the price after it
    assert tee["name"] == (
        "Classic Tee (Size: M, Color: Silver, Back print: Team Brew since 2019) · $5.00 off (SUMMER10)"
    )
    assert (tee["unitPrice"], tee["quantity"], tee["status"]) == ("$22.50", 2, "Shipped")
    # The bundle: its children folded in (the brewer named by its pick list, the Chemex listed), what
    # the whole bundle cost, and a status covering the Chemex that has not shipped
    assert (
        bundle["name"]
        == "Coffee Starter Bundle (Brewer: Able Brewing System) · includes 1 x Chemex Coffeemaker 3 Cup"
    )
    assert (bundle["unitPrice"], bundle["quantity"], bundle["status"]) == ("$259.00", 1, "Partially shipped")
    # The shipment and what still waits name the products Gladly shows, never a child line
    shipped, waiting = order["fulfillments"]
    assert (shipped["status"], shipped["productIds"]) == ("Shipped", [tee["id"], bundle["id"]])
    assert (waiting["status"], waiting["productIds"]) == ("Not shipped", [bundle["id"]])
    assert order["orderTotal"] == "$313.95"
    assert order["itemCount"] == 5


def test_digital_gift_certificate_and_completed_orders_are_never_not_shipped(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    orders = by_number(the_profile(gladly_client.post("/lookup", detailed(OLIVIA_ID))))
    digital = orders[str(seed_orders.DIGITAL_ORDER_ID)]
    assert [(p["name"], p["status"]) for p in digital["products"]] == [
        ("Brewing Guide (e-book)", "Available to download")
    ]
    gift = orders[str(seed_orders.GIFT_CERTIFICATE_ORDER_ID)]
    assert [(p["name"], p["status"]) for p in gift["products"]] == [
        ("$50 Gift Certificate", "Emailed to recipient"),
        ("Canvas Apron", "Shipped"),
    ]
    completed = orders[str(seed_orders.COMPLETED_UNSHIPPED_ORDER_ID)]
    assert [p["status"] for p in completed["products"]] == ["Completed"]
    for order in (digital, completed):
        assert order["fulfillments"] == []
    assert [f["status"] for f in gift["fulfillments"]] == ["Shipped"]
    for order in (digital, gift, completed):
        assert "Not shipped" not in json.dumps(order)


def test_a_renamed_status_shows_the_stores_own_label(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    orders = by_number(the_profile(gladly_client.post("/lookup", detailed(OLIVIA_ID))))
    renamed = orders[str(seed_orders.RENAMED_STATUS_ORDER_ID)]
    assert renamed["orderStatus"] == seed_orders.RENAMED_STATUS_LABEL
    assert [(p["name"], p["status"]) for p in renamed["products"]] == [
        ("Classic Tee (Size: L)", "Not shipped")
    ]


def test_every_amount_of_the_profile_is_machine_readable(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    profile = the_profile(gladly_client.post("/lookup", detailed(OLIVIA_ID)))
    assert all(DOLLARS.match(amount) for amount in amounts(profile)), amounts(profile)
    assert DOLLARS.match(profile["customAttributes"]["lifetimeValue"])
    assert DOLLARS.match(profile["customAttributes"]["storeCredit"])


def test_an_unreadable_value_costs_that_value_and_the_profile_says_so(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a store that answers Olivia's orders with the billing zip as a number, the phone as a list
    # and the date as an object
    retype = {
        "billing_address.zip": 97209,
        "billing_address.phone": ["503", "555"],
        "date_created": {"at": "now"},
    }
    bc_sandbox.faults.add(r"^/v2/orders$", "retyped", method="GET", retype=retype)
    # When her profile is opened
    with caplog.at_level(logging.WARNING):
        profile = the_profile(gladly_client.post("/lookup", detailed(OLIVIA_ID)))
    # Then every order is there, the number read as its digits, only the unreadable values left out
    orders = by_number(profile)
    assert sorted(orders) == sorted(str(order_id) for order_id in seed_orders.OLIVIA_ORDER_IDS)
    first = orders[str(seed_orders.OPTIONS_BUNDLE_ORDER_ID)]
    assert first["billingAddress"]["zip"] == "97209"
    assert "phone" not in first["billingAddress"]
    assert "createdAt" not in first
    assert first["orderTotal"] == "$313.95"
    # ... and the profile names what was left out
    note = profile["customAttributes"]["detailsSkipped"]
    assert note.startswith("Not shown: order 904 date_created, order 904 billing_address.phone, order 903 ")
    assert note.endswith("and 5 more (BigCommerce sent values of an unexpected type)")
    # ... logged by field path, never the values
    assert "billing_address.phone" in caplog.text and "97209" not in caplog.text and "555" not in caplog.text


# --- the Japanese store: the yen -------------------------------------------------------------------


def test_a_yen_store_sends_whole_yen_without_grouping(
    japanese_store: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    profile = the_profile(
        japanese_store.post("/lookup", detailed(HARUKA_ID, emails=[seed_japan.HARUKA_EMAIL]))
    )
    orders = by_number(profile)
    shipped = orders[str(seed_japan.JP_SHIPPED_ORDER_ID)]
    assert (shipped["orderTotal"], shipped["currencyCode"]) == ("¥31650", "JPY")
    assert [(p["name"], p["unitPrice"], p["quantity"]) for p in shipped["products"]] == [
        ("Matcha Set", "¥12000", 2),
        ("Hojicha 100 g", "¥6800", 1),
    ]
    assert shipped["fulfillments"][0]["shippingSpeed"] == "Takkyubin"
    discounted = orders[str(seed_japan.JP_DISCOUNTED_ORDER_ID)]
    assert discounted["orderTotal"] == "¥8770"
    assert [(p["name"], p["unitPrice"]) for p in discounted["products"]] == [
        ("Kyusu Teapot · ¥880 off (SAKURA10)", "¥7920")
    ]
    assert profile["customAttributes"]["lifetimeValue"] == "¥40420"
    assert all(YEN.match(amount) for amount in amounts(profile)), amounts(profile)
    # The store's own links, read from its /v2/store
    assert (
        shipped["orderLink"]
        == f"https://store-sandboxjp.mybigcommerce.com/manage/orders/{seed_japan.JP_SHIPPED_ORDER_ID}"
    )


def test_a_yen_store_search_finds_its_own_shopper_only(
    japanese_store: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    search = {
        "lookupLevel": "BASIC",
        "uniqueMatchRequired": False,
        "query": {"email": seed_japan.HARUKA_EMAIL},
    }
    response = japanese_store.post("/lookup", search)
    assert response.status_code == 200, response.text
    assert [result["externalCustomerId"] for result in response.json()["results"]] == [HARUKA_ID]
