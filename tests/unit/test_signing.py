"""Gladly request signing: the reference vectors verify, and every kind of tampering is refused.

Signatures of requests with a query string (an action's form and submit URLs) come from a second
implementation written here from the protocol text (reference/gladly/lookup-protocol.md, section 4, and
Gladly's request-signing page: "sorted query parameters (case sensitive)"), not from the adaptor's code:
no public Gladly source publishes a vector with a query string (Gladly's documentation example and
upsidelab/spree_gladly's specs are all lookups, whose query line is empty). That implementation
reproduces every published vector first (`test_the_second_implementation_reproduces_the_published_vectors`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devtools.replay import gladly_headers
from devtools.signer import sign_request
from gladly_bigcommerce.gladly.signing import (
    SignatureError,
    check_basic_auth,
    check_static_headers,
    day_key,
    path_and_query_candidates,
    verify_gladly_request,
)
from gladly_bigcommerce.settings.secret import AdaptorSecret

VECTORS_FILE = Path(__file__).resolve().parents[2] / "reference" / "gladly" / "signing-vectors.json"
REFERENCE = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS: list[dict[str, Any]] = REFERENCE["vectors"]
WRONG_KEY = "test-apikey-2"


def _valid_at(vector: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(vector["valid_at"].replace("Z", "+00:00"))


def _verify(vector: dict[str, Any], **overrides: Any) -> None:
    arguments: dict[str, Any] = {
        "method": vector["method"],
        "path": vector["path"],
        "query": vector["query"],
        "headers": vector["headers"],
        "body": vector["body"].encode("utf-8"),
        "signing_key": vector["signing_key"],
        "now": _valid_at(vector),
    }
    arguments.update(overrides)
    verify_gladly_request(**arguments)


def _signed_header_names(vector: dict[str, Any]) -> list[str]:
    authorization = vector["headers"]["gladly-authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0]
    return signed.split(";")


def _flip(text: str, position: int) -> str:
    character = text[position]
    return text[:position] + ("x" if character != "x" else "y") + text[position + 1 :]


def _rejection(vector: dict[str, Any], **overrides: Any) -> SignatureError:
    with pytest.raises(SignatureError) as caught:
        _verify(vector, **overrides)
    return caught.value


by_name = pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])


def test_day_key_matches_the_reference() -> None:
    # Given the reference day key for 2019-02-13 under test-apikey-1
    # When it is derived from the signing key used as text
    # Then it is byte for byte the reference
    assert day_key("test-apikey-1", "20190213T214016Z").hex() == REFERENCE["day_key_for_20190213"]


@by_name
def test_every_vector_verifies_at_its_valid_time(vector: dict[str, Any]) -> None:
    _verify(vector)


@by_name
def test_headers_are_matched_case_insensitively(vector: dict[str, Any]) -> None:
    # Given the headers spelled as API Gateway may pass them on (Title-Case)
    headers = {name.title(): value for name, value in vector["headers"].items()}
    # Then the signature still verifies
    _verify(vector, headers=headers)


@by_name
def test_the_wrong_key_is_refused(vector: dict[str, Any]) -> None:
    error = _rejection(vector, signing_key=WRONG_KEY)
    assert (error.attr, error.code) == ("gladly-authorization", "bad_signature")


WITH_BODY = [vector for vector in VECTORS if vector["body"]]


@pytest.mark.parametrize("vector", WITH_BODY, ids=[vector["name"] for vector in WITH_BODY])
@pytest.mark.parametrize("position", [0, 1, 17, 60, -2, -1])
def test_a_changed_body_byte_is_refused(vector: dict[str, Any], position: int) -> None:
    tampered = _flip(vector["body"], position).encode("utf-8")
    assert _rejection(vector, body=tampered).code == "bad_signature"


@by_name
def test_a_body_added_or_removed_is_refused(vector: dict[str, Any]) -> None:
    assert _rejection(vector, body=b"" if vector["body"] else b"{}").code == "bad_signature"


@by_name
def test_a_changed_byte_in_any_signed_header_is_refused(vector: dict[str, Any]) -> None:
    for name in _signed_header_names(vector):
        value = vector["headers"][name]
        for position in {0, len(value) // 2, len(value) - 1}:
            headers = {**vector["headers"], name: _flip(value, position)}
            with pytest.raises(SignatureError) as caught:
                _verify(vector, headers=headers)
            # A mangled Gladly-Time may also be refused as malformed or stale: refused all the same.
            assert caught.value.code in {"bad_signature", "bad_format", "stale_time"}, (name, position)


@by_name
def test_a_changed_method_or_path_is_refused(vector: dict[str, Any]) -> None:
    assert _rejection(vector, method="PUT").code == "bad_signature"
    assert _rejection(vector, path=vector["path"] + "x").code == "bad_signature"


@by_name
@pytest.mark.parametrize("offset", [timedelta(minutes=5, seconds=1), timedelta(minutes=-5, seconds=-1)])
def test_a_time_more_than_five_minutes_away_is_refused(vector: dict[str, Any], offset: timedelta) -> None:
    signed_at = datetime(2019, 2, 13, 21, 40, 16, tzinfo=UTC)
    error = _rejection(vector, now=signed_at + offset)
    assert (error.attr, error.code) == ("gladly-time", "stale_time")


@by_name
@pytest.mark.parametrize("offset", [timedelta(minutes=5), timedelta(minutes=-5)])
def test_a_time_exactly_five_minutes_away_is_accepted(vector: dict[str, Any], offset: timedelta) -> None:
    _verify(vector, now=datetime(2019, 2, 13, 21, 40, 16, tzinfo=UTC) + offset)


@by_name
def test_gladly_time_must_be_signed(vector: dict[str, Any]) -> None:
    # Given an authorization header whose SignedHeaders leave gladly-time out
    authorization = vector["headers"]["gladly-authorization"].replace("gladly-time;", "")
    headers = {**vector["headers"], "gladly-authorization": authorization}
    # Then it is refused for that reason, whatever the signature
    error = _rejection(vector, headers=headers)
    assert (error.attr, error.code) == ("gladly-authorization", "unsigned_time")


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "hmac-sha256 abc",
        "SigningAlgorithm=hmac-sha256, SignedHeaders=gladly-time",
        "SigningAlgorithm=hmac-sha1, SignedHeaders=gladly-time, Signature=" + "0" * 64,
        "SigningAlgorithm=hmac-sha256, SignedHeaders=gladly-time, Signature=not-hex",
        "SigningAlgorithm=hmac-sha256, SignedHeaders=gladly-time;;accept, Signature=" + "0" * 64,
        "SigningAlgorithm=hmac-sha256, SignedHeaders=gladly-time, Signature=" + "0" * 63,
    ],
)
def test_a_malformed_authorization_header_is_refused(authorization: str) -> None:
    vector = VECTORS[0]
    headers = {**vector["headers"], "gladly-authorization": authorization}
    error = _rejection(vector, headers=headers)
    assert (error.attr, error.code) == ("gladly-authorization", "bad_format")


@pytest.mark.parametrize("missing", ["gladly-authorization", "gladly-time", "x-b3-traceid"])
def test_a_missing_header_is_named(missing: str) -> None:
    vector = VECTORS[0]
    headers = {name: value for name, value in vector["headers"].items() if name != missing}
    error = _rejection(vector, headers=headers)
    assert (error.attr, error.code) == (missing, "missing_header")


@pytest.mark.parametrize("gladly_time", ["2019-02-13T21:40:16Z", "20190213T214016", "20191313T214016Z"])
def test_a_malformed_gladly_time_is_refused(gladly_time: str) -> None:
    vector = VECTORS[0]
    error = _rejection(vector, headers={**vector["headers"], "gladly-time": gladly_time})
    assert (error.attr, error.code) == ("gladly-time", "bad_format")


def test_a_naive_clock_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        _verify(VECTORS[0], now=datetime(2019, 2, 13, 21, 43, 16))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_single_byte_change_of_the_body_is_refused(data: st.DataObject) -> None:
    # Given any vector with a body and any byte of it replaced by a different byte
    vector = data.draw(st.sampled_from([vector for vector in VECTORS if vector["body"]]))
    body = bytearray(vector["body"].encode("utf-8"))
    position = data.draw(st.integers(min_value=0, max_value=len(body) - 1))
    replacement = data.draw(
        st.integers(min_value=0, max_value=255).filter(lambda value: value != body[position])
    )
    body[position] = replacement
    # Then verification fails
    with pytest.raises(SignatureError):
        _verify(vector, body=bytes(body))


# --- Signer round trips ------------------------------------------------------------------------------

NOW = datetime(2026, 3, 1, 17, 4, 5, tzinfo=UTC)
KEY = "a-signing-key-for-tests"


def test_a_signed_post_verifies_and_a_different_key_does_not() -> None:
    # Given a lookup signed by the dev signer
    body = b'{"lookupLevel":"BASIC","query":{"email":"martha@example.com"},"uniqueMatchRequired":false}'
    headers = sign_request(
        method="POST",
        path="/prod/lookup",
        query="",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        body=body,
        signing_key=KEY,
        at=NOW,
    )
    # Then it carries Gladly's headers, signing every header it was given
    assert headers["gladly-time"] == "20260301T170405Z"
    assert "SignedHeaders=accept;content-type;gladly-time," in headers["gladly-authorization"]
    # And it verifies with the key, and not with another
    verify_gladly_request(
        method="POST", path="/prod/lookup", query="", headers=headers, body=body, signing_key=KEY, now=NOW
    )
    with pytest.raises(SignatureError):
        verify_gladly_request(
            method="POST",
            path="/prod/lookup",
            query="",
            headers=headers,
            body=body,
            signing_key="other",
            now=NOW,
        )


def test_the_signer_can_sign_a_subset_of_headers() -> None:
    headers = sign_request(
        method="POST",
        path="/lookup",
        query="",
        headers={"accept": "application/json", "x-unsigned": "free"},
        body=b"{}",
        signing_key=KEY,
        at=NOW,
        signed_headers=["accept"],
    )
    assert "SignedHeaders=accept;gladly-time," in headers["gladly-authorization"]
    # An unsigned header may change in transit without breaking the signature
    headers["x-unsigned"] = "changed"
    verify_gladly_request(
        method="POST", path="/lookup", query="", headers=headers, body=b"{}", signing_key=KEY, now=NOW
    )


def protocol_signature(
    *,
    signing_key: str,
    method: str,
    path_line: str,
    query_line: str,
    headers: dict[str, str],
    signed: list[str],
    body: bytes,
) -> str:
    """Gladly's signature as the protocol text describes it, written apart from the adaptor's code."""
    gladly_time = headers["gladly-time"]
    lines = [method, path_line, query_line]
    lines += [f"{name}:{headers[name].strip()}" for name in signed]
    lines += ["", ";".join(signed), hashlib.sha256(body).hexdigest()]
    hashed = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    string_to_sign = "\n".join(["hmac-sha256", gladly_time, hashed])
    day = hmac.new(signing_key.encode("utf-8"), gladly_time[:8].encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(day, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _with_authorization(headers: dict[str, str], signed: list[str], signature: str) -> dict[str, str]:
    authorization = f"SigningAlgorithm=hmac-sha256, SignedHeaders={';'.join(signed)}, Signature={signature}"
    return {**headers, "gladly-authorization": authorization}


PUBLISHED = [vector for vector in VECTORS if "derived" not in vector["source"]]


@pytest.mark.parametrize("vector", PUBLISHED, ids=[vector["name"] for vector in PUBLISHED])
def test_the_second_implementation_reproduces_the_published_vectors(vector: dict[str, Any]) -> None:
    # Given a vector Gladly's documentation (A) or upsidelab/spree_gladly's specs (B-D) publish
    signed = _signed_header_names(vector)
    # When the protocol text's implementation signs its request, Then it gets the published signature
    signature = protocol_signature(
        signing_key=vector["signing_key"],
        method=vector["method"],
        path_line=vector["path"],
        query_line=vector["query"],
        headers=vector["headers"],
        signed=signed,
        body=vector["body"].encode("utf-8"),
    )
    assert signature == vector["expected_signature"]


# An action form's URL as the adaptor hands it to Gladly (a guest's order), and Gladly's request for it.
ACTION_PATH = "/prod/actions/refund"
ACTION_QUERY = "orderId=105&customer=guest%3Amartha.williams%40example.com"
ACTION_QUERY_SORTED = "customer=guest%3Amartha.williams%40example.com&orderId=105"
ACTION_HEADERS = {
    "accept": "application/json",
    "gladly-correlation-id": "vXmSEPjVSWCaCMzvjufxZg",
    "gladly-time": "20260301T170405Z",
    "x-b3-traceid": "bd799210f8d549609a08ccef8ee7f166",
}
ACTION_SIGNATURE = "383532af55574faf935faa96f7bd4fb2e066dc64e814a36ff0c5d92df0a11b46"
"""``protocol_signature`` of that request with key test-apikey-1 and the query line sorted (case
sensitive), as Gladly's request-signing page says; computed once and kept, so neither side can drift."""


