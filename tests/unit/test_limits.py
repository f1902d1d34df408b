"""The request limits (gladly/limits.py), the lookup model's field limits, and the per-request call
budget: each limit refuses just past its value with Gladly's error naming the field, never recursing."""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import pytest
from pydantic import ValidationError

from gladly_bigcommerce.bigcommerce.deadline import CallBudget, CallBudgetExceeded
from gladly_bigcommerce.bigcommerce.storefronts import MAX_STOREFRONT_SETTINGS
from gladly_bigcommerce.edge import errors as edge_errors
from gladly_bigcommerce.edge import request as edge_request
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.errors import BadRequest, GladlyError
from gladly_bigcommerce.gladly.limits import PHONE_SPELLINGS_ONE_BY_ONE
from gladly_bigcommerce.gladly.models import LookupRequest
from gladly_bigcommerce.lookup.search import MAX_PERSON_ACCOUNTS


def refusal(check: Any, *args: Any) -> tuple[int, str, str]:
    """(status, attr, code) of the error ``check(*args)`` raises."""
    with pytest.raises(GladlyError) as raised:
        check(*args)
    (item,) = raised.value.errors
    return raised.value.status, item.attr, item.code


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# --- Body size and depth -----------------------------------------------------------------------------


def test_a_body_of_the_size_limit_passes_and_one_byte_more_is_a_413_naming_the_body() -> None:
    limits.check_body_size(b"x" * limits.MAX_BODY_BYTES)
    assert refusal(limits.check_body_size, b"x" * (limits.MAX_BODY_BYTES + 1)) == (
        413,
        "body",
        "body_too_large",
    )


def test_json_at_the_depth_limit_passes_and_one_level_more_is_a_400() -> None:
    limits.check_json_depth(nested(limits.MAX_JSON_DEPTH))
    assert refusal(limits.check_json_depth, nested(limits.MAX_JSON_DEPTH + 1)) == (400, "body", "too_deep")


@pytest.mark.parametrize("depth", [1_000, sys.getrecursionlimit() * 20])
def test_json_nested_far_past_the_recursion_limit_is_refused_without_recursing(depth: int) -> None:
    # Given JSON nested deeper than Python's recursion limit
    body = b'{"a":' * depth + b"1" + b"}" * depth
    # When it is parsed as a request body Then it is a 400 on the body, not a RecursionError
    assert refusal(edge_request.parse_json_body, body) == (400, "body", "too_deep")


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    # Given a shallow document whose strings hold brackets and escaped quotes
    text = "[[[[{{{{" * 200 + '\\"' + "]]]"
    body = json.dumps({"query": {"name": text, "note": 'say \\"[\\"'}}).encode()
    # When it is checked Then it passes, and parses to what was sent
    limits.check_json_depth(body)
    assert edge_request.parse_json_body(body)["query"]["name"] == text


# --- Text that is not valid Unicode --------------------------------------------------------------------


def test_a_lone_surrogate_anywhere_in_the_body_is_a_400_naming_its_path() -> None:
    # Given "\ud800" in the second email of the query (JSON escapes decode to a lone surrogate)
    body = b'{"lookupLevel":"BASIC","query":{"emails":["a@example.com","\\ud800@example.com"]}}'
    # Then the body is refused, naming the email
    assert refusal(edge_request.parse_json_body, body) == (400, "query.emails.1", "invalid_text")


def test_a_surrogate_pair_is_one_valid_character() -> None:
    document = edge_request.parse_json_body(b'{"query":{"name":"\\ud83d\\ude00"}}')
    assert document["query"]["name"] == "\U0001f600"


def test_a_key_that_is_no_field_name_never_appears_in_the_attr() -> None:
    # Given a lone surrogate under a key holding free text (it could be an email)
    body = b'{"query":{"customAttributes":{"martha@example.com":"\\udfff"}}}'
    # Then the attr stops at the last field-like key: attrs are logged and echoed
    assert refusal(edge_request.parse_json_body, body) == (400, "query.customAttributes", "invalid_text")


def test_a_lone_surrogate_in_a_key_is_refused_too() -> None:
    assert refusal(edge_request.parse_json_body, b'{"query":{"\\ud800":"x"}}') == (
        400,
        "query",
        "invalid_text",
    )


def test_invalid_utf8_is_refused() -> None:
    assert refusal(edge_request.parse_json_body, b'{"a":"\xff"}') == (400, "body", "invalid_json")


# --- Query parameters ----------------------------------------------------------------------------------


def test_ordinary_action_parameters_pass() -> None:
    limits.check_query_parameters(
        {"orderId": ["104"], "customer": ["guest:jane@example.com"], "token": ["t" * 200]},
        {"orderId": "104", "customer": "guest:jane@example.com", "token": "t" * 200},
    )
    limits.check_query_parameters(None, None)


