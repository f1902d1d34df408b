"""API Gateway glue: the one place that turns events into verified requests and exceptions into responses.

A handler is ``lambda_handler = gladly_handler(logic)``, where ``logic(request, dependencies)`` returns a
pydantic model. Around it, ``handle_gladly``:
1. reads the REST proxy event (v1 payload) into a ``GladlyRequest`` (raw body bytes, lowercase headers);
2. loads the settings (once per container) and the credentials (Powertools cache);
3. verifies the Gladly signature, and basic auth / static headers when configured (else 401);
4. parses the JSON body (else 400) and calls the logic;
5. serialises the result, or maps the exception through ``error_response`` into Gladly's error shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel, ValidationError

from gladly_bigcommerce.bigcommerce import errors as bigcommerce
from gladly_bigcommerce.config import (
    AdaptorSecret,
    AdaptorSettings,
    ConfigError,
    ConfigProblem,
    Credentials,
    SecretLoader,
    SecretUnavailable,
    load_secret,
)
from gladly_bigcommerce.gladly.errors import BadRequest, ErrorBody, ErrorItem, GladlyError
from gladly_bigcommerce.gladly.signing import (
    SignatureError,
    check_basic_auth,
    check_static_headers,
    verify_gladly_request,
)
from gladly_bigcommerce.observability import count, logger, metrics, tracer

M = TypeVar("M", bound=BaseModel)
CORRELATION_HEADER = "gladly-correlation-id"
_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
_JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


# --- The request -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GladlyRequest:
    """A request as Gladly sent it: what the signature covers, plus the parsed JSON body.

    ``signed_paths`` are the spellings of the URL path Gladly may have signed: behind an API Gateway
    stage the event's ``path`` lacks the stage (``/lookup``) while the URL Gladly called has it
    (``/prod/lookup``, which is ``requestContext.path``).
    """

    method: str
    path: str
    signed_paths: tuple[str, ...]
    query: str
    query_parameters: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    correlation_id: str
    json_body: Any = field(default=None, compare=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def parse_body(self, model: type[M]) -> M:
        """The JSON body as ``model``; ``BadRequest`` names each offending field."""
        if self.json_body is None:
            raise BadRequest.of("missing", "The request needs a JSON body.", attr="body")
        try:
            return model.model_validate(self.json_body)
        except ValidationError as error:
            raise BadRequest.from_validation_error(error) from None

    def parse_query(self, model: type[M]) -> M:
        """The query string parameters as ``model``; ``BadRequest`` names each offending parameter."""
        try:
            return model.model_validate(dict(self.query_parameters))
        except ValidationError as error:
            raise BadRequest.from_validation_error(error) from None


def raw_query_from_event(event: Mapping[str, Any]) -> str:
    """The query string of a REST proxy event, rebuilt in the order API Gateway lists the parameters.

    API Gateway (v1 payload) hands over decoded parameters, not the raw string: re-encoding them
    RFC 3986 style reproduces what Gladly sent for the URLs we generate.
    """
    multi = event.get("multiValueQueryStringParameters") or {}
    single = event.get("queryStringParameters") or {}
    pairs = [(key, value) for key, values in multi.items() for value in values or ()]
    return urlencode(pairs or list(single.items()), quote_via=quote)


def request_from_event(event: Mapping[str, Any], correlation_id: str) -> GladlyRequest:
    """Read a REST proxy event; ``BadRequest`` when the body cannot be decoded."""
    headers = _event_headers(event)
    path = str(event.get("path") or "/")
    request_context = event.get("requestContext") or {}
    stage = request_context.get("stage")
    candidates = [path, request_context.get("path")]
    if stage and stage != "$default":
        candidates.append(f"/{stage}{path}")
    return GladlyRequest(
        method=str(event.get("httpMethod") or "").upper(),
        path=path,
        signed_paths=tuple(dict.fromkeys(candidate for candidate in candidates if candidate)),
        query=raw_query_from_event(event),
        query_parameters=dict(event.get("queryStringParameters") or {}),
        headers=headers,
        body=_event_body(event),
        correlation_id=correlation_id,
    )


def _event_headers(event: Mapping[str, Any]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if values:
            headers[name.lower()] = str(values[-1])
    for name, value in (event.get("headers") or {}).items():
        if value is not None:
            headers[name.lower()] = str(value)
    return headers


def _event_body(event: Mapping[str, Any]) -> bytes:
    body = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return str(body).encode("utf-8")
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest.of("invalid_body", "The body is not valid base64.", attr="body") from None


def parse_json_body(body: bytes) -> Any:
    """The JSON value of ``body`` (None when empty), numbers with a fraction as ``Decimal``; else 400."""
    if not body.strip():
        return None
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise BadRequest.of("invalid_json", "The body is not UTF-8 text.", attr="body") from None
    except ValueError as error:
        # json's message gives the position only, never the content.
        raise BadRequest.of("invalid_json", f"The body is not valid JSON: {error}.", attr="body") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# --- Runtime state (one per Lambda container) --------------------------------------------------------


class Runtime:
    """Settings read once per container; credentials through the Powertools cache.

    A misconfiguration is logged once and remembered: every request then answers 503 naming each
    bad setting, and nothing runs half-configured.
    """

    def __init__(self, environ: Mapping[str, str], secret_loader: SecretLoader = load_secret) -> None:
        self._environ = environ
        self._secret_loader = secret_loader
        self._settings: AdaptorSettings | None = None
        self._credentials: Credentials | None = None
        self._error: ConfigError | None = None
        self._secret_problems: tuple[ConfigProblem, ...] = ()

    def settings(self) -> AdaptorSettings:
        if self._error is not None:
            raise self._error
        if self._settings is None:
            try:
                self._settings = AdaptorSettings.from_env(self._environ)
            except ConfigError as error:
                self._error = error
                logger.error("The deployment is misconfigured", extra={"problems": _problem_list(error)})
                raise
            for warning in self._settings.configuration_warnings():
                logger.warning("Configuration warning", extra={"problem": warning.model_dump()})
            metrics.set_default_dimensions(deployment=self._settings.name)
        return self._settings

    def credentials(self) -> Credentials:
        if self._credentials is None:
            self._credentials = Credentials(self.settings(), self._secret_loader)
        return self._credentials

    def secret(self) -> AdaptorSecret:
        """The current credentials; a bad secret is logged when its problems first appear, not per request."""
        try:
            secret = self.credentials().current()
        except ConfigError as error:
            if error.problems != self._secret_problems:
                self._secret_problems = error.problems
                logger.error(
                    "The credentials secret is misconfigured", extra={"problems": _problem_list(error)}
                )
            raise
        self._secret_problems = ()
        return secret


_runtime: Runtime | None = None


def current_runtime() -> Runtime:
    """The container's runtime, built from the process environment at first use."""
    global _runtime
    if _runtime is None:
        _runtime = Runtime(os.environ)
    return _runtime


