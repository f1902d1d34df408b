"""The adaptor against a BigCommerce that answers as sparsely as its OpenAPI files allow.

In sparse mode (`devtools.sandbox.sparse`) every answer keeps only what the files require plus the few
members of `KEPT_OPTIONAL` (ids, the v3 envelope, refund quote numbers, quantities the refund rules
need); every other optional member is `null` where the file allows it, else absent. Every event in
events/ (lookups, auto-link, every action's forms and submits) is replayed in sparse mode
and must get the status it gets from a full store, never a 5xx, except the few listed in `DEGRADED`
whose answer legitimately changes with what is missing. The main flows then check, field by field, what
survives and what degrades. Every sparse answer is checked against the OpenAPI files at teardown.

Why this module rather than the whole lookup/auto-link/action suites a second time: those suites assert
values (names, phone spellings, tracking numbers) that sparse mode removes by design, so most of their
asserts would need a second, degraded form; replaying every event covers every route and decision path
the suites drive, for a third of their run time, and the flow tests below pin down the degraded forms.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed
from devtools.sandbox.records import STATUS_CANCELLED

EVENTS = Path(__file__).resolve().parents[2] / "events"
ALL_EVENTS = sorted(path.name for path in EVENTS.glob("*.json"))
MARTHA = str(seed.MARTHA_CUSTOMER_ID)

# event -> (its status in sparse mode, why it differs from a full store's answer)
DEGRADED: dict[str, tuple[int, str]] = {
    "refund-form-guest-order.json": (
        406,
        "a guest order is the shopper's by its billing email; without it the order cannot be shown to "
        "be theirs, so it is refused rather than offered",
    ),
    "store-credit-form.json": (
        406,
        "without the customer's store_credit_amounts the balance is unknown, and a balance written from "
        "it would erase the real one: refused, nothing given",
    ),
    "store-credit-submit.json": (406, "as the form: the balance is unknown, so no credit is given"),
    "shipping-address-form.json": (
        406,
        "without the address's items_shipped nobody knows whether something shipped to it: refused "
        "rather than changed",
    ),
    "shipping-address-submit.json": (
        406,
        "as the form: nothing is written to an address that may have shipped",
    ),
    "shipping-address-submit-unknown-country.json": (
        406,
        "the address is refused (it may have shipped) before its fields are read against it",
    ),
    "shipping-address-submit-unknown-state.json": (
        406,
        "the address is refused (it may have shipped) before its fields are read against it",
    ),
    "refund-submit-shipping.json": (
        400,
        "without the shipping address's cost nothing is known to be left of the shipping: refused on "
        "the shipping field, nothing refunded",
    ),
}


def _send_sparse(client: GladlyClient, sandbox: SandboxServer, name: str) -> requests.Response:
    sandbox.sparse = True
    return client.send_event(EVENTS / name)


@pytest.mark.parametrize("name", ALL_EVENTS)
def test_every_event_gets_a_full_stores_status_in_sparse_mode_and_never_a_5xx(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, name: str
) -> None:
    # Given a full store's answer to the event
    bc_sandbox.sparse = False
    full = gladly_client.send_event(EVENTS / name)
    # When the same event meets a fresh store answering sparsely
    bc_sandbox.reset()
    sparse = _send_sparse(gladly_client, bc_sandbox, name)
    # Then the status is the same (or the documented degraded one), never a 5xx
    assert sparse.status_code < 500, sparse.text
    expected = DEGRADED[name][0] if name in DEGRADED else full.status_code
    assert sparse.status_code == expected, (full.status_code, sparse.text)
    if sparse.status_code >= 400:
        errors = sparse.json()["errors"]
        assert errors and all(set(item) == {"attr", "code", "detail", "message"} for item in errors)


def test_a_sparse_detailed_lookup_keeps_the_shopper_and_orders_and_drops_only_what_is_missing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When Martha's profile is looked up against a sparse store
    response = _send_sparse(gladly_client, bc_sandbox, "lookup-detailed-registered.json")
    # Then she is found, with her email and every order
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["externalCustomerId"] == MARTHA
    assert [email["original"] for email in result["emails"]] == [seed.MARTHA_EMAIL]
    orders = {transaction["orderNumber"]: transaction for transaction in result["transactions"]}
    assert sorted(orders) == sorted(str(order_id) for order_id in seed.MARTHA_ORDER_IDS)
    # and each order keeps its products (ids and quantities are kept), with empty lists where none
    for transaction in orders.values():
        assert isinstance(transaction["products"], list) and isinstance(transaction["fulfillments"], list)
        assert all(product["id"] and product["quantity"] > 0 for product in transaction["products"])
    # while what the store left out degrades alone: no phone, no sum over orders of unknown currency,
    # no store credit (its amounts were not sent), no tracking (shipments carry ids only)
    assert result["phones"] == []
    attributes = result["customAttributes"]
    assert "lifetimeValue" not in attributes and "storeCredit" not in attributes
    assert attributes["orderCount"] == str(len(seed.MARTHA_ORDER_IDS))
    assert not any(f.get("trackingNumber") for t in orders.values() for f in t["fulfillments"])


def test_sparse_auto_link_links_by_email_and_never_on_a_phone_it_cannot_see(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When a profile whose email is Martha's asks to be linked against a sparse store
    by_email = _send_sparse(gladly_client, bc_sandbox, "auto-link-unique-email.json")
    # Then it links to her (customers keep id and email)
    assert by_email.status_code == 200, by_email.text
    assert by_email.json()["kind"] == "linked"
    assert [c["customerRef"] for c in by_email.json()["candidates"]] == [MARTHA]
    # When a profile matches only by a phone the sparse store does not send
    by_phone = gladly_client.send_event(EVENTS / "auto-link-unique-phone.json")
    # Then nothing is linked on a guess
    assert by_phone.status_code == 200, by_phone.text
    assert by_phone.json()["kind"] == "no_match"


def test_a_sparse_store_still_refunds_the_chosen_items_exactly_once(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When an agent refunds one of two graters on order 100 against a sparse store
    response = _send_sparse(gladly_client, bc_sandbox, "refund-submit-items.json")
    # Then it is refunded once, for that one item, quoted and paid as BigCommerce computed it
    assert response.status_code == 200, response.text
    with bc_sandbox.store.lock:
        refunds = [r for r in bc_sandbox.store.refunds.values() if r.order_id == seed.REFUNDABLE_ORDER_ID]
    assert len(refunds) == 1
    assert [(i.item_type, i.quantity) for i in refunds[0].items] == [("PRODUCT", 1)]
    assert refunds[0].total_amount > 0


def test_a_sparse_store_still_cancels(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    # When an agent cancels Martha's unshipped order (created through the API) against a sparse store
    response = _send_sparse(gladly_client, bc_sandbox, "cancel-submit.json")
    # Then the order is cancelled
    assert response.status_code == 200, response.text
    assert bc_sandbox.store.orders[seed.UNSHIPPED_ORDER_ID].status_id == STATUS_CANCELLED
