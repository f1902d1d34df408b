"""The discount form of one person with accounts on several storefronts asks which storefront's account
the code is for (issue 19, item 3), end to end: signed requests through the local API Gateway, the real
handler, DynamoDB in moto and the sandbox's demo store over HTTP.

Rosa Rivera (``seed_channels``) has a global account, 920 (she may log in to Sandbox Outfitters,
channel 1, the one storefront allowing global logins), and a Brew Outlet account, 921 (channel 2).
Martha (customer 1) has one account: her form and promotion are today's
(``test_discount_action.py`` holds them, unchanged).
"""

from __future__ import annotations

from typing import Any

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox.records import StoreInfo
from devtools.sandbox.seed_channels import BREW_OUTLET_CHANNEL_ID, BREW_OUTLET_NAME, ROSA_CUSTOMER_IDS
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from gladly_bigcommerce.gladly.limits import ACTION_CALLS
from tests.integration.actions_support import (
    MARTHA,
    check_token,
    error_of,
    open_action_form,
    sections_by_attr,
    submit,
    with_query,
)
from tests.integration.test_discount_action import (
    CODES_PATH,
    GUEST,
    TEN_PERCENT,
    codes_of,
    made_promotions,
    the_code,
)

GLOBAL_ACCOUNT, BREW_ACCOUNT = (str(customer_id) for customer_id in ROSA_CUSTOMER_IDS)
DEFAULT_STOREFRONT = StoreInfo().name  # channel 1, named after the store

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def open_form(client: GladlyClient, customer: str = BREW_ACCOUNT) -> dict[str, Any]:
    return open_action_form(client, "discount", {"customer": customer})


def promotion_channels(sandbox: SandboxServer) -> list[list[dict[str, int]]]:
    return [promotion.body["channels"] for promotion in made_promotions(sandbox)]


# --- the form ---------------------------------------------------------------------------------------------


def test_a_person_with_accounts_on_two_storefronts_is_asked_which_storefront(
    gladly_client: GladlyClient,
) -> None:
    # Given Rosa's Brew Outlet account, linked in Gladly, When the agent opens the discount form
    form = open_form(gladly_client)
    # Then it first asks for the storefront: one option per account, named by its storefront
    first = form["sections"][0]
    assert first["attr"] == "account" and first["label"] == "Storefront"
    assert first["input"]["type"] == "select"
    assert first["input"]["options"] == [
        {"value": BREW_ACCOUNT, "text": BREW_OUTLET_NAME},
        {"value": GLOBAL_ACCOUNT, "text": DEFAULT_STOREFRONT},
    ]
    # And it is required and prefilled with the account Gladly linked
    assert not first["input"].get("optional")
    assert first["defaultValue"] == BREW_ACCOUNT
    # And the rest is today's form, its token bound to the linked customer
    assert [section["attr"] for section in form["sections"][1:]] == [
        section["attr"] for section in open_form(gladly_client, MARTHA)["sections"]
    ]
    assert check_token(gladly_client, form, FormSubject("discount", None, BREW_ACCOUNT))


def test_the_global_account_is_offered_the_brew_outlet_one_too(gladly_client: GladlyClient) -> None:
    options = sections_by_attr(open_form(gladly_client, GLOBAL_ACCOUNT))["account"]["input"]["options"]
    assert [option["value"] for option in options] == [GLOBAL_ACCOUNT, BREW_ACCOUNT]


def test_a_person_with_one_account_gets_todays_form(gladly_client: GladlyClient) -> None:
    assert "account" not in sections_by_attr(open_form(gladly_client, MARTHA))