def test_a_signed_action_url_with_a_query_from_the_protocol_text_verifies() -> None:
    # Given Gladly's GET of an action form, signed as the protocol text says (the query sorted)
    signed = sorted(ACTION_HEADERS)
    signature = protocol_signature(
        signing_key="test-apikey-1",
        method="GET",
        path_line=ACTION_PATH,
        query_line=ACTION_QUERY_SORTED,
        headers=ACTION_HEADERS,
        signed=signed,
        body=b"",
    )
    assert signature == ACTION_SIGNATURE
    headers = _with_authorization(ACTION_HEADERS, signed, ACTION_SIGNATURE)
    # When the adaptor checks the request as API Gateway hands it over (the query as sent), Then it verifies
    now = datetime(2026, 3, 1, 17, 4, 5, tzinfo=UTC)
    verify = {"method": "GET", "path": ACTION_PATH, "headers": headers, "body": b"", "now": now}
    verify_gladly_request(query=ACTION_QUERY, signing_key="test-apikey-1", **verify)
    # And another order, another customer or another key is refused
    for query, key in (
        ("orderId=106&customer=guest%3Amartha.williams%40example.com", "test-apikey-1"),
        ("orderId=105&customer=guest%3Aolivia%40example.com", "test-apikey-1"),
        (ACTION_QUERY, WRONG_KEY),
    ):
        with pytest.raises(SignatureError):
            verify_gladly_request(query=query, signing_key=key, **verify)


