"""Limits on what one request may carry, and on the BigCommerce calls it may cause, each with its reason.

A request that breaks one is refused before any work, in Gladly's error shape naming the field
(``attr``): the edge (``edge/request.py``) applies the checks here to the event (size, text, query
parameters) before the signature is verified, and to the body (nesting depth, then text) before it is
parsed into models; ``gladly/models.py`` applies the per-field limits as pydantic constraints. The
call caps are carried with each request's ``Deadline`` (``bigcommerce.deadline.CallBudget``) and
enforced by the client.

Every check here is iterative: no input, however deep or long, reaches a recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gladly_bigcommerce.gladly.customer_ids import GUEST_ID_PREFIX
from gladly_bigcommerce.gladly.errors import BadRequest, GladlyError

# --- The whole request -----------------------------------------------------------------------------

MAX_BODY_BYTES = 64 * 1024
"""A Gladly lookup body is a few hundred bytes, an action submit less; 64 KiB leaves room for a profile
with every limit below reached, and keeps parsing and signature work per request small."""

MAX_JSON_DEPTH = 32
"""A lookup nests four levels (``query.customAttributes.<name>``), a submit two. 32 refuses JSON nested
~1,000 deep, which would otherwise reach Python's recursion limit in parsing and validation."""

MAX_QUERY_PARAMETERS = 16
"""Our URLs carry at most three (``orderId``, ``customer``, ``token``); lookups none."""

MAX_QUERY_NAME_LENGTH = 64
MAX_QUERY_VALUE_LENGTH = 1024
"""The longest value we hand out is a guest ``customer`` (``guest:`` and an email, 260) or a form
token; 1,024 leaves room for both and refuses megabyte values before they are signed or parsed."""

# --- Identities and contact values -----------------------------------------------------------------

MAX_ID_DIGITS = 10
"""BigCommerce customer and order ids are 32-bit integers (at most 10 digits); a longer run of digits
names nothing, and ``int()`` refuses 4,300 digits and more with ValueError."""

MAX_EMAIL_LENGTH = 254
"""The longest address SMTP can carry (RFC 5321, section 4.5.3.1.3, as corrected by errata 1690)."""

MAX_PHONE_LENGTH = 50
"""BigCommerce's customer ``phone`` field is at most 50 characters (customers.v3 ``phone`` maxLength)."""

MAX_EXTERNAL_CUSTOMER_ID_LENGTH = len(GUEST_ID_PREFIX) + MAX_EMAIL_LENGTH
"""The ids we hand out are a customer id (10 digits) or ``guest:<email>`` (260 characters)."""

MAX_PROFILE_ID_LENGTH = 128
"""Gladly's profile ids are 22-character url-safe strings; 128 is generous for any future form."""

MAX_NAME_LENGTH = 256
"""A person's name as Gladly shows it; BigCommerce keeps first and last names of 255 characters each
at most, and we only ever echo Gladly's own."""

MAX_EMAILS = 10
"""Emails a lookup searches, across ``emails`` and ``email``: the first ten distinct addresses, in
Gladly's order (``lookup/search.searched_emails``); the rest are skipped and counted in the log, never
refused (Gladly treats a refused lookup as failed, so a long profile would open nothing). Each email
costs one guest-orders call: 160 emails once spent the store's whole 150-per-30-s quota."""

PHONE_SPELLINGS_ONE_BY_ONE = 8
"""Spellings per number asked one call each when `phone:in` may be read as one literal string
(``lookup/search.find_customers_by_phones``)."""

MAX_PHONES = 5
"""Phones a search or an auto-link searches, across ``phones`` and ``phone``: the first five distinct
numbers, in Gladly's order (``lookup/search.searched_numbers``); the rest are skipped and counted in
the log, never refused. A profile has one to three; each number may cost up to
``PHONE_SPELLINGS_ONE_BY_ONE`` (8) calls when ``phone:in`` is read literally. A
DETAILED lookup searches no phone."""

