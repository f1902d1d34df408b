"""Orders as actions see them: which order a form is about, and what state it is in.

Status ids are BigCommerce's fixed ids (labels are renamable by merchants, ids are not).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from gladly_bigcommerce.actions.machinery.tokens import TOKEN_PARAMETER, FormSubject
from gladly_bigcommerce.actions.machinery.urls import CUSTOMER_PARAMETER, ORDER_PARAMETER, FormItem
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import NotFound
from gladly_bigcommerce.bigcommerce.models import Order
from gladly_bigcommerce.gladly.customer_ids import RegisteredRef, guest_customer_id, parse_customer_ref
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

STATUS_SHIPPED = 2
STATUS_PARTIALLY_SHIPPED = 3
STATUS_REFUNDED = 4
STATUS_CANCELLED = 5
STATUS_COMPLETED = 10
UNPAID_STATUSES = frozenset({0, 1, 6, 7})
"""Incomplete, Pending, Declined, Awaiting Payment: no captured payment, nothing to refund."""
SHIPPED_STATUSES = frozenset({STATUS_SHIPPED, STATUS_PARTIALLY_SHIPPED, STATUS_COMPLETED})

_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,9}")
"""An id as the adaptor writes one: ASCII digits, no leading zero, no sign, no space (at most 10)."""


def is_canonical_id(text: str) -> bool:
    """Whether ``text`` is an id spelled as the adaptor spells ids in its URLs: ``104``, never ``0104``,
    ``+104``, `` 104`` or another script's digits. A form's token is bound to the URL's text, so one id
    has exactly one spelling."""
    return _CANONICAL_ID.fullmatch(text) is not None


def canonical_id(what: str) -> BeforeValidator:
    """The check of an id parameter of an action's URL (``Annotated[int, canonical_id("an order
    number")]``): the text must be ``is_canonical_id``, else the field's error says it must be ``what``
    as the adaptor writes it."""

    def check(value: Any) -> Any:
        if not isinstance(value, str) or not is_canonical_id(value):
            raise ValueError(f"must be {what} as the adaptor writes it: digits, no leading zero")
        return value

    return BeforeValidator(check)


def is_canonical_customer(text: str) -> bool:
    """Whether ``text`` is an ``externalCustomerId`` spelled exactly as the adaptor hands them out: a
    canonical customer id, or ``guest:`` and a normalised email (``guest_customer_id``)."""
    ref = parse_customer_ref(text)
    if ref is None:
        return False
    if isinstance(ref, RegisteredRef):
        return is_canonical_id(text)
    return text == guest_customer_id(ref.email)


class OrderActionQuery(BaseModel):
    """The query string of an order action's form and submit URLs (covered by Gladly's signature).

    The order and customer are spelled as the adaptor writes them (``is_canonical_id``,
    ``is_canonical_customer``): ``orderId=0104`` names no order, rather than order 104.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    order_id: Annotated[int, canonical_id("an order number")] = Field(alias=ORDER_PARAMETER, gt=0)
    customer: str | None = Field(default=None, alias=CUSTOMER_PARAMETER)
    token: str | None = Field(default=None, alias=TOKEN_PARAMETER)

    @property
    def item(self) -> FormItem | None:
        """The one thing of the order the form is about, as the URL names it; none: the whole order."""
        return None

    def subject(self, action: str) -> FormSubject:
        """What the form at this URL is for: its token must have been issued for exactly this."""
        item = self.item
        return FormSubject(action, self.order_id, self.customer, item.label if item is not None else None)

    @field_validator("customer")
    @classmethod
    def _canonical_customer(cls, value: str | None) -> str | None:
        if value is not None and not is_canonical_customer(value):
            raise ValueError("must be a customer id as the adaptor writes it")
        return value


def load_order(client: Any, query: OrderActionQuery, *, deadline: Deadline) -> Order:
    """The order the form is about, checked against the customer the form was opened for.

    A missing order is a 406 (the form cannot do anything); an order of another customer is a 400
    on ``orderId``: the URL was not one we rendered for this customer.
    """
    try:
        order: Order = client.get_order(query.order_id, include_consignments=False, deadline=deadline)
    except NotFound:
        raise NotAcceptable.of(
            "order_not_found",
            f"Order {query.order_id} no longer exists in BigCommerce.",
            attr=ORDER_PARAMETER,
        ) from None
    if order.is_deleted:
        raise NotAcceptable.of(
            "order_deleted", f"Order {order.id} was deleted in BigCommerce.", attr=ORDER_PARAMETER
        )
    if not belongs_to(order, query.customer):
        raise BadRequest.of(
            "order_of_another_customer",
            f"Order {order.id} does not belong to this customer.",
            attr=ORDER_PARAMETER,
        )
    return order


def belongs_to(order: Order, customer: str | None) -> bool:
    """Whether ``order`` is one of the shopper whose profile opened the form.

    ``customer`` is the form's owner as ``order_customer_id`` spelled it: a registered customer's id
    for their own orders, the guest id (``guest:<email>``) for guest orders.
    """
    if customer is None:
        return True
    return order_customer_id(order) == customer


def order_customer_id(order: Order) -> str:
    """Who owns ``order``, as an ``externalCustomerId``: the customer id, or the guest id of its email.

    A registered customer's profile also lists guest orders placed with their email; those are
    owned by the guest id, so an action on one is checked against the email it was placed with.
    """
    if not order.is_guest:
        return str(order.customer_id)
    email = order.billing_address.email if order.billing_address is not None else ""
    return guest_customer_id(email)


def is_shipped(order: Order) -> bool:
    return order.status_id in SHIPPED_STATUSES or order.items_shipped > 0 or order.date_shipped is not None


def status_label(order: Order) -> str:
    """The store's own label for the order's status, e.g. "Shipped" (or its id when it has none)."""
    return order.status or f"status {order.status_id}"
