"""The sandbox's orders as real stores hold them, over real HTTP; `bc_sandbox` checks every exchange
against BigCommerce's OpenAPI files (orders.v2 forbids any order-product field it does not list).

Olivia's orders (`devtools.sandbox.seed_orders`), the Japanese store at its own store hash
(`devtools.sandbox.seed_japan`), and the `retyped` fault that sends a value of another type.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import requests

from devtools.sandbox import DEFAULT_TOKEN, JAPAN_STORE_HASH, SandboxServer, seed_japan, seed_orders
from tests.fixtures.sandbox import SandboxHttp

HEADERS = {"X-Auth-Token": DEFAULT_TOKEN, "Accept": "application/json"}
CONSIGNMENTS = {"include": "consignments.line_items", "consignment_structure": "object"}


def data(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json(parse_float=Decimal)


def test_lines_carry_options_typed_text_discounts_and_bundle_children(bc_http: SandboxHttp) -> None:
    tee, bundle, brewer, chemex = data(
        bc_http.get(f"/v2/orders/{seed_orders.OPTIONS_BUNDLE_ORDER_ID}/products")
    )
    assert [(o["display_name"], o["display_value"], o["type"]) for o in tee["product_options"]] == [
        ("Size", "M", "Multiple choice"),
        ("Color", "Silver", "Swatch"),
        ("Back print", seed_orders.TEE_BACK_PRINT, "Text field"),
    ]
    assert [(d["code"], d["amount"]) for d in tee["applied_discounts"]] == [("SUMMER10", "5.0000")]
    assert (tee["total_inc_tax"], tee["discounted_total_inc_tax"]) == ("50.0000", "45.0000")
    assert [p["parent_order_product_id"] for p in (tee, bundle, brewer, chemex)] == [
        None,
        None,
        bundle["id"],
        bundle["id"],
    ]
    assert [p["is_bundled_product"] for p in (bundle, brewer)] == [False, True]
    assert brewer["price_inc_tax"] == "0.0000"


def test_digital_and_gift_certificate_lines_sit_in_their_own_consignments(bc_http: SandboxHttp) -> None:
    digital = data(bc_http.get(f"/v2/orders/{seed_orders.DIGITAL_ORDER_ID}", params=CONSIGNMENTS))
    assert digital["order_is_digital"] is True
    assert digital["consignments"]["shipping"] == []
    ((ebook,),) = [d["line_items"] for d in digital["consignments"]["downloads"]]
    assert ebook["type"] == "digital"
    gift = data(bc_http.get(f"/v2/orders/{seed_orders.GIFT_CERTIFICATE_ORDER_ID}", params=CONSIGNMENTS))
    (certificate,) = gift["consignments"]["email"]["gift_certificates"]
    assert [(line["type"], line["gift_certificate_id"]) for line in certificate["line_items"]] == [
        ("giftcertificate", 1)
    ]
    assert [[line["type"] for line in c["line_items"]] for c in gift["consignments"]["shipping"]] == [
        ["physical"]
    ]


def test_a_digital_line_cannot_be_shipped(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    order = bc_sandbox.store.orders[seed_orders.DIGITAL_ORDER_ID]
    (ebook,) = order.products
    response = bc_http.post(
        f"/v2/orders/{order.id}/shipments",
        json={
            "order_address_id": order.shipping_addresses[0].id,
            "items": [{"order_product_id": ebook.id, "quantity": 1}],
        },
    )
    assert response.status_code == 400


def test_a_renamed_status_is_the_orders_custom_status_and_the_statuses_custom_label(
    bc_http: SandboxHttp,
) -> None:
    renamed = data(bc_http.get(f"/v2/orders/{seed_orders.RENAMED_STATUS_ORDER_ID}"))
    assert (renamed["status"], renamed["custom_status"]) == (
        "Awaiting Shipment",
        seed_orders.RENAMED_STATUS_LABEL,
    )
    untouched = data(bc_http.get(f"/v2/orders/{seed_orders.COMPLETED_UNSHIPPED_ORDER_ID}"))
    assert untouched["custom_status"] == untouched["status"] == "Completed"
    statuses = {s["id"]: s for s in data(bc_http.get("/v2/order_statuses"))}
    assert statuses[9]["custom_label"] == seed_orders.RENAMED_STATUS_LABEL
    assert statuses[9]["system_label"] == "Awaiting Shipment"


def test_the_japanese_store_answers_at_its_own_hash_in_whole_yen(bc_sandbox: SandboxServer) -> None:
    base = bc_sandbox.api_base_of(JAPAN_STORE_HASH)
    store = data(requests.get(f"{base}/v2/store", headers=HEADERS, timeout=5))
    assert (store["id"], store["currency"], store["decimal_places"]) == (JAPAN_STORE_HASH, "JPY", 0)
    orders = data(requests.get(f"{base}/v2/orders", headers=HEADERS, timeout=5))
    shipped = next(o for o in orders if o["id"] == seed_japan.JP_SHIPPED_ORDER_ID)
    assert (shipped["total_inc_tax"], shipped["default_currency_code"]) == ("31650.0000", "JPY")
    assert shipped["store_default_to_transactional_exchange_rate"] == "1.0000000000"
    # ... and the demo store does not hold its customer
    customers = data(
        requests.get(
            f"{bc_sandbox.api_base}/v3/customers",
            params={"email:in": seed_japan.HARUKA_EMAIL},
            headers=HEADERS,
            timeout=5,
        )
    )
    assert customers["data"] == []


def test_an_unknown_store_hash_is_a_404(bc_sandbox: SandboxServer) -> None:
    response = requests.get(bc_sandbox.api_base_of("nobody-here") + "/v2/store", headers=HEADERS, timeout=5)
    assert response.status_code == 404


def test_a_retyped_fault_sends_a_value_of_another_type_in_every_record(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a fault that answers the order list with numbers for the billing zip and phone, and an
    # object for the date
    retype = {"billing_address.zip": 78108, "billing_address.phone": 1234567890, "date_created": {"at": 1}}
    bc_sandbox.faults.add(r"^/v2/orders$", "retyped", method="GET", times=1, retype=retype)
    # Then every order of that answer carries them, and the next answer is as before
    orders = data(bc_http.get("/v2/orders", params={"customer_id": 1}))
    assert {(o["billing_address"]["zip"], o["billing_address"]["phone"]) for o in orders} == {
        (78108, 1234567890)
    }
    assert all(o["date_created"] == {"at": 1} for o in orders)
    again = data(bc_http.get("/v2/orders", params={"customer_id": 1}))
    assert all(isinstance(o["billing_address"]["zip"], str) for o in again)
