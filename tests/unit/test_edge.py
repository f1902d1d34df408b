"""The HTTP edge (edge/): signed events in, Gladly-shaped responses out, every failure mapped in one
table, the public base URL action links are built on, and the statuses action forms and submits answer."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from devtools.signer import sign_event
from gladly_bigcommerce.actions.machinery.errors import ActionConflict, WriteOutcomeUnknown
from gladly_bigcommerce.bigcommerce import errors as bigcommerce
from gladly_bigcommerce.edge import request as edge_request
from gladly_bigcommerce.edge import runtime as edge_runtime
from gladly_bigcommerce.edge.handler import Dependencies, gladly_handler, handle_gladly
from gladly_bigcommerce.edge.request import GladlyRequest
from gladly_bigcommerce.edge.runtime import Runtime
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable
from gladly_bigcommerce.gladly.models import (
    ActionResult,
    CustomerResult,
    Email,
    LookupRequest,
    LookupResponse,
)
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from gladly_bigcommerce.settings.secret import AdaptorSecret, SecretUnavailable

SIGNING_KEY = "test-signing-key-for-the-glue"
ENVIRONMENT = {"DEPLOYMENT_NAME": "acme", "STORE_HASH": "abc123xyz0", "SECRET_NAME": "gladly/acme"}
SECRET = {
    "client_id": "client-id-123456",
    "access_token": "access-token-abcdef",
    "gladly_signing_key": SIGNING_KEY,
}
LOOKUP = {"lookupLevel": "BASIC", "query": {"email": "martha@example.com"}, "uniqueMatchRequired": False}
EXECUTE_API_HOST = "abc123defg.execute-api.us-east-1.amazonaws.com"


# --- Helpers -----------------------------------------------------------------------------------------


def _secret_loader(secret: dict[str, Any]) -> Any:
    def load(settings: AdaptorSettings, force_fetch: bool) -> AdaptorSecret:
        return AdaptorSecret.from_mapping(secret)

    return load


def _runtime(environment: dict[str, str] | None = None, secret: dict[str, Any] | None = None) -> Runtime:
    return Runtime(environment or ENVIRONMENT, _secret_loader(secret or SECRET))


def _event(
    method: str = "POST",
    path: str = "/lookup",
    body: Any = LOOKUP,
    *,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    stage: str = "prod",
) -> dict[str, Any]:
    """A REST API (v1 payload) proxy event, as API Gateway builds it for a request to /<stage><path>."""
    raw_body = (
        None if body is None else (body if isinstance(body, str) else json.dumps(body, separators=(",", ":")))
    )
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Accept": "application/json", "Content-Type": "application/json", **(headers or {})},
        "multiValueHeaders": {},
        "queryStringParameters": {key: values[-1] for key, values in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "requestContext": {
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": "api-gateway-request-id",
            "domainName": EXECUTE_API_HOST,
        },
        "body": raw_body,
        "isBase64Encoded": False,
    }


def _signed(event: dict[str, Any], *, at: datetime | None = None, key: str = SIGNING_KEY) -> dict[str, Any]:
    """Signed as Gladly signs: over the URL it called, stage included."""
    return sign_event(event, signing_key=key, at=at, signed_path=event["requestContext"]["path"])


@dataclass
class Recorder:
    """A logic function that records what it was given and answers a fixed result."""

    result: BaseModel
    calls: list[tuple[GladlyRequest, Dependencies]]

    def __call__(self, request: GladlyRequest, dependencies: Dependencies) -> BaseModel:
        self.calls.append((request, dependencies))
        return self.result


def _recorder(result: BaseModel | None = None) -> Recorder:
    return Recorder(result or LookupResponse(), [])


def _failing(error: Exception) -> Any:
    def logic(request: GladlyRequest, dependencies: Dependencies) -> BaseModel:
        raise error

    return logic


def _body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def _error_codes(response: dict[str, Any]) -> list[tuple[str, str]]:
    """(attr, code) of each error item; every item must carry all four keys of Gladly's shape."""
    items = _body(response)["errors"]
    assert all(set(item) == {"attr", "code", "detail", "message"} for item in items), items
    return [(item["attr"], item["code"]) for item in items]


