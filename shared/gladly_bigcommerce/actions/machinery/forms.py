"""Building an action's form: its sections, and its ``actionUrl`` with a one-time token issued now.

A form's inputs, and how their submitted values are read, are ``fields.py``'s; its URLs ``urls.py``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gladly_bigcommerce.actions.machinery.fields import FormField, sections
from gladly_bigcommerce.actions.machinery.tokens import FormSubject
from gladly_bigcommerce.actions.machinery.urls import FormItem, customer_action_url, order_action_url
from gladly_bigcommerce.gladly.models import ActionForm
from gladly_bigcommerce.settings.model import ActionName

if TYPE_CHECKING:
    from gladly_bigcommerce.actions.machinery.context import ActionContext


def order_action_form(
    context: ActionContext,
    action: ActionName,
    title: str,
    submit_button: str,
    fields: Sequence[FormField],
    *,
    order_id: int,
    customer_id: str | None,
    item: FormItem | None = None,
) -> ActionForm:
    """An order's form to render; its ``actionUrl`` carries a one-time token issued now for exactly this
    action, order and customer (and ``item``, the one thing of the order it is about, if any) as the URL
    names them: it submits once, and only there."""
    subject = FormSubject(action, order_id, customer_id, item.label if item is not None else None)
    token = context.issue_token(subject)
    extra = item.query() if item is not None else None
    url = order_action_url(context.public_base_url, action, order_id, customer_id, token, extra)
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
