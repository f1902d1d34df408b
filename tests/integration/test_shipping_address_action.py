"""The change-shipping-address action end to end: signed requests through the local API Gateway, the real
handler, DynamoDB in moto and the BigCommerce sandbox over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import seed, seed_channels
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery import rewrites
from tests.integration.actions_support import (
    MARTHA,
    answer_after_the_deadline,
    assert_documented_answer,
    assert_every_event_covered,
    detailed,
    error_of,
    form_url,
    open_action_form,
    rate_limit_once,
    run_concurrently,
    sections_by_attr,
    send_event,
    submit,
    with_query,
)

ORDER = seed.UNSHIPPED_ORDER_ID
SPLIT_ORDER = seed_channels.MULTI_ADDRESS_ORDER_ID  # Rosa's: her own address shipped, a gift not yet
ROSA = str(seed_channels.ROSA_CUSTOMER_IDS[0])
NEW_ADDRESS = {
    "first_name": "Martha",
    "last_name": "Williams",
    "company": "",
    "street_1": "500 Terry Francois St",
    "street_2": "Floor 6",
    "city": "San Francisco",
    "state": "CA",
    "zip": "94158",
    "country_iso2": "US",
    "phone": "+1 415 555 0100",
    "email": "",
}

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def address_ids(sandbox: SandboxServer, order_id: int) -> list[int]:
    with sandbox.store.lock:
        return [address.id for address in sandbox.store.order(order_id).shipping_addresses]


def address_of(sandbox: SandboxServer, order_id: int, address_id: int) -> Any:
    with sandbox.store.lock:
        return sandbox.store.order(order_id).address(address_id).address


def address_puts(sandbox: SandboxServer) -> list[Any]:
    return sandbox.requests.find("PUT", r"^/v2/orders/\d+/shipping_addresses/\d+$")


def open_address_form(
    client: GladlyClient,
    sandbox: SandboxServer,
    order_id: int = ORDER,
    customer: str = MARTHA,
    index: int = 0,
) -> dict[str, Any]:
    address_id = address_ids(sandbox, order_id)[index]
    query = {"orderId": order_id, "customer": customer, "addressId": address_id}
    return open_action_form(client, "shipping_address", query)


def change(client: GladlyClient, sandbox: SandboxServer, **changes: Any) -> requests.Response:
    return submit(client, open_address_form(client, sandbox), {**NEW_ADDRESS, **changes})


def test_the_form_is_prefilled_with_the_address_and_offers_bigcommerces_countries(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    (address_id,) = address_ids(bc_sandbox, ORDER)
    current = address_of(bc_sandbox, ORDER, address_id)
    sections = sections_by_attr(open_address_form(gladly_client, bc_sandbox))
    assert sections["street_1"]["defaultValue"] == current.street_1
    assert sections["city"]["defaultValue"] == current.city
    assert sections["state"]["defaultValue"] == current.state
    assert sections["country_iso2"]["defaultValue"] == "US"
    countries = {option["value"]: option["text"] for option in sections["country_iso2"]["input"]["options"]}
    # every country BigCommerce knows (the captured list: 245), by ISO code
    assert len(countries) == 245
    assert countries["US"] == "United States" and countries["JP"] == "Japan"


def test_the_address_is_written_with_the_put_and_the_states_full_name(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = change(gladly_client, bc_sandbox)
    assert response.status_code == 200, response.text
    assert response.json()["message"] == f"Changed a shipping address of order {ORDER}"
    assert "500 Terry Francois St" in response.json()["detail"]
    (put,) = address_puts(bc_sandbox)
    # the recipient's members only, the state as BigCommerce names it, the country's name and code; the
    # fields left empty keep the value the form showed (the email)
    assert put.json == {
        **NEW_ADDRESS,
        "email": seed.MARTHA_EMAIL,
        "state": "California",
        "country": "United States",
        "country_iso2": "US",
    }
    (address_id,) = address_ids(bc_sandbox, ORDER)
    stored = address_of(bc_sandbox, ORDER, address_id)
    assert (stored.street_1, stored.state, stored.zip) == ("500 Terry Francois St", "California", "94158")


def test_a_country_without_states_takes_any_region(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = change(
        gladly_client, bc_sandbox, country_iso2="GB", state="Greater London", city="London", zip="SW1A 1AA"
    )
    assert response.status_code == 200, response.text
    (put,) = address_puts(bc_sandbox)
    assert (put.json["country"], put.json["state"]) == ("United Kingdom", "Greater London")


@pytest.mark.parametrize(
    ("changes", "attr", "code"),
    [
        ({"country_iso2": "XX"}, "country_iso2", "invalid_choice"),
        ({"country_iso2": "us"}, "country_iso2", "invalid_choice"),
        ({"state": "Narnia"}, "state", "unknown_state"),
        ({"country_iso2": "CA", "state": "Texas"}, "state", "unknown_state"),
        ({"street_1": "Main St \u202e 1"}, "street_1", "invalid_text"),
        ({"city": 94158}, "city", "invalid_type"),
        ({"zip": "x" * 1001}, "zip", "too_long"),
        ({"shipping_method": "Next day"}, "shipping_method", "unknown_field"),
    ],
)
def test_a_bad_address_is_refused_on_its_field_and_nothing_is_written(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, changes: dict[str, Any], attr: str, code: str
) -> None:
    response = change(gladly_client, bc_sandbox, **changes)
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == (attr, code)
    assert address_puts(bc_sandbox) == []


def test_the_state_is_required_where_bigcommerce_lists_states(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given an address whose state was never set When the agent leaves it empty for a US address
    (address_id,) = address_ids(bc_sandbox, ORDER)
    with bc_sandbox.store.lock:
        address_of(bc_sandbox, ORDER, address_id).state = ""
    response = change(gladly_client, bc_sandbox, state="")
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("state", "missing")
    assert address_puts(bc_sandbox) == []


def test_with_several_addresses_each_open_one_is_offered_and_the_shipped_one_is_not(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    own, gift = address_ids(bc_sandbox, SPLIT_ORDER)
    profile = detailed(gladly_client, ROSA, seed_channels.ROSA_EMAIL)
    (order,) = [o for o in profile["transactions"] if o["orderNumber"] == str(SPLIT_ORDER)]
    offered = [
        a for a in order.get("actions") or [] if a["formUrl"].split("?")[0].endswith("/shipping_address")
    ]
    # only the gift's address, which nothing has shipped to, and the button names it
    assert [a["formUrl"].endswith(f"addressId={gift}") for a in offered] == [True]
    assert "Austin" in offered[0]["name"]
    # and the shipped address's form is refused with why
    response = gladly_client.get(
        form_url(
            gladly_client, "shipping_address", {"orderId": SPLIT_ORDER, "customer": ROSA, "addressId": own}
        )
    )
    assert response.status_code == 406 and error_of(response)["code"] == "already_shipped"


def test_the_gift_address_of_a_partly_shipped_order_is_changed_and_the_other_is_not(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    own, gift = address_ids(bc_sandbox, SPLIT_ORDER)
    form = open_address_form(gladly_client, bc_sandbox, SPLIT_ORDER, ROSA, index=1)
    values = {attr: section.get("defaultValue") or "" for attr, section in sections_by_attr(form).items()}
    response = submit(gladly_client, form, {**values, "street_1": "400 Congress Ave"})
    assert response.status_code == 200, response.text
    assert address_of(bc_sandbox, SPLIT_ORDER, gift).street_1 == "400 Congress Ave"
    assert address_of(bc_sandbox, SPLIT_ORDER, own).street_1 == seed_channels.ROSA_ADDRESS[1]


def test_a_token_for_one_address_does_not_change_another(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    own, _gift = address_ids(bc_sandbox, SPLIT_ORDER)
    form = open_address_form(gladly_client, bc_sandbox, SPLIT_ORDER, ROSA, index=1)
    moved = {**form, "actionUrl": with_query(form["actionUrl"], addressId=own)}
    response = submit(gladly_client, moved, NEW_ADDRESS)
    assert response.status_code == 400 and error_of(response)["code"] == "form_not_for_this"
    assert address_puts(bc_sandbox) == []


@pytest.mark.parametrize(
    ("order_id", "status"),
    [(seed.CANCELLED_ORDER_ID, None), (seed.FULLY_REFUNDED_ORDER_ID, None), (ORDER, 10)],
)
def test_a_closed_order_is_not_offered_and_its_form_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, order_id: int, status: int | None
) -> None:
    if status is not None:
        bc_sandbox.store.set_order_status(order_id, status)
    profile = detailed(gladly_client, MARTHA, seed.MARTHA_EMAIL)
    (order,) = [o for o in profile["transactions"] if o["orderNumber"] == str(order_id)]
    assert not any("/shipping_address?" in a["formUrl"] for a in order.get("actions") or [])
    address_id = address_ids(bc_sandbox, order_id)[0]
    query = {"orderId": order_id, "customer": MARTHA, "addressId": address_id}
    response = gladly_client.get(form_url(gladly_client, "shipping_address", query))
    assert response.status_code == 406 and error_of(response)["code"] == "order_closed"


def test_an_address_shipped_to_since_the_form_opened_is_refused_and_nothing_is_written(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_address_form(gladly_client, bc_sandbox)
    bc_sandbox.store.add_shipment(ORDER, tracking_number="1Z999")
    response = submit(gladly_client, form, NEW_ADDRESS)
    assert response.status_code == 406, response.text
    assert error_of(response)["code"] == "already_shipped"
    assert "Nothing was changed" in error_of(response)["detail"]
    assert address_puts(bc_sandbox) == []


def test_ten_submits_of_one_form_write_once(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    form = open_address_form(gladly_client, bc_sandbox)
    responses = run_concurrently([lambda: submit(gladly_client, form, NEW_ADDRESS)] * 10)
    assert [r.status_code for r in responses] == [200] * 10
    assert len({r.text for r in responses}) == 1
    assert len(address_puts(bc_sandbox)) == 1


def test_a_timed_out_change_is_found_on_resubmit_and_not_written_twice(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_after_the_deadline(bc_sandbox, monkeypatch, r"/shipping_addresses/\d+$", "PUT")
    form = open_address_form(gladly_client, bc_sandbox)
    first = submit(gladly_client, form, NEW_ADDRESS)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "outcome_unknown")
    retry = submit(gladly_client, form, NEW_ADDRESS)
    assert retry.status_code == 200, retry.text
    assert "not written twice" in retry.json()["detail"]
    assert len(address_puts(bc_sandbox)) == 1


def test_a_change_lost_on_the_way_is_written_again_only_once_it_cannot_arrive(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    bc_sandbox.faults.add(r"/shipping_addresses/\d+$", "reset", method="PUT", times=1)
    form = open_address_form(gladly_client, bc_sandbox)
    assert submit(gladly_client, form, NEW_ADDRESS).status_code == 400
    early = submit(gladly_client, form, NEW_ADDRESS)
    assert early.status_code == 400 and error_of(early)["code"] == "outcome_unknown"
    monkeypatch.setattr(rewrites, "UNCONFIRMED_WRITE_SETTLE_SECONDS", 0.0)
    late = submit(gladly_client, form, NEW_ADDRESS)
    assert late.status_code == 200, late.text
    assert [put.status for put in address_puts(bc_sandbox)] == [None, 200]


def test_a_rate_limited_change_did_nothing_and_the_same_form_writes_on_the_next_submit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    rate_limit_once(bc_sandbox, r"/shipping_addresses/\d+$", "PUT")
    form = open_address_form(gladly_client, bc_sandbox)
    first = submit(gladly_client, form, NEW_ADDRESS)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "upstream_rate_limited")
    retry = submit(gladly_client, form, NEW_ADDRESS)
    assert retry.status_code == 200, retry.text
    assert [put.status for put in address_puts(bc_sandbox)] == [429, 200]


def test_the_countries_are_read_once_per_container(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    open_address_form(gladly_client, bc_sandbox)
    open_address_form(gladly_client, bc_sandbox)
    assert len(bc_sandbox.requests.find("GET", r"^/v2/countries$")) <= 1


@pytest.mark.parametrize(
    ("event", "status", "attr", "code"),
    [
        ("shipping-address-form", 200, None, None),
        ("shipping-address-form-shipped", 406, None, "already_shipped"),
        ("shipping-address-submit", 200, None, None),
        ("shipping-address-submit-unknown-country", 400, "country_iso2", "invalid_choice"),
        ("shipping-address-submit-unknown-state", 400, "state", "unknown_state"),
        ("shipping-address-submit-shipped", 406, None, "already_shipped"),
    ],
)
def test_each_shipping_address_event_gets_its_documented_answer(
    gladly_client: GladlyClient, event: str, status: int, attr: str | None, code: str | None
) -> None:
    assert_documented_answer(send_event(gladly_client, event), status, attr, code)


def test_every_shipping_address_event_file_is_covered() -> None:
    assert_every_event_covered(__file__, "shipping-address-")
