"""Edits of an order in the sandbox over real HTTP: its shipping address, its staff notes, and the
`date_modified` every accepted write moves (KNOWN_DEVIATIONS `order-date-modified`,
`shipping-address-edit-after-shipping`, `staff-notes-bytes`). Checked against orders.v2."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests

from devtools.sandbox import SandboxServer, seed
from devtools.sandbox import seed_channels as storefronts
from tests.fixtures.sandbox import SandboxHttp

NEW_ADDRESS = {
    "first_name": "Martha",
    "last_name": "Williams",
    "street_1": "100 Queen St W",
    "city": "Toronto",
    "state": "Ontario",
    "zip": "M5H 2N2",
    "country_iso2": "CA",
    "phone": "+1 416 555 0100",
}


def data(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def addresses(http: SandboxHttp, order_id: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data(http.get(f"/v2/orders/{order_id}/shipping_addresses"))
    return found


def modified(http: SandboxHttp, order_id: int) -> datetime:
    return parsedate_to_datetime(data(http.get(f"/v2/orders/{order_id}"))["date_modified"])


# --- shipping address ---------------------------------------------------------------------------


def test_an_address_edit_answers_the_whole_address_and_recomputes_nothing(bc_http: SandboxHttp) -> None:
    # Given Martha's unshipped order and its one shipping address
    (before,) = addresses(bc_http, seed.UNSHIPPED_ORDER_ID)
    path = f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}/shipping_addresses/{before['id']}"
    # When the address moves to Canada, by its ISO code only
    after = data(bc_http.put(path, json=NEW_ADDRESS))
    # Then the answer is the whole address, the country named from the code, costs untouched
    assert after["id"] == before["id"] and after["order_id"] == seed.UNSHIPPED_ORDER_ID
    assert (after["street_1"], after["city"], after["country"], after["country_iso2"]) == (
        "100 Queen St W",
        "Toronto",
        "Canada",
        "CA",
    )
    assert after["email"] == before["email"]  # a member not sent is kept
    costs = ("cost_inc_tax", "cost_ex_tax", "handling_cost_inc_tax", "items_total", "items_shipped")
    assert {k: after[k] for k in costs} == {k: before[k] for k in costs}
    assert addresses(bc_http, seed.UNSHIPPED_ORDER_ID) == [after]


def test_an_address_something_shipped_to_is_still_edited_as_an_unkind_store_would(
    bc_http: SandboxHttp,
) -> None:
    # Given a fully shipped order
    (shipped,) = addresses(bc_http, seed.SHIPPED_ORDER_ID)
    assert shipped["items_shipped"] == shipped["items_total"] > 0
    # When its address is edited Then BigCommerce documents no refusal, and neither does the sandbox
    path = f"/v2/orders/{seed.SHIPPED_ORDER_ID}/shipping_addresses/{shipped['id']}"
    assert data(bc_http.put(path, json={"street_2": "Apt 4"}))["street_2"] == "Apt 4"
    (shipment,) = data(bc_http.get(f"/v2/orders/{seed.SHIPPED_ORDER_ID}/shipments"))
    assert shipment["shipping_address"]["street_2"] == "Apt 4"


def test_of_two_addresses_one_has_shipped_and_the_other_can_change(bc_http: SandboxHttp) -> None:
    mine, gift = addresses(bc_http, storefronts.MULTI_ADDRESS_ORDER_ID)
    assert (mine["items_shipped"], mine["items_total"]) == (1, 1)
    assert (gift["items_shipped"], gift["items_total"], gift["first_name"]) == (0, 1, "Mateo")
    path = f"/v2/orders/{storefronts.MULTI_ADDRESS_ORDER_ID}/shipping_addresses/{gift['id']}"
    moved = data(
        bc_http.put(path, json={"street_1": "500 E 7th St", "zip": "78701", "country": "United States"})
    )
    assert (moved["street_1"], moved["country_iso2"]) == ("500 E 7th St", "US")
    assert addresses(bc_http, storefronts.MULTI_ADDRESS_ORDER_ID)[0] == mine


@pytest.mark.parametrize(
    ("order_id", "address_id"),
    [(999999, 1), (seed.UNSHIPPED_ORDER_ID, 99999), (seed.UNSHIPPED_ORDER_ID, 1)],
    ids=["unknown-order", "unknown-address", "another-orders-address"],
)
def test_an_unknown_order_or_address_is_a_v2_404(
    bc_http: SandboxHttp, order_id: int, address_id: int
) -> None:
    response = bc_http.put(f"/v2/orders/{order_id}/shipping_addresses/{address_id}", json={"city": "Paris"})
    assert response.status_code == 404
    assert response.json() == [{"status": 404, "message": response.json()[0]["message"]}]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"items_total": 3}, "The field 'items_total' cannot be written to"),
        ({"country_iso2": "XX"}, "Invalid country_iso2"),
        ({"country": "Narnia"}, "Invalid country"),
        ({"country": "Canada", "country_iso2": "US"}, "different countries"),
    ],
    ids=["read-only", "unknown-code", "unknown-name", "disagreeing"],
)
def test_a_bad_address_edit_is_a_v2_400_and_changes_nothing(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp, body: dict[str, Any], words: str
) -> None:
    (before,) = addresses(bc_http, seed.UNSHIPPED_ORDER_ID)
    path = f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}/shipping_addresses/{before['id']}"
    with bc_sandbox.off_contract():  # items_total is no member of shippingAddress_Put
        response = bc_http.put(path, json=body)
    assert response.status_code == 400
    assert words in response.json()[0]["message"]
    assert addresses(bc_http, seed.UNSHIPPED_ORDER_ID) == [before]


# --- staff notes --------------------------------------------------------------------------------


def test_staff_notes_replace_the_whole_text(bc_http: SandboxHttp) -> None:
    path = f"/v2/orders/{seed.REFUNDABLE_ORDER_ID}"
    data(bc_http.put(path, json={"staff_notes": "Called the shopper."}))
    replaced = data(bc_http.put(path, json={"staff_notes": "Sent a new box."}))
    assert replaced["staff_notes"] == "Sent a new box."
    assert data(bc_http.get(path))["staff_notes"] == "Sent a new box."


def test_staff_notes_are_limited_to_65535_bytes_not_characters(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    path = f"/v2/orders/{seed.REFUNDABLE_ORDER_ID}"
    assert bc_http.put(path, json={"staff_notes": "a" * 65535}).status_code == 200
    # 40000 characters pass the file's maxLength, but are 80000 bytes in UTF-8
    accented = bc_http.put(path, json={"staff_notes": "é" * 40000})
    with bc_sandbox.off_contract():  # beyond the file's maxLength
        too_long = bc_http.put(path, json={"staff_notes": "a" * 65536})
    assert (accented.status_code, too_long.status_code) == (400, 400)
    assert "65535 bytes" in accented.json()[0]["message"]
    assert data(bc_http.get(path))["staff_notes"] == "a" * 65535


# --- date_modified ------------------------------------------------------------------------------


def _status(http: SandboxHttp) -> requests.Response:
    return http.put(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}", json={"status_id": 9})


def _note(http: SandboxHttp) -> requests.Response:
    return http.put(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}", json={"staff_notes": "Checked."})


def _address(http: SandboxHttp) -> requests.Response:
    (address,) = addresses(http, seed.UNSHIPPED_ORDER_ID)
    path = f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}/shipping_addresses/{address['id']}"
    return http.put(path, json={"company": "Williams Design"})


def _shipment(http: SandboxHttp) -> requests.Response:
    products = data(http.get(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}/products"))
    body = {
        "order_address_id": products[0]["order_address_id"],
        "items": [{"order_product_id": products[0]["id"], "quantity": 1}],
    }
    return http.post(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}/shipments", json=body)


def _refund(http: SandboxHttp) -> requests.Response:
    items = [{"item_type": "ORDER", "item_id": seed.UNSHIPPED_ORDER_ID, "amount": 5}]
    payments = [{"provider_id": "custom", "amount": 5, "offline": True}]
    return http.post(
        f"/v3/orders/{seed.UNSHIPPED_ORDER_ID}/payment_actions/refunds",
        json={"items": items, "payments": payments},
    )


@pytest.mark.parametrize(
    "write",
    [_status, _note, _address, _shipment, _refund],
    ids=["status", "note", "address", "shipment", "refund"],
)
def test_every_accepted_write_moves_date_modified(bc_http: SandboxHttp, write: Any) -> None:
    # Given the order's seeded modification date (March 2025)
    before = modified(bc_http, seed.UNSHIPPED_ORDER_ID)
    # When a write is accepted, Then date_modified moves past it
    assert write(bc_http).status_code in (200, 201)
    assert modified(bc_http, seed.UNSHIPPED_ORDER_ID) > before


def test_a_refused_write_leaves_date_modified(bc_http: SandboxHttp) -> None:
    before = modified(bc_http, seed.UNSHIPPED_ORDER_ID)
    assert bc_http.put(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}", json={"channel_id": 99}).status_code == 400
    assert modified(bc_http, seed.UNSHIPPED_ORDER_ID) == before