# --- BigCommerce calls one request may cause -------------------------------------------------------


STOREFRONT_CALLS = 10
"""Reading the store's storefronts (kept per container like the customer groups): its channels, their
sites, and up to 8 storefronts' customer settings (``bigcommerce/storefronts.MAX_STOREFRONT_SETTINGS``);
a store of one storefront needs only the first."""


ORDER_SEARCH_CALLS = 1
"""An order-number search: the order, `GET /v2/orders/{id}`, and nothing else (``lookup/order_search.py``);
a number that names no order costs no call at all."""


def basic_lookup_calls() -> int:
    """A search or an auto-link (Lookup URL and ``/auto-link``): the store's information once per
    container (its country reads phones whose record names none), customers by email (1), guest orders
    per email (``MAX_EMAILS``), customers by phone (1), and when ``phone:in`` may be read as one literal
    string, each number's likeliest spellings one call each (8 x ``MAX_PHONES``), the order of an
    order-number search (``ORDER_SEARCH_CALLS``), and, when two accounts found share an email, the
    store's storefronts once per container (``STOREFRONT_CALLS``: are they one person?): 64."""
    return 3 + MAX_EMAILS + PHONE_SPELLINGS_ONE_BY_ONE * MAX_PHONES + ORDER_SEARCH_CALLS + STOREFRONT_CALLS


DETAILED_FIXED_CALLS = 16
"""A DETAILED profile's calls that do not grow with its orders: the customer, its orders, the guest
orders by its own email, store information and customer groups (both kept per container), the product
images, plus room for further pages of any of them (a long group list, more than 250 products)."""


PERSON_ACCOUNT_CALLS = 5
"""In a store of several storefronts, a DETAILED profile of a registered shopper also reads the accounts
sharing its email (1) and the orders of up to four of them that are the same person's copies on other
storefronts (``lookup/search.MAX_PERSON_ACCOUNTS``)."""


def detailed_lookup_calls(recent_orders: int) -> int:
    """A DETAILED profile: the fixed calls, the storefronts, the person's other accounts, guest orders
    per profile email, and one shipments call and one line-items call per recent order shown
    (``RECENT_ORDERS``, 10 by default: 61 calls)."""
    return DETAILED_FIXED_CALLS + STOREFRONT_CALLS + PERSON_ACCOUNT_CALLS + MAX_EMAILS + 2 * recent_orders


ACTION_CALLS = 30
"""An action's form or submit: the order (or customer), its refunds, line items and addresses, a refund
quote, the refund and the refunds read back; a discount creates a promotion and up to five codes, each
duplicate checked (``discount.CODE_ATTEMPTS``). The largest, a discount submit, needs about 16."""

RETRIES_PER_REQUEST = 10
"""Retried attempts (after a 429, a 5xx or no answer) one request may add to its calls, all calls
together: each call retries at most twice (``RetryPolicy``), and a failing store gets no more than this."""


# --- Errors ----------------------------------------------------------------------------------------


class PayloadTooLarge(GladlyError):
    """413: the body is larger than ``MAX_BODY_BYTES``."""

    status = 413


def _refused(attr: str, code: str, detail: str) -> BadRequest:
    return BadRequest.of(code, detail, attr=attr)


# --- Checks ----------------------------------------------------------------------------------------