def test_a_repeated_parameter_is_a_400_naming_it() -> None:
    multi = {"orderId": ["104", "100"], "customer": ["1"]}
    assert refusal(limits.check_query_parameters, multi, {"orderId": "100", "customer": "1"}) == (
        400,
        "orderId",
        "repeated_parameter",
    )


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("orderId", "1" * (limits.MAX_ID_DIGITS + 1), "too_long"),
        ("customer", "9" * 4_300, "too_long"),
        ("customer", "guest:" + "a" * 250 + "@x.com", "too_long"),
        ("token", "t" * (limits.MAX_QUERY_VALUE_LENGTH + 1), "too_long"),
        ("customer", "guest:\ud800@x.com", "invalid_text"),
    ],
    ids=["order-id-digits", "customer-digits", "guest-length", "token-length", "surrogate"],
)
def test_a_parameter_past_its_limit_is_a_400_naming_it(name: str, value: str, code: str) -> None:
    assert refusal(limits.check_query_parameters, {name: [value]}, {name: value}) == (400, name, code)


def test_the_largest_ids_we_hand_out_pass() -> None:
    for value in ("9" * limits.MAX_ID_DIGITS, "guest:" + "a" * 248 + "@x.com"):
        limits.check_query_parameters({"customer": [value]}, {"customer": value})


def test_too_many_parameters_or_a_strange_name_name_no_field() -> None:
    many = {f"p{index}": [str(index)] for index in range(limits.MAX_QUERY_PARAMETERS + 1)}
    assert refusal(limits.check_query_parameters, many, None) == (400, "", "too_many_parameters")
    strange = {"x" * (limits.MAX_QUERY_NAME_LENGTH + 1): ["1"]}
    assert refusal(limits.check_query_parameters, strange, None) == (400, "", "invalid_parameter")


def test_a_header_or_path_that_is_not_valid_unicode_is_refused_before_signing() -> None:
    assert refusal(limits.check_event_text, "/lookup", {"x-note": "\udc80"}) == (
        400,
        "x-note",
        "invalid_text",
    )
    assert refusal(limits.check_event_text, "/look\ud800up", {}) == (400, "path", "invalid_text")


# --- The lookup model's limits ---------------------------------------------------------------------


def lookup_error(query: dict[str, Any], level: str = "BASIC") -> tuple[str, str]:
    with pytest.raises(ValidationError) as raised:
        LookupRequest.model_validate({"lookupLevel": level, "query": query})
    (item,) = BadRequest.from_validation_error(raised.value).errors
    return item.attr, item.detail


def test_a_lookup_at_every_limit_is_valid() -> None:
    request = LookupRequest.model_validate(
        {
            "lookupLevel": "BASIC",
            "query": {
                "id": "p" * limits.MAX_PROFILE_ID_LENGTH,
                "name": "n" * limits.MAX_NAME_LENGTH,
                "emails": [f"{index}@example.com" for index in range(limits.MAX_EMAILS)],
                "phones": [f"+1415555{index:04d}" for index in range(limits.MAX_PHONES)],
                "customAttributes": {f"a{index}": "v" * 1024 for index in range(50)},
            },
        }
    )
    assert len(request.search_terms.emails) == limits.MAX_EMAILS
    assert len(request.search_terms.phones) == limits.MAX_PHONES


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ({"email": "a" * 65_000 + "@example.com"}, "query.email"),
        ({"emails": ["x" * (limits.MAX_EMAIL_LENGTH + 1)]}, "query.emails"),
        ({"phones": ["1" * (limits.MAX_PHONE_LENGTH + 1)]}, "query.phones"),
        ({"name": "n" * (limits.MAX_NAME_LENGTH + 1)}, "query.name"),
        ({"id": "p" * (limits.MAX_PROFILE_ID_LENGTH + 1)}, "query.id"),
    ],
    ids=["65000-char-email", "long-email", "long-phone", "long-name", "long-profile-id"],
)
def test_a_lookup_past_a_limit_is_refused_naming_the_field(query: dict[str, Any], attr: str) -> None:
    assert lookup_error(query)[0] == attr


@pytest.mark.parametrize("level", ["BASIC", "DETAILED"])
@pytest.mark.parametrize(
    "query",
    [
        {"emails": [f"{index}@example.com" for index in range(160)]},
        {"email": "a@example.com", "emails": [f"{i}@example.com" for i in range(10)]},
        {"phones": [f"+1415555{index:04d}" for index in range(200)]},
        {"phone": "+14155550100", "phones": [f"+1415555{i:04d}" for i in range(1, 6)]},
    ],
    ids=["160-emails", "emails-across-keys", "200-phones", "phones-across-keys"],
)
def test_a_profile_with_any_number_of_emails_and_phones_is_a_valid_lookup(
    query: dict[str, Any], level: str
) -> None:
    # Given a Gladly profile with more emails or phones than a lookup searches (a long profile is
    # searched by its first few: refusing it would make Gladly fail the whole lookup)
    request = LookupRequest.model_validate(
        {"lookupLevel": level, "query": {"externalCustomerId": "1", **query}}
    )
    # Then every value is kept for the search to choose from
    assert len(request.profile.emails) == len({query.get("email"), *query.get("emails", [])} - {None})
    assert len(request.profile.phones) == len({query.get("phone"), *query.get("phones", [])} - {None})


