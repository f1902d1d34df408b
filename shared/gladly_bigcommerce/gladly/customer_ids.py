"""The ``externalCustomerId`` values the adaptor hands Gladly, and what each points at.

A registered customer is its BigCommerce id (``104``); a guest shopper, who has no customer record,
only orders with ``customer_id`` 0 and their email on the billing address, gets a stable id of its
own, ``guest:<lowercased email>``, so that a DETAILED lookup, a form or a submit can find it again.
"""

from __future__ import annotations

from dataclasses import dataclass

GUEST_ID_PREFIX = "guest:"


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def guest_customer_id(email: str) -> str:
    """The stable `externalCustomerId` of the guest shopper using `email`."""
    return GUEST_ID_PREFIX + normalize_email(email)


@dataclass(frozen=True)
class RegisteredRef:
    customer_id: int


@dataclass(frozen=True)
class GuestRef:
    email: str  # normalised


CustomerRef = RegisteredRef | GuestRef


def parse_customer_ref(external_customer_id: str) -> CustomerRef | None:
    """What an `externalCustomerId` we handed out points at; None for ids we never produce."""
    text = external_customer_id.strip()
    if text.startswith(GUEST_ID_PREFIX):
        email = normalize_email(text[len(GUEST_ID_PREFIX) :])
        return GuestRef(email) if "@" in email else None
    if text.isascii() and text.isdigit() and int(text) > 0:
        return RegisteredRef(int(text))
    return None