def reset_runtime() -> None:
    """Forget the container's settings and credentials (tests; Powertools' cache is cleared separately)."""
    global _runtime
    _runtime = None


@dataclass(frozen=True)
class Dependencies:
    """What logic functions receive besides the request."""

    settings: AdaptorSettings
    credentials: Credentials
    secret: AdaptorSecret
    correlation_id: str
    received_at: datetime
    lambda_context: Any = None


Logic = Callable[[GladlyRequest, Dependencies], BaseModel]
LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


# --- The pipeline ------------------------------------------------------------------------------------


def handle_gladly(
    event: Mapping[str, Any], context: Any, logic: Logic, *, runtime: Runtime | None = None
) -> dict[str, Any]:
    """Verify, parse, run ``logic`` and answer; every exception becomes a Gladly-shaped response."""
    received_at = datetime.now(UTC)
    correlation_id = correlation_id_of(event, context)
    logger.set_correlation_id(correlation_id)
    try:
        request = request_from_event(event, correlation_id)
        state = runtime or current_runtime()
        settings = state.settings()
        logger.append_keys(deployment=settings.name)
        secret = state.secret()
        authenticate(request, settings, secret, now=received_at)
        request = replace(request, json_body=parse_json_body(request.body))
        dependencies = Dependencies(
            settings=settings,
            credentials=state.credentials(),
            secret=secret,
            correlation_id=correlation_id,
            received_at=received_at,
            lambda_context=context,
        )
        result = logic(request, dependencies)
        response = json_response(200, result.model_dump(mode="json", by_alias=True, exclude_none=True))
    except Exception as error:
        response = error_response(error, correlation_id)
    count(f"Status{response['statusCode'] // 100}xx")
    return response


def gladly_handler(logic: Logic) -> LambdaHandler:
    """A Lambda handler for ``logic``: Powertools context, tracing and metrics around ``handle_gladly``.

    Responses are not captured in traces: they hold customer data.
    """

    @logger.inject_lambda_context(log_event=False)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return handle_gladly(event, context, logic)

    return lambda_handler


def authenticate(
    request: GladlyRequest, settings: AdaptorSettings, secret: AdaptorSecret, *, now: datetime
) -> None:
    """Signature always; basic auth and static headers when the deployment configures them."""
    verify_gladly_request(
        method=request.method,
        path=request.signed_paths[0],
        alternative_paths=request.signed_paths[1:],
        query=request.query,
        headers=request.headers,
        body=request.body,
        signing_key=secret.gladly_signing_key.get_secret_value(),
        now=now,
    )
    if settings.basic_auth_user and secret.basic_auth_password is not None:
        check_basic_auth(
            request.headers, settings.basic_auth_user, secret.basic_auth_password.get_secret_value()
        )
    if secret.static_headers:
        check_static_headers(request.headers, secret.static_header_values())


