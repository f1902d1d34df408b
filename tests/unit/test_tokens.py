"""Form tokens: one-time, expiring, and bound to the deployment, action, order and customer they were
issued for, by a MAC keyed from (never with) the Gladly signing key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from devtools.replay import (
    DEFAULT_SIGNING_KEY,
    FRESH_FORM_TOKEN,
    LOCAL_DEPLOYMENT_NAME,
    load_event,
    local_form_tokens,
    with_fresh_form_token,
)
from devtools.run import local_parameters, sandbox_store
from devtools.sandbox import DEFAULT_STORE_HASH
from gladly_bigcommerce.actions.machinery.tokens import (
    FORM_TOKEN_MAX_AGE,
    TOKEN_KEY_LABEL,
    FormSubject,
    FormTokens,
)
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

NOW = datetime(2026, 3, 1, 17, 4, 5, tzinfo=UTC)
KEY = "the-gladly-signing-key"
TOKENS = FormTokens.of(KEY, deployment_name="acme", store_hash="abc123")
REFUND_100 = FormSubject("refund", 100, "1")
EVENTS = Path(__file__).resolve().parents[2] / "events"


def test_a_token_checks_back_as_issued_for_its_subject() -> None:
    token = TOKENS.issue(REFUND_100, now=NOW)
    assert TOKENS.check(str(token), REFUND_100, now=NOW + timedelta(minutes=3)) == token
    issued, nonce, mac = str(token).split(".")
    assert issued == str(int(NOW.timestamp()))
    assert (len(nonce), len(mac)) == (32, 22)


def test_two_tokens_issued_at_the_same_moment_differ() -> None:
    assert len({str(TOKENS.issue(REFUND_100, now=NOW)) for _ in range(50)}) == 50


def test_the_mac_is_hmac_sha256_keyed_with_a_key_derived_from_the_signing_key() -> None:
    # Given a token
    token = TOKENS.issue(REFUND_100, now=NOW)
    # Then its MAC is the documented construction: HMAC-SHA256 over the JSON array of what it proves,
    # truncated to 128 bits, with HMAC-SHA256(signing key, label) as the key, not the signing key
    derived = hmac.new(KEY.encode(), TOKEN_KEY_LABEL, hashlib.sha256).digest()
    message = json.dumps(
        ["acme", "abc123", "refund", 100, "1", int(NOW.timestamp()), token.nonce], separators=(",", ":")
    ).encode()
    expected = hmac.new(derived, message, hashlib.sha256).digest()[:16]
    assert token.mac == base64.urlsafe_b64encode(expected).rstrip(b"=").decode()
    with_signing_key = hmac.new(KEY.encode(), message, hashlib.sha256).digest()[:16]
    assert token.mac != base64.urlsafe_b64encode(with_signing_key).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "abc",
        "1772384645.short.mac",
        "1772384645." + "!" * 32 + "." + "A" * 22,
        # the format before tokens were bound: no MAC
        "1772384645.Xq0wkTTS2uRDw0bKHVAabcdefghijklm",
    ],
)
def test_a_missing_or_malformed_token_is_a_bad_request_on_the_token(raw: str | None) -> None:
    with pytest.raises(BadRequest) as caught:
        TOKENS.check(raw, REFUND_100, now=NOW)
    assert (caught.value.errors[0].attr, caught.value.errors[0].code) == ("token", "invalid_token")


@pytest.mark.parametrize(
    "subject",
    [
        FormSubject("cancel", 100, "1"),
        FormSubject("refund", 104, "1"),
        FormSubject("refund", 100, "2"),
        FormSubject("refund", 100, None),
        FormSubject("refund", None, "1"),
        FormSubject("discount", None, "1"),
    ],
    ids=["action", "order", "customer", "no-customer", "no-order", "customer-action"],
)
def test_a_token_sent_for_anything_else_is_refused_naming_no_field(subject: FormSubject) -> None:
    # Given a token issued for the refund of order 100 of customer 1
    token = str(TOKENS.issue(REFUND_100, now=NOW))
    # When it comes back for another action, order or customer Then it is refused, on no field
    with pytest.raises(BadRequest) as caught:
        TOKENS.check(token, subject, now=NOW)
    error = caught.value.errors[0]
    assert (error.attr, error.code) == ("", "form_not_for_this")
    noun = "order" if subject.order_id is not None else "customer"
    assert error.detail == (
        f"This form was opened for another {noun} (or not by this adaptor), so nothing was done. Open the "
        "action again."
    )


@pytest.mark.parametrize(
    "other",
    [
        FormTokens.of(KEY, deployment_name="acme-staging", store_hash="abc123"),
        FormTokens.of(KEY, deployment_name="acme", store_hash="xyz789"),
        FormTokens.of("another-signing-key", deployment_name="acme", store_hash="abc123"),
    ],
    ids=["deployment", "store", "signing-key"],
)
def test_a_token_of_another_deployment_is_refused(other: FormTokens) -> None:
    token = str(other.issue(REFUND_100, now=NOW))
    with pytest.raises(BadRequest) as caught:
        TOKENS.check(token, REFUND_100, now=NOW)
    assert caught.value.errors[0].code == "form_not_for_this"


def test_fields_cannot_be_shifted_between_the_deployment_name_and_store_hash() -> None:
    # The MAC's input is a JSON array: "a|b" + "c" and "a" + "b|c" are different deployments
    first = FormTokens.of(KEY, deployment_name="a|b", store_hash="c")
    second = FormTokens.of(KEY, deployment_name="a", store_hash="b|c")
    with pytest.raises(BadRequest):
        second.check(str(first.issue(REFUND_100, now=NOW)), REFUND_100, now=NOW)


@pytest.mark.parametrize("part", ["issued", "nonce"])
def test_a_token_whose_time_or_nonce_was_changed_is_refused(part: str) -> None:
    # Given a token, and a copy with a later issue time (to live longer) or another nonce
    issued, nonce, mac = str(TOKENS.issue(REFUND_100, now=NOW)).split(".")
    if part == "issued":
        issued = str(int(issued) + 3600)
    else:
        nonce = ("B" if nonce[0] != "B" else "C") + nonce[1:]
    # When the copy is submitted Then it is not ours
    with pytest.raises(BadRequest) as caught:
        TOKENS.check(f"{issued}.{nonce}.{mac}", REFUND_100, now=NOW)
    assert caught.value.errors[0].code == "form_not_for_this"


def test_a_form_older_than_the_maximum_age_is_not_acceptable() -> None:
    token = str(TOKENS.issue(REFUND_100, now=NOW))
    with pytest.raises(NotAcceptable) as caught:
        TOKENS.check(token, REFUND_100, now=NOW + FORM_TOKEN_MAX_AGE + timedelta(seconds=1))
    assert caught.value.errors[0].code == "form_expired"


def test_a_token_from_the_future_beyond_clock_skew_is_not_acceptable() -> None:
    token = str(TOKENS.issue(REFUND_100, now=NOW + timedelta(hours=1)))
    with pytest.raises(NotAcceptable):
        TOKENS.check(token, REFUND_100, now=NOW)


# --- the replayer issues tokens as the local deployment does --------------------------------------


def test_the_local_deployment_name_is_the_one_make_run_deploys() -> None:
    parameters = local_parameters(sandbox_store("http://127.0.0.1:1"))
    assert parameters["DeploymentName"] == LOCAL_DEPLOYMENT_NAME
    assert parameters["StoreHash"] == DEFAULT_STORE_HASH


@pytest.mark.parametrize(
    ("event", "subject"),
    [
        ("refund-submit-items", FormSubject("refund", 100, "1")),
        ("cancel-submit", FormSubject("cancel", 108, "1")),
        ("discount-submit-guest", FormSubject("discount", None, "guest:guest.shopper@example.com")),
    ],
)
def test_a_replayed_submit_carries_a_token_issued_for_its_action_order_and_customer(
    event: str, subject: FormSubject
) -> None:
    # Given a submit event whose token is FRESH_FORM_TOKEN
    recorded = load_event(EVENTS / f"{event}.json")
    assert recorded["queryStringParameters"]["token"] == FRESH_FORM_TOKEN
    # When it is prepared for replay
    tokens = local_form_tokens(DEFAULT_SIGNING_KEY)
    replayed = with_fresh_form_token(recorded, tokens)
    # Then both spellings of the query carry one token, valid for exactly the event's subject
    token = replayed["queryStringParameters"]["token"]
    assert replayed["multiValueQueryStringParameters"]["token"] == [token]
    assert tokens.check(token, subject, now=datetime.now(UTC))
    with pytest.raises(BadRequest):
        tokens.check(token, FormSubject(subject.action, 999, subject.customer), now=datetime.now(UTC))
