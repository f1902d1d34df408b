"""An action's Lambda: its signed ``GET`` becomes its form, its signed ``POST`` its submit.

The action's context comes first (``actions/machinery/context.py``): with the action turned off, every
request is a 406. A form and a submit have deadlines of their own. A submit's values
(``fields.submitted_values``) are checked for what no form may carry before its token
(``exactly_once.run_submit``), and read against the
form's fields by the action (``fields.read_submit``). Errors are answered as actions answer them
(``errors.action_answer``: 200, 400, 406, and 401 for authentication), and a submit's audit line
records that same status.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from pydantic import BaseModel

from gladly_bigcommerce.actions.machinery.context import action_context
from gladly_bigcommerce.actions.machinery.fields import submitted_values
from gladly_bigcommerce.actions.machinery.route import ActionRoute
from gladly_bigcommerce.bigcommerce.connection import ACTION_READ_TIMEOUT
from gladly_bigcommerce.edge.connections import connection_for
from gladly_bigcommerce.edge.errors import action_answer
from gladly_bigcommerce.edge.handler import Dependencies, LambdaHandler, gladly_handler
from gladly_bigcommerce.edge.request import GladlyRequest
from gladly_bigcommerce.gladly.errors import BadRequest


def action_handler(route: ActionRoute[Any]) -> LambdaHandler:
    """The Lambda handler of an action: ``route``'s form and submit behind the one pipeline."""
    return gladly_handler(partial(handle_action, route), action=True)


def handle_action(route: ActionRoute[Any], request: GladlyRequest, dependencies: Dependencies) -> BaseModel:
    """``GET`` renders the form, ``POST`` submits it (the only routes of an action URL)."""

    def answered(error: Exception, values: Mapping[str, Any]) -> int:
        return action_answer(error, dependencies.correlation_id, submitted=values)[0]

    settings, secret = dependencies.settings, dependencies.secret
    context = action_context(
        route.name,
        settings,
        secret,
        connection_for(settings, secret, read_timeout=ACTION_READ_TIMEOUT),
        submitting=request.method == "POST",
        now=dependencies.received_at,
        correlation_id=dependencies.correlation_id,
        public_base_url=dependencies.public_base_url,
        answered=answered,
        lambda_context=dependencies.lambda_context,
    )
    query = request.parse_query(route.query)
    if request.method == "GET":
        return route.form(context, query)
    if request.method == "POST":
        return route.submit(context, query, submitted_values(request.json_body))
    raise BadRequest.of("method_not_allowed", "Action URLs take GET (form) or POST (submit).")
