"""Hostile input, signed as Gladly signs, through the local API Gateway and the real handlers: every
reproducer of issue 9 is refused with a 4xx in Gladly's error shape before any work, so the BigCommerce
sandbox's request log shows no call; and the call budget caps what any one request can spend."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import requests

from devtools.gateway import LocalGateway, build_event
from devtools.replay import GladlyClient
from devtools.sandbox import DEFAULT_TOKEN, SandboxServer, seed
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import CallBudget, CallBudgetExceeded, Deadline
from gladly_bigcommerce.bigcommerce.errors import UpstreamUnavailable
from gladly_bigcommerce.bigcommerce.http import RetryPolicy
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.limits import PHONE_SPELLINGS_ONE_BY_ONE

LOOKUP_ROUTES = ("/lookup", "/auto-link")
SUBMIT_URLS = (
    "/actions/refund?orderId=100&customer=1&token=t",
    "/actions/cancel?orderId=104&customer=1&token=t",
    "/actions/discount?customer=1&token=t",
    "/actions/staff_note?orderId=104&customer=1&token=t",
    "/actions/store_credit?customer=1&token=t",
    "/actions/shipping_address?orderId=108&customer=1&addressId=1&token=t",
)
STORE_PATH = r"^/v2/store$"


def search(**query: Any) -> dict[str, Any]:
    return {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": query}


def detailed(external_id: Any) -> dict[str, Any]:
    return {
        "lookupLevel": "DETAILED",
        "uniqueMatchRequired": True,
        "query": {"externalCustomerId": external_id},
    }


def refused(response: requests.Response, status: int, attr: str | None = None) -> dict[str, Any]:
    """The one error item of a refusal, after checking Gladly's shape: every item has all four keys."""
    assert response.status_code == status, response.text
    (item,) = response.json()["errors"]
    assert set(item) == {"attr", "code", "detail", "message"}, item
    if attr is not None:
        assert item["attr"] == attr, item
    return dict(item)


def nothing_asked(sandbox: SandboxServer) -> None:
    assert sandbox.requests.snapshot() == [], "a refused request must not reach BigCommerce"


# --- Text that is not valid Unicode --------------------------------------------------------------------


def test_a_lone_surrogate_in_an_email_is_a_400_and_asks_nothing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a search whose email holds "\ud800" (a lone UTF-16 surrogate once the JSON is decoded)
    body = search(emails=["\ud800@example.com"])
    assert b"\\ud800" in json.dumps(body).encode()
    # When Gladly sends it Then it is a 400 naming the email, and BigCommerce is never called
    refused(gladly_client.post("/lookup", body), 400, "query.emails.0")
    nothing_asked(bc_sandbox)


def test_a_lone_surrogate_in_a_guest_id_is_a_400_and_asks_nothing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    refused(gladly_client.post("/lookup", detailed("guest:\ud800@x.com")), 400, "query.externalCustomerId")
    nothing_asked(bc_sandbox)


def test_a_lone_surrogate_in_a_query_parameter_is_a_400_before_the_signature(
    gateway: LocalGateway, bc_sandbox: SandboxServer
) -> None:
    # Given a form URL whose customer holds a lone surrogate (it cannot even be signed: not UTF-8)
    event = build_event("GET", "/actions/discount", "customer=1")
    event["queryStringParameters"] = {"customer": "guest:\ud800@x.com"}
    event["multiValueQueryStringParameters"] = {"customer": ["guest:\ud800@x.com"]}
    # When it reaches the handler Then it is refused (a form: 406, naming no field), not a 500 or 401
    answer = gateway.invoke(event)
    assert answer.status == 406, answer.body
    (item,) = answer.json()["errors"]
    assert (item["attr"], item["code"]) == ("", "invalid_text")
    nothing_asked(bc_sandbox)


def test_a_body_that_is_not_valid_unicode_text_is_a_400(
    gateway: LocalGateway, bc_sandbox: SandboxServer
) -> None:
    event = build_event("POST", "/lookup", "", {"Content-Type": "application/json"}, b"{}")
    event["body"] = '{"lookupLevel":"BASIC","query":{"email":"\ud800@x.com"}}'
    answer = gateway.invoke(event)
    assert answer.status == 400, answer.body
    assert [(item["attr"], item["code"]) for item in answer.json()["errors"]] == [("body", "invalid_body")]
    nothing_asked(bc_sandbox)


# --- Ids, strings and counts -----------------------------------------------------------------------


@pytest.mark.parametrize("external_id", ["9" * 4_300, "9" * 11], ids=["4300-digits", "11-digits"])
def test_an_external_customer_id_of_too_many_digits_is_a_400(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, external_id: str
) -> None:
    item = refused(gladly_client.post("/lookup", detailed(external_id)), 400, "query.externalCustomerId")
    assert "9999999999" not in item["detail"]
    nothing_asked(bc_sandbox)