def _sign_with_candidate(path_line: str, query_line: str) -> dict[str, str]:
    """Sign as another Gladly implementation might: with an explicit path line and query line."""
    headers = {"accept": "application/json", "gladly-time": "20260301T170405Z"}
    names = ["accept", "gladly-time"]
    signature = protocol_signature(
        signing_key=KEY,
        method="GET",
        path_line=path_line,
        query_line=query_line,
        headers=headers,
        signed=names,
        body=b"",
    )
    return _with_authorization(headers, names, signature)


QUERY = "token=a%2Fb&order=2&note=x%20y"


@pytest.mark.parametrize(
    ("path_line", "query_line"),
    [
        ("/actions/refund", "note=x%20y&order=2&token=a%2Fb"),  # path + sorted, encoded query
        ("/actions/refund", QUERY),  # path + raw query
        (f"/actions/refund?{QUERY}", QUERY),  # path?query + raw query
        (f"/actions/refund?{QUERY}", ""),  # path?query + empty line
    ],
    ids=["sorted", "raw", "path-with-query-and-raw", "path-with-query-and-empty"],
)
def test_a_get_with_a_query_is_accepted_in_every_candidate_form(path_line: str, query_line: str) -> None:
    headers = _sign_with_candidate(path_line, query_line)
    verify_gladly_request(
        method="GET", path="/actions/refund", query=QUERY, headers=headers, body=b"", signing_key=KEY, now=NOW
    )