def correlation_id_of(event: Mapping[str, Any], context: Any) -> str:
    """Gladly's ``Gladly-Correlation-Id`` when usable, else API Gateway's request id, else a new one."""
    candidates = [
        _event_headers(event).get(CORRELATION_HEADER),
        (event.get("requestContext") or {}).get("requestId"),
        getattr(context, "aws_request_id", None),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and _CORRELATION_ID.match(candidate):
            return candidate
    return uuid.uuid4().hex


# --- Responses ---------------------------------------------------------------------------------------


def json_response(status: int, body: Any) -> dict[str, Any]:
    """An API Gateway proxy response with a JSON body."""
    return {
        "statusCode": status,
        "headers": dict(_JSON_HEADERS),
        "body": json.dumps(body, separators=(",", ":")),
    }


def _errors_response(status: int, *items: ErrorItem) -> dict[str, Any]:
    return json_response(status, ErrorBody(errors=list(items)).model_dump(mode="json", exclude_none=True))


@dataclass(frozen=True)
class _UpstreamRule:
    error_type: type[bigcommerce.BigCommerceError]
    status: int
    code: str
    detail: str


# BigCommerce failures the logic did not handle itself. First match wins: subclasses come first.
_UPSTREAM_RULES = (
    _UpstreamRule(
        bigcommerce.DeadlineExceeded,
        503,
        "upstream_timeout",
        "BigCommerce did not answer in time; try again.",
    ),
    _UpstreamRule(
        bigcommerce.OutcomeUnknown,
        503,
        "outcome_unknown",
        "BigCommerce did not confirm whether the change was made; check the order before trying again.",
    ),
    _UpstreamRule(
        bigcommerce.UpstreamUnavailable, 503, "upstream_unavailable", "BigCommerce is unavailable; try again."
    ),
    _UpstreamRule(
        bigcommerce.RateLimited,
        503,
        "upstream_rate_limited",
        "BigCommerce's rate limit is reached; try again.",
    ),
    _UpstreamRule(
        bigcommerce.Unauthorized,
        502,
        "upstream_unauthorized",
        "BigCommerce refused the adaptor's access token: check access_token in the credentials secret.",
    ),
    _UpstreamRule(
        bigcommerce.Forbidden,
        502,
        "upstream_forbidden",
        "The BigCommerce API account lacks a required scope: grant it in the store's API account settings.",
    ),
    _UpstreamRule(
        bigcommerce.BadUpstreamResponse,
        502,
        "bad_upstream_response",
        "BigCommerce sent an answer we cannot read.",
    ),
    _UpstreamRule(bigcommerce.NotFound, 502, "upstream_not_found", "BigCommerce has no such record."),
    _UpstreamRule(
        bigcommerce.ValidationFailed, 502, "upstream_rejected", "BigCommerce rejected the adaptor's request."
    ),
    _UpstreamRule(bigcommerce.BigCommerceError, 502, "upstream_error", "BigCommerce failed to answer."),
)


def error_response(error: Exception, correlation_id: str) -> dict[str, Any]:
    """The one table from exceptions to responses. Never a stack trace, PII or secret in the body."""
    if isinstance(error, SignatureError):
        logger.warning("Request rejected", extra={"attr": error.attr, "code": error.code})
        return _errors_response(401, ErrorItem(attr=error.attr, code=error.code, detail=error.detail))
    if isinstance(error, GladlyError):
        logger.info("Request answered with an error", extra={"status": error.status, "errors": str(error)})
        return _errors_response(error.status, *error.errors)
    if isinstance(error, ValidationError):
        bad_request = BadRequest.from_validation_error(error)
        logger.warning("Request failed validation", extra={"model": error.title, "errors": str(bad_request)})
        return _errors_response(400, *bad_request.errors)
    if isinstance(error, ConfigError):
        # Logged where it arose (Runtime), once, not on every request.
        items = [
            ErrorItem(
                attr=item.field, code="configuration_error", detail=f"{item.field} {item.problem}. {item.fix}"
            )
            for item in error.problems
        ]
        return _errors_response(503, *items)
    if isinstance(error, SecretUnavailable):
        logger.warning("Credentials unavailable", extra={"reason": str(error)})
        return _errors_response(
            503,
            ErrorItem(
                code="secret_unavailable", detail="The adaptor could not read its credentials; try again."
            ),
        )
    if isinstance(error, bigcommerce.BigCommerceError):
        return _upstream_response(error)
    logger.exception("Unexpected error", extra={"error_type": type(error).__name__})
    return _errors_response(
        500,
        ErrorItem(
            code="internal_error",
            detail=f"The adaptor failed unexpectedly; correlation id {correlation_id}.",
        ),
    )


def _upstream_response(error: bigcommerce.BigCommerceError) -> dict[str, Any]:
    rule = next(rule for rule in _UPSTREAM_RULES if isinstance(error, rule.error_type))
    detail = rule.detail
    if isinstance(error, bigcommerce.Forbidden) and error.missing_scope:
        detail = (
            f"The BigCommerce API account lacks the scope {error.missing_scope}: grant it to the API account."
        )
    # str(error) is the client's fixed sentence; BigCommerce's own wording may quote customer data.
    logger.warning(
        "BigCommerce call failed",
        extra={"error_type": type(error).__name__, "upstream_status": error.status, "reason": str(error)},
    )
    return _errors_response(rule.status, ErrorItem(code=rule.code, detail=detail))


def _problem_list(error: ConfigError) -> list[dict[str, str]]:
    return [item.model_dump() for item in error.problems]