@pytest.fixture(autouse=True)
def _fresh_runtime() -> Iterator[None]:
    edge_runtime.reset_runtime()
    yield
    edge_runtime.reset_runtime()


# --- The happy path ----------------------------------------------------------------------------------


def test_a_signed_lookup_reaches_the_logic_and_its_result_is_returned_as_json() -> None:
    # Given a signed manual search, and logic that finds one customer
    result = LookupResponse(
        results=[CustomerResult(external_customer_id="17", emails=[Email(original="martha@example.com")])]
    )
    logic = _recorder(result)
    # When the glue handles the event
    response = handle_gladly(_signed(_event()), None, logic, runtime=_runtime())
    # Then Gladly gets 200 and the camelCase result
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == "application/json"
    assert _body(response) == {
        "results": [{"externalCustomerId": "17", "emails": [{"original": "martha@example.com"}]}]
    }
    # And the logic saw the raw body, its JSON, and its dependencies
    ((request, dependencies),) = logic.calls
    assert request.parse_body(LookupRequest).search_terms.emails == ["martha@example.com"]
    assert request.body == json.dumps(LOOKUP, separators=(",", ":")).encode()
    assert request.signed_paths == ("/lookup", "/prod/lookup")
    assert dependencies.settings.store_hash == "abc123xyz0"
    assert dependencies.secret.access_token.get_secret_value() == "access-token-abcdef"
    assert dependencies.received_at.tzinfo is not None


def test_a_signature_over_the_path_without_the_stage_is_accepted_too() -> None:
    event = _event()
    signed = sign_event(event, signing_key=SIGNING_KEY, signed_path="/lookup")
    assert handle_gladly(signed, None, _recorder(), runtime=_runtime())["statusCode"] == 200


def test_a_base64_encoded_body_is_verified_over_its_decoded_bytes() -> None:
    event = _event(body=None)
    event["body"] = base64.b64encode(json.dumps(LOOKUP).encode()).decode()
    event["isBase64Encoded"] = True
    logic = _recorder()
    assert handle_gladly(_signed(event), None, logic, runtime=_runtime())["statusCode"] == 200
    assert logic.calls[0][0].json_body == LOOKUP


def test_a_form_request_with_a_query_string_is_verified_and_its_parameters_passed_on() -> None:
    # Given a GET of an action form URL with query parameters
    event = _event("GET", "/actions/refund", None, query={"order": ["100"], "token": ["a/b c"]})
    logic = _recorder(ActionResult(message="form"))

    class FormQuery(BaseModel):
        order: int
        token: str

    # When it is handled
    response = handle_gladly(_signed(event), None, logic, runtime=_runtime())
    # Then the parameters reach the logic, decoded
    assert response["statusCode"] == 200
    request = logic.calls[0][0]
    assert request.query == "order=100&token=a%2Fb%20c"
    assert request.parse_query(FormQuery) == FormQuery(order=100, token="a/b c")
    assert request.json_body is None


def test_numbers_with_a_fraction_reach_the_logic_as_decimals() -> None:
    from decimal import Decimal

    logic = _recorder()
    handle_gladly(_signed(_event(body='{"amount":12.30}')), None, logic, runtime=_runtime())
    assert logic.calls[0][0].json_body == {"amount": Decimal("12.30")}


# --- Authentication: 401, nothing acted upon -----------------------------------------------------------


def test_an_unsigned_request_is_a_401_and_the_logic_never_runs() -> None:
    logic = _recorder()
    response = handle_gladly(_event(), None, logic, runtime=_runtime())
    assert response["statusCode"] == 401
    assert _error_codes(response) == [("gladly-authorization", "missing_header")]
    assert logic.calls == []


def test_a_tampered_body_is_a_401() -> None:
    event = _signed(_event())
    event["body"] = event["body"].replace("martha", "marthb")
    logic = _recorder()
    response = handle_gladly(event, None, logic, runtime=_runtime())
    assert _error_codes(response) == [("gladly-authorization", "bad_signature")]
    assert logic.calls == []


def test_a_request_signed_with_another_key_is_a_401() -> None:
    response = handle_gladly(
        _signed(_event(), key="someone-elses-key"), None, _recorder(), runtime=_runtime()
    )
    assert _error_codes(response) == [("gladly-authorization", "bad_signature")]


