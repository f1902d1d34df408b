"""Several storefronts in the sandbox, over real HTTP: channels, sites, orders' and customers' channels,
customer settings and store credit. `bc_sandbox` checks every exchange against the OpenAPI files.

Seed facts come from `devtools.sandbox.seed_channels` (and `seed`) constants.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from devtools.sandbox import CHANNELS, CHANNELS_READ, CUSTOMERS_READ, SITES, SITES_READ, SandboxServer, seed
from devtools.sandbox import seed_channels as storefronts
from devtools.sandbox.formats import dumps
from tests.fixtures.sandbox import SandboxHttp

NEW_ORDER: dict[str, Any] = {  # a phone order for a catalog product, to the billing address
    "billing_address": {"first_name": "Jo", "last_name": "Doe", "zip": "78751", "country_iso2": "US"},
    "products": [{"product_id": 101, "quantity": 1}],
}


def data(response: requests.Response) -> Any:
    return response.json(parse_float=Decimal)


def ids(response: requests.Response) -> list[int]:
    body = data(response)
    return [item["id"] for item in (body["data"] if isinstance(body, dict) else body)]


# --- channels -----------------------------------------------------------------------------------


def test_the_channels_always_start_with_the_default_storefront_and_page_like_v3(bc_http: SandboxHttp) -> None:
    # Given the demo store's three channels When they are listed, whole and two by two
    every = data(bc_http.get("/v3/channels"))
    second_page = data(bc_http.get("/v3/channels", params={"limit": 2, "page": 2}))
    # Then channel 1 is the default storefront, named after the store, and pages carry v3's meta
    assert [(c["id"], c["name"], c["type"], c["platform"], c["status"]) for c in every["data"]] == [
        (1, "Sandbox Outfitters", "storefront", "bigcommerce", "active"),
        (
            storefronts.BREW_OUTLET_CHANNEL_ID,
            storefronts.BREW_OUTLET_NAME,
            "storefront",
            "bigcommerce",
            "active",
        ),
        (
            storefronts.MARKETPLACE_CHANNEL_ID,
            storefronts.MARKETPLACE_NAME,
            "marketplace",
            "amazon",
            "connected",
        ),
    ]
    assert [c["id"] for c in second_page["data"]] == [storefronts.MARKETPLACE_CHANNEL_ID]
    pagination = second_page["meta"]["pagination"]
    assert (pagination["total"], pagination["count"], pagination["total_pages"]) == (3, 1, 2)
    assert pagination["links"] == {"current": "?page=2&limit=2", "previous": "?page=1&limit=2"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type:in": "storefront"}, [1, storefronts.BREW_OUTLET_CHANNEL_ID]),
        ({"platform:in": "amazon,ebay"}, [storefronts.MARKETPLACE_CHANNEL_ID]),
        ({"status:in": "connected"}, [storefronts.MARKETPLACE_CHANNEL_ID]),
        ({"available": "true"}, [1, storefronts.BREW_OUTLET_CHANNEL_ID, storefronts.MARKETPLACE_CHANNEL_ID]),
        ({"available": "false"}, []),
    ],
    ids=["type", "platform", "status", "available", "unavailable"],
)
def test_channel_filters(bc_http: SandboxHttp, params: dict[str, str], expected: list[int]) -> None:
    assert ids(bc_http.get("/v3/channels", params=params)) == expected


def test_a_channel_with_its_currencies_and_an_unknown_one_is_a_v3_404(bc_http: SandboxHttp) -> None:
    brew = data(
        bc_http.get(f"/v3/channels/{storefronts.BREW_OUTLET_CHANNEL_ID}", params={"include": "currencies"})
    )
    unknown = bc_http.get("/v3/channels/99")
    assert brew["data"]["currencies"] == {
        "channel_id": 2,
        "enabled_currencies": ["USD"],
        "default_currency": "USD",
    }
    assert brew["meta"] == {}
    assert unknown.status_code == 404
    assert (data(unknown)["status"], data(unknown)["title"]) == (404, "Not found")


def test_a_new_channel_answers_200_and_bad_pairs_statuses_and_duplicates_are_refused(
    bc_http: SandboxHttp,
) -> None:
    # Given a headless storefront's fields
    body = {"name": "Wholesale", "type": "storefront", "platform": "catalyst"}
    # When it is created, then created again, and other channels with wrong fields are tried
    created = bc_http.post("/v3/channels", json=body)
    again = bc_http.post("/v3/channels", json=body)
    wrong_pair = bc_http.post("/v3/channels", json={"name": "POS", "type": "pos", "platform": "amazon"})
    deleted = bc_http.post("/v3/channels", json={**body, "name": "Gone", "status": "deleted"})
    # Then the first is 200 (as documented, not 201), not launched yet, and listed; the others refused
    assert created.status_code == 200
    channel = data(created)["data"]
    assert (channel["id"], channel["status"]) == (4, "prelaunch")
    assert 4 in ids(bc_http.get("/v3/channels"))
    assert (again.status_code, wrong_pair.status_code, deleted.status_code) == (409, 422, 422)
    assert "platform" in data(wrong_pair)["errors"]


# --- sites --------------------------------------------------------------------------------------


def test_one_call_answers_every_storefronts_url_as_the_merchant_entered_it(bc_http: SandboxHttp) -> None:
    # When the sites of every channel are asked for at once
    channels = f"1,{storefronts.BREW_OUTLET_CHANNEL_ID},{storefronts.MARKETPLACE_CHANNEL_ID}"
    body = data(bc_http.get("/v3/sites", params={"channel_id:in": channels}))
    store = data(bc_http.get("/v2/store"))
    # Then the two storefronts answer, the default one at the store's secure URL (no trailing slash),
    # Brew Outlet with one; the marketplace has none. The meta is sites.v3's own pagination.
    assert [(s["id"], s["channel_id"], s["url"]) for s in body["data"]] == [
        (1000, 1, store["secure_url"]),
        (storefronts.BREW_OUTLET_SITE_ID, storefronts.BREW_OUTLET_CHANNEL_ID, storefronts.BREW_OUTLET_URL),
    ]
    assert store["secure_url"] == "https://sandbox-outfitters.example.com"
    assert body["meta"] == {"pagination": {"offset": 0, "limit": 50, "total_items": 2}}
    assert {u["type"] for u in body["data"][1]["urls"]} == {"primary", "canonical"}
    assert ids(bc_http.get("/v3/sites", params={"url_type:in": "checkout"})) == [1000]


def test_a_channel_without_a_site_answers_404_like_an_unknown_channel(bc_http: SandboxHttp) -> None:
    default = bc_http.get("/v3/channels/1/site")
    marketplace = bc_http.get(f"/v3/channels/{storefronts.MARKETPLACE_CHANNEL_ID}/site")
    unknown = bc_http.get("/v3/channels/99/site")
    assert (default.status_code, data(default)["data"]["id"], data(default)["meta"]) == (200, 1000, {})
    assert (marketplace.status_code, unknown.status_code) == (404, 404)
    assert data(marketplace)["title"] == "Not found" and data(marketplace)["type"]


def test_a_site_is_created_once_per_channel_and_its_url_can_change(bc_http: SandboxHttp) -> None:
    # Given the marketplace channel, which has no site
    path = f"/v3/channels/{storefronts.MARKETPLACE_CHANNEL_ID}/site"
    # When a site is created for it, created again, and moved; and bad URLs are tried
    created = bc_http.post(path, json={"url": "https://amazon-outlet.example.com"})
    twice = bc_http.post(path, json={"url": "https://other.example.com"})
    moved = bc_http.put(path, json={"url": "https://www.amazon-outlet.example.com/"})
    relative = bc_http.put(path, json={"url": "/shop"})
    taken = bc_http.put(path, json={"url": "https://brew-outlet.example.com/"})
    # Then it answers 200 with the new site, which GET answers afterwards with the new URL
    assert created.status_code == 200
    site = data(created)["data"]
    assert (site["id"], site["channel_id"]) == (1002, storefronts.MARKETPLACE_CHANNEL_ID)
    assert (twice.status_code, relative.status_code, taken.status_code) == (422, 422, 422)
    assert moved.status_code == 200
    assert data(bc_http.get(path))["data"]["url"] == "https://www.amazon-outlet.example.com/"


def test_a_site_of_a_channel_without_one_cannot_be_updated_and_unknown_channels_get_none(
    bc_http: SandboxHttp,
) -> None:
    url = {"url": "https://x.example.com"}
    assert bc_http.put(f"/v3/channels/{storefronts.MARKETPLACE_CHANNEL_ID}/site", json=url).status_code == 404
    assert bc_http.post("/v3/channels/99/site", json=url).status_code == 404
    mismatch = bc_http.post(
        f"/v3/channels/{storefronts.MARKETPLACE_CHANNEL_ID}/site", json={**url, "channel_id": 2}
    )
    assert mismatch.status_code == 422


def test_channels_need_channel_settings_and_sites_need_sites_and_routes(bc_sandbox: SandboxServer) -> None:
    # Given a token with each read-only scope, and one that may read customers only
    bc_sandbox.add_token("channels", [CHANNELS_READ])
    bc_sandbox.add_token("sites", [SITES_READ])
    bc_sandbox.add_token("customers", [CUSTOMERS_READ])

    def status(token: str, method: str, path: str, **kwargs: Any) -> int:
        return SandboxHttp(bc_sandbox, token=token).request(method, path, **kwargs).status_code

    # Then channels answer Channel Settings, sites (the channel's one included) Sites & Routes
    assert [status("channels", "GET", p) for p in ("/v3/channels", "/v3/channels/1")] == [200, 200]
    assert [status("channels", "GET", p) for p in ("/v3/channels/1/site", "/v3/sites")] == [403, 403]
    assert [status("sites", "GET", p) for p in ("/v3/channels/1/site", "/v3/sites")] == [200, 200]
    assert status("sites", "GET", "/v3/channels") == 403
    assert status("customers", "GET", "/v3/channels") == 403
    # and writing needs the modify scopes
    assert (
        status("channels", "POST", "/v3/channels", json={"name": "X", "type": "pos", "platform": "square"})
        == 403
    )
    assert status("sites", "PUT", "/v3/channels/1/site", json={"url": "https://a.example.com"}) == 403
    bc_sandbox.add_token("writer", [CHANNELS, SITES])
    assert status("writer", "GET", "/v3/sites") == 200


# --- orders' channels ---------------------------------------------------------------------------


def test_every_order_says_its_channel_and_the_list_filters_by_it(bc_http: SandboxHttp) -> None:
    brew = bc_http.get("/v2/orders", params={"channel_id": storefronts.BREW_OUTLET_CHANNEL_ID})
    amazon = bc_http.get("/v2/orders", params={"channel_id": storefronts.MARKETPLACE_CHANNEL_ID})
    nowhere = bc_http.get("/v2/orders", params={"channel_id": 99})
    assert tuple(ids(brew)) == storefronts.BREW_OUTLET_ORDER_IDS
    assert {o["channel_id"] for o in data(brew)} == {storefronts.BREW_OUTLET_CHANNEL_ID}
    assert ids(amazon) == [storefronts.MARKETPLACE_ORDER_ID]
    assert (nowhere.status_code, nowhere.content) == (204, b"")
    assert data(bc_http.get(f"/v2/orders/{seed.REFUNDABLE_ORDER_ID}"))["channel_id"] == 1


def test_a_new_order_goes_to_channel_1_unless_told_and_only_to_an_enabled_channel(
    bc_sandbox: SandboxServer, bc_http: SandboxHttp
) -> None:
    # Given a disconnected marketplace channel beside the seeded ones
    bc_sandbox.store.add_channel(name="eBay", type="marketplace", platform="ebay", status="disconnected")
    # When orders are created without a channel, on Brew Outlet, on an unknown and on the disconnected one
    default = bc_http.post("/v2/orders", json=NEW_ORDER)
    brew = bc_http.post("/v2/orders", json={**NEW_ORDER, "channel_id": storefronts.BREW_OUTLET_CHANNEL_ID})
    unknown = bc_http.post("/v2/orders", json={**NEW_ORDER, "channel_id": 99})
    disconnected = bc_http.post("/v2/orders", json={**NEW_ORDER, "channel_id": 4})
    # Then the first two are on channels 1 and 2, the others a v2 validation error naming the channel
    assert (data(default)["channel_id"], data(brew)["channel_id"]) == (1, storefronts.BREW_OUTLET_CHANNEL_ID)
    assert (unknown.status_code, disconnected.status_code) == (400, 400)
    assert "channel_id" in data(unknown)[0]["message"] and "disconnected" in data(disconnected)[0]["message"]


def test_an_order_can_move_to_another_enabled_channel(bc_http: SandboxHttp) -> None:
    path = f"/v2/orders/{seed.UNSHIPPED_ORDER_ID}"
    moved = bc_http.put(path, json={"channel_id": storefronts.BREW_OUTLET_CHANNEL_ID})
    refused = bc_http.put(path, json={"channel_id": 99})
    assert (moved.status_code, data(moved)["channel_id"]) == (200, storefronts.BREW_OUTLET_CHANNEL_ID)
    assert refused.status_code == 400
    assert data(bc_http.get(path))["channel_id"] == storefronts.BREW_OUTLET_CHANNEL_ID


# --- customers' channels and settings -----------------------------------------------------------


def test_one_email_answers_every_account_each_with_its_channels(bc_http: SandboxHttp) -> None:
    found = data(bc_http.get("/v3/customers", params={"email:in": storefronts.ROSA_EMAIL.upper()}))["data"]
    assert tuple(c["id"] for c in found) == storefronts.ROSA_CUSTOMER_IDS
    everywhere, outlet = found
    assert "channel_ids" not in everywhere and everywhere["origin_channel_id"] == 1
    assert (outlet["channel_ids"], outlet["origin_channel_id"]) == ([storefronts.BREW_OUTLET_CHANNEL_ID], 2)
    assert everywhere["first_name"] == outlet["first_name"] and everywhere["phone"] == outlet["phone"]


def test_customer_settings_store_wide_and_per_channel(bc_http: SandboxHttp) -> None:
    store_wide = data(bc_http.get("/v3/customers/settings"))["data"]
    default = data(bc_http.get("/v3/customers/settings/channels/1"))["data"]
    brew = data(bc_http.get(f"/v3/customers/settings/channels/{storefronts.BREW_OUTLET_CHANNEL_ID}"))["data"]
    assert store_wide["customer_group_settings"] == {
        "guest_customer_group_id": 0,
        "default_customer_group_id": 0,
    }
    assert (default["allow_global_logins"], brew["allow_global_logins"]) == (True, False)
    # no override on a channel is null, as in BigCommerce's captured answer
    assert brew["privacy_settings"] == {
        "ask_shopper_for_tracking_consent": None,
        "ask_shopper_for_tracking_consent_on_checkout": None,
        "policy_url": None,
    }
    assert bc_http.get("/v3/customers/settings/channels/99").status_code == 404


def test_customer_settings_change_by_put_and_null_removes_a_channels_override(bc_http: SandboxHttp) -> None:
    path = f"/v3/customers/settings/channels/{storefronts.BREW_OUTLET_CHANNEL_ID}"
    overridden = bc_http.put(
        path, json={"privacy_settings": {"policy_url": "https://brew.example.com/privacy"}}
    )
    inherited = bc_http.put(path, json={"privacy_settings": {"policy_url": None}})
    store_wide = bc_http.put(
        "/v3/customers/settings", json={"customer_group_settings": {"default_customer_group_id": 1}}
    )
    assert data(overridden)["data"]["privacy_settings"]["policy_url"] == "https://brew.example.com/privacy"
    assert data(inherited)["data"]["privacy_settings"]["policy_url"] is None
    assert data(store_wide)["data"]["customer_group_settings"]["default_customer_group_id"] == 1
    unknown_group = bc_http.put(
        "/v3/customers/settings", json={"customer_group_settings": {"guest_customer_group_id": 9}}
    )
    assert unknown_group.status_code == 422


def test_one_email_may_have_an_account_per_storefront_only_while_the_second_refuses_global_logins(
    bc_http: SandboxHttp,
) -> None:
    brew = storefronts.BREW_OUTLET_CHANNEL_ID

    def create(email: str, **fields: Any) -> int:
        body = {"email": email, "first_name": "Ana", "last_name": "Two", **fields}
        return bc_http.post("/v3/customers", json=[body]).status_code

    # Given Brew Outlet refusing global logins (the demo's setting): a global account and a Brew Outlet
    # account may share an email
    assert create("ana@example.com") == 200
    assert create("ana@example.com", channel_ids=[brew]) == 200
    # When Brew Outlet lets global accounts log in, Then the same pair for another email is refused
    settings = bc_http.put(f"/v3/customers/settings/channels/{brew}", json={"allow_global_logins": True})
    assert settings.status_code == 200 and data(settings)["data"]["allow_global_logins"] is True
    assert create("ben@example.com") == 200
    assert create("ben@example.com", channel_ids=[brew]) == 422
    # and an empty channel list is refused outright ("This array cannot be empty")
    assert create("cy@example.com", channel_ids=[]) == 422


def test_an_account_created_from_a_storefront_refusing_global_logins_belongs_to_it(
    bc_http: SandboxHttp,
) -> None:
    body = {"email": "dee@example.com", "first_name": "Dee", "last_name": "Outlet", "origin_channel_id": 2}
    created = data(bc_http.post("/v3/customers", json=[body]))["data"][0]
    assert (created["channel_ids"], created["origin_channel_id"]) == ([storefronts.BREW_OUTLET_CHANNEL_ID], 2)


# --- store credit (PUT /v3/customers) -----------------------------------------------------------


def credit_of(http: SandboxHttp, customer_id: int) -> list[Decimal]:
    found = data(http.get("/v3/customers", params={"id:in": customer_id, "include": "storecredit"}))["data"]
    return [credit["amount"] for credit in found[0]["store_credit_amounts"]]


def test_store_credit_put_sets_the_balance_and_include_reads_it_back(bc_http: SandboxHttp) -> None:
    # Given Martha's $25.00 When a PUT sends 30
    update = [{"id": seed.MARTHA_CUSTOMER_ID, "store_credit_amounts": [{"amount": 30}]}]
    response = bc_http.put("/v3/customers", json=update)
    # Then her balance is 30.00, not 55.00: the amount is the balance, and the answer carries it
    assert response.status_code == 200
    assert data(response)["data"][0]["store_credit_amounts"] == [{"amount": Decimal("30.00")}]
    assert credit_of(bc_http, seed.MARTHA_CUSTOMER_ID) == [Decimal("30.00")]
    assert data(response)["data"][0]["email"] == seed.MARTHA_EMAIL  # what was not sent is unchanged


def test_two_agents_raising_store_credit_at_once_lose_one_raise(bc_http: SandboxHttp) -> None:
    # Given two agents who each read Martha's balance before either writes
    first_read, second_read = (
        credit_of(bc_http, seed.MARTHA_CUSTOMER_ID),
        credit_of(bc_http, seed.MARTHA_CUSTOMER_ID),
    )
    # When each writes what it read plus 5.00
    for read in (first_read, second_read):
        update = [{"id": seed.MARTHA_CUSTOMER_ID, "store_credit_amounts": [{"amount": read[0] + 5}]}]
        raised = bc_http.put(
            "/v3/customers", data=dumps(update), headers={"Content-Type": "application/json"}
        )
        assert raised.status_code == 200
    # Then the last write wins: 30.00, not 35.00 (no increment operation exists; the client must lock)
    assert credit_of(bc_http, seed.MARTHA_CUSTOMER_ID) == [Decimal("30.00")]


def test_a_customers_put_is_all_or_nothing(bc_http: SandboxHttp) -> None:
    martha = {"id": seed.MARTHA_CUSTOMER_ID, "store_credit_amounts": [{"amount": 99}]}
    unknown = bc_http.put("/v3/customers", json=[martha, {"id": 99999, "first_name": "Nobody"}])
    taken = bc_http.put(
        "/v3/customers", json=[martha, {"id": seed.ALICE_CUSTOMER_ID, "email": seed.MARTHA_EMAIL}]
    )
    too_many = bc_http.put("/v3/customers", json=[martha] * 11)
    negative = bc_http.put("/v3/customers", json=[{**martha, "store_credit_amounts": [{"amount": -1}]}])
    assert (unknown.status_code, taken.status_code, too_many.status_code, negative.status_code) == (
        422,
        422,
        413,
        422,
    )
    assert "1.id" in data(unknown)["errors"] and "1.email" in data(taken)["errors"]
    assert credit_of(bc_http, seed.MARTHA_CUSTOMER_ID) == [Decimal("25.00")]
