"""The discount-code action end to end: signed requests through the local API Gateway, the real
handler, DynamoDB in moto (tables from template.yaml) and the BigCommerce sandbox over HTTP.

Every test starts from the sandbox's seeded demo store (`bc_sandbox` resets it; it already holds
one promotion, WELCOME10); each form is opened fresh, so each submit has its own one-time token.
The deployment's bounds are the defaults: 20 %, $50.00, 30 days by default and 365 at most.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import ALL_SCOPES, DEFAULT_TOKEN, MARKETING, seed
from devtools.sandbox.records import CouponCode, Promotion
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.discount import write as discount_module
from gladly_bigcommerce.actions.discount.terms import CodeGenerator
from gladly_bigcommerce.actions.machinery.audit import token_fingerprint
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from tests.integration.actions_support import (
    MARTHA,
    answer_after_the_deadline,
    assert_documented_answer,
    assert_every_event_covered,
    check_token,
    error_of,
    form_url,
    open_action_form,
    rate_limit_once,
    run_concurrently,
    sections_by_attr,
    send_event,
    submit,
)

GUEST = f"guest:{seed.GUEST_EMAIL}"
PROMOTIONS_PATH = r"^/v3/promotions$"
CODES_PATH = r"^/v3/promotions/\d+/codes$"
CODE_PATTERN = re.compile(r"^GLADLY-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$")
TEN_PERCENT = {
    "discount_type": "percentage",
    "amount": "10",
    "valid_days": "30",
    "uses": "1",
    "reason": "Late",
}

pytestmark = pytest.mark.usefixtures("bc_sandbox")


def open_form(client: GladlyClient, customer: str = MARTHA) -> dict[str, Any]:
    """The discount form, at the "+" menu's formUrl."""
    return open_action_form(client, "discount", {"customer": customer})


def made_promotions(sandbox: SandboxServer) -> list[Promotion]:
    """The promotions the adaptor made (the seeded welcome promotion left out)."""
    with sandbox.store.lock:
        return sorted(
            (p for p in sandbox.store.promotions.values() if p.id != seed.WELCOME_PROMOTION_ID),
            key=lambda p: p.id,
        )


def codes_of(sandbox: SandboxServer, promotion_id: int) -> list[CouponCode]:
    with sandbox.store.lock:
        return [c for c in sandbox.store.coupon_codes.values() if c.promotion_id == promotion_id]


def posts(sandbox: SandboxServer, path: str) -> list[Any]:
    return sandbox.requests.find("POST", path)