@pytest.mark.parametrize(
    ("digits", "attr"),
    [(4_300, "query.externalCustomerId"), (5_000, "body")],
    ids=["4300-digits-parsed-then-bounded", "5000-digits-past-the-parsers-limit"],
)
def test_an_external_customer_id_sent_as_a_huge_json_number_is_a_400(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, digits: int, attr: str
) -> None:
    # Python parses integers of up to 4,300 digits; longer ones are not valid JSON to it
    body = b'{"lookupLevel":"DETAILED","query":{"externalCustomerId":' + b"9" * digits + b"}}"
    refused(gladly_client.post("/lookup", body), 400, attr)
    nothing_asked(bc_sandbox)


def test_a_65000_character_email_is_a_400_not_an_upstream_rejection(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    refused(gladly_client.post("/lookup", search(email="a" * 65_000 + "@example.com")), 400, "query.email")
    nothing_asked(bc_sandbox)


def calls_to(sandbox: SandboxServer, path: str) -> int:
    return len(sandbox.requests.find("GET", f"^{path}$"))


@pytest.mark.parametrize("route", LOOKUP_ROUTES)
def test_a_profile_of_200_phones_is_answered_within_the_call_budget(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, route: str, log_lines: io.StringIO
) -> None:
    # Given an auto-link request whose profile holds 200 phones, Bob's first (once refused with a 400,
    # which Gladly takes as a failed lookup), and a store that reads `phone:in` as one literal string
    # (the costliest reading: each number's spellings are then asked one call each)
    bc_sandbox.phone_in_no_split = True
    phones = [seed.CONFLICT_PHONE, *(f"+1415555{index:04d}" for index in range(199))]
    body = {**search(), "query": {"id": "p1", "phones": phones}}
    # When Gladly sends it
    response = gladly_client.post(route, body)
    # Then it is answered: Bob is found by the first phone, and the first 5 numbers were searched
    assert response.status_code == 200, response.text
    assert str(seed.BOB_CUSTOMER_ID) in response.text
    phone_calls = calls_to(bc_sandbox, "/v3/customers")
    assert 0 < phone_calls <= 1 + PHONE_SPELLINGS_ONE_BY_ONE * limits.MAX_PHONES
    assert len(bc_sandbox.requests.snapshot()) <= limits.basic_lookup_calls()
    # And the log says how many were skipped, naming no number
    (line,) = [json.loads(text) for text in log_lines.getvalue().splitlines() if "long profile" in text]
    assert (line["kind"], line["given"], line["searched"], line["skipped"]) == ("phones", 200, 5, 195)
    assert "555" not in json.dumps(line)


def test_a_search_of_160_emails_is_answered_within_the_call_budget_and_the_next_search_too(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a lookup with 160 emails (it once made 161 calls and spent the store's quota of 150; then
    # it was refused, and Gladly failed the whole lookup), Martha's among the first ten
    emails = [seed.MARTHA_EMAIL, *(f"shopper{index}@example.com" for index in range(159))]
    # When Gladly sends it Then it is answered with Martha, asking for the first ten emails only
    response = gladly_client.post("/lookup", search(emails=emails))
    assert response.status_code == 200, response.text
    assert [found["externalCustomerId"] for found in response.json()["results"]] == [
        str(seed.MARTHA_CUSTOMER_ID)
    ]
    assert calls_to(bc_sandbox, "/v2/orders") <= limits.MAX_EMAILS
    assert len(bc_sandbox.requests.snapshot()) <= limits.basic_lookup_calls()
    # And an ordinary search right after is answered
    response = gladly_client.post("/lookup", search(email=seed.MIXED_EMAIL))
    assert response.status_code == 200, response.text
    assert [found["externalCustomerId"] for found in response.json()["results"]] == [
        str(seed.MIXED_CUSTOMER_ID)
    ]


def test_duplicates_and_values_that_are_no_address_or_number_use_none_of_the_search(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a profile whose first values repeat or are not addresses or numbers, Alice's email and
    # Bob's phone coming only after them (Gladly's order)
    emails = [*(["no email", "NOBODY@example.com", "nobody@example.com "] * 5), seed.ALICE_CONFLICT_EMAIL]
    phones = [*(["n/a", "12", "+1 999 555 0100"] * 5), seed.CONFLICT_PHONE]
    body = {**search(), "query": {"id": "p1", "emails": emails, "phones": phones}}
    # When it is resolved Then both are searched (distinct, valid values only count) and found
    report = gladly_client.post("/auto-link", body)
    assert report.status_code == 200, report.text
    assert report.json()["kind"] == "ambiguous"
    assert {candidate["customerRef"] for candidate in report.json()["candidates"]} == {
        str(seed.ALICE_CUSTOMER_ID),
        str(seed.BOB_CUSTOMER_ID),
    }


# --- Body size and depth ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*LOOKUP_ROUTES, *SUBMIT_URLS])
def test_json_nested_1000_deep_is_a_400_on_every_route(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, url: str
) -> None:
    # Given a signed body nested 1,000 deep (it raised RecursionError on all five routes)
    body = b'{"a":' * 1_000 + b"1" + b"}" * 1_000
    # When it is sent Then it is a 400: naming the body on a lookup, no field on an action's submit
    item = refused(gladly_client.post(url, body), 400, "body" if url in LOOKUP_ROUTES else "")
    assert item["code"] == "too_deep"
    nothing_asked(bc_sandbox)


def test_an_oversized_body_is_a_413_on_a_lookup(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    body = search(email=seed.MARTHA_EMAIL, note="x" * limits.MAX_BODY_BYTES)
    item = refused(gladly_client.post("/lookup", body), 413, "body")
    assert item["code"] == "body_too_large"
    nothing_asked(bc_sandbox)


def test_an_oversized_submit_follows_the_action_rule_and_changes_nothing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # An action answers only 200, 400, 406 and 401: a body too large to read dismisses the form
    body = {"reason": "x" * limits.MAX_BODY_BYTES, "refund": "everything"}
    item = refused(gladly_client.post(SUBMIT_URLS[0], body), 406, "")
    assert item["code"] == "body_too_large"
    nothing_asked(bc_sandbox)


# --- Repeated query parameters -----------------------------------------------------------------------


def test_a_repeated_order_id_on_a_form_is_refused_and_asks_nothing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a form URL signed with orderId twice (it could be re-sent reordered under one signature)
    response = gladly_client.get("/actions/refund?orderId=104&orderId=100&customer=1")
    # Then the form is not served (406, naming no field: there is no form yet)
    assert refused(response, 406, "")["code"] == "repeated_parameter"
    nothing_asked(bc_sandbox)


@pytest.mark.parametrize("action", ["refund", "cancel"])
def test_a_repeated_order_id_on_a_submit_is_a_400_and_changes_nothing(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, action: str
) -> None:
    url = f"/actions/{action}?orderId=104&orderId=100&customer=1&token=t"
    response = gladly_client.post(url, {"refund": "everything", "reason": "Damaged"})
    assert refused(response, 400, "")["code"] == "repeated_parameter"
    nothing_asked(bc_sandbox)


def test_a_repeated_parameter_on_a_lookup_is_a_400_naming_it(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = gladly_client.post("/lookup?x=1&x=2", search(email=seed.MARTHA_EMAIL))
    assert refused(response, 400, "x")["code"] == "repeated_parameter"
    nothing_asked(bc_sandbox)


def test_an_order_id_of_too_many_digits_is_refused_before_any_call(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = gladly_client.get("/actions/refund?orderId=" + "1" * 4_300 + "&customer=1")
    assert refused(response, 406, "")["code"] == "too_long"
    nothing_asked(bc_sandbox)


# --- The call cap --------------------------------------------------------------------------------------


def test_a_search_at_every_limit_stays_within_its_call_cap(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a store that reads `phone:in` as one literal string (the costliest reading: each number's
    # spellings are then asked one call each), and a search at the email and phone limits
    bc_sandbox.phone_in_no_split = True
    emails = [seed.MARTHA_EMAIL, *(f"nobody{index}@example.com" for index in range(limits.MAX_EMAILS - 1))]
    phones = [f"+1 999 555 01{index:02d}" for index in range(limits.MAX_PHONES)]
    # When it is sent Then it is answered, having made no more calls than the cap
    response = gladly_client.post("/lookup", search(emails=emails, phones=phones))
    assert response.status_code == 200, response.text
    assert [found["externalCustomerId"] for found in response.json()["results"]] == [
        str(seed.MARTHA_CUSTOMER_ID)
    ]
    assert limits.MAX_EMAILS < len(bc_sandbox.requests.snapshot()) <= limits.basic_lookup_calls()


@pytest.fixture
def client(bc_sandbox: SandboxServer) -> Any:
    with BigCommerceClient(
        bc_sandbox.store_hash,
        DEFAULT_TOKEN,
        api_base=bc_sandbox.url,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.02, backoff_cap=0.1),
    ) as bigcommerce:
        yield bigcommerce


def test_the_client_refuses_a_call_past_the_requests_cap_without_sending_it(
    client: BigCommerceClient, bc_sandbox: SandboxServer
) -> None:
    # Given a request whose deadline carries a budget of 2 calls
    deadline = Deadline.after(5.0, budget=CallBudget(2))
    client.get_store(deadline=deadline)
    client.get_store(deadline=deadline)
    # When a third call is tried Then it raises the typed error and nothing more reaches BigCommerce
    with pytest.raises(CallBudgetExceeded):
        client.get_store(deadline=deadline)
    assert len(bc_sandbox.requests.find("GET", STORE_PATH)) == 2


def test_retries_stop_when_the_requests_retries_are_spent(
    client: BigCommerceClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce failing the store read three times, and a request allowed one retry in all
    bc_sandbox.faults.add(STORE_PATH, 503, times=3)
    deadline = Deadline.after(5.0, budget=CallBudget(5, retries=1))
    # When the store is read Then the failure is raised after one retry (the policy alone allows two)
    with pytest.raises(UpstreamUnavailable):
        client.get_store(deadline=deadline)
    assert [record.status for record in bc_sandbox.requests.find("GET", STORE_PATH)] == [503, 503]
