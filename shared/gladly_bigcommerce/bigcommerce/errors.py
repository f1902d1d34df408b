"""Typed BigCommerce failures, and the one function that turns an HTTP error response into them.

Messages (`str(exc)`) are safe to log: they hold the status and a fixed sentence, never the token,
the request body or BigCommerce's own wording. BigCommerce's wording is kept apart in
`upstream_message` and `field_errors` because it may quote what was submitted (an email, a name);
callers decide deliberately whether to show it to an agent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar


class BigCommerceError(Exception):
    """Base of every failure the BigCommerce client raises."""

    code: ClassVar[str] = "bigcommerce_error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        upstream_message: str | None = None,
        field_errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.upstream_message = upstream_message
        self.field_errors: dict[str, str] = dict(field_errors or {})


class NotFound(BigCommerceError):
    code = "not_found"


class Unauthorized(BigCommerceError):
    """The access token is wrong or revoked (401)."""

    code = "unauthorized"


class Forbidden(BigCommerceError):
    """The API account lacks a scope (403); `missing_scope` names it.

    BigCommerce's 403 does not say which scope (reference FACTS.md): the client fills in the scope
    the endpoint it called needs. A body that does name one (an older or proxied answer) wins.
    """

    code = "forbidden"

    def __init__(self, message: str, *, missing_scope: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.missing_scope = missing_scope


class RateLimited(BigCommerceError):
    """The store's shared request quota is used up (429); `retry_after` is seconds until it resets."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class UpstreamUnavailable(BigCommerceError):
    """BigCommerce could not be reached or failed (5xx, connection error, timeout)."""

    code = "upstream_unavailable"


class OutcomeUnknown(UpstreamUnavailable):
    """A write may or may not have happened (timeout, dropped connection or 5xx after sending).

    Such writes are never retried: check (for a refund, list the order's refunds) before trying again.
    """

    code = "outcome_unknown"


class DeadlineExceeded(UpstreamUnavailable):
    """The caller's deadline ran out before BigCommerce answered."""

    code = "deadline_exceeded"


class BadUpstreamResponse(BigCommerceError):
    """BigCommerce answered with something we cannot read (malformed JSON, unexpected shape)."""

    code = "bad_upstream_response"


class ValidationFailed(BigCommerceError):
    """BigCommerce refused the request as invalid (400, 422 and other client errors)."""

    code = "validation_failed"


class Conflict(ValidationFailed):
    """The request conflicts with the store's state (409), e.g. a duplicate code or a concurrent refund."""

    code = "conflict"


class CallBudgetExceeded(Exception):
    """A request tried more BigCommerce calls than its cap (``deadline.CallBudget``); nothing was sent.

    A bug signal: the limits on a request's content bound its calls below the cap. Deliberately not a
    ``BigCommerceError``, so no code that tolerates a failed BigCommerce call (an optional enrichment)
    can hide it: it fails the request.
    """

    code: ClassVar[str] = "call_budget_exceeded"

    def __init__(self, cap: int) -> None:
        super().__init__(f"a request tried more than its {cap} BigCommerce calls")
        self.cap = cap


@dataclass
class _UpstreamText:
    messages: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)
    missing_scope: str | None = None

    @property
    def message(self) -> str | None:
        return "; ".join(dict.fromkeys(self.messages)) or None


_MESSAGE_KEYS = ("title", "message", "error", "detail")
_SCOPE_KEYS = ("missing_scope", "required_scope", "scope")
# OAuth scope names as BigCommerce spells them (`store_v2_orders`, `store_v2_customers_read_only`).
_SCOPE_NAME = re.compile(r"\bstore_[a-z0-9_]+\b")
_MAX_UPSTREAM_TEXT = 500