def test_a_stale_request_is_a_401() -> None:
    event = _signed(_event(), at=datetime.now(UTC) - timedelta(minutes=6))
    response = handle_gladly(event, None, _recorder(), runtime=_runtime())
    assert _error_codes(response) == [("gladly-time", "stale_time")]


def test_configured_basic_auth_is_required() -> None:
    # Given a deployment with basic auth configured
    runtime = _runtime(
        {**ENVIRONMENT, "BASIC_AUTH_USER": "gladly"}, {**SECRET, "basic_auth_password": "pa55-word"}
    )
    basic = "Basic " + base64.b64encode(b"gladly:pa55-word").decode()
    # Then a signed request without it is refused, and one with it accepted
    refused = handle_gladly(_signed(_event()), None, _recorder(), runtime=runtime)
    accepted = handle_gladly(
        _signed(_event(headers={"Authorization": basic})), None, _recorder(), runtime=runtime
    )
    assert _error_codes(refused) == [("authorization", "missing_header")]
    assert accepted["statusCode"] == 200


def test_configured_static_headers_are_required() -> None:
    runtime = _runtime(secret={**SECRET, "static_headers": {"X-Shared-Token": "shared-token-1"}})
    refused = handle_gladly(
        _signed(_event(headers={"X-Shared-Token": "wrong"})), None, _recorder(), runtime=runtime
    )
    accepted = handle_gladly(
        _signed(_event(headers={"X-Shared-Token": "shared-token-1"})), None, _recorder(), runtime=runtime
    )
    assert _error_codes(refused) == [("x-shared-token", "bad_credentials")]
    assert accepted["statusCode"] == 200


# --- Bad requests: 400 naming the cause --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [("{not json", "not valid JSON"), ('{"a": NaN}', "not valid JSON"), (b"\xff\xfe", "not UTF-8")],
)
def test_a_body_that_is_not_json_is_a_400(body: str | bytes, detail: str) -> None:
    event = _event(body=None)
    if isinstance(body, bytes):
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    else:
        event["body"] = body
    logic = _recorder()
    response = handle_gladly(_signed(event), None, logic, runtime=_runtime())
    assert _error_codes(response) == [("body", "invalid_json")]
    assert detail in _body(response)["errors"][0]["detail"]
    assert logic.calls == []


@pytest.mark.parametrize(
    "body",
    [
        '{"lookupLevel":"BASIC","lookupLevel":"DETAILED","query":{}}',
        '{"lookupLevel":"BASIC","query":{"email":"a@example.com","email":"b@example.com"}}',
    ],
    ids=["top-level", "nested"],
)
def test_a_body_that_gives_a_key_twice_is_a_400_and_reaches_no_logic(body: str) -> None:
    # Given a body whose parser would keep the last of two values silently
    event = _event(body=None)
    event["body"] = body
    logic = _recorder()
    # When it is sent, signed Then it is refused on the body, and the logic never sees it
    response = handle_gladly(_signed(event), None, logic, runtime=_runtime())
    assert _error_codes(response) == [("body", "duplicate_key")]
    assert logic.calls == []


def test_a_detailed_lookup_without_external_customer_id_is_a_400_naming_it() -> None:
    def logic(request: GladlyRequest, dependencies: Dependencies) -> BaseModel:
        return request.parse_body(LookupRequest)

    event = _signed(_event(body={"lookupLevel": "DETAILED", "query": {"emails": ["a@example.com"]}}))
    response = handle_gladly(event, None, logic, runtime=_runtime())
    assert response["statusCode"] == 400
    assert _error_codes(response) == [("query.externalCustomerId", "missing")]


def test_parse_body_refuses_an_empty_body() -> None:
    def logic(request: GladlyRequest, dependencies: Dependencies) -> BaseModel:
        return request.parse_body(LookupRequest)

    response = handle_gladly(_signed(_event(body=None)), None, logic, runtime=_runtime())
    assert _error_codes(response) == [("body", "missing")]


