"""API Gateway glue: the one place that turns events into verified requests and exceptions into responses.

A handler is ``lambda_handler = gladly_handler(logic)`` (``gladly_handler(logic, action=True)`` for an
action's form and submit), where ``logic(request, dependencies)`` returns a pydantic model. Around it,
``handle_gladly``:
1. reads the REST proxy event (v1 payload) into a ``GladlyRequest`` (raw body bytes, lowercase headers,
   and the public base URL as API Gateway names it: host and stage or base path), refusing what breaks
   the cheap limits of ``gladly/limits.py`` (body size 413; text that is not valid Unicode, repeated,
   too many or too long query parameters, ids of too many digits 400) before any other work;
2. loads the settings (once per container) and the credentials (Powertools cache);
3. verifies the Gladly signature, and basic auth / static headers when configured (else 401);
4. checks the body's nesting depth on the raw bytes, parses the JSON body and checks its text (else
   400), and calls the logic;
5. serialises the result, or maps the exception through ``error_answer`` (lookups) or
   ``action_error`` (actions: only 200, 400, 406 and 401) into Gladly's error shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from pydantic import BaseModel, ValidationError

from gladly_bigcommerce.bigcommerce import errors as bigcommerce
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.errors import BadRequest, ErrorBody, ErrorItem, GladlyError
from gladly_bigcommerce.gladly.signing import (
    SignatureError,
    check_basic_auth,
    check_static_headers,
    verify_gladly_request,
)
from gladly_bigcommerce.observability import capture_lambda_handler, count, logger, metrics
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from gladly_bigcommerce.settings.secret import (
    AdaptorSecret,
    Credentials,
    SecretLoader,
    SecretUnavailable,
    load_secret,
)

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
    (``/prod/lookup``, which is ``requestContext.path``), and behind ``PUBLIC_BASE_URL`` it is that
    URL's path plus the route. ``public_base_url`` is where Gladly reached the API, as API Gateway (never
    a request header) says, without trailing slash (``https://<api>/prod``): the base of every URL we
    hand Gladly to follow (``public_base_url_of``).
    """

    method: str
    path: str
    route: str
    """The API's resource path (``/actions/refund``): ``path`` less any stage or base path."""
    signed_paths: tuple[str, ...]
    query: str
    query_parameters: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    correlation_id: str
    public_base_url: str = ""
    json_body: Any = field(default=None, compare=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def behind(self, public_base_url: str | None) -> GladlyRequest:
        """The request as reached through ``public_base_url`` (``PUBLIC_BASE_URL``), when one is set.

        URLs are then built on it, and Gladly, following them, signs its path plus the route.
        """
        if not public_base_url:
            return self
        signed_path = urlsplit(public_base_url).path.rstrip("/") + self.route
        return replace(
            self,
            public_base_url=public_base_url,
            signed_paths=tuple(dict.fromkeys((*self.signed_paths, signed_path))),
        )

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
    """Read a REST proxy event within the request limits (``gladly/limits.py``): ``BadRequest`` when
    its text is not valid Unicode, its query parameters are repeated, too many or too long, or its
    body cannot be decoded; ``PayloadTooLarge`` (413) for a body over the size limit."""
    headers = _event_headers(event)
    path = str(event.get("path") or "/")
    limits.check_event_text(path, headers)
    limits.check_query_parameters(
        event.get("multiValueQueryStringParameters"), event.get("queryStringParameters")
    )
    body = _event_body(event)
    limits.check_body_size(body)
    request_context = event.get("requestContext") or {}
    stage = request_context.get("stage")
    candidates = [path, request_context.get("path")]
    if stage and stage != "$default":
        candidates.append(f"/{stage}{path}")
    return GladlyRequest(
        method=str(event.get("httpMethod") or "").upper(),
        path=path,
        route=str(event.get("resource") or path),
        signed_paths=tuple(dict.fromkeys(candidate for candidate in candidates if candidate)),
        query=raw_query_from_event(event),
        query_parameters=dict(event.get("queryStringParameters") or {}),
        headers=headers,
        body=body,
        correlation_id=correlation_id,
        public_base_url=public_base_url_of(event),
    )


def public_base_url_of(event: Mapping[str, Any]) -> str:
    """Where Gladly reached the API, e.g. ``https://<api>.execute-api.<region>.amazonaws.com/prod``, from
    what API Gateway itself says (``requestContext``), never from what the caller says.

    Host: ``requestContext.domainName``, the API's own domain or the custom domain the request came in
    on (API Gateway routes by it), else the execute-api domain of ``requestContext.apiId`` in the
    function's region. Never the ``Host`` or ``X-Forwarded-*`` headers: a caller writes those and API
    Gateway passes them on, so a request sent with ``Host: attacker.example`` would hand Gladly action
    URLs on the attacker's host. Base path: ``requestContext.path`` (the path of the URL called, which
    Gladly signed) less the route (the event's ``resource``, our routes having no path parameters): the
    stage on the execute-api host, the base path mapping on a custom domain (``/gladly``, or nothing;
    there the event's ``path`` keeps the mapping, so it cannot serve as the route). Scheme: ``https``,
    the only one API Gateway serves; ``http`` only for a loopback domain name (``127.0.0.1:<port>``),
    which API Gateway never sends and the local gateway of ``make run`` does (``devtools/gateway.py``).
    ``PUBLIC_BASE_URL``, when set, takes the place of all this (``GladlyRequest.behind``).
    """
    request_context = event.get("requestContext") or {}
    host = _trusted_host(request_context)
    route = str(event.get("resource") or event.get("path") or "")
    called = str(request_context.get("path") or "")
    if called and called.endswith(route):
        base_path = called[: len(called) - len(route)]
    else:
        stage = request_context.get("stage")
        base_path = f"/{stage}" if stage and stage != "$default" else ""
    scheme = "http" if host.rsplit(":", 1)[0] in _LOOPBACK_HOSTS else "https"
    return f"{scheme}://{host}{base_path.rstrip('/')}" if host else ""


_DOMAIN_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(?::[0-9]{1,5})?")
_API_ID = re.compile(r"[a-z0-9]{1,32}")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


def _trusted_host(request_context: Mapping[str, Any]) -> str:
    """The API's host as API Gateway names it (see ``public_base_url_of``); "" when it names none."""
    domain = request_context.get("domainName")
    if isinstance(domain, str) and _DOMAIN_NAME.fullmatch(domain):
        return domain
    api_id, region = request_context.get("apiId"), os.environ.get("AWS_REGION", "")
    if isinstance(api_id, str) and _API_ID.fullmatch(api_id) and re.fullmatch(r"[a-z0-9-]{1,32}", region):
        return f"{api_id}.execute-api.{region}.amazonaws.com"
    return ""


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
        try:
            return str(body).encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest.of("invalid_body", "The body is not valid Unicode text.", attr="body") from None
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest.of("invalid_body", "The body is not valid base64.", attr="body") from None


def parse_json_body(body: bytes) -> Any:
    """The JSON value of ``body`` (None when empty), numbers with a fraction as ``Decimal``; else 400.

    The nesting depth is checked on the raw bytes first (the parser recurses), and every string of the
    parsed value must be valid Unicode (``"\\ud800"`` parses to a lone surrogate). An object that gives a
    key twice is refused (``duplicate_key``): the parser would keep the last value silently, and a value
    means one thing.
    """
    if not body.strip():
        return None
    limits.check_json_depth(body)
    try:
        document = json.loads(
            body.decode("utf-8"),
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_object_with_unique_keys,
        )
    except UnicodeDecodeError:
        raise BadRequest.of("invalid_json", "The body is not UTF-8 text.", attr="body") from None
    except _DuplicateKey:
        raise BadRequest.of("duplicate_key", "The body gives a key more than once.", attr="body") from None
    except ValueError as error:
        # json's message gives the position only, never the content (nor does int()'s digit limit).
        raise BadRequest.of("invalid_json", f"The body is not valid JSON: {error}.", attr="body") from None
    limits.check_json_text(document)
    return document


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class _DuplicateKey(Exception):
    """A JSON object gave one key twice (the key itself is not kept: it may be any text)."""


def _object_with_unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise _DuplicateKey
    return document


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
    """What logic functions receive besides the request.

    ``public_base_url`` is where Gladly reaches this API (``PUBLIC_BASE_URL``, else the host and stage or
    base path API Gateway says were called, ``public_base_url_of``), without trailing slash: action URLs
    are built on it.
    """

    settings: AdaptorSettings
    credentials: Credentials
    secret: AdaptorSecret
    correlation_id: str
    received_at: datetime
    public_base_url: str
    lambda_context: Any = None


Logic = Callable[[GladlyRequest, Dependencies], BaseModel]
LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


# --- The pipeline ------------------------------------------------------------------------------------


def handle_gladly(
    event: Mapping[str, Any],
    context: Any,
    logic: Logic,
    *,
    runtime: Runtime | None = None,
    action: bool = False,
) -> dict[str, Any]:
    """Verify, parse, run ``logic`` and answer; every exception becomes a Gladly-shaped response.

    ``action``: the logic serves an action's form (GET) and submit (POST), whose errors Gladly shows
    in the form, so they are answered by ``action_error`` (200, 400, 406 and 401 only).
    """
    received_at = datetime.now(UTC)
    correlation_id = correlation_id_of(event, context)
    logger.set_correlation_id(correlation_id)
    request: GladlyRequest | None = None
    try:
        request = request_from_event(event, correlation_id)
        state = runtime or current_runtime()
        settings = state.settings()
        logger.append_keys(deployment=settings.name)
        request = request.behind(settings.public_base_url)
        secret = state.secret()
        authenticate(request, settings, secret, now=received_at)
        request = replace(request, json_body=parse_json_body(request.body))
        dependencies = Dependencies(
            settings=settings,
            credentials=state.credentials(),
            secret=secret,
            correlation_id=correlation_id,
            received_at=received_at,
            public_base_url=request.public_base_url,
            lambda_context=context,
        )
        result = logic(request, dependencies)
        response = json_response(200, result.model_dump(mode="json", by_alias=True, exclude_none=True))
    except Exception as error:
        log_error(error)
        if action:
            method = str(event.get("httpMethod") or "")
            response = _errors_response(*action_error(error, correlation_id, request, method))
        else:
            response = _errors_response(*error_answer(error, correlation_id))
    count(f"Status{response['statusCode'] // 100}xx")
    return response


def gladly_handler(logic: Logic, *, action: bool = False) -> LambdaHandler:
    """A Lambda handler for ``logic``: Powertools context, tracing and metrics around ``handle_gladly``.

    ``action=True`` for the refund, cancel and discount functions (see ``handle_gladly``). Responses
    are not captured in traces: they hold customer data.
    """

    @logger.inject_lambda_context(log_event=False)
    @capture_lambda_handler
    @metrics.log_metrics(capture_cold_start_metric=True)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return handle_gladly(event, context, logic, action=action)

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


def _errors_response(status: int, items: Sequence[ErrorItem]) -> dict[str, Any]:
    return json_response(status, ErrorBody(errors=list(items)).to_body())


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


def error_answer(error: Exception, correlation_id: str) -> tuple[int, list[ErrorItem]]:
    """The one table from exceptions to statuses and error items, as lookups answer them (actions refine
    it in ``action_answer``). Never a stack trace, PII or secret in an item."""
    if isinstance(error, SignatureError):
        return 401, [ErrorItem(attr=error.attr, code=error.code, detail=error.detail)]
    if isinstance(error, GladlyError):
        return error.status, list(error.errors)
    if isinstance(error, ValidationError):
        return 400, list(BadRequest.from_validation_error(error).errors)
    if isinstance(error, ConfigError):
        return 503, [
            ErrorItem(
                attr=item.field, code="configuration_error", detail=f"{item.field} {item.problem}. {item.fix}"
            )
            for item in error.problems
        ]
    if isinstance(error, SecretUnavailable):
        detail = "The adaptor could not read its credentials; try again."
        return 503, [ErrorItem(code="secret_unavailable", detail=detail)]
    if isinstance(error, bigcommerce.CallBudgetExceeded):
        detail = (
            f"The request needed more BigCommerce calls than one request may make ({error.cap}), so it "
            f"was stopped; correlation id {correlation_id}."
        )
        return 503, [ErrorItem(code=error.code, detail=detail)]
    if isinstance(error, bigcommerce.BigCommerceError):
        rule = next(rule for rule in _UPSTREAM_RULES if isinstance(error, rule.error_type))
        detail = rule.detail
        if isinstance(error, bigcommerce.Forbidden) and error.missing_scope:
            detail = (
                f"The BigCommerce API account lacks the scope {error.missing_scope}: grant it to the API "
                "account."
            )
        return rule.status, [ErrorItem(code=rule.code, detail=detail)]
    detail = f"The adaptor failed unexpectedly; correlation id {correlation_id}."
    return 500, [ErrorItem(code="internal_error", detail=detail)]


def log_error(error: Exception) -> None:
    """One log line per failed request, at the level its cause deserves. Call it in ``except``."""
    if isinstance(error, SignatureError):
        logger.warning("Request rejected", extra={"attr": error.attr, "code": error.code})
    elif isinstance(error, GladlyError):
        logger.info("Request answered with an error", extra={"status": error.status, "errors": str(error)})
    elif isinstance(error, ValidationError):
        bad_request = BadRequest.from_validation_error(error)
        logger.warning("Request failed validation", extra={"model": error.title, "errors": str(bad_request)})
    elif isinstance(error, ConfigError):
        pass  # Logged where it arose (Runtime), once, not on every request.
    elif isinstance(error, SecretUnavailable):
        logger.warning("Credentials unavailable", extra={"reason": str(error)})
    elif isinstance(error, bigcommerce.CallBudgetExceeded):
        # A bug: the request limits should keep every request under its cap.
        logger.error("BigCommerce call budget exceeded", extra={"cap": error.cap})
    elif isinstance(error, bigcommerce.BigCommerceError):
        # str(error) is the client's fixed sentence; BigCommerce's own wording may quote customer data.
        logger.warning(
            "BigCommerce call failed",
            extra={"error_type": type(error).__name__, "upstream_status": error.status, "reason": str(error)},
        )
    else:
        logger.exception("Unexpected error", extra={"error_type": type(error).__name__})


# --- Action errors: 200, 400, 406, and 401 for authentication only -----------------------------------

# What the agent reads when BigCommerce or the credentials store did not answer. On a form: nothing was
# changed (a form only reads). On a submit: the same form may be submitted again, and the action checks
# what its earlier run did before doing anything (the form's one-time token keys that record), so the
# sentence cannot promise that nothing changed, only that nothing is done twice.
_NOT_ANSWERING = "BigCommerce is not answering"
_RATE_LIMITED = "BigCommerce is busy (its rate limit is reached)"
_NO_CREDENTIALS = "The adaptor could not read its credentials"
_FORM_UNAVAILABLE = {
    code: f"{cause}, so this form cannot be shown. Nothing was changed; try again in a minute."
    for code, cause in (
        ("upstream_timeout", _NOT_ANSWERING),
        ("upstream_unavailable", _NOT_ANSWERING),
        ("upstream_rate_limited", _RATE_LIMITED),
        ("secret_unavailable", _NO_CREDENTIALS),
    )
}
_SUBMIT_AGAIN = "what was already done is checked first, and nothing is done twice."
_SUBMIT_UNAVAILABLE = {
    "upstream_timeout": f"{_NOT_ANSWERING}. Submit this form again in a minute: {_SUBMIT_AGAIN}",
    "upstream_unavailable": f"{_NOT_ANSWERING}. Submit this form again in a minute: {_SUBMIT_AGAIN}",
    "upstream_rate_limited": f"{_RATE_LIMITED}. Submit this form again in a minute: {_SUBMIT_AGAIN}",
    "outcome_unknown": "BigCommerce did not confirm whether the change was made. Submit this form again in "
    f"a moment: {_SUBMIT_AGAIN}",
    "secret_unavailable": f"{_NO_CREDENTIALS}, so nothing was done. Submit this form again in a minute.",
}


def action_error(
    error: Exception, correlation_id: str, request: GladlyRequest | None, method: str = ""
) -> tuple[int, list[ErrorItem]]:
    """An action request's answer to ``error``. ``request`` is None when the event could not be read
    (it broke a request limit): ``method``, the event's, then tells a submit (no values) from a form."""
    if request is None:
        submitted: Mapping[str, Any] | None = {} if method.upper() == "POST" else None
        return action_answer(error, correlation_id, submitted=submitted)
    if request.method != "POST":
        return action_answer(error, correlation_id, submitted=None)
    values = request.json_body if isinstance(request.json_body, Mapping) else {}
    return action_answer(error, correlation_id, submitted=values)


def action_answer(
    error: Exception, correlation_id: str, *, submitted: Mapping[str, Any] | None
) -> tuple[int, list[ErrorItem]]:
    """How an action's form (``submitted`` None) or submit (the form values) answers ``error``.

    Gladly's contract for actions knows 200, 400 (the form stays open; the field named by ``attr`` is
    flagged) and 406 (the form is dismissed); 401 stays for authentication. So:
    - a form that cannot be served is a 406 naming no field (there is no form yet);
    - a submit is a 400 when the agent can fix it in the form (a field, kept in ``attr`` only when it
      is one of the form's fields, i.e. the submitted values' keys) or finish it by submitting the same
      form again (an order busy with another change; BigCommerce not answering or not confirming a
      write, since the same form then checks what its earlier run did and never does it twice);
    - everything else is a 406 with a sentence the agent can act on: the action cannot succeed, an
      admin must fix the deployment (credentials, scopes, settings), or the adaptor failed (with the
      correlation id to report).
    """
    status, items = error_answer(error, correlation_id)
    if status == 401:
        return status, items
    transient = status == 409 or (status == 503 and not isinstance(error, ConfigError))
    rewordable = isinstance(error, (bigcommerce.BigCommerceError, SecretUnavailable))
    if submitted is None:
        wording = _FORM_UNAVAILABLE if rewordable else {}
        return 406, [_reworded(item.without_field(), wording) for item in items]
    fields = {str(key) for key in submitted}
    items = [item if item.attr in fields else item.without_field() for item in items]
    if status == 400 or transient:
        wording = _SUBMIT_UNAVAILABLE if rewordable else {}
        return 400, [_reworded(item, wording) for item in items]
    return 406, items


def _reworded(item: ErrorItem, wording: Mapping[str, str]) -> ErrorItem:
    sentence = wording.get(item.code)
    return item if sentence is None else item.model_copy(update={"detail": sentence, "message": sentence})


def _problem_list(error: ConfigError) -> list[dict[str, str]]:
    return [item.model_dump() for item in error.problems]
