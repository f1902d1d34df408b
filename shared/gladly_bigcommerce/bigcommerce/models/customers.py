"""Customers (v3) and customer groups (v2), as the adaptor reads them."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
)

from gladly_bigcommerce.bigcommerce.models.base import (
    ApiModel,
    RecordModel,
    RequestModel,
    ints_only,
    skip_unusable,
)
from gladly_bigcommerce.bigcommerce.values import (
    Count,
    OptionalMoney,
    OptionalTimestamp,
    Text,
)

# --- customers (v3) ----------------------------------------------------------------------------


class CustomerAddress(RecordModel):
    id: int
    customer_id: int | None = None
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    address1: Text = ""
    address2: Text = ""
    city: Text = ""
    state_or_province: Text = ""
    postal_code: Text = ""
    country: Text = ""
    country_code: Text = ""
    phone: Text = ""
    address_type: str | None = None


class StoreCreditAmount(RecordModel):
    amount: OptionalMoney = None


class Customer(RecordModel):
    id: int
    email: Text = ""
    first_name: Text = ""
    last_name: Text = ""
    company: Text = ""
    phone: Text = ""
    notes: Text = ""
    customer_group_id: Count = 0
    date_created: OptionalTimestamp = None
    date_modified: OptionalTimestamp = None
    origin_channel_id: int | None = None
    channel_ids: Annotated[list[int] | None, BeforeValidator(ints_only)] = None
    addresses: Annotated[list[CustomerAddress], skip_unusable(CustomerAddress)] = Field(default_factory=list)
    store_credit_amounts: Annotated[list[StoreCreditAmount], skip_unusable(StoreCreditAmount)] = Field(
        default_factory=list
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def store_credit(self) -> Decimal:
        """Total store credit (BigCommerce lists one amount per credit entry)."""
        return sum((credit.amount for credit in self.store_credit_amounts if credit.amount), Decimal(0))


class StoreCreditIn(RequestModel):
    """One `store_credit_amounts` item sent (customers.v3 `CustomerStoredCreditAmounts`): a JSON number."""

    amount: Decimal


class StoreCreditUpdate(RequestModel):
    """`PUT /v3/customers` item that sets one customer's store credit and nothing else. BigCommerce keeps
    the amounts sent as the customer's credit (reference FACTS.md: the balance, not an amount to add)."""

    id: int
    store_credit_amounts: list[StoreCreditIn]


# --- customer groups (v2) ---------------------------------------------------------------------


class CustomerGroup(ApiModel):
    """`GET /v2/customer_groups` item: the group a customer's `customer_group_id` names.

    Only what the lookup reads; BigCommerce also answers category access and discount rules.
    """

    id: int
    name: Text = ""