def test_a_validation_error_escaping_the_logic_is_a_400_with_field_paths() -> None:
    def logic(request: GladlyRequest, dependencies: Dependencies) -> BaseModel:
        return LookupRequest.model_validate(request.json_body)

    event = _signed(_event(body={"lookupLevel": "FULL", "query": {}}))
    response = handle_gladly(event, None, logic, runtime=_runtime())
    assert _error_codes(response) == [("lookupLevel", "invalid")]


# --- Errors from the logic and from BigCommerce: one table -------------------------------------------


def test_a_gladly_error_keeps_its_status_and_items() -> None:
    error = NotAcceptable.of("already_cancelled", "Order 100 is already cancelled.", attr="order")
    response = handle_gladly(_signed(_event()), None, _failing(error), runtime=_runtime())
    assert response["statusCode"] == 406
    assert _body(response) == {
        "errors": [
            {
                "attr": "order",
                "code": "already_cancelled",
                "detail": "Order 100 is already cancelled.",
                "message": "Order 100 is already cancelled.",
            }
        ]
    }


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (bigcommerce.DeadlineExceeded("deadline"), 503, "upstream_timeout"),
        (bigcommerce.OutcomeUnknown("unknown"), 503, "outcome_unknown"),
        (bigcommerce.UpstreamUnavailable("down", status=502), 503, "upstream_unavailable"),
        (bigcommerce.RateLimited("slow down", status=429, retry_after=30), 503, "upstream_rate_limited"),
        (bigcommerce.Unauthorized("token refused", status=401), 502, "upstream_unauthorized"),
        (bigcommerce.Forbidden("scope", status=403), 502, "upstream_forbidden"),
        (bigcommerce.BadUpstreamResponse("garbled"), 502, "bad_upstream_response"),
        (bigcommerce.NotFound("gone", status=404), 502, "upstream_not_found"),
        (bigcommerce.Conflict("conflict", status=409), 502, "upstream_rejected"),
        (bigcommerce.ValidationFailed("invalid", status=422), 502, "upstream_rejected"),
    ],
)
def test_bigcommerce_failures_the_logic_did_not_handle_are_502_or_503(
    error: bigcommerce.BigCommerceError, status: int, code: str
) -> None:
    response = handle_gladly(_signed(_event()), None, _failing(error), runtime=_runtime())
    assert response["statusCode"] == status
    assert _error_codes(response) == [("", code)]


def test_a_missing_scope_is_named() -> None:
    error = bigcommerce.Forbidden("scope", status=403, missing_scope="store_v2_orders")
    response = handle_gladly(_signed(_event()), None, _failing(error), runtime=_runtime())
    assert "store_v2_orders" in _body(response)["errors"][0]["detail"]


def test_upstream_wording_never_reaches_gladly() -> None:
    error = bigcommerce.ValidationFailed(
        "rejected", status=422, upstream_message="email martha@example.com taken"
    )
    response = handle_gladly(_signed(_event()), None, _failing(error), runtime=_runtime())
    assert "martha" not in response["body"]


@pytest.mark.usefixtures("forget_secrets_after")
def test_an_unexpected_error_is_a_500_with_the_correlation_id_and_no_details(log_lines: io.StringIO) -> None:
    # Given logic that crashes with PII and a secret in the exception message
    error = KeyError(f"martha@example.com +14155550100 {SECRET['access_token']}")
    event = _signed(_event(headers={"Gladly-Correlation-Id": "vXmSEPjVSWCaCMzvjufxZg"}))
    # When the glue handles it
    response = handle_gladly(event, None, _failing(error), runtime=_runtime())
    # Then Gladly gets a 500 naming the correlation id, without the message or a stack trace
    assert response["statusCode"] == 500
    (item,) = _body(response)["errors"]
    assert item["code"] == "internal_error"
    assert "vXmSEPjVSWCaCMzvjufxZg" in item["detail"]
    assert "martha" not in response["body"]
    assert "Traceback" not in response["body"]
    # And the log line has the correlation id and the stack trace, but no email, phone or secret
    logged = log_lines.getvalue()
    record = json.loads(logged.strip().splitlines()[-1])
    assert record["correlation_id"] == "vXmSEPjVSWCaCMzvjufxZg"
    assert record["exception_name"] == "KeyError"
    for leaked in ("martha@example.com", "+14155550100", SECRET["access_token"]):
        assert leaked not in logged


