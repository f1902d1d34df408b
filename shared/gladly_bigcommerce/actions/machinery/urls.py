"""The URLs of action forms and submits, on the API's public base URL, with their query parameters.

URLs are absolute, on the API's public base URL (``PUBLIC_BASE_URL``, else where API Gateway says it
was called: see ``edge/request.public_base_url_of``): ``https://<api>/<stage>/actions/refund?orderId=...``.
No public source says how Gladly resolves a relative ``formUrl`` or ``actionUrl`` (protocol section 7),
and behind a stage path the plausible readings disagree; an absolute URL means the same under all.
The lookup builds form URLs with this module (``actions/declare.py``) and never runs an action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from gladly_bigcommerce.actions.machinery.tokens import TOKEN_PARAMETER, FormToken

ORDER_PARAMETER = "orderId"
CUSTOMER_PARAMETER = "customer"


@dataclass(frozen=True)
class FormItem:
    """The one thing of an order a form is about (one of its shipping addresses), as its URL names it:
    a query parameter and an id. A form's token is issued for its ``label``, the parameter as written."""

    parameter: str
    value: int

    @property
    def label(self) -> str:
        return f"{self.parameter}={self.value}"

    def query(self) -> dict[str, str | int]:
        return {self.parameter: self.value}


def order_form_url(
    base_url: str,
    action: str,
    order_id: int,
    customer_id: str,
    extra: Mapping[str, str | int] | None = None,
) -> str:
    """The ``formUrl`` of an order action, on the API's public ``base_url``; ``extra`` names what of the
    order the form is about, when it is about one thing of it (e.g. ``{"addressId": 42}``)."""
    parameters = {ORDER_PARAMETER: order_id, CUSTOMER_PARAMETER: customer_id, **(extra or {})}
    return _action_url(base_url, action, parameters)


def order_action_url(
    base_url: str,
    action: str,
    order_id: int,
    customer_id: str | None,
    token: FormToken,
    extra: Mapping[str, str | int] | None = None,
) -> str:
    """The ``actionUrl`` of a rendered order form: its own URL plus the form's one-time token."""
    parameters: dict[str, str | int] = {ORDER_PARAMETER: order_id}
    if customer_id is not None:
        parameters[CUSTOMER_PARAMETER] = customer_id
    parameters.update(extra or {})
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