def error_for_response(
    status: int, body: bytes, headers: Mapping[str, str] | None = None
) -> BigCommerceError:
    """The exception for a non-2xx BigCommerce response (the one place statuses become types)."""
    text = _parse_error_body(body)
    details: dict[str, Any] = {
        "status": status,
        "upstream_message": text.message,
        "field_errors": text.field_errors,
    }
    if status == 401:
        return Unauthorized("BigCommerce refused the access token (401)", **details)
    if status == 403:
        return Forbidden(
            "the BigCommerce API account lacks a required scope (403)",
            missing_scope=text.missing_scope or _scopes_named(text),
            **details,
        )
    if status == 404:
        return NotFound("BigCommerce has no such resource (404)", **details)
    if status == 409:
        return Conflict("BigCommerce refused the request as conflicting (409)", **details)
    if status == 429:
        return RateLimited(
            "BigCommerce rate limit reached (429)", retry_after=retry_after_seconds(headers or {}), **details
        )
    if 400 <= status < 500:
        return ValidationFailed(f"BigCommerce rejected the request ({status})", **details)
    if 500 <= status < 600:
        return UpstreamUnavailable(f"BigCommerce failed to answer ({status})", **details)
    return BadUpstreamResponse(f"unexpected BigCommerce response status ({status})", **details)


def _scopes_named(text: _UpstreamText) -> str | None:
    """Scope names quoted anywhere in a 403's wording, e.g. "store_v2_orders or store_v2_orders_read_only"."""
    wording = " ".join([*text.messages, *text.field_errors.values()])
    names = list(dict.fromkeys(_SCOPE_NAME.findall(wording)))
    return " or ".join(names) or None


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait: the longer of `X-Retry-After` (seconds) and `X-Rate-Limit-Time-Reset-Ms`.

    BigCommerce's errors guide says to honour the longer when both are present; many 429s carry no
    `X-Retry-After` at all (reference FACTS.md). None when neither is usable.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    retry_after = _non_negative(lowered.get("x-retry-after"))
    reset_ms = _non_negative(lowered.get("x-rate-limit-time-reset-ms"))
    waits = [
        wait for wait in (retry_after, reset_ms / 1000 if reset_ms is not None else None) if wait is not None
    ]
    return max(waits) if waits else None


def _non_negative(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        return None
    return float(value) if value.is_finite() and value >= 0 else None


def _parse_error_body(body: bytes) -> _UpstreamText:
    """Collect messages and field errors from any of BigCommerce's error body shapes.

    v2 `[{"status", "message"}]`; v3 `{"status", "title", "type", "errors": {field: message}}`;
    refunds `{"data": [...]}`; promotions `{"status", "title", "type", "detail"}` or
    `{"errors": [{"status", "title"}]}`. Anything else yields no text rather than an error.
    """
    text = _UpstreamText()
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        return text
    _collect(payload, text, depth=0)
    return text


def _collect(payload: Any, text: _UpstreamText, depth: int) -> None:
    if depth > 3:
        return
    if isinstance(payload, list):
        for item in payload:
            _collect(item, text, depth + 1)
        return
    if not isinstance(payload, dict):
        return
    for key in _MESSAGE_KEYS:
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            text.messages.append(_clip(value))
    for key in _SCOPE_KEYS:
        value = payload.get(key)
        if isinstance(value, str) and value.strip() and text.missing_scope is None:
            text.missing_scope = _clip(value)
    errors = payload.get("errors")
    if isinstance(errors, dict):
        for name, problem in errors.items():
            text.field_errors[str(name)] = _clip(_flatten(problem))
    elif isinstance(errors, list):
        _collect(errors, text, depth + 1)
    data = payload.get("data")
    if isinstance(data, list | dict):
        _collect(data, text, depth + 1)


def _flatten(problem: Any) -> str:
    if isinstance(problem, list):
        return "; ".join(_flatten(item) for item in problem)
    if isinstance(problem, dict):
        return "; ".join(_flatten(item) for item in problem.values())
    return str(problem)


def _clip(value: str) -> str:
    value = value.strip()
    return value if len(value) <= _MAX_UPSTREAM_TEXT else value[:_MAX_UPSTREAM_TEXT] + "…"