def test_a_store_of_one_storefront_shows_todays_form(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the store closed Brew Outlet (archived: it sells no more), so it has one storefront
    with bc_sandbox.store.lock:
        bc_sandbox.store.channels[BREW_OUTLET_CHANNEL_ID].status = "archived"
    # Then Rosa's form is today's, and her code targets every channel
    form = open_form(gladly_client)
    assert "account" not in sections_by_attr(form)
    the_code(submit(gladly_client, form, TEN_PERCENT))
    assert promotion_channels(bc_sandbox) == [[]]


def test_the_form_reads_within_the_action_call_cap(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    bc_sandbox.requests.clear()
    open_form(gladly_client)
    assert len(bc_sandbox.requests) <= ACTION_CALLS


# --- the submit -------------------------------------------------------------------------------------------


def test_the_code_is_made_for_the_chosen_account_on_its_storefront_only(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # When the agent chooses Rosa's other account, on Sandbox Outfitters
    response = submit(gladly_client, open_form(gladly_client), {**TEN_PERCENT, "account": GLOBAL_ACCOUNT})
    # Then the code is made for it, and its promotion targets that storefront's channel only
    the_code(response)
    (promotion,) = made_promotions(bc_sandbox)
    assert promotion.body["channels"] == [{"id": 1}]
    assert f"for customer {GLOBAL_ACCOUNT} " in promotion.name
    assert f"Works on {DEFAULT_STOREFRONT} only (customer {GLOBAL_ACCOUNT})." in response.json()["detail"]


def test_an_untouched_choice_takes_the_linked_account(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    the_code(submit(gladly_client, open_form(gladly_client), {**TEN_PERCENT, "account": ""}))
    assert promotion_channels(bc_sandbox) == [[{"id": BREW_OUTLET_CHANNEL_ID}]]
    (promotion,) = made_promotions(bc_sandbox)
    assert f"for customer {BREW_ACCOUNT} " in promotion.name


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1", "invalid_choice"),  # another person's account
        (f" {GLOBAL_ACCOUNT}", "invalid_choice"),
        ("0920", "invalid_choice"),
        ("Sandbox Outfitters", "invalid_choice"),
        (920, "invalid_type"),
        ([GLOBAL_ACCOUNT], "invalid_type"),
    ],
)
def test_a_storefront_not_offered_is_refused_on_its_field_and_nothing_is_created(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, value: Any, code: str
) -> None:
    form = open_form(gladly_client)
    response = submit(gladly_client, form, {**TEN_PERCENT, "account": value})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("account", code)
    assert made_promotions(bc_sandbox) == []
    # And the form stays usable with an offered value
    the_code(submit(gladly_client, form, {**TEN_PERCENT, "account": GLOBAL_ACCOUNT}))


def test_a_person_with_one_account_takes_no_other_account(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client, MARTHA)
    response = submit(gladly_client, form, {**TEN_PERCENT, "account": BREW_ACCOUNT})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("account", "invalid_choice")
    assert made_promotions(bc_sandbox) == []
    the_code(submit(gladly_client, form, TEN_PERCENT))
    assert promotion_channels(bc_sandbox) == [[]]


def test_a_guest_takes_no_account(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    form = open_form(gladly_client, GUEST)
    response = submit(gladly_client, form, {**TEN_PERCENT, "account": MARTHA})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("account", "unknown_field")
    assert made_promotions(bc_sandbox) == []


def test_the_chosen_account_is_checked_again_at_submit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the form offered both accounts
    form = open_form(gladly_client)
    # When the global account is renamed since (another person's now, as far as anyone can tell)
    with bc_sandbox.store.lock:
        bc_sandbox.store.customers[int(GLOBAL_ACCOUNT)].first_name = "Rosalind"
    # Then choosing it is refused on the field, and nothing is made
    response = submit(gladly_client, form, {**TEN_PERCENT, "account": GLOBAL_ACCOUNT})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("account", "invalid_choice")
    assert made_promotions(bc_sandbox) == []
    # And the account Gladly linked, the form's prefilled choice, still goes through
    the_code(submit(gladly_client, form, {**TEN_PERCENT, "account": BREW_ACCOUNT}))
    assert promotion_channels(bc_sandbox) == [[]]  # she has one account now: every channel, as today


def test_the_token_stays_bound_to_the_customer_it_was_issued_for(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a form opened for the Brew Outlet account, submitted at the URL of the other account
    form = open_form(gladly_client)
    form["actionUrl"] = with_query(form["actionUrl"], customer=GLOBAL_ACCOUNT)
    response = submit(gladly_client, form, {**TEN_PERCENT, "account": GLOBAL_ACCOUNT})
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "form_not_for_this"
    assert made_promotions(bc_sandbox) == []


def test_the_same_submit_twice_makes_one_code(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    form = open_form(gladly_client)
    values = {**TEN_PERCENT, "account": GLOBAL_ACCOUNT}
    first, second = submit(gladly_client, form, values), submit(gladly_client, form, values)
    assert the_code(first) == the_code(second)
    (promotion,) = made_promotions(bc_sandbox)
    assert len(codes_of(bc_sandbox, promotion.id)) == 1


def test_a_code_lost_on_the_way_is_added_to_the_same_storefronts_promotion_on_retry(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the code's create is lost on the way once
    bc_sandbox.faults.add(CODES_PATH, "reset", method="POST", times=1)
    form = open_form(gladly_client)
    values = {**TEN_PERCENT, "account": GLOBAL_ACCOUNT}
    assert submit(gladly_client, form, values).status_code == 400
    # When the agent submits the same form again Then the code goes on the promotion already made
    code = the_code(submit(gladly_client, form, values))
    (promotion,) = made_promotions(bc_sandbox)
    assert promotion.body["channels"] == [{"id": 1}]
    assert [c.code for c in codes_of(bc_sandbox, promotion.id)] == [code]


def test_another_account_chosen_on_a_retry_gets_a_promotion_of_its_own(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a submit for the global account whose code was lost on the way
    bc_sandbox.faults.add(CODES_PATH, "reset", method="POST", times=1)
    form = open_form(gladly_client)
    assert submit(gladly_client, form, {**TEN_PERCENT, "account": GLOBAL_ACCOUNT}).status_code == 400
    # When the agent changes the storefront and submits again
    the_code(submit(gladly_client, form, {**TEN_PERCENT, "account": BREW_ACCOUNT}))
    # Then the code is on a promotion for Brew Outlet, never on the one made for the other storefront
    first, second = made_promotions(bc_sandbox)
    assert (first.body["channels"], second.body["channels"]) == (
        [{"id": 1}],
        [{"id": BREW_OUTLET_CHANNEL_ID}],
    )
    assert codes_of(bc_sandbox, first.id) == [] and len(codes_of(bc_sandbox, second.id)) == 1