def test_a_detailed_lookup_of_a_profile_with_many_phones_and_long_custom_attributes_is_valid() -> None:
    # Given a linked profile with more phones than a search may carry and long custom attributes
    # (DETAILED reads the shopper by id: its phones cost no call, its custom attributes are Gladly's)
    request = LookupRequest.model_validate(
        {
            "lookupLevel": "DETAILED",
            "uniqueMatchRequired": True,
            "query": {
                "externalCustomerId": "1",
                "phones": [f"+1415555{index:04d}" for index in range(limits.MAX_PHONES + 3)],
                "customAttributes": {f"a{index}": "v" * 5_000 for index in range(80)},
                "notes": "n" * 5_000,
            },
        }
    )
    # Then it is accepted
    assert request.external_customer_id == "1"
    assert len(request.profile.phones) == limits.MAX_PHONES + 3


@pytest.mark.parametrize(
    "external_id",
    ["9" * 4_300, "9" * (limits.MAX_ID_DIGITS + 1), int("9" * 4_000), "guest:" + "a" * 300 + "@x.com"],
    ids=["4300-digits", "11-digits", "4000-digit-number", "long-guest-id"],
)
def test_an_external_customer_id_no_bigcommerce_id_could_be_is_refused(external_id: Any) -> None:
    attr, detail = lookup_error({"externalCustomerId": external_id}, "DETAILED")
    assert attr == "query.externalCustomerId"
    assert str(external_id)[:20] not in detail  # the value is never echoed


# --- The call budget -----------------------------------------------------------------------------------


def test_the_budget_counts_calls_and_refuses_the_one_past_its_cap() -> None:
    budget = CallBudget(2, retries=1)
    budget.spend_call()
    budget.spend_call()
    with pytest.raises(CallBudgetExceeded) as raised:
        budget.spend_call()
    assert raised.value.cap == 2
    assert budget.calls_made == 2
    assert budget.spend_retry() is True
    assert budget.spend_retry() is False
    assert budget.retries_made == 1


def test_the_budget_is_exact_under_concurrent_spending() -> None:
    # Given a budget of 50 calls spent by 8 threads trying 20 calls each
    budget = CallBudget(50)
    refused: list[int] = []

    def spend() -> None:
        for _ in range(20):
            try:
                budget.spend_call()
            except CallBudgetExceeded:
                refused.append(1)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly 50 were allowed and the other 110 refused
    assert budget.calls_made == 50
    assert len(refused) == 8 * 20 - 50


def test_the_caps_follow_from_the_request_limits() -> None:
    # A search at the limits: the store's information (its country), customers by email, one guest
    # search per email, customers by phone, each number's one-by-one spellings, the searched order, and
    # the storefronts (accounts sharing an email: one person?)
    assert limits.ORDER_SEARCH_CALLS == 1
    assert limits.basic_lookup_calls() == (
        3
        + limits.MAX_EMAILS
        + PHONE_SPELLINGS_ONE_BY_ONE * limits.MAX_PHONES
        + limits.ORDER_SEARCH_CALLS
        + limits.STOREFRONT_CALLS
    )
    # A DETAILED profile: fixed calls, guest orders per profile email, shipments and items per order
    # and the store's storefronts: channels, sites and each storefront's customer settings; and the
    # person's accounts on other storefronts: the accounts of its email, the orders of each copy
    assert limits.STOREFRONT_CALLS == 2 + MAX_STOREFRONT_SETTINGS
    assert limits.PERSON_ACCOUNT_CALLS == 1 + MAX_PERSON_ACCOUNTS - 1
    assert limits.detailed_lookup_calls(10) == (
        limits.DETAILED_FIXED_CALLS
        + limits.STOREFRONT_CALLS
        + limits.PERSON_ACCOUNT_CALLS
        + limits.MAX_EMAILS
        + 20
    )
    # Every cap stays within the store's default quota of 150 requests per 30 s
    assert max(limits.basic_lookup_calls(), limits.detailed_lookup_calls(10), limits.ACTION_CALLS) < 150


def test_a_spent_budget_answers_503_in_gladlys_shape_with_the_correlation_id() -> None:
    status, (item,) = edge_errors.error_answer(CallBudgetExceeded(52), "corr-123")
    assert status == 503
    assert item.code == "call_budget_exceeded"
    assert "corr-123" in item.detail
    assert set(item.model_dump()) == {"attr", "code", "detail", "message"}


def test_a_spent_budget_on_an_action_follows_the_action_rule() -> None:
    # A form that cannot be served is a 406; a submit may be sent again (400), naming no field
    assert edge_errors.action_answer(CallBudgetExceeded(30), "c", submitted=None)[0] == 406
    assert edge_errors.action_answer(CallBudgetExceeded(30), "c", submitted={"reason": "x"})[0] == 400
