"""The goodwill store-credit action end to end: signed requests through the local API Gateway, the real
handler, DynamoDB in moto and the BigCommerce sandbox over HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery import rewrites
from gladly_bigcommerce.gladly.customer_ids import guest_customer_id
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
)

CUSTOMERS_PATH = r"^/v3/customers$"
MARTHAS_CREDIT = Decimal("25.00")  # seeded
REASON = "Late delivery, goodwill"

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def credit_puts(sandbox: SandboxServer) -> list[Any]:
    return sandbox.requests.find("PUT", CUSTOMERS_PATH)


def balance_of(sandbox: SandboxServer, customer_id: int = seed.MARTHA_CUSTOMER_ID) -> Decimal:
    with sandbox.store.lock:
        return sum(sandbox.store.customers[customer_id].store_credit, Decimal(0))


def open_credit_form(client: GladlyClient, customer: str = MARTHA) -> dict[str, Any]:
    return open_action_form(client, "store_credit", {"customer": customer})


def give(client: GladlyClient, amount: Any, reason: Any = REASON) -> requests.Response:
    return submit(client, open_credit_form(client), {"amount": amount, "reason": reason})


def test_the_form_shows_the_balance_and_asks_for_an_amount_up_to_the_maximum_and_a_reason(
    gladly_client: GladlyClient,
) -> None:
    form = open_credit_form(gladly_client)
    assert form["title"] == "Give store credit (balance now $25.00)"
    sections = sections_by_attr(form)
    assert list(sections) == ["amount", "reason"]
    assert sections["amount"]["label"] == "Store credit to give, in USD (up to $50.00)"
    assert not sections["amount"]["input"].get("optional")
    assert not sections["reason"]["input"].get("optional")


def test_credit_is_added_to_the_balance_and_the_answer_states_the_new_balance(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = give(gladly_client, "12.50")
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["message"] == f"Gave $12.50 store credit to customer {seed.MARTHA_CUSTOMER_ID}"
    assert "New balance: $37.50 (it was $25.00)." in result["detail"]
    assert f"Reason: {REASON}" in result["detail"]
    # BigCommerce was sent the new balance, and nothing else of the customer
    (put,) = credit_puts(bc_sandbox)
    assert put.json == [{"id": seed.MARTHA_CUSTOMER_ID, "store_credit_amounts": [{"amount": 37.5}]}]
    assert balance_of(bc_sandbox) == Decimal("37.50")


def test_a_customer_with_several_credit_amounts_gets_their_sum_plus_the_gift(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    bc_sandbox.store.set_store_credit(seed.MARTHA_CUSTOMER_ID, "10.00", "2.25")
    response = give(gladly_client, "5")
    assert response.status_code == 200, response.text
    assert "New balance: $17.25 (it was $12.25)." in response.json()["detail"]
    assert balance_of(bc_sandbox) == Decimal("17.25")


def test_a_detailed_lookup_offers_store_credit_to_registered_customers_only(
    gladly_client: GladlyClient,
) -> None:
    registered = detailed(gladly_client, MARTHA, seed.MARTHA_EMAIL)
    assert "Store credit" in [action["name"] for action in registered.get("actions") or []]
    guest = detailed(gladly_client, guest_customer_id(seed.GUEST_EMAIL), seed.GUEST_EMAIL)
    assert "Store credit" not in [action["name"] for action in guest.get("actions") or []]
    # The guest's profile says why: it has no account to hold credit
    assert guest["customAttributes"]["accountType"] == "Guest"


def test_a_guests_form_says_why_it_cannot_be_given(gladly_client: GladlyClient) -> None:
    guest = guest_customer_id(seed.GUEST_EMAIL)
    response = gladly_client.get(form_url(gladly_client, "store_credit", {"customer": guest}))
    assert response.status_code == 406, response.text
    assert error_of(response)["code"] == "guest_customer"
    assert "BigCommerce keeps store credit on customer accounts only" in error_of(response)["detail"]


@pytest.mark.parametrize(
    ("amount", "reason", "attr", "code"),
    [
        ("-5", REASON, "amount", "invalid_amount"),
        ("0", REASON, "amount", "invalid_amount"),
        ("50.01", REASON, "amount", "exceeds_maximum"),
        ("5.001", REASON, "amount", "invalid_amount"),
        ("1,000", REASON, "amount", "invalid_amount"),
        ("\u0665", REASON, "amount", "invalid_amount"),  # Arabic-Indic five
        ("\uff15", REASON, "amount", "invalid_amount"),  # fullwidth five
        ("5\u00a0", REASON, "amount", "invalid_amount"),
        ("$5", REASON, "amount", "invalid_amount"),
        (5, REASON, "amount", "invalid_type"),
        ("", REASON, "amount", "missing"),
        ("5", "", "reason", "missing"),
    ],
)
def test_a_bad_submit_is_refused_on_its_field_and_no_credit_is_given(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, amount: Any, reason: str, attr: str, code: str
) -> None:
    response = give(gladly_client, amount, reason)
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == (attr, code)
    assert credit_puts(bc_sandbox) == []
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT


def test_ten_submits_of_one_form_give_once(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    form = open_credit_form(gladly_client)
    values = {"amount": "5.00", "reason": "Double-clicked"}
    responses = run_concurrently([lambda: submit(gladly_client, form, values)] * 10)
    assert [r.status_code for r in responses] == [200] * 10
    assert len({r.text for r in responses}) == 1
    assert len(credit_puts(bc_sandbox)) == 1
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT + Decimal("5.00")


def gifts_at_once(client: GladlyClient, agents: int, amount: str) -> None:
    """``agents`` agents with the form open submit ``amount`` at the same moment; one told the customer
    is busy (400 ``customer_busy``, its form open) submits again, as the answer asks."""
    forms = [open_credit_form(client) for _ in range(agents)]

    def give_with(n: int) -> requests.Response:
        return submit(client, forms[n], {"amount": amount, "reason": f"Agent {n}"})

    for n, response in enumerate(run_concurrently([lambda n=n: give_with(n) for n in range(agents)])):
        while response.status_code == 400 and error_of(response)["code"] == "customer_busy":
            response = give_with(n)
        assert response.status_code == 200, response.text


def test_two_agents_giving_five_at_the_same_moment_raise_the_balance_by_exactly_ten(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    gifts_at_once(gladly_client, 2, "5.00")
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT + Decimal("10.00")
    assert len(credit_puts(bc_sandbox)) == 2


def test_ten_agents_giving_at_once_raise_the_balance_by_exactly_their_sum(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    gifts_at_once(gladly_client, 10, "5.00")
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT + Decimal("50.00")
    assert len(credit_puts(bc_sandbox)) == 10


def test_a_timed_out_credit_is_found_on_resubmit_and_not_given_twice(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce sets the balance but answers after the adaptor stopped waiting
    answer_after_the_deadline(bc_sandbox, monkeypatch, CUSTOMERS_PATH, "PUT")
    form = open_credit_form(gladly_client)
    values = {"amount": "10", "reason": "Slow store"}
    first = submit(gladly_client, form, values)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "outcome_unknown")
    assert "Do not give it another way" in error_of(first)["message"]
    # When the agent submits again Then the new balance is found and the credit is not given again
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 200, retry.text
    assert "not given twice" in retry.json()["detail"]
    assert "New balance: $35.00 (it was $25.00)." in retry.json()["detail"]
    assert len(credit_puts(bc_sandbox)) == 1
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT + 10


def credit_lost_on_the_way(
    client: GladlyClient, sandbox: SandboxServer
) -> tuple[dict[str, Any], dict[str, str]]:
    """A form whose submit of 10.00 lost its connection before BigCommerce did anything (400, form open)."""
    sandbox.faults.add(CUSTOMERS_PATH, "reset", method="PUT", times=1)
    form = open_credit_form(client)
    values = {"amount": "10", "reason": "Flaky network"}
    first = submit(client, form, values)
    assert first.status_code == 400 and error_of(first)["code"] == "outcome_unknown", first.text
    return form, values


def test_a_credit_lost_on_the_way_is_written_again_only_once_it_cannot_arrive(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a write whose connection drops before BigCommerce does anything
    form, values = credit_lost_on_the_way(gladly_client, bc_sandbox)
    # When the agent submits again at once Then nothing is written while the first write might arrive
    early = submit(gladly_client, form, values)
    assert early.status_code == 400 and error_of(early)["code"] == "outcome_unknown"
    assert len(credit_puts(bc_sandbox)) == 1
    # When that write can no longer arrive and the balance does not show it Then it is written, once
    monkeypatch.setattr(rewrites, "UNCONFIRMED_WRITE_SETTLE_SECONDS", 0.0)
    late = submit(gladly_client, form, values)
    assert late.status_code == 200, late.text
    assert [put.status for put in credit_puts(bc_sandbox)] == [None, 200]
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT + 10


def test_a_balance_changed_elsewhere_after_an_unconfirmed_write_is_not_written_again(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a write lost on the way, then the shopper spending 5.00 of the credit in BigCommerce
    form, values = credit_lost_on_the_way(gladly_client, bc_sandbox)
    bc_sandbox.store.set_store_credit(seed.MARTHA_CUSTOMER_ID, "20.00")
    monkeypatch.setattr(rewrites, "UNCONFIRMED_WRITE_SETTLE_SECONDS", 0.0)
    # When the agent submits again Then nothing is written, and the agent is told to check
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 406, retry.text
    assert error_of(retry)["code"] == "changed_elsewhere"
    assert len(credit_puts(bc_sandbox)) == 1
    assert balance_of(bc_sandbox) == Decimal("20.00")


def test_a_rate_limited_credit_did_nothing_and_the_same_form_gives_it_on_the_next_submit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    rate_limit_once(bc_sandbox, CUSTOMERS_PATH, "PUT")
    form = open_credit_form(gladly_client)
    values = {"amount": "7.25", "reason": "Busy store"}
    first = submit(gladly_client, form, values)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "upstream_rate_limited")
    assert "no store credit was given" in error_of(first)["message"]
    assert balance_of(bc_sandbox) == MARTHAS_CREDIT
    retry = submit(gladly_client, form, values)
    assert retry.status_code == 200, retry.text
    assert [put.status for put in credit_puts(bc_sandbox)] == [429, 200]
    assert balance_of(bc_sandbox) == Decimal("32.25")


@pytest.mark.parametrize(
    ("event", "status", "attr", "code"),
    [
        ("store-credit-form", 200, None, None),
        ("store-credit-form-guest", 406, None, "guest_customer"),
        ("store-credit-submit", 200, None, None),
        ("store-credit-submit-negative-amount", 400, "amount", "invalid_amount"),
        ("store-credit-submit-over-maximum", 400, "amount", "exceeds_maximum"),
        ("store-credit-submit-amount-in-arabic-indic-digits", 400, "amount", "invalid_amount"),
        ("store-credit-submit-missing-reason", 400, "reason", "missing"),
        ("store-credit-submit-expired-token", 406, None, "form_expired"),
    ],
)
def test_each_store_credit_event_gets_its_documented_answer(
    gladly_client: GladlyClient, event: str, status: int, attr: str | None, code: str | None
) -> None:
    assert_documented_answer(send_event(gladly_client, event), status, attr, code)


def test_every_store_credit_event_file_is_covered() -> None:
    assert_every_event_covered(__file__, "store-credit-")
