"""The sandbox's `null`s where real BigCommerce sends them, and its sparse mode.

Every exchange here goes through `bc_sandbox`, so each sparse or null answer is also validated
against the OpenAPI files (with KNOWN_DEVIATIONS) at teardown.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
import requests

from devtools.sandbox import SandboxServer, seed
from devtools.sandbox import seed_channels as storefronts
from devtools.sandbox.contract import SPEC_FILES, contract_validator
from devtools.sandbox.sparse import ANY_SCHEMA, KEPT_OPTIONAL, MINIMAL_OUTSIDE_CONTRACT
from tests.fixtures.sandbox import SandboxHttp

NEW_ORDER: dict[str, Any] = {
    "billing_address": {
        "first_name": "Jane",
        "last_name": "Doe",
        "street_1": "123 Main Street",
        "city": "Austin",
        "state": "Texas",
        "zip": "78751",
        "country_iso2": "US",
        "email": "jane.doe@example.com",
    },
    "products": [{"name": "Mug", "quantity": 1, "price_inc_tax": 10, "price_ex_tax": 10}],
}


# --- nulls in the ordinary store ---------------------------------------------------------------------


def test_an_order_created_through_the_api_answers_its_notes_and_cart_as_null(bc_http: SandboxHttp) -> None:
    # When an order is created through the API without notes
    created = bc_http.post("/v2/orders", json=NEW_ORDER)
    # Then, like the captured answer in api-specs PR #245, its notes and cart are null, there and later
    assert created.status_code == 200, created.text
    for order in (created.json(), bc_http.get(f"/v2/orders/{created.json()['id']}").json()):
        assert (order["customer_message"], order["staff_notes"], order["cart_id"]) == (None, None, None)
    # and notes given at creation are answered as given
    noted = bc_http.post("/v2/orders", json={**NEW_ORDER, "customer_message": "Gift", "staff_notes": ""})
    assert (noted.json()["customer_message"], noted.json()["staff_notes"]) == ("Gift", "")


def test_the_demo_store_holds_api_created_orders_and_shipments_with_nulls(bc_http: SandboxHttp) -> None:
    # Martha's unshipped order and the guest's second order were created through the API
    for order_id in (seed.UNSHIPPED_ORDER_ID, seed.GUEST_ORDER_IDS[1]):
        order = bc_http.get(f"/v2/orders/{order_id}").json()
        assert (order["customer_message"], order["staff_notes"], order["cart_id"]) == (None, None, None)
    # while storefront orders answer empty strings
    storefront = bc_http.get(f"/v2/orders/{seed.REFUNDABLE_ORDER_ID}").json()
    assert (storefront["customer_message"], storefront["staff_notes"]) == ("", "")
    # and a shipment created without comments answers them as null
    (shipment,) = bc_http.get(f"/v2/orders/{seed.REFUNDABLE_ORDER_ID}/shipments").json()
    assert shipment["comments"] is None


# --- sparse mode -------------------------------------------------------------------------------------


def test_every_kept_member_names_an_optional_property_of_a_real_schema() -> None:
    # A misspelt entry would silently keep nothing: each must name a component of a reference file
    # that declares the property without requiring it.
    validator = contract_validator()
    components: dict[str, dict[str, Any]] = {}
    for spec_file in sorted({file for _, file in SPEC_FILES}):
        components.update(validator.spec(spec_file)["components"]["schemas"])

    def members(schema: dict[str, Any]) -> tuple[set[str], set[str]]:
        """(properties, required) of a schema and its allOf parts."""
        if "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        properties, required = set(schema.get("properties", {})), set(schema.get("required", []))
        for part in schema.get("allOf", []):
            more_properties, more_required = members(part)
            properties |= more_properties
            required |= more_required
        return properties, required

    for (component, name), reason in KEPT_OPTIONAL.items():
        assert reason.strip()
        if component == ANY_SCHEMA:
            continue
        assert component in components, component
        properties, required = members(components[component])
        assert name in properties and name not in required, (component, name)


def test_a_sparse_order_keeps_only_the_kept_members_and_nulls_the_nullable_ones(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a sandbox in sparse mode
    bc_sandbox.sparse = True
    # When an order is read
    order = bc_http.get(f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}").json()
    # Then it keeps what no real order lacks, and every other member is null (nullable) or absent
    kept = {name: order[name] for name in ("id", "customer_id", "status_id")}
    assert kept == {"id": seed.UNSHIPPED_ORDER_ID, "customer_id": seed.MARTHA_CUSTOMER_ID, "status_id": 11}
    assert order["total_inc_tax"]
    nulls = {name for name, value in order.items() if value is None}
    # (`consignments` stays the resource link it is when not included)
    assert set(order) - nulls == {"id", "customer_id", "status_id", "total_inc_tax", "consignments"}
    assert {"customer_message", "staff_notes", "cart_id", "external_source"} <= nulls
    assert "billing_address" not in order and "status" not in order


def test_sparse_v3_answers_keep_their_envelope_and_ids(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.sparse = True
    customers = bc_http.get("/v3/customers", params={"email:in": seed.MARTHA_EMAIL, "include": "addresses"})
    assert customers.json() == {"data": [{"id": seed.MARTHA_CUSTOMER_ID, "email": seed.MARTHA_EMAIL}]}
    # The quote for one item keeps its amounts and refund methods (the refund flow needs them)
    item = {"item_type": "PRODUCT", "item_id": 1, "quantity": 1}
    quote = bc_http.post(
        f"/v3/orders/{seed.REFUNDABLE_ORDER_ID}/payment_actions/refund_quotes", json={"items": [item]}
    ).json()["data"]
    assert set(quote) == {"total_refund_amount", "adjustment", "refund_methods"}
    assert all(
        set(option) == {"provider_id", "amount", "offline"}
        for method in quote["refund_methods"]
        for option in method
    )


def test_sparse_storefronts_and_countries_keep_what_identifies_them(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.sparse = True
    # Channels keep id and name (required in lists, kept in the single answer) and the list its
    # required, now empty, `meta`; sites their id, URL and channel, without `urls` or `meta`
    channels = bc_http.get("/v3/channels").json()
    assert channels == {
        "data": [
            {"id": 1, "name": "Sandbox Outfitters"},
            {"id": storefronts.BREW_OUTLET_CHANNEL_ID, "name": storefronts.BREW_OUTLET_NAME},
            {"id": storefronts.MARKETPLACE_CHANNEL_ID, "name": storefronts.MARKETPLACE_NAME},
        ],
        "meta": {},
    }
    assert bc_http.get("/v3/channels/2", params={"include": "currencies"}).json() == {
        "data": {"id": 2, "name": storefronts.BREW_OUTLET_NAME}
    }
    site = {"id": storefronts.BREW_OUTLET_SITE_ID, "url": storefronts.BREW_OUTLET_URL, "channel_id": 2}
    assert bc_http.get("/v3/channels/2/site").json() == {"data": site}
    assert bc_http.get("/v3/sites", params={"channel_id:in": "2"}).json() == {"data": [site]}
    # countries keep id, name and ISO code; states id, name and country
    (country,) = bc_http.get("/v2/countries", params={"country_iso2": "IE"}).json()
    assert country == {"id": 103, "country": "Ireland", "country_iso2": "IE"}
    assert bc_http.get("/v2/countries/103/states", params={"limit": 1}).json() == [
        {"id": 182, "state": "Carlow", "country_id": 103}
    ]
    # and a channel's customer settings, none of whose members customers.v3 requires, are an empty object
    assert bc_http.get("/v3/customers/settings/channels/2").json() == {"data": {}}


def test_outside_the_contract_sparse_answers_keep_the_documented_minimal_members(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    bc_sandbox.sparse = True
    products = bc_http.get("/v3/catalog/products", params={"id:in": "101,102"}).json()["data"]
    assert products and all(
        set(product) == set(MINIMAL_OUTSIDE_CONTRACT["/v3/catalog/products"]) for product in products
    )
    groups = bc_http.get("/v2/customer_groups").json()
    assert groups and all(set(group) == {"id", "name"} for group in groups)


def test_errors_are_never_made_sparse(bc_sandbox: SandboxServer, bc_http: SandboxHttp) -> None:
    bc_sandbox.sparse = True
    missing = bc_http.get("/v2/orders/999999")
    assert missing.status_code == 404
    assert missing.json()[0]["message"]


def test_sparse_mode_is_a_knob_that_reset_puts_back() -> None:
    with SandboxServer(sparse=False) as server:
        server.sparse = True
        server.reset()
        assert server.sparse is False
    with SandboxServer(sparse=True) as server:
        server.reset()
        assert server.sparse is True


@pytest.mark.parametrize("flag", ["--sparse"])
def test_the_command_line_serves_sparse_answers(flag: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.sandbox", "--port", "0", flag],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[2]
        response = requests.get(
            f"{url}/stores/sandbox/v2/orders/{seed.REFUNDABLE_ORDER_ID}/shipments",
            headers={"X-Auth-Token": "sandbox-token", "Accept": "application/json"},
            timeout=5,
        )
        assert response.json() == [{"id": 1, "comments": None}]
    finally:
        process.terminate()
        process.wait(timeout=5)