def test_a_query_signed_for_one_value_is_refused_for_another() -> None:
    headers = _sign_with_candidate("/actions/refund", "order=2")
    with pytest.raises(SignatureError):
        verify_gladly_request(
            method="GET",
            path="/actions/refund",
            query="order=3",
            headers=headers,
            body=b"",
            signing_key=KEY,
            now=NOW,
        )


def test_the_signer_round_trips_a_get_with_a_query() -> None:
    headers = sign_request(
        method="GET", path="/actions/cancel", query=QUERY, headers={}, body=b"", signing_key=KEY, at=NOW
    )
    verify_gladly_request(
        method="GET", path="/actions/cancel", query=QUERY, headers=headers, body=b"", signing_key=KEY, now=NOW
    )


def test_the_candidates_are_unique_and_the_empty_query_has_one() -> None:
    assert path_and_query_candidates("/lookup", "") == [("/lookup", "")]
    assert len(path_and_query_candidates("/a", "b=1")) == 3  # sorted == raw here


def test_an_alternative_path_spelling_is_accepted() -> None:
    # Given a request Gladly signed for the URL with the API Gateway stage
    headers = sign_request(
        method="POST", path="/prod/lookup", query="", headers={}, body=b"{}", signing_key=KEY, at=NOW
    )
    # When the event reports the path without the stage
    # Then the stage spelling, given as an alternative, verifies
    verify_gladly_request(
        method="POST",
        path="/lookup",
        alternative_paths=["/prod/lookup"],
        query="",
        headers=headers,
        body=b"{}",
        signing_key=KEY,
        now=NOW,
    )
    with pytest.raises(SignatureError):
        verify_gladly_request(
            method="POST", path="/lookup", query="", headers=headers, body=b"{}", signing_key=KEY, now=NOW
        )