# --- Configuration: 503 naming every field, logged once ----------------------------------------------


@pytest.mark.usefixtures("forget_secrets_after")
def test_a_misconfigured_deployment_answers_503_for_every_field_and_logs_once(log_lines: io.StringIO) -> None:
    # Given a deployment whose settings are wrong in two places
    runtime = _runtime({"DEPLOYMENT_NAME": "acme", "STORE_HASH": "https://example.com", "RECENT_ORDERS": "0"})
    logic = _recorder()
    # When two requests arrive
    responses = [handle_gladly(_signed(_event()), None, logic, runtime=runtime) for _ in range(2)]
    # Then both answer 503 naming each bad variable, and nothing runs
    for response in responses:
        assert response["statusCode"] == 503
        assert _error_codes(response) == [
            ("STORE_HASH", "configuration_error"),
            ("SECRET_NAME", "configuration_error"),
            ("RECENT_ORDERS", "configuration_error"),
        ]
    assert logic.calls == []
    # And the problem was logged once
    assert log_lines.getvalue().count("The deployment is misconfigured") == 1


def test_a_bad_secret_answers_503_naming_the_key() -> None:
    runtime = _runtime(secret={"client_id": "client-id-123456", "access_token": "access-token-abcdef"})
    response = handle_gladly(_signed(_event()), None, _recorder(), runtime=runtime)
    assert response["statusCode"] == 503
    assert _error_codes(response) == [("gladly_signing_key", "configuration_error")]


def test_an_unreadable_secret_answers_503_without_blaming_the_configuration() -> None:
    def unavailable(settings: AdaptorSettings, force_fetch: bool) -> AdaptorSecret:
        raise SecretUnavailable("Secrets Manager did not answer (ThrottlingException)")

    response = handle_gladly(_signed(_event()), None, _recorder(), runtime=Runtime(ENVIRONMENT, unavailable))
    assert response["statusCode"] == 503
    assert _error_codes(response) == [("", "secret_unavailable")]


def test_a_config_error_body_holds_no_secret_value() -> None:
    error = ConfigError([ConfigProblem(field="access_token", problem="is empty", fix="Set it.")])
    response = handle_gladly(_signed(_event()), None, _failing(error), runtime=_runtime())
    assert response["statusCode"] == 503
    assert SECRET["access_token"] not in response["body"]


def test_the_runtime_reads_the_process_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    first = edge_runtime.current_runtime()
    assert edge_runtime.current_runtime() is first
    assert first.settings().name == "acme"


# --- Correlation ids ---------------------------------------------------------------------------------


@dataclass
class FakeLambdaContext:
    function_name: str = "lookup"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:lookup"
    aws_request_id: str = "lambda-request-id"


@pytest.mark.parametrize(
    ("headers", "request_id", "expected"),
    [
        (
            {"Gladly-Correlation-Id": "vXmSEPjVSWCaCMzvjufxZg"},
            "api-gateway-request-id",
            "vXmSEPjVSWCaCMzvjufxZg",
        ),
        ({}, "api-gateway-request-id", "api-gateway-request-id"),
        ({"Gladly-Correlation-Id": "has spaces\nand newlines"}, None, "lambda-request-id"),
    ],
)
def test_the_correlation_id_comes_from_gladly_then_api_gateway_then_lambda(
    headers: dict[str, str], request_id: str | None, expected: str
) -> None:
    event = _event(headers=headers)
    event["requestContext"]["requestId"] = request_id
    assert edge_request.correlation_id_of(event, FakeLambdaContext()) == expected


def test_a_lambda_handler_built_by_gladly_handler_runs_the_whole_pipeline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the process environment of a deployed function, and its secret behind the loader
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(edge_runtime, "_runtime", _runtime())
    handler = gladly_handler(_recorder(LookupResponse()))
    # When Lambda invokes it
    response = handler(_signed(_event()), FakeLambdaContext())
    # Then it answers, and the metrics are flushed as EMF without customer data
    assert response["statusCode"] == 200
    assert _body(response) == {"results": []}
    output = capsys.readouterr().out
    assert "Status2xx" in output
    assert "martha" not in output


# --- The public base URL: where Gladly reached us, for the action URLs we hand it --------------------


