"""Exceptions as Gladly's answers, in one place: status and ``{"errors": [{attr, code, detail}]}``.

``error_answer`` is the one table from exceptions to statuses for lookups; ``action_answer`` refines
it for an action's form and submit, which Gladly shows in the form (200, 400, 406, and 401 for
authentication only). Never a stack trace, PII or secret in an answer; ``log_error`` writes the one
log line per failed request at the level its cause deserves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from gladly_bigcommerce.bigcommerce import errors as bigcommerce
from gladly_bigcommerce.edge.request import GladlyRequest
from gladly_bigcommerce.gladly.errors import BadRequest, ErrorItem, GladlyError
from gladly_bigcommerce.gladly.signing import (
    SignatureError,
)
from gladly_bigcommerce.observability import logger
from gladly_bigcommerce.settings.problems import ConfigError
from gladly_bigcommerce.settings.secret import (
    SecretUnavailable,
)


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
