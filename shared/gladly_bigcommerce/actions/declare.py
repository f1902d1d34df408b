"""Which actions a DETAILED lookup offers: on an order, and in the profile's "+" menu.

An action is offered only when the deployment enables it (``ACTIONS_ENABLED``; the credentials that
actions use, client id and access token, are required keys of the secret, so a lookup that runs has
them) and when it makes sense for the order's state. The check here is cheap, from the order alone,
because a DETAILED lookup must answer within Gladly's 5 seconds; the form then asks BigCommerce
what exactly is left (and answers 406 when nothing is).
"""

from __future__ import annotations

from decimal import Decimal

from gladly_bigcommerce.actions.machinery.urls import customer_form_url, order_form_url
from gladly_bigcommerce.actions.orders import (
    STATUS_CANCELLED,
    STATUS_COMPLETED,
    STATUS_REFUNDED,
    UNPAID_STATUSES,
    is_shipped,
    order_customer_id,
)
from gladly_bigcommerce.bigcommerce.models import Order
from gladly_bigcommerce.gladly.customer_ids import CustomerRef, RegisteredRef, guest_customer_id
from gladly_bigcommerce.gladly.models import Action
from gladly_bigcommerce.settings.model import AdaptorSettings

REFUND_ACTION_NAME = "Refund"
CANCEL_ACTION_NAME = "Cancel order"
DISCOUNT_ACTION_NAME = "Discount code"
STAFF_NOTE_ACTION_NAME = "Add staff note"
STORE_CREDIT_ACTION_NAME = "Store credit"
ADDRESS_ACTION_NAME = "Change shipping address"
_CLOSED_FOR_ADDRESSES = frozenset({STATUS_CANCELLED, STATUS_REFUNDED, STATUS_COMPLETED, 0})
"""Cancelled, Refunded, Completed, Incomplete: no shipping address of theirs is changed."""
_SETTLED_PAYMENT_STATUSES = frozenset({"refunded", "void"})
"""Payment statuses after which no captured money is left on the order."""


def may_refund(order: Order) -> bool:
    """Paid, not fully refunded, with a total: something may be left to refund (cancelled ones too:
    cancelling moves no money)."""
    return (
        order.status_id not in UNPAID_STATUSES
        and order.status_id != STATUS_REFUNDED
        and order.payment_status.strip().lower() not in _SETTLED_PAYMENT_STATUSES
        and (order.total_inc_tax or Decimal(0)) > Decimal(0)
    )


def may_cancel(order: Order) -> bool:
    """Not shipped (even partly), cancelled or refunded yet, and a real order (not an abandoned checkout)."""
    return order.status_id not in (STATUS_CANCELLED, STATUS_REFUNDED, 0) and not is_shipped(order)


def may_add_note(order: Order) -> bool:
    """Every order has staff notes, whatever its state."""
    return True


def order_actions(order: Order, settings: AdaptorSettings, base_url: str) -> list[Action]:
    """The order card's buttons for the actions this deployment enables and this order allows.

    ``base_url`` is the API's public base URL (``Dependencies.public_base_url``): form URLs are absolute.
    """
    enabled = settings.actions_enabled
    owner = order_customer_id(order)
    actions = []
    for action, name, allowed in (
        ("refund", REFUND_ACTION_NAME, may_refund),
        ("cancel", CANCEL_ACTION_NAME, may_cancel),
        ("staff_note", STAFF_NOTE_ACTION_NAME, may_add_note),
    ):
        if action in enabled and allowed(order):
            actions.append(Action(name=name, form_url=order_form_url(base_url, action, order.id, owner)))
    if "shipping_address" in enabled:
        actions += address_actions(order, owner, base_url)
    return actions


def address_actions(order: Order, owner: str, base_url: str) -> list[Action]:
    """One button per shipping address nothing has shipped to (the order's shipping consignments, whose
    ids are its shipping addresses'), while the order is open; named by its street when there are
    several. An order read without consignments offers none."""
    if order.status_id in _CLOSED_FOR_ADDRESSES or order.consignments is None:
        return []
    consignments = order.consignments.shipping
    open_ones = [c for c in consignments if c.id is not None and c.items_shipped == 0]
    actions = []
    for consignment in open_ones:
        assert consignment.id is not None
        where = ", ".join(part for part in (consignment.street_1, consignment.city) if part)
        name = f"{ADDRESS_ACTION_NAME} ({where})" if len(consignments) > 1 and where else ADDRESS_ACTION_NAME
        url = order_form_url(base_url, "shipping_address", order.id, owner, {"addressId": consignment.id})
        actions.append(Action(name=name, form_url=url))
    return actions


def customer_actions(customer: CustomerRef, settings: AdaptorSettings, base_url: str) -> list[Action]:
    """The profile's "+" menu: a discount code, for registered and guest shoppers alike; store credit for
    registered customers only (BigCommerce keeps it on an account; a guest's profile says ``Guest``)."""
    enabled = settings.actions_enabled
    if isinstance(customer, RegisteredRef):
        external_id = str(customer.customer_id)
    else:
        external_id = guest_customer_id(customer.email)
    actions = []
    if "discount" in enabled:
        actions.append(
            Action(name=DISCOUNT_ACTION_NAME, form_url=customer_form_url(base_url, "discount", external_id))
        )
    if "store_credit" in enabled and isinstance(customer, RegisteredRef):
        url = customer_form_url(base_url, "store_credit", external_id)
        actions.append(Action(name=STORE_CREDIT_ACTION_NAME, form_url=url))
    return actions