def _custom_domain_event(base_path: str) -> dict[str, Any]:
    """The event of a request to https://support-api.example.com<base_path>/lookup (a custom domain
    whose base path mapping points at the prod stage): there `path` keeps the mapping, `resource` and
    `requestContext.path` tell them apart."""
    event = _event()
    event["path"] = f"{base_path}/lookup"
    event["headers"]["Host"] = "support-api.example.com"
    event["requestContext"].update({"path": f"{base_path}/lookup", "domainName": "support-api.example.com"})
    return event


def _forged_headers_event(**headers: str) -> dict[str, Any]:
    """A request to the API's own domain that a caller sent with forged forwarding headers."""
    return _event(headers=headers)


def _local_gateway_event() -> dict[str, Any]:
    """A request to `make run`'s local gateway: its requestContext names the loopback address it serves."""
    event = _event()
    event["requestContext"]["domainName"] = "127.0.0.1:3000"
    return event


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (_event(), f"https://{EXECUTE_API_HOST}/prod"),
        (_event(stage="live"), f"https://{EXECUTE_API_HOST}/live"),
        (_custom_domain_event("/gladly"), "https://support-api.example.com/gladly"),
        (_custom_domain_event(""), "https://support-api.example.com"),
        (
            _forged_headers_event(**{"Host": "attacker.example", "X-Forwarded-Proto": "http"}),
            f"https://{EXECUTE_API_HOST}/prod",
        ),
        (
            _forged_headers_event(**{"X-Forwarded-Host": "attacker.example", "X-Forwarded-Port": "8080"}),
            f"https://{EXECUTE_API_HOST}/prod",
        ),
        (_local_gateway_event(), "http://127.0.0.1:3000/prod"),
    ],
    ids=[
        "execute-api-stage",
        "another-stage",
        "custom-domain-base-path",
        "custom-domain-root",
        "forged-host-and-proto",
        "forged-forwarded-host",
        "local-gateway-loopback",
    ],
)
def test_the_public_base_url_is_what_api_gateway_says_was_called(
    event: dict[str, Any], expected: str
) -> None:
    # Given a request Gladly sent to <expected>/lookup, signed over the path it called
    logic = _recorder()
    # When it is handled
    response = handle_gladly(_signed(event), None, logic, runtime=_runtime())
    # Then the logic is told that base URL, to build action URLs on, whatever the headers say
    assert response["statusCode"] == 200, response["body"]
    ((request, dependencies),) = logic.calls
    assert request.public_base_url == dependencies.public_base_url == expected
    assert edge_request.public_base_url_of(event) == expected


def test_a_forged_host_changes_no_action_url_of_a_detailed_lookup() -> None:
    # Given a signed lookup whose Host and X-Forwarded-Proto a caller forged
    event = _forged_headers_event(**{"Host": "attacker.example", "X-Forwarded-Proto": "http"})
    # Then the base URL action URLs are built on is the API's own, in https
    assert edge_request.public_base_url_of(event) == f"https://{EXECUTE_API_HOST}/prod"
    assert "attacker" not in edge_request.request_from_event(event, "c").public_base_url