def the_code(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    match = re.search(r"Code for the shopper: (\S+)", response.json()["detail"])
    assert match is not None, response.text
    return match[1]


# --- the form ---------------------------------------------------------------------------------------------


def test_the_form_offers_each_kind_within_the_configured_bounds(gladly_client: GladlyClient) -> None:
    # Given a registered customer When the agent opens the discount form from the "+" menu
    form = open_form(gladly_client)
    sections = sections_by_attr(form)
    # Then it offers the three kinds with the deployment's maximums, in the store's currency
    kinds = {o["value"]: o["text"] for o in sections["discount_type"]["input"]["options"]}
    assert kinds == {
        "percentage": "Percentage off the order (up to 20%)",
        "fixed_amount": "Fixed amount off the order in USD (up to $50.00)",
        "free_shipping": "Free shipping on orders in USD",
    }
    # And the validity defaults to the configured days, the uses to a single use
    assert sections["valid_days"]["defaultValue"] == "30"
    assert "1 to 365" in sections["valid_days"]["label"]
    assert sections["uses"]["defaultValue"] == "1"
    # And the form says plainly that the code is not tied to the customer
    assert "BigCommerce cannot tie a code to one customer" in sections["uses"]["hint"]
    assert not sections["reason"]["input"].get("optional")
    # And the action URL names the customer and carries a one-time token
    parts = urlsplit(form["actionUrl"])
    assert parts.path == "/prod/actions/discount"
    query = parse_qs(parts.query)
    assert query["customer"] == [MARTHA]
    assert check_token(gladly_client, form, FormSubject("discount", None, MARTHA))


def test_a_guest_shopper_gets_the_form_too(gladly_client: GladlyClient) -> None:
    form = open_form(gladly_client, customer=GUEST)
    assert parse_qs(urlsplit(form["actionUrl"]).query)["customer"] == [GUEST]


def test_a_customer_deleted_since_the_lookup_gets_no_form(gladly_client: GladlyClient) -> None:
    response = gladly_client.get(form_url(gladly_client, "discount", {"customer": "9999"}))
    assert response.status_code == 406
    assert error_of(response)["code"] == "customer_not_found"


# --- codes that are made ----------------------------------------------------------------------------------


def test_a_percentage_code_is_one_capped_coupon_promotion_with_one_readable_code(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the discount form When the agent asks for 10% off, single use, valid 30 days
    before = datetime.now(UTC).replace(microsecond=0)
    form = open_form(gladly_client)
    response = submit(gladly_client, form, TEN_PERCENT)
    # Then the answer shows a readable code for the shopper, and what it gives
    code = the_code(response)
    assert CODE_PATTERN.match(code)
    result = response.json()
    assert result["message"] == f"Discount code {code}: 10% off the order"
    assert "Single use." in result["detail"]
    assert "Reason: Late" in result["detail"]
    # And BigCommerce holds one coupon promotion, capped at one use, ending in 30 days, with that code
    (promotion,) = made_promotions(bc_sandbox)
    assert promotion.redemption_type == "COUPON"
    assert promotion.body["rules"] == [
        {"action": {"cart_value": {"discount": {"percentage_amount": "10"}}}, "apply_once": True}
    ]
    assert promotion.body["max_uses"] == 1
    assert promotion.body["currency_code"] == "*"
    end = datetime.fromisoformat(promotion.body["end_date"])
    assert before + timedelta(days=30) <= end <= datetime.now(UTC) + timedelta(days=30)
    # And its internal name ties it to the customer and to the submit's audit line (submit_ref)
    token = parse_qs(urlsplit(form["actionUrl"]).query)["token"][0]
    assert f"for customer 1 (ref {token_fingerprint(token)}-" in promotion.name
    (made,) = codes_of(bc_sandbox, promotion.id)
    assert (made.code, made.max_uses) == (code, 1)


def test_a_fixed_amount_is_in_the_store_currency(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    values = {**TEN_PERCENT, "discount_type": "fixed_amount", "amount": "15", "uses": "3"}
    response = submit(gladly_client, open_form(gladly_client), values)
    code = the_code(response)
    assert response.json()["message"] == f"Discount code {code}: $15.00 off the order"
    assert "(orders in USD). Can be used 3 times in all." in response.json()["detail"]
    (promotion,) = made_promotions(bc_sandbox)
    action = promotion.body["rules"][0]["action"]
    assert action == {"cart_value": {"discount": {"fixed_amount": "15"}}}
    assert (promotion.body["currency_code"], promotion.body["max_uses"]) == ("USD", 3)
    assert codes_of(bc_sandbox, promotion.id)[0].max_uses == 3


def test_free_shipping_applies_to_every_zone_in_the_store_currency(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given free shipping chosen on the form
    values = {**TEN_PERCENT, "discount_type": "free_shipping", "amount": "", "valid_days": "7"}
    response = submit(gladly_client, open_form(gladly_client), values)
    # Then the agent is told the code and the currency it works in
    assert response.json()["message"] == f"Discount code {the_code(response)}: Free shipping"
    assert "Free shipping (orders in USD)." in response.json()["detail"]
    # And the promotion covers every zone in the store's default currency, not "*" (BigCommerce's
    # multi-currency promotions support percentage discounts only)
    (promotion,) = made_promotions(bc_sandbox)
    assert promotion.body["rules"][0]["action"] == {"shipping": {"zone_ids": "*", "free_shipping": True}}
    assert promotion.body["currency_code"] == "USD"


def test_a_guest_shopper_gets_a_code_and_no_email_reaches_bigcommerce(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = submit(gladly_client, open_form(gladly_client, customer=GUEST), TEN_PERCENT)
    assert CODE_PATTERN.match(the_code(response))
    (promotion,) = made_promotions(bc_sandbox)
    assert "a guest shopper" in promotion.name
    assert seed.GUEST_EMAIL not in json.dumps(promotion.body) + promotion.name


# --- values refused -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "attr", "code"),
    [
        ({"amount": "20.01"}, "amount", "exceeds_maximum"),
        ({"discount_type": "fixed_amount", "amount": "50.01"}, "amount", "exceeds_maximum"),
        ({"discount_type": "fixed_amount", "amount": "12,50"}, "amount", "invalid_amount"),
        ({"discount_type": "fixed_amount", "amount": "1.005"}, "amount", "invalid_amount"),
        ({"amount": "10%"}, "amount", "invalid_percentage"),
        ({"amount": "0"}, "amount", "invalid_percentage"),
        ({"amount": ""}, "amount", "missing"),
        ({"discount_type": "fixed_amount", "amount": ""}, "amount", "missing"),
        ({"discount_type": "free_shipping", "amount": "10"}, "amount", "conflicting_fields"),
        ({"discount_type": ""}, "discount_type", "missing"),
        ({"discount_type": "store_credit"}, "discount_type", "invalid_choice"),
        ({"valid_days": "366"}, "valid_days", "out_of_range"),
        ({"valid_days": "0"}, "valid_days", "out_of_range"),
        ({"valid_days": "two weeks"}, "valid_days", "invalid_number"),
        ({"uses": "11"}, "uses", "out_of_range"),
        ({"uses": "-1"}, "uses", "invalid_number"),
        ({"reason": " "}, "reason", "missing"),
    ],
    ids=[
        "percentage-over-maximum",
        "amount-over-maximum",
        "comma-amount",
        "three-decimals",
        "percent-sign",
        "zero-percent",
        "no-percentage",
        "no-amount",
        "free-shipping-with-amount",
        "no-kind",
        "unknown-kind",
        "expiry-over-maximum",
        "zero-days",
        "days-in-words",
        "too-many-uses",
        "negative-uses",
        "no-reason",
    ],
)
def test_a_bad_value_is_refused_on_its_field_and_nothing_is_created(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, changes: dict[str, str], attr: str, code: str
) -> None:
    response = submit(gladly_client, open_form(gladly_client), {**TEN_PERCENT, **changes})
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == (attr, code)
    assert posts(bc_sandbox, PROMOTIONS_PATH) == []


def test_empty_validity_and_uses_take_the_defaults(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    response = submit(gladly_client, open_form(gladly_client), {**TEN_PERCENT, "valid_days": "", "uses": ""})
    assert "(30 days)" in response.json()["detail"] and "Single use." in response.json()["detail"]
    (promotion,) = made_promotions(bc_sandbox)
    assert promotion.body["max_uses"] == 1


def test_a_refused_submit_leaves_the_form_usable(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a submit refused on the amount (the form stays open)
    form = open_form(gladly_client)
    assert submit(gladly_client, form, {**TEN_PERCENT, "amount": "25"}).status_code == 400
    # When the agent corrects it and submits the same form Then the code is made
    assert CODE_PATTERN.match(the_code(submit(gladly_client, form, TEN_PERCENT)))
    assert len(made_promotions(bc_sandbox)) == 1


# --- exactly once -------------------------------------------------------------------------------------------


def test_the_same_submit_twice_makes_one_code_and_answers_the_same(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client)
    first = submit(gladly_client, form, TEN_PERCENT)
    second = submit(gladly_client, form, TEN_PERCENT)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(posts(bc_sandbox, PROMOTIONS_PATH)) == 1
    assert len(posts(bc_sandbox, CODES_PATH)) == 1


def test_the_same_token_with_other_values_is_refused(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    form = open_form(gladly_client)
    assert submit(gladly_client, form, TEN_PERCENT).ok
    response = submit(gladly_client, form, {**TEN_PERCENT, "amount": "15"})
    assert response.status_code == 406
    assert error_of(response)["code"] == "form_already_submitted"
    assert len(made_promotions(bc_sandbox)) == 1


def test_concurrent_submits_of_one_form_make_exactly_one_code(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a promotion create that takes BigCommerce a moment, so the repeats arrive while it runs
    bc_sandbox.faults.add(PROMOTIONS_PATH, "slow", method="POST", times=1, seconds=0.5)
    form = open_form(gladly_client)
    # When the same submit arrives five times at once
    responses = run_concurrently([lambda: submit(gladly_client, form, TEN_PERCENT)] * 5)
    # Then one promotion with one code was made, and every request got the same answer
    assert [r.status_code for r in responses] == [200] * 5
    assert len({r.text for r in responses}) == 1
    (promotion,) = made_promotions(bc_sandbox)
    assert len(codes_of(bc_sandbox, promotion.id)) == 1


@pytest.mark.parametrize("duplicate_status", [422, 409])
def test_a_duplicate_code_is_replaced_by_a_new_one(
    gladly_client: GladlyClient,
    bc_sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    duplicate_status: int,
) -> None:
    # Given a store answering a duplicate code with 422 (BigCommerce, reference FACTS.md) or 409
    bc_sandbox.store.duplicate_code_status = duplicate_status
    # And a seeded code generator whose first code already exists in the store
    taken, expected = (lambda g: (g(), g()))(CodeGenerator(choose=random.Random(7).choice))
    bc_sandbox.store.add_coupon_code(seed.WELCOME_PROMOTION_ID, taken)
    monkeypatch.setattr(discount_module, "new_code", CodeGenerator(choose=random.Random(7).choice))
    # When the agent submits the form
    response = submit(gladly_client, open_form(gladly_client), TEN_PERCENT)
    # Then BigCommerce refused the duplicate, the next code was made and is the one shown
    assert the_code(response) == expected != taken
    assert [r.status for r in posts(bc_sandbox, CODES_PATH)] == [duplicate_status, 201]
    (promotion,) = made_promotions(bc_sandbox)
    assert [c.code for c in codes_of(bc_sandbox, promotion.id)] == [expected]


def test_a_generator_that_only_repeats_taken_codes_gives_up_without_a_code(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(discount_module, "new_code", lambda: seed.WELCOME_CODE)
    form = open_form(gladly_client)
    response = submit(gladly_client, form, TEN_PERCENT)
    # The form stays open (400 naming no field): submitting it again is safe
    assert response.status_code == 400, response.text
    assert (error_of(response)["attr"], error_of(response)["code"]) == ("", "no_free_code")
    assert len(posts(bc_sandbox, CODES_PATH)) == discount_module.CODE_ATTEMPTS
    # And submitting the same form again reuses its promotion instead of making another
    monkeypatch.setattr(discount_module, "new_code", CodeGenerator())
    assert CODE_PATTERN.match(the_code(submit(gladly_client, form, TEN_PERCENT)))
    assert len(posts(bc_sandbox, PROMOTIONS_PATH)) == 1


def test_a_code_made_after_a_timeout_is_found_on_retry_and_not_made_twice(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce makes the code but answers after the adaptor has given up waiting
    answer_after_the_deadline(bc_sandbox, monkeypatch, CODES_PATH, "POST")
    form = open_form(gladly_client)
    # When the agent submits Then the outcome is reported unknown
    first = submit(gladly_client, form, TEN_PERCENT)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "outcome_unknown")
    # When the agent submits the same form again
    retry = submit(gladly_client, form, TEN_PERCENT)
    # Then the promotion's code is found and shown, and nothing more is made
    code = the_code(retry)
    assert "Confirmed after an earlier timeout" in retry.json()["detail"]
    (promotion,) = made_promotions(bc_sandbox)
    assert [c.code for c in codes_of(bc_sandbox, promotion.id)] == [code]
    assert len(posts(bc_sandbox, CODES_PATH)) == 1


def test_a_code_lost_on_the_way_is_added_to_the_same_promotion_on_retry(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given a code POST whose connection drops before BigCommerce does anything
    bc_sandbox.faults.add(CODES_PATH, "reset", method="POST", times=1)
    form = open_form(gladly_client)
    assert submit(gladly_client, form, TEN_PERCENT).status_code == 400
    # When the agent submits the same form again
    code = the_code(submit(gladly_client, form, TEN_PERCENT))
    # Then the code is added to the promotion already made, not to a second one
    (promotion,) = made_promotions(bc_sandbox)
    assert [c.code for c in codes_of(bc_sandbox, promotion.id)] == [code]


def test_a_promotion_lost_on_the_way_leaves_nothing_usable_behind(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a promotion create that BigCommerce carries out but answers too late
    answer_after_the_deadline(bc_sandbox, monkeypatch, PROMOTIONS_PATH, "POST")
    form = open_form(gladly_client)
    first = submit(gladly_client, form, TEN_PERCENT)
    assert first.status_code == 400 and error_of(first)["code"] == "outcome_unknown"
    # When the agent submits again
    code = the_code(submit(gladly_client, form, TEN_PERCENT))
    # Then exactly one code exists: the unconfirmed promotion has none, so nobody can redeem it
    promotions = made_promotions(bc_sandbox)
    assert [len(codes_of(bc_sandbox, p.id)) for p in promotions] == [0, 1]
    assert codes_of(bc_sandbox, promotions[1].id)[0].code == code


def test_a_rate_limited_promotion_create_did_nothing_and_the_same_form_makes_the_code_next_time(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce answers the promotion create with 429: it made nothing
    rate_limit_once(bc_sandbox, PROMOTIONS_PATH, "POST")
    form = open_form(gladly_client)
    # When the agent submits Then the form stays open, saying no discount was created
    first = submit(gladly_client, form, TEN_PERCENT)
    assert first.status_code == 400, first.text
    assert (error_of(first)["attr"], error_of(first)["code"]) == ("", "upstream_rate_limited")
    assert error_of(first)["message"] == (
        "BigCommerce is busy (its rate limit is reached), so no discount was created, and nothing was "
        "changed. Submit this form again in a minute."
    )
    assert made_promotions(bc_sandbox) == []
    # When the agent submits the same form again, without waiting, Then one promotion with one code is made
    code = the_code(submit(gladly_client, form, TEN_PERCENT))
    assert [r.status for r in posts(bc_sandbox, PROMOTIONS_PATH)] == [429, 201]
    (promotion,) = made_promotions(bc_sandbox)
    assert [c.code for c in codes_of(bc_sandbox, promotion.id)] == [code]


def test_a_rate_limited_code_is_added_to_the_same_promotion_on_resubmit(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given the promotion is made, and BigCommerce answers the code POST with 429
    rate_limit_once(bc_sandbox, CODES_PATH, "POST")
    form = open_form(gladly_client)
    first = submit(gladly_client, form, TEN_PERCENT)
    assert first.status_code == 400, first.text
    assert error_of(first)["message"] == (
        "BigCommerce is busy (its rate limit is reached), so no code was made. Submit this form again in a "
        "minute: the discount is made once."
    )
    # When the agent submits the same form again Then the code goes on the promotion already made
    code = the_code(submit(gladly_client, form, TEN_PERCENT))
    (promotion,) = made_promotions(bc_sandbox)
    assert [c.code for c in codes_of(bc_sandbox, promotion.id)] == [code]
    assert [r.status for r in posts(bc_sandbox, CODES_PATH)] == [429, 201]


def test_a_missing_marketing_scope_is_reported_and_the_form_works_once_granted(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer
) -> None:
    # Given an API account without the marketing scope
    bc_sandbox.tokens[DEFAULT_TOKEN] = frozenset(ALL_SCOPES - {MARKETING})
    form = open_form(gladly_client)
    response = submit(gladly_client, form, TEN_PERCENT)
    # Then the agent is told the scope is missing (406: an admin must act), and nothing was made
    assert response.status_code == 406, response.text
    assert error_of(response)["code"] == "upstream_forbidden"
    assert "grant it" in error_of(response)["message"]
    assert made_promotions(bc_sandbox) == []
    # When the admin grants it Then the same form goes through
    bc_sandbox.tokens[DEFAULT_TOKEN] = frozenset(ALL_SCOPES)
    assert CODE_PATTERN.match(the_code(submit(gladly_client, form, TEN_PERCENT)))


# --- the events in events/ ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "status", "attr", "code"),
    [
        ("discount-form", 200, None, None),
        ("discount-form-guest", 200, None, None),
        ("discount-form-unknown-customer", 406, None, "customer_not_found"),
        ("discount-form-invalid-customer", 406, None, "invalid_customer"),
        ("discount-submit-percentage", 200, None, None),
        ("discount-submit-fixed-amount", 200, None, None),
        ("discount-submit-free-shipping", 200, None, None),
        ("discount-submit-multi-use", 200, None, None),
        ("discount-submit-guest", 200, None, None),
        ("discount-submit-over-maximum-percentage", 400, "amount", "exceeds_maximum"),
        ("discount-submit-over-maximum-amount", 400, "amount", "exceeds_maximum"),
        ("discount-submit-malformed-amount", 400, "amount", "invalid_amount"),
        ("discount-submit-malformed-percentage", 400, "amount", "invalid_percentage"),
        ("discount-submit-missing-amount", 400, "amount", "missing"),
        ("discount-submit-free-shipping-with-amount", 400, "amount", "conflicting_fields"),
        ("discount-submit-missing-type", 400, "discount_type", "missing"),
        ("discount-submit-expiry-too-long", 400, "valid_days", "out_of_range"),
        ("discount-submit-too-many-uses", 400, "uses", "out_of_range"),
        ("discount-submit-malformed-uses", 400, "uses", "invalid_number"),
        ("discount-submit-missing-reason", 400, "reason", "missing"),
        ("discount-submit-invalid-customer", 400, None, "invalid_customer"),
        ("discount-submit-expired-token", 406, None, "form_expired"),
        ("discount-submit-missing-token", 400, None, "invalid_token"),
        ("discount-submit-token-of-another-customer", 400, None, "form_not_for_this"),
        ("discount-submit-bad-signature", 401, None, None),
        # issue 16: every value means one thing (tests/integration/test_strict_submits.py)
        ("discount-submit-percentage-in-arabic-indic-digits", 400, "amount", "invalid_percentage"),
        ("discount-submit-days-as-json-number", 400, "valid_days", "invalid_type"),
        # issue 19: one person's accounts on several storefronts (test_discount_storefronts.py)
        ("discount-form-one-person-two-storefronts", 200, None, None),
        ("discount-submit-one-person-two-storefronts", 200, None, None),
        ("discount-submit-storefront-not-offered", 400, "account", "invalid_choice"),
        ("discount-submit-storefront-of-another-person", 400, "account", "invalid_choice"),
    ],
)
def test_each_discount_event_gets_its_documented_answer(
    gladly_client: GladlyClient, event: str, status: int, attr: str | None, code: str | None
) -> None:
    response = send_event(gladly_client, event)
    assert_documented_answer(response, status, attr, code)
    if status == 200 and "submit" in event:
        assert CODE_PATTERN.match(the_code(response))


def test_every_discount_event_file_is_covered() -> None:
    assert_every_event_covered(__file__, "discount-")
