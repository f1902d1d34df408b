"""Auto-link end to end: signed requests through the local gateway to the real handlers (POST /auto-link
and the Lookup URL), against the BigCommerce sandbox (demo store) and moto, default settings
(Auto-Linking Fields email and phone).

Each scenario is an event file in events/ (the same files `make replay` sends); the lookup gets the
very same body, and its answer must make Gladly link exactly when the decision says linked.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.replay import GladlyClient, load_event
from devtools.sandbox import SandboxServer
from devtools.sandbox import seed as demo
from gladly_bigcommerce.gladly.customer_ids import guest_customer_id
from gladly_bigcommerce.gladly.models import GladlyProfile, LookupRequest
from tests.unit.test_auto_link import gladly_would_link

EVENTS = Path(__file__).resolve().parents[2] / "events"


@dataclass(frozen=True)
class Scenario:
    event: str
    kind: str
    candidates: list[str]
    reason: str


SCENARIOS = [
    Scenario("auto-link-unique-email.json", "linked", [str(demo.MARTHA_CUSTOMER_ID)], "unique_match"),
    Scenario("auto-link-unique-phone.json", "linked", [str(demo.DIGITS_ONLY_CUSTOMER_ID)], "unique_match"),
    Scenario(
        "auto-link-conflict.json",
        "ambiguous",
        [str(demo.ALICE_CUSTOMER_ID), str(demo.BOB_CUSTOMER_ID)],
        "values_point_at_different_shoppers",
    ),
    Scenario(
        "auto-link-duplicate-email.json",
        "ambiguous",
        [str(ref) for ref in demo.SHARED_EMAIL_CUSTOMER_IDS],
        "value_shared_by_shoppers",
    ),
    Scenario("auto-link-guest-only.json", "linked", [guest_customer_id(demo.GUEST_EMAIL)], "unique_match"),
    Scenario("auto-link-no-match.json", "no_match", [], "nothing_matched"),
    # With phone enabled (the default) the phone-only match links; see test_auto_link_settings.py.
    Scenario("auto-link-disabled-field.json", "linked", [str(demo.MARTHA_CUSTOMER_ID)], "unique_match"),
    Scenario(
        "auto-link-account-with-guest-orders.json", "linked", [str(demo.MIXED_CUSTOMER_ID)], "unique_match"
    ),
]


def event_body(name: str) -> dict[str, Any]:
    body = json.loads(load_event(EVENTS / name)["body"])
    assert isinstance(body, dict)
    return body


def profile_of(body: dict[str, Any]) -> GladlyProfile:
    return LookupRequest.model_validate(body).profile


def ok_json(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body, dict)
    return body


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.event.removesuffix(".json") for s in SCENARIOS])
def test_the_auto_link_endpoint_explains_each_decision(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, scenario: Scenario
) -> None:
    # Given a Gladly auto-link request body, replayed signed to POST /auto-link
    report = ok_json(gladly_client.send_event(EVENTS / scenario.event))
    # Then the decision, its candidates and its first reason are the scenario's
    assert report["kind"] == scenario.kind
    assert [candidate["customerRef"] for candidate in report["candidates"]] == scenario.candidates
    assert report["reasons"][0]["code"] == scenario.reason
    assert report["enabledFields"] == ["email", "phone"]
    # and every candidate rests on evidence naming the profile value and the customer field
    query = event_body(scenario.event)["query"]
    for item in report["evidence"]:
        assert item["profileValue"] in query[f"{item['profileField']}s"]
        assert item["customerField"] in {"email", "phone", "guest_order_email"}
    assert {item["customerRef"] for item in report["evidence"]} == set(scenario.candidates)
    assert report["gladlyProfileId"] == query["id"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.event.removesuffix(".json") for s in SCENARIOS])
def test_the_lookup_answers_so_that_gladly_links_exactly_the_linked_shopper(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, scenario: Scenario
) -> None:
    # Given the same body sent by Gladly to the Lookup URL
    body = event_body(scenario.event)
    results = ok_json(gladly_client.post("/lookup", body))["results"]
    # Then it holds the candidates (one when linked, all when ambiguous, none when no match)
    assert [result["externalCustomerId"] for result in results] == scenario.candidates
    # and Gladly's own check links exactly the linked shopper
    expected = scenario.candidates[0] if scenario.kind == "linked" else None
    assert gladly_would_link(results, profile_of(body), {"email", "phone"}) == expected


def test_the_endpoint_answers_what_the_lookup_answers(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    body = event_body("auto-link-unique-phone.json")
    report = ok_json(gladly_client.post("/auto-link", body))
    assert report["lookupResponse"] == ok_json(gladly_client.post("/lookup", body))


def test_a_linked_answer_spells_the_profiles_email_and_phone(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given Martha's profile with her email in another case and her phone (stored "(415) 555-0100")
    profile = {"id": "Zk3", "emails": ["Martha.Williams@Example.COM"], "phones": ["+14155550100"]}
    body = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": profile}
    # When Gladly asks to auto-link it
    (result,) = ok_json(gladly_client.post("/lookup", body))["results"]
    # Then the one result carries both values exactly as the profile has them, the phone MOBILE
    assert result["externalCustomerId"] == str(demo.MARTHA_CUSTOMER_ID)
    assert result["emails"] == [{"original": "Martha.Williams@Example.COM"}]
    assert result["phones"] == [{"original": "+14155550100", "type": "MOBILE"}]
    # and her name and address under default settings (Gladly applies Overwrite Existing Values itself)
    assert result["name"] == "Martha Williams"
    assert result["address"] == "1 Ferry Building, San Francisco, California 94111, US"


def test_an_unsigned_request_is_refused(gladly_client: GladlyClient, bc_sandbox: SandboxServer) -> None:
    raw = json.dumps(event_body("auto-link-conflict.json")).encode()
    response = gladly_client.request(
        "POST", "/auto-link", raw, {"content-type": "application/json"}, sign=False
    )
    assert response.status_code == 401
    assert bc_sandbox.requests.snapshot() == []


def test_a_manual_search_body_is_not_an_auto_link_request(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a manual search body (attribute strings, no profile id) sent to the auto-link endpoint
    body = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": {"email": demo.MARTHA_EMAIL}}
    response = gladly_client.post("/auto-link", body)
    # Then the admin learns that Gladly never links on such a request
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "not_an_auto_link_request"
    assert "manual search" in error["detail"]


def test_each_decision_is_logged_without_email_or_phone_in_clear(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, log_lines: io.StringIO
) -> None:
    # When Gladly's auto-link request for the conflicting profile is answered
    gladly_client.post("/lookup", event_body("auto-link-conflict.json"))
    # Then one decision line says what was decided and on what evidence
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    (decision,) = [line for line in lines if line.get("message") == "Auto-link decision"]
    assert decision["source"] == "lookup"
    assert decision["auto_link"]["kind"] == "ambiguous"
    assert [item["customerRef"] for item in decision["auto_link"]["evidence"]] == ["5", "6"]
    # and no line holds the profile's or the store's email or phone in clear
    text = log_lines.getvalue()
    for value in (demo.ALICE_CONFLICT_EMAIL, "+12125550199", "2125550199", demo.CONFLICT_PHONE):
        assert value not in text


def test_each_decision_is_counted_by_kind(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # When Gladly auto-links a profile, and an admin asks the endpoint about another
    gladly_client.post("/lookup", event_body("auto-link-unique-email.json"))
    gladly_client.post("/auto-link", event_body("auto-link-duplicate-email.json"))
    # Then the metrics (CloudWatch EMF lines) count each kind, the admin's apart from Gladly's
    emitted = capsys.readouterr().out
    assert '"AutoLinkLinked"' in emitted
    assert '"AutoLinkExplainAmbiguous"' in emitted
    assert '"AutoLinkExplainReasonValueSharedByShoppers"' in emitted