def test_without_a_domain_name_the_api_id_names_the_host_never_a_header(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    event = _event(headers={"Host": "attacker.example", "X-Forwarded-Proto": "http"})
    del event["requestContext"]["domainName"]
    event["requestContext"]["apiId"] = "abc123defg"
    assert (
        edge_request.public_base_url_of(event)
        == "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod"
    )
    # And with neither, there is no base URL to hand out: never the caller's Host
    del event["requestContext"]["apiId"]
    assert edge_request.public_base_url_of(event) == ""


@pytest.mark.parametrize("domain", ["attacker.example/evil", "a b", "host:port", "", "x" * 300])
def test_a_domain_name_that_is_no_host_is_not_used(domain: str) -> None:
    event = _event(headers={"Host": "attacker.example"})
    event["requestContext"]["domainName"] = domain
    assert edge_request.public_base_url_of(event) == ""


def test_public_base_url_overrides_the_called_address_and_its_path_is_accepted_as_signed() -> None:
    # Given a deployment behind a proxy, with PUBLIC_BASE_URL set (trailing slash and all)
    runtime = _runtime({**ENVIRONMENT, "PUBLIC_BASE_URL": "https://gladly-proxy.example.com/adaptor/"})
    logic = _recorder()
    # When Gladly calls the URL under it, signing the path it called (/adaptor/lookup), which the
    # proxy forwards to the execute-api stage
    event = _event()
    signed = sign_event(event, signing_key=SIGNING_KEY, signed_path="/adaptor/lookup")
    response = handle_gladly(signed, None, logic, runtime=runtime)
    # Then the signature checks, and the logic builds its URLs on PUBLIC_BASE_URL
    assert response["statusCode"] == 200, response["body"]
    ((request, dependencies),) = logic.calls
    assert dependencies.public_base_url == "https://gladly-proxy.example.com/adaptor"
    assert "/adaptor/lookup" in request.signed_paths
    # And a signature over a path under neither address is still refused
    forged = sign_event(_event(), signing_key=SIGNING_KEY, signed_path="/elsewhere/lookup")
    assert handle_gladly(forged, None, _recorder(), runtime=runtime)["statusCode"] == 401


@pytest.mark.parametrize(
    "value",
    [
        "ftp://proxy.example.com",
        "proxy.example.com/adaptor",
        "https://proxy.example.com/a?x=1",
        "https://p.example.com/#f",
    ],
)
def test_a_public_base_url_that_is_no_absolute_base_url_is_a_configuration_error(value: str) -> None:
    runtime = _runtime({**ENVIRONMENT, "PUBLIC_BASE_URL": value})
    response = handle_gladly(_signed(_event()), None, _recorder(), runtime=runtime)
    assert response["statusCode"] == 503
    assert _error_codes(response) == [("PUBLIC_BASE_URL", "configuration_error")]


# --- Action errors: 200, 400 (a field of that form, or none), 406, and 401 for authentication only ------

FORM_VALUES = {"refund": "amount", "amount": "12,50", "reason": "Damaged"}


def _action_event(method: str) -> dict[str, Any]:
    query = {"orderId": ["100"], "customer": ["1"], "token": ["1700000000.abc"]}
    body = FORM_VALUES if method == "POST" else None
    return _signed(_event(method, "/actions/refund", body, query=query))


def _action_answer(method: str, error: Exception) -> tuple[int, list[dict[str, Any]]]:
    response = handle_gladly(_action_event(method), None, _failing(error), runtime=_runtime(), action=True)
    _error_codes(response)  # all four keys
    return response["statusCode"], _body(response)["errors"]


@pytest.mark.parametrize(
    ("error", "status", "attr", "code"),
    [
        # a field of the form: the form stays open, the field is flagged
        (
            BadRequest.of("invalid_amount", "Type an amount like 12.50.", attr="amount"),
            400,
            "amount",
            "invalid_amount",
        ),
        # a URL parameter is no field of the form: no attr
        (BadRequest.of("invalid_token", "Open the form again.", attr="token"), 400, "", "invalid_token"),
        (NotAcceptable.of("form_expired", "Too old.", attr="token"), 406, "", "form_expired"),
        (NotAcceptable.of("order_deleted", "Deleted.", attr="orderId"), 406, "", "order_deleted"),
        # busy, or BigCommerce not answering or not confirming: submitting the same form again is safe
        (ActionConflict.of("order_busy", "Submit again in a few seconds."), 400, "", "order_busy"),
        (bigcommerce.RateLimited("slow down", status=429, retry_after=30), 400, "", "upstream_rate_limited"),
        (bigcommerce.DeadlineExceeded("deadline"), 400, "", "upstream_timeout"),
        (bigcommerce.UpstreamUnavailable("down", status=503), 400, "", "upstream_unavailable"),
        (bigcommerce.OutcomeUnknown("unknown"), 400, "", "outcome_unknown"),
        (WriteOutcomeUnknown.of("outcome_unknown", "Submit this form again."), 400, "", "outcome_unknown"),
        (SecretUnavailable("throttled"), 400, "", "secret_unavailable"),
        # what an admin must fix, or our own failure: the form closes with a sentence to act on
        (bigcommerce.Forbidden("scope", status=403), 406, "", "upstream_forbidden"),
        (bigcommerce.Unauthorized("token", status=401), 406, "", "upstream_unauthorized"),
        (bigcommerce.BadUpstreamResponse("garbled"), 406, "", "bad_upstream_response"),
        (
            ConfigError([ConfigProblem(field="ORDER_LOCKS_TABLE_NAME", problem="is empty", fix="Deploy.")]),
            406,
            "",
            "configuration_error",
        ),
        (KeyError("a bug"), 406, "", "internal_error"),
    ],
)
def test_a_failed_submit_answers_400_or_406_only(error: Exception, status: int, attr: str, code: str) -> None:
    answered, (item,) = _action_answer("POST", error)
    assert (answered, item["attr"], item["code"]) == (status, attr, code)
    assert item["message"] == item["detail"] and item["detail"]


def test_the_agent_is_told_what_to_do_when_bigcommerce_does_not_answer_a_submit() -> None:
    _, (busy,) = _action_answer("POST", bigcommerce.RateLimited("slow down", status=429, retry_after=30))
    assert "Submit this form again in a minute" in busy["detail"]
    assert "nothing is done twice" in busy["detail"]
    _, (unknown,) = _action_answer("POST", bigcommerce.OutcomeUnknown("unknown"))
    assert "did not confirm whether the change was made" in unknown["detail"]
    # An action's own words about its unconfirmed write are kept
    _, (own,) = _action_answer("POST", WriteOutcomeUnknown.of("outcome_unknown", "Refund of $5 unconfirmed."))
    assert own["detail"] == "Refund of $5 unconfirmed."


def test_an_internal_error_on_a_submit_names_the_correlation_id() -> None:
    event = _action_event("POST")
    event = _signed({**event, "headers": {**event["headers"], "Gladly-Correlation-Id": "corr-action-1"}})
    response = handle_gladly(event, None, _failing(KeyError("x")), runtime=_runtime(), action=True)
    assert response["statusCode"] == 406
    assert "corr-action-1" in _body(response)["errors"][0]["detail"]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (
            BadRequest.of("order_of_another_customer", "Not this customer's.", attr="orderId"),
            "order_of_another_customer",
        ),
        (NotAcceptable.of("nothing_to_refund", "Nothing left."), "nothing_to_refund"),
        (bigcommerce.UpstreamUnavailable("down", status=503), "upstream_unavailable"),
        (bigcommerce.Forbidden("scope", status=403), "upstream_forbidden"),
        (KeyError("a bug"), "internal_error"),
    ],
)
def test_a_form_that_cannot_be_served_is_a_406_naming_no_field(error: Exception, code: str) -> None:
    answered, (item,) = _action_answer("GET", error)
    assert (answered, item["attr"], item["code"]) == (406, "", code)