def is_valid_text(value: str) -> bool:
    """Whether ``value`` is valid Unicode: no lone UTF-16 surrogate (JSON's ``"\\ud800"`` decodes to one,
    and it cannot be encoded as UTF-8, for a URL or a log line)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: str, attr: str) -> None:
    if not is_valid_text(value):
        raise _refused(attr, "invalid_text", "The value is not valid Unicode text.")


def check_body_size(body: bytes) -> None:
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge.of(
            "body_too_large", f"The body is larger than {MAX_BODY_BYTES // 1024} KiB.", attr="body"
        )


# A JSON string (escapes included) or one bracket; everything else cannot change the nesting.
_JSON_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def check_json_depth(body: bytes) -> None:
    """Refuse JSON nested deeper than ``MAX_JSON_DEPTH``, by scanning the raw bytes (strings skipped)
    before the parser sees them: the parser and pydantic recurse, this scan does not."""
    depth = 0
    for match in _JSON_STRING_OR_BRACKET.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise _refused(
                    "body", "too_deep", f"The JSON body is nested deeper than {MAX_JSON_DEPTH} levels."
                )
        elif token in (b"]", b"}"):
            depth -= 1


def check_json_text(document: Any) -> None:
    """Refuse a parsed body holding a string or key that is not valid Unicode; ``attr`` is its path
    (``query.emails.0``). Iterative, and run after ``check_json_depth``, so the walk is shallow anyway."""
    for path, value in _json_strings(document):
        check_text(value, path or "body")


_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def _json_strings(document: Any) -> Iterator[tuple[str, str]]:
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                if not is_valid_text(key):
                    yield path, key
                # Only a field-like key goes into a path (an attr is logged and echoed: no free text).
                child = (f"{path}.{key}" if path else key) if _FIELD_NAME.match(key) else path
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), item) for index, item in enumerate(value)
            )


def check_query_parameters(
    multi: Mapping[str, Sequence[str] | None] | None, single: Mapping[str, str | None] | None
) -> None:
    """Refuse a query string we never hand out: a repeated parameter (signed in one order, it could be
    sent in another and read differently), too many, too long, not valid Unicode, or an id of more
    digits than any BigCommerce id has. ``attr`` is the parameter's name."""
    values: dict[str, list[str]] = {
        name: [str(value) for value in values or ()] for name, values in (multi or {}).items()
    }
    for name, value in (single or {}).items():
        values.setdefault(name, [] if value is None else [str(value)])
    if len(values) > MAX_QUERY_PARAMETERS:
        raise _refused("", "too_many_parameters", f"The URL has more than {MAX_QUERY_PARAMETERS} parameters.")
    for name, given in values.items():
        if not is_valid_text(name) or len(name) > MAX_QUERY_NAME_LENGTH:
            raise _refused("", "invalid_parameter", "The URL has a parameter name we never use.")
        if len(given) > 1:
            raise _refused(name, "repeated_parameter", f"The URL gives {name} more than once.")
        for value in given:
            check_text(value, name)
            if len(value) > MAX_QUERY_VALUE_LENGTH:
                raise _refused(
                    name, "too_long", f"{name} is longer than {MAX_QUERY_VALUE_LENGTH} characters."
                )
    for name in ("orderId",):
        for value in values.get(name, ()):
            if value.strip().isdigit() and len(value.strip()) > MAX_ID_DIGITS:
                raise _refused(name, "too_long", f"{name} has more than {MAX_ID_DIGITS} digits.")
    for value in values.get("customer", ()):
        problem = external_id_problem(value)
        if problem:
            raise _refused("customer", "too_long", f"customer {problem}.")


def external_id_problem(value: str) -> str | None:
    """Why ``value`` cannot be an ``externalCustomerId`` we handed out, by its length alone; else None."""
    text = value.strip()
    if text.isdigit() and len(text) > MAX_ID_DIGITS:
        return f"has more than {MAX_ID_DIGITS} digits"
    if len(text) > MAX_EXTERNAL_CUSTOMER_ID_LENGTH:
        return f"is longer than {MAX_EXTERNAL_CUSTOMER_ID_LENGTH} characters"
    return None


def check_event_text(path: str, headers: Mapping[str, str]) -> None:
    """The path and headers go into the signed canonical request as UTF-8: they must be valid text."""
    check_text(path, "path")
    for name, value in headers.items():
        check_text(name, "")
        check_text(value, name)
