"""Building action forms and reading their submits: URLs, inputs, the reason field, the request split.

URLs are absolute, on the public base URL Gladly called (``https://<api>/<stage>``, or
``PUBLIC_BASE_URL``; see ``api.public_base_url_of``): ``https://<api>/<stage>/actions/refund?orderId=...``.
No public source says how Gladly resolves a relative ``formUrl`` or ``actionUrl`` (protocol section 7),
and behind a stage path the plausible readings disagree; an absolute URL means the same under all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel

from gladly_bigcommerce.actions.orders import CUSTOMER_PARAMETER, ORDER_PARAMETER
from gladly_bigcommerce.actions.tokens import TOKEN_PARAMETER, FormSubject, FormToken
from gladly_bigcommerce.api import Dependencies, GladlyRequest
from gladly_bigcommerce.config import ActionName
from gladly_bigcommerce.gladly.errors import BadRequest
from gladly_bigcommerce.gladly.models import ActionForm, ActionResult, FormInput, FormOption, FormSection

if TYPE_CHECKING:
    # The lookup function builds form URLs with this module but never runs an action: the action
    # context (DynamoDB, boto3, the submit machinery) is imported only by the action functions.
    from gladly_bigcommerce.actions.context import ActionContext

Query = TypeVar("Query", bound=BaseModel)

REASON = "reason"
REASON_MAX_LENGTH = 1000
"""BigCommerce keeps at most 1000 characters of a refund reason."""


def order_form_url(base_url: str, action: str, order_id: int, customer_id: str) -> str:
    """The ``formUrl`` of an order action, on the API's public ``base_url``."""
    return _action_url(base_url, action, {ORDER_PARAMETER: order_id, CUSTOMER_PARAMETER: customer_id})


def order_action_url(
    base_url: str, action: str, order_id: int, customer_id: str | None, token: FormToken
) -> str:
    """The ``actionUrl`` of a rendered order form: its own URL plus the form's one-time token."""
    parameters: dict[str, str | int] = {ORDER_PARAMETER: order_id}
    if customer_id is not None:
        parameters[CUSTOMER_PARAMETER] = customer_id
    parameters[TOKEN_PARAMETER] = str(token)
    return _action_url(base_url, action, parameters)


def customer_form_url(base_url: str, action: str, customer_id: str) -> str:
    """The ``formUrl`` of a customer-level action (the profile's "+" menu), on the public ``base_url``."""
    return _action_url(base_url, action, {CUSTOMER_PARAMETER: customer_id})


def customer_action_url(base_url: str, action: str, customer_id: str, token: FormToken) -> str:
    """The ``actionUrl`` of a rendered customer-level form: its own URL plus the form's one-time token."""
    return _action_url(base_url, action, {CUSTOMER_PARAMETER: customer_id, TOKEN_PARAMETER: str(token)})


def _action_url(base_url: str, action: str, parameters: Mapping[str, str | int]) -> str:
    """``<base_url>/actions/<action>?<query>``, the query encoded as the signature check rebuilds it."""
    return f"{base_url}/actions/{action}?{urlencode(parameters, quote_via=quote)}"


def order_action_form(
    context: ActionContext,
    action: ActionName,
    title: str,
    submit_button: str,
    sections: list[FormSection],
    *,
    order_id: int,
    customer_id: str | None,
) -> ActionForm:
    """An order's form to render; its ``actionUrl`` carries a one-time token issued now for exactly this
    action, order and customer (as the URL names them): it submits once, and only there."""
    token = context.issue_token(FormSubject(action, order_id, customer_id))
    url = order_action_url(context.public_base_url, action, order_id, customer_id, token)
    return _action_form(title, submit_button, sections, url)


