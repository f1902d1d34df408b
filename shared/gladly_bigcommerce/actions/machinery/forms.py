"""Building an action's form: its sections, and its ``actionUrl`` with a one-time token issued now.

A form's inputs, and how their submitted values are read, are ``fields.py``'s; its URLs ``urls.py``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from gladly_bigcommerce.actions.machinery.fields import FormField, sections
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from gladly_bigcommerce.actions.machinery.urls import FormItem, customer_action_url, order_action_url
from gladly_bigcommerce.gladly.models import ActionForm
from gladly_bigcommerce.settings.model import ActionName

if TYPE_CHECKING:
    from gladly_bigcommerce.actions.machinery.context import ActionContext


class OrderFormQuery(Protocol):
    """What an order form's URL names (``actions/orders.OrderActionQuery``): the order, the customer as
    the URL spells it, and ``item``, the one thing of the order the form is about, if any."""

    @property
    def order_id(self) -> int: ...

    @property
    def customer(self) -> str | None: ...

    @property
    def item(self) -> FormItem | None: ...

    def subject(self, action: str) -> FormSubject:
        """What a form of ``action`` at this URL is for; its submit is checked against the same."""
        ...


def order_action_form(
    context: ActionContext,
    action: ActionName,
    query: OrderFormQuery,
    title: str,
    submit_button: str,
    fields: Sequence[FormField],
) -> ActionForm:
    """The form of ``action`` for the order ``query`` names, to render; its ``actionUrl`` is the form's
    own URL with a one-time token issued now for exactly ``query.subject(action)``, the subject its
    submit is checked against: it submits once, and only there."""
    token = context.issue_token(query.subject(action))
    extra = query.item.query() if query.item is not None else None
    url = order_action_url(context.public_base_url, action, query.order_id, query.customer, token, extra)
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
    return ActionForm(
        title=title,
        submit_button=submit_button,
        close_button="Close",
        action_url=action_url,
        sections=sections(fields),
    )