def test_a_form_bigcommerce_cannot_serve_says_nothing_was_changed() -> None:
    _, (item,) = _action_answer("GET", bigcommerce.DeadlineExceeded("deadline"))
    assert item["detail"] == (
        "BigCommerce is not answering, so this form cannot be shown. "
        "Nothing was changed; try again in a minute."
    )


def test_an_unsigned_action_request_is_still_a_401() -> None:
    event = _event("GET", "/actions/refund", None, query={"orderId": ["100"]})
    response = handle_gladly(event, None, _recorder(), runtime=_runtime(), action=True)
    assert response["statusCode"] == 401
    assert _error_codes(response) == [("gladly-authorization", "missing_header")]


def test_a_body_that_is_not_json_on_a_submit_is_a_400_naming_no_field() -> None:
    event = _event("POST", "/actions/refund", "{not json", query={"orderId": ["100"]})
    response = handle_gladly(_signed(event), None, _recorder(), runtime=_runtime(), action=True)
    assert response["statusCode"] == 400
    assert _error_codes(response) == [("", "invalid_json")]


def test_lookups_keep_their_documented_statuses() -> None:
    # The same errors on the Lookup URL (not an action) keep 503 / 502 / 500
    for error, status in (
        (bigcommerce.RateLimited("slow down", status=429, retry_after=30), 503),
        (bigcommerce.Forbidden("scope", status=403), 502),
        (KeyError("a bug"), 500),
    ):
        response = handle_gladly(_signed(_event()), None, _failing(error), runtime=_runtime())
        assert response["statusCode"] == status
