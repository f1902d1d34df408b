"""error_for_response: every BigCommerce error body shape becomes the right typed, log-safe exception."""

import json
from typing import Any

import pytest

from gladly_bigcommerce.bigcommerce.errors import (
    BadUpstreamResponse,
    BigCommerceError,
    Conflict,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthorized,
    UpstreamUnavailable,
    ValidationFailed,
    error_for_response,
    retry_after_seconds,
)


def body(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def test_v2_list_of_status_and_message() -> None:
    # Given a v2 404 body
    error = error_for_response(
        404, body([{"status": 404, "message": "The requested resource was not found."}])
    )
    # Then it is NotFound carrying BigCommerce's message apart from the safe message
    assert isinstance(error, NotFound)
    assert error.status == 404
    assert error.code == "not_found"
    assert error.upstream_message == "The requested resource was not found."


def test_v3_title_and_field_errors() -> None:
    payload = {
        "status": 422,
        "title": "JSON data is missing or invalid",
        "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
        "errors": {"email": "error.path.missing", "addresses.0.city": ["too long", "required"]},
    }
    error = error_for_response(422, body(payload))
    assert type(error) is ValidationFailed
    assert error.upstream_message == "JSON data is missing or invalid"
    assert error.field_errors == {"email": "error.path.missing", "addresses.0.city": "too long; required"}


def test_refunds_wrap_the_v3_error_in_data() -> None:
    payload = {
        "data": [
            {
                "status": 422,
                "title": "Refund amount is greater than remaining amount",
                "type": "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes",
                "errors": {"payments.0.amount": "too much"},
            }
        ]
    }
    error = error_for_response(422, body(payload))
    assert isinstance(error, ValidationFailed)
    assert error.upstream_message == "Refund amount is greater than remaining amount"
    assert error.field_errors == {"payments.0.amount": "too much"}


def test_refund_503_failed_quote_error_is_upstream_unavailable() -> None:
    payload = {"data": [{"order_id": 7, "status": 503, "error": "Payment provider unavailable"}], "meta": {}}
    error = error_for_response(503, body(payload))
    assert type(error) is UpstreamUnavailable
    assert error.upstream_message == "Payment provider unavailable"


def test_promotions_detail_shape() -> None:
    payload = {
        "status": "400",
        "title": "Bad Request",
        "type": "about:blank",
        "detail": "rules must not be empty",
    }
    error = error_for_response(400, body(payload))
    assert type(error) is ValidationFailed
    assert error.upstream_message == "Bad Request; rules must not be empty"


def test_promotions_errors_list_shape() -> None:
    payload = {"errors": [{"status": 422, "title": "The promotion name is already in use"}]}
    error = error_for_response(422, body(payload))
    assert type(error) is ValidationFailed
    assert error.upstream_message == "The promotion name is already in use"


def test_duplicate_coupon_code_is_a_conflict_and_a_validation_failure() -> None:
    payload = {
        "status": 409,
        "title": "Duplicate code",
        "type": "about:blank",
        "detail": "Code already exists",
    }
    error = error_for_response(409, body(payload))
    assert isinstance(error, Conflict)
    assert isinstance(error, ValidationFailed)
    assert error.code == "conflict"
    assert error.upstream_message == "Duplicate code; Code already exists"


def test_unauthorized() -> None:
    error = error_for_response(401, body({"status": 401, "title": "Unauthorized"}))
    assert isinstance(error, Unauthorized)


def test_forbidden_names_the_missing_scope_when_given() -> None:
    payload = {"status": 403, "title": "You don't have a required scope", "missing_scope": "store_v2_orders"}
    error = error_for_response(403, body(payload))
    assert isinstance(error, Forbidden)
    assert error.missing_scope == "store_v2_orders"


def test_forbidden_without_scope_information() -> None:
    error = error_for_response(403, body({"status": "403", "title": "Forbidden", "error": "no access"}))
    assert isinstance(error, Forbidden)
    assert error.missing_scope is None
    assert error.upstream_message == "Forbidden; no access"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"X-Retry-After": "3"}, 3.0),
        # both present: the longer wins (BigCommerce's errors guide), whichever header holds it
        ({"x-retry-after": "0.5", "X-Rate-Limit-Time-Reset-Ms": "9000"}, 9.0),
        ({"X-Retry-After": "4", "x-rate-limit-time-reset-ms": "1500"}, 4.0),
        ({"X-Retry-After": "soon", "X-Rate-Limit-Time-Reset-Ms": "1500"}, 1.5),
        # no X-Retry-After, as many real 429s: the reset header alone
        ({"X-Rate-Limit-Time-Reset-Ms": "1500"}, 1.5),
        ({"X-Rate-Limit-Time-Reset-Ms": "soon"}, None),
        ({"X-Retry-After": "-1"}, None),
        ({}, None),
    ],
)
def test_rate_limited_carries_the_wait(headers: dict[str, str], expected: float | None) -> None:
    error = error_for_response(429, b"", headers)
    assert isinstance(error, RateLimited)
    assert error.retry_after == expected
    assert retry_after_seconds(headers) == expected


@pytest.mark.parametrize("status", [500, 502, 503, 504, 507])
def test_server_errors_are_upstream_unavailable(status: int) -> None:
    assert type(error_for_response(status, b"<html>Bad gateway</html>")) is UpstreamUnavailable


@pytest.mark.parametrize("status", [405, 413, 415])
def test_other_client_errors_are_validation_failures(status: int) -> None:
    assert type(error_for_response(status, b"")) is ValidationFailed


@pytest.mark.parametrize("status", [302, 100])
def test_unexpected_statuses_are_bad_upstream_responses(status: int) -> None:
    assert isinstance(error_for_response(status, b""), BadUpstreamResponse)


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1, 2]", b'"text"', b'{"errors": 5}', b"\xff\xfe"])
def test_unreadable_bodies_still_map_by_status(raw: bytes) -> None:
    error = error_for_response(422, raw)
    assert type(error) is ValidationFailed
    assert error.upstream_message is None
    assert error.field_errors == {}


def test_messages_are_safe_to_log() -> None:
    # Given BigCommerce's wording quoting a shopper's email
    payload = {
        "status": 422,
        "title": "Email jane@example.com is in use",
        "errors": {"email": "jane@example.com"},
    }
    # When it becomes an exception
    error = error_for_response(422, body(payload))
    # Then str() and repr() hold no shopper data; the wording is kept apart for deliberate use
    assert "jane@example.com" not in str(error)
    assert "jane@example.com" not in repr(error)
    assert error.upstream_message == "Email jane@example.com is in use"
    assert isinstance(error, BigCommerceError)


def test_very_long_upstream_text_is_clipped() -> None:
    error = error_for_response(400, body([{"status": 400, "message": "x" * 5000}]))
    assert error.upstream_message is not None
    assert len(error.upstream_message) <= 501


@pytest.mark.parametrize(
    "payload",
    [
        [
            {
                "status": 403,
                "message": "You don't have a required scope to access the endpoint: "
                "store_v2_orders or store_v2_orders_read_only",
            }
        ],
        {
            "status": 403,
            "title": "You don't have a required scope to access the endpoint",
            "errors": {"detail": "store_v2_orders or store_v2_orders_read_only"},
        },
        {"status": "403", "title": "Forbidden", "error": "store_v2_orders or store_v2_orders_read_only"},
    ],
)
def test_forbidden_picks_scope_names_out_of_the_wording(payload: Any) -> None:
    error = error_for_response(403, body(payload))
    assert isinstance(error, Forbidden)
    assert error.missing_scope == "store_v2_orders or store_v2_orders_read_only"