def customer_action_form(
    context: ActionContext,
    action: ActionName,
    title: str,
    submit_button: str,
    sections: list[FormSection],
    *,
    customer_id: str,
) -> ActionForm:
    """A customer-level form to render, its ``actionUrl``'s token issued for this action and customer."""
    token = context.issue_token(FormSubject(action, None, customer_id))
    url = customer_action_url(context.public_base_url, action, customer_id, token)
    return _action_form(title, submit_button, sections, url)


def _action_form(title: str, submit_button: str, sections: list[FormSection], action_url: str) -> ActionForm:
    return ActionForm(
        title=title,
        submit_button=submit_button,
        close_button="Close",
        action_url=action_url,
        sections=sections,
    )


def text_input(
    attr: str,
    label: str,
    *,
    hint: str | None = None,
    default: str | None = None,
    placeholder: str | None = None,
    optional: bool = False,
) -> FormSection:
    return FormSection(
        label=label,
        attr=attr,
        hint=hint,
        default_value=default,
        input=FormInput(type="text", placeholder=placeholder, optional=optional or None),
    )


def select_input(
    attr: str,
    label: str,
    options: Sequence[tuple[str, str]],
    *,
    hint: str | None = None,
    default: str | None = None,
    placeholder: str | None = None,
) -> FormSection:
    """A select of ``(value, text)`` options."""
    return FormSection(
        label=label,
        attr=attr,
        hint=hint,
        default_value=default,
        input=FormInput(
            type="select",
            placeholder=placeholder,
            options=[FormOption(value=value, text=text) for value, text in options],
        ),
    )


def reason_input(label: str, hint: str) -> FormSection:
    """The required free-text reason every money- or order-changing action asks for."""
    return text_input(REASON, label, hint=hint, placeholder="e.g. Item arrived damaged")


def parse_reason(values: Mapping[str, Any]) -> str:
    """The trimmed reason; ``BadRequest`` on ``reason`` when it is missing or too long."""
    value = values.get(REASON)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise BadRequest.of("missing", "Give a reason: it is recorded with the action.", attr=REASON)
    if len(text) > REASON_MAX_LENGTH:
        raise BadRequest.of("too_long", f"Keep the reason under {REASON_MAX_LENGTH} characters.", attr=REASON)
    return text


def choice(values: Mapping[str, Any], attr: str, allowed: Sequence[str], *, missing: str) -> str:
    """The value of a select; ``BadRequest`` on ``attr`` when it is empty (``missing``) or unknown."""
    value = values.get(attr)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise BadRequest.of("missing", missing, attr=attr)
    if text not in allowed:
        raise BadRequest.of("invalid_choice", "Choose one of the offered options.", attr=attr)
    return text


def submitted_values(request: GladlyRequest) -> dict[str, Any]:
    """The submitted form: a JSON object keyed by each section's ``attr``, as plain JSON values.

    Numbers come back from the JSON parser as ``Decimal``; they are turned into their exact text so
    the values can be hashed and stored unchanged.
    """
    body = request.json_body
    if not isinstance(body, dict):
        raise BadRequest.of("invalid_body", "The submit must be a JSON object of form values.", attr="body")
    return {str(key): _plain(value) for key, value in body.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def handle_action(
    request: GladlyRequest,
    dependencies: Dependencies,
    action: ActionName,
    query_model: type[Query],
    form: Callable[[ActionContext, Query], BaseModel],
    submit: Callable[[ActionContext, Query, dict[str, Any]], ActionResult],
) -> BaseModel:
    """An action Lambda's logic: ``GET`` renders the form, ``POST`` submits it (the only routes).

    The action's context comes first: with the action turned off, every request is a 406. A form and a
    submit have deadlines of their own (``context.py``).
    """
    from gladly_bigcommerce.actions.context import action_context  # imported at init by every action

    context = action_context(action, dependencies, submitting=request.method == "POST")
    query = request.parse_query(query_model)
    if request.method == "GET":
        return form(context, query)
    if request.method == "POST":
        return submit(context, query, submitted_values(request))
    raise BadRequest.of("method_not_allowed", "Action URLs take GET (form) or POST (submit).")
