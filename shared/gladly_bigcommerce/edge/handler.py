"""The handler factory: the one pipeline every function runs, from an event to Gladly's answer.

A handler is ``lambda_handler = gladly_handler(logic)`` (``edge/actions.py``'s ``action_handler`` for
an action's form and submit), where ``logic(request, dependencies)`` returns a pydantic model.
Around it, ``handle_gladly``:
1. reads the event into a ``GladlyRequest`` within the cheap request limits (``request.py``);
2. loads the settings (once per container) and the credentials (Powertools cache: ``runtime.py``);
3. verifies the Gladly signature, and basic auth / static headers when configured (``authentication.py``,
   else 401);
4. parses the JSON body (else 400), and calls the logic;
5. serialises the result, or maps the exception to Gladly's error answer (``errors.py``: lookups, or
   actions' 200/400/406/401).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from gladly_bigcommerce.edge.authentication import authenticate
from gladly_bigcommerce.edge.errors import action_error, error_answer, log_error
from gladly_bigcommerce.edge.request import (
    GladlyRequest,
    correlation_id_of,
    parse_json_body,
    request_from_event,
)
from gladly_bigcommerce.edge.runtime import Runtime, current_runtime
from gladly_bigcommerce.gladly.errors import ErrorBody, ErrorItem
from gladly_bigcommerce.observability import capture_lambda_handler, count, logger, metrics
from gladly_bigcommerce.settings.model import AdaptorSettings
from gladly_bigcommerce.settings.secret import (
    AdaptorSecret,
    Credentials,
)

_JSON_HEADERS = {"Content-Type": "application/json", "Cache-Control": "no-store"}


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


def json_response(status: int, body: Any) -> dict[str, Any]:
    """An API Gateway proxy response with a JSON body."""
    return {
        "statusCode": status,
        "headers": dict(_JSON_HEADERS),
        "body": json.dumps(body, separators=(",", ":")),
    }


def _errors_response(status: int, items: Sequence[ErrorItem]) -> dict[str, Any]:
    return json_response(status, ErrorBody(errors=list(items)).to_body())
