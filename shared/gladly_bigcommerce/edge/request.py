"""An API Gateway event as the request Gladly sent: ``GladlyRequest``, read within the request limits.

``request_from_event`` reads the REST proxy event (v1 payload) into a ``GladlyRequest``: the raw body
bytes (what the signature covers), lowercase headers, the query string as Gladly sent it, and the
public base URL as API Gateway names it (host and stage or base path, never a header a caller writes),
refusing what breaks the cheap limits of ``gladly/limits.py`` (body size 413; text that is not valid
Unicode, repeated, too many or too long query parameters 400) before any other work.
``parse_json_body`` reads the body (nesting depth on the raw bytes, then the JSON, then its text).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

from pydantic import BaseModel, ValidationError

from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.errors import BadRequest

M = TypeVar("M", bound=BaseModel)
CORRELATION_HEADER = "gladly-correlation-id"
_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


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
