"""Shoppers as customer-level actions see them (the profile's "+" menu): which shopper a form is about.

A form's URL names the shopper by the ``externalCustomerId`` the adaptor handed Gladly
(``gladly/customer_ids.py``): a registered customer's id, or ``guest:<email>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from gladly_bigcommerce.actions.machinery.audit import token_fingerprint
from gladly_bigcommerce.actions.machinery.tokens import TOKEN_PARAMETER
from gladly_bigcommerce.actions.machinery.urls import CUSTOMER_PARAMETER
from gladly_bigcommerce.actions.orders import is_canonical_customer
from gladly_bigcommerce.gladly.customer_ids import (
    GuestRef,
    RegisteredRef,
    guest_customer_id,
    parse_customer_ref,
)
from gladly_bigcommerce.gladly.errors import BadRequest, NotAcceptable

if TYPE_CHECKING:
    from gladly_bigcommerce.actions.machinery.context import ActionContext
    from gladly_bigcommerce.bigcommerce.models import Customer


class CustomerActionQuery(BaseModel):
    """The query string of a customer-level action's form and submit URLs (covered by the signature)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    customer: str = Field(alias=CUSTOMER_PARAMETER, min_length=1)
    token: str | None = Field(default=None, alias=TOKEN_PARAMETER)


@dataclass(frozen=True)
class Shopper:
    """Whom the discount is for: the profile's ``externalCustomerId`` and what it points at."""

    external_id: str
    ref: RegisteredRef | GuestRef

    @classmethod
    def of(cls, query: CustomerActionQuery) -> Shopper:
        ref = parse_customer_ref(query.customer)
        if ref is None or not is_canonical_customer(query.customer):
            raise BadRequest.of(
                "invalid_customer", "The URL names no customer this adaptor knows.", attr=CUSTOMER_PARAMETER
            )
        if isinstance(ref, RegisteredRef):
            return cls(str(ref.customer_id), ref)
        return cls(guest_customer_id(ref.email), ref)

    @property
    def audit_ref(self) -> str:
        """The customer id, or for a guest a fingerprint of the guest id: no email in the audit line."""
        if isinstance(self.ref, RegisteredRef):
            return str(self.ref.customer_id)
        return f"guest-{token_fingerprint(self.external_id)}"

    @property
    def described(self) -> str:
        """For the promotion's internal name in BigCommerce: an id, never an email."""
        if isinstance(self.ref, RegisteredRef):
            return f"customer {self.ref.customer_id}"
        return "a guest shopper"


def load_customer(context: ActionContext, customer_id: int) -> Customer:
    """The registered customer a form is about, read now; 406 when it no longer exists."""
    customer = context.client.get_customer(customer_id, deadline=context.deadline)
    if customer is None:
        raise NotAcceptable.of(
            "customer_not_found",
            f"Customer {customer_id} no longer exists in BigCommerce.",
            attr=CUSTOMER_PARAMETER,
        )
    return customer
