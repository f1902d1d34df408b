"""Order-number search: the shopper of the order an agent names ("where is order #1234?").

Enabled by `orderNumber` in SEARCH_QUERY_ATTRIBUTES; Gladly sends what the agent typed under the
attribute's name (``LookupRequest.order_number``). What was typed is read strictly (`order_id`): ASCII
digits, one leading `#` and surrounding spaces allowed, an order id BigCommerce can hold (a positive
32-bit integer). Anything else (letters, 40 digits, an empty field, an array, an object) finds no one,
without a call: Gladly gets 200 and no results, never an error, as for an email nobody has.

A number that reads costs ONE call, `GET /v2/orders/{id}` (no consignments: a result needs only the
order's billing address). Its shopper is the order's customer, `str(customer_id)`, or for a guest order
the guest shopper of its billing email, `guest:<email>` (``gladly/customer_ids.py``): the same ids an
email search hands out, so the result links the profile a DETAILED lookup then fills. The result's name,
email, phone and address are the order's billing details (the account may hold others: the DETAILED
profile shows the account's). An order BigCommerce does not have (404), an archived one
(`is_deleted`), and a guest order without an email find no one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import NotFound
from gladly_bigcommerce.bigcommerce.models import Order
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.customer_ids import normalize_email
from gladly_bigcommerce.gladly.models import CustomerResult
from gladly_bigcommerce.lookup.mapping.customers import (
    gladly_emails,
    gladly_phones,
    guest_result,
    postal_address_line,
)
from gladly_bigcommerce.lookup.mapping.order_lines import order_status_label
from gladly_bigcommerce.lookup.search import GuestShopper
from gladly_bigcommerce.lookup.shopper_phones import billing_phones
from gladly_bigcommerce.observability import logger

MAX_ORDER_ID = 2**31 - 1
"""BigCommerce order ids are 32-bit integers (orders.v2 `order_id_path`, `type: integer`; the
project's ids: ``limits.MAX_ID_DIGITS``); a larger number names no order."""


def order_id(typed: Any) -> int | None:
    """The order id an agent typed: `1234`, `#1234`, ` 1234 ` (or the JSON number 1234) read 1234;
    None for anything that is not one positive order id written in ASCII digits."""
    if isinstance(typed, int) and not isinstance(typed, bool):
        number = typed
    elif isinstance(typed, str):
        digits = typed.strip().removeprefix("#").strip()
        if not digits or len(digits) > limits.MAX_ID_DIGITS or not (digits.isascii() and digits.isdigit()):
            return None
        number = int(digits)
    else:
        return None
    return number if 0 < number <= MAX_ORDER_ID else None


@dataclass(frozen=True)
class OrderMatch:
    """The order a search found and the result of its shopper."""

    order: Order
    result: CustomerResult

    @property
    def columns(self) -> dict[str, str]:
        """The Search Results Attributes the order fills: which order matched and its status."""
        return {"orderNumber": str(self.order.id), "orderStatus": order_status_label(self.order)}


def find_by_order_number(
    client: BigCommerceClient, typed: Any, region: str, deadline: Deadline
) -> OrderMatch | None:
    """The shopper of the order `typed` names (the module docstring), in one call; None when the
    number names no order or the order no shopper. Any other BigCommerce failure raises."""
    wanted = order_id(typed)
    if wanted is None:
        logger.info("Order number unreadable; no order searched", extra={"kind": type(typed).__name__})
        return None
    try:
        order = client.get_order(wanted, include_consignments=False, deadline=deadline)
    except NotFound:
        return None
    result = order_shopper(order, region)
    return OrderMatch(order, result) if result is not None else None


def order_shopper(order: Order, region: str) -> CustomerResult | None:
    """The result of the order's shopper, from its billing details; None for an archived order or a
    guest order without an email."""
    if order.is_deleted:
        return None
    billing = order.billing_address
    if order.is_guest:
        email = normalize_email(billing.email) if billing is not None else ""
        return guest_result(GuestShopper(email, (order,)), region) if email else None
    return CustomerResult(
        external_customer_id=str(order.customer_id),
        name=(billing.full_name or None) if billing else None,
        address=postal_address_line(billing) if billing else None,
        emails=gladly_emails([billing.email]) if billing else None,
        phones=gladly_phones(billing_phones([order]), region),
    )