# --- Basic auth and static headers -------------------------------------------------------------------


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_basic_auth_accepts_the_configured_user_and_password() -> None:
    check_basic_auth(_basic("gladly", "s3cret:with-colon"), "gladly", "s3cret:with-colon")


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "missing_header"),
        ({"authorization": "Bearer abc"}, "bad_format"),
        ({"authorization": "Basic !!!"}, "bad_format"),
        (_basic("gladly", "wrong"), "bad_credentials"),
        (_basic("other", "s3cret"), "bad_credentials"),
        ({"authorization": "Basic " + base64.b64encode(b"gladlys3cret").decode()}, "bad_credentials"),
    ],
    ids=["missing", "not-basic", "not-base64", "wrong-password", "wrong-user", "no-colon"],
)
def test_basic_auth_refuses_anything_else(headers: dict[str, str], code: str) -> None:
    with pytest.raises(SignatureError) as caught:
        check_basic_auth(headers, "gladly", "s3cret")
    assert (caught.value.attr, caught.value.code) == ("authorization", code)
    assert "s3cret" not in str(caught.value)


def test_static_headers_must_all_be_present_with_their_values() -> None:
    expected = {"X-Shared-Token": "abc123", "X-Tenant": "acme"}
    check_static_headers({"x-shared-token": "abc123", "x-tenant": "acme"}, expected)
    with pytest.raises(SignatureError) as missing:
        check_static_headers({"x-shared-token": "abc123"}, expected)
    assert (missing.value.attr, missing.value.code) == ("x-tenant", "missing_header")
    with pytest.raises(SignatureError) as wrong:
        check_static_headers({"x-shared-token": "abc124", "x-tenant": "acme"}, expected)
    assert (wrong.value.attr, wrong.value.code) == ("x-shared-token", "bad_credentials")


def test_the_headers_devtools_send_pass_the_deployments_basic_auth_and_static_header_checks() -> None:
    # Given a deployment with basic auth and a static header in its secret
    secret = AdaptorSecret.model_validate(
        {
            "client_id": "c",
            "access_token": "t",
            "gladly_signing_key": "k",
            "basic_auth_password": "p@ss:word",
            "static_headers": {"X-Gladly-Org": "acme"},
        }
    )
    # When smoke and the preview build the headers Gladly would send it
    headers = gladly_headers("gladly", secret)
    # Then the adaptor's own checks accept them
    check_basic_auth(headers, "gladly", "p@ss:word")
    check_static_headers(headers, {"X-Gladly-Org": "acme"})
    # and without BASIC_AUTH_USER no Authorization header is sent
    assert "authorization" not in gladly_headers(None, secret)
