"""Building action forms: their URLs and the forms themselves.

URLs are absolute, on the API's public base URL (``PUBLIC_BASE_URL``, else where API Gateway says it
was called: see ``edge/request.public_base_url_of``): ``https://<api>/<stage>/actions/refund?orderId=...``.
No public source says how Gladly resolves a relative ``formUrl`` or ``actionUrl`` (protocol section 7),
and behind a stage path the plausible readings disagree; an absolute URL means the same under all.
A form's inputs, and how their submitted values are read, are ``fields.py``'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import quote, urlencode

from pydantic import BaseModel

from gladly_bigcommerce.actions.orders import CUSTOMER_PARAMETER, ORDER_PARAMETER
from gladly_bigcommerce.actions.tokens import TOKEN_PARAMETER, FormSubject, FormToken
from gladly_bigcommerce.gladly.models import ActionForm
from gladly_bigcommerce.settings.model import ActionName

if TYPE_CHECKING:
    # The lookup function builds form URLs with this module but never runs an action: the action
    # context (DynamoDB, boto3, the submit machinery) and the fields of forms and their reading are
    # imported only by the action functions (each action module imports ``fields`` at init).
    from gladly_bigcommerce.actions.context import ActionContext
    from gladly_bigcommerce.actions.fields import FormField

Query = TypeVar("Query", bound=BaseModel)


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
    fields: Sequence[FormField],
    *,
    order_id: int,
    customer_id: str | None,
) -> ActionForm:
    """An order's form to render; its ``actionUrl`` carries a one-time token issued now for exactly this
    action, order and customer (as the URL names them): it submits once, and only there."""
    token = context.issue_token(FormSubject(action, order_id, customer_id))
    url = order_action_url(context.public_base_url, action, order_id, customer_id, token)
    return _action_form(title, submit_button, fields, url)


def customer_action_form(
    context: ActionContext,
    action: ActionName,
    title: str,
    submit_button: str,
    fields: Sequence[FormField],
    *,
    customer_id: str,
) -> ActionForm:
    """A customer-level form to render, its ``actionUrl``'s token issued for this action and customer."""
    token = context.issue_token(FormSubject(action, None, customer_id))
    url = customer_action_url(context.public_base_url, action, customer_id, token)
    return _action_form(title, submit_button, fields, url)


def _action_form(title: str, submit_button: str, fields: Sequence[FormField], action_url: str) -> ActionForm:
    """The form Gladly renders: its fields' sections (``fields.py`` reads the submit against the same
    fields, built again for the order or customer as they are then)."""
    from gladly_bigcommerce.actions.fields import sections  # imported at init by every action

    return ActionForm(
        title=title,
        submit_button=submit_button,
        close_button="Close",
        action_url=action_url,
        sections=sections(fields),
    )
