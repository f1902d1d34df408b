"""Customer accounts: create and update, one email per channel, store credit as a balance.

An account's channels are its `channel_ids`, or for a global account (`channel_ids: null`) every
channel whose customer settings allow global logins; two accounts may share an email only when their
channels do not meet (KNOWN_DEVIATIONS `customer-email-per-channel`). Store credit written by a PUT
replaces the balance: last writer wins (`store-credit-absolute`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from devtools.sandbox.errors import ApiError
from devtools.sandbox.formats import utc_now
from devtools.sandbox.geography import country_name
from devtools.sandbox.inputs import CustomerCreateIn, CustomerUpdateIn
from devtools.sandbox.records import Customer, CustomerAddress
from devtools.sandbox.store_base import StoreState

# Customer fields a PUT may change (customers.v3 `customer_Put`); its read-only members
# (`registration_ip_address`, `origin_channel_id`, dates) are ignored, as its own example sends them.
UPDATABLE = (
    "email",
    "first_name",
    "last_name",
    "company",
    "phone",
    "notes",
    "tax_exempt_category",
    "customer_group_id",
    "accepts_product_review_abandoned_cart_emails",
)


class CustomerRecords(StoreState):
    def login_channels(self, channel_ids: Sequence[int] | None) -> frozenset[int]:
        """The channels an account may log in to: its own list, or for a global account every
        channel whose customer settings say `allow_global_logins: true`."""
        with self.lock:
            if channel_ids is not None:
                return frozenset(channel_ids)
            return frozenset(
                channel_id
                for channel_id, settings in self.channel_customer_settings.items()
                if settings.allow_global_logins
            )

    def create_customers(self, batch: Sequence[CustomerCreateIn]) -> list[Customer]:
        """Create a batch atomically: all or none (an email conflict anywhere refuses the batch)."""
        with self.lock:
            claimed: list[tuple[str, frozenset[int]]] = []
            for index, data in enumerate(batch):
                email, channels = data.email.casefold(), self.login_channels(self._new_channel_ids(data))
                if any(other == email and channels & taken for other, taken in claimed):
                    raise ApiError(
                        422, "Create customers failed.", errors={f"{index}.email": "duplicate in batch"}
                    )
                self._check_email_free(data.email, channels, index, title="Create customers failed.")
                claimed.append((email, channels))
            return [self.create_customer(data) for data in batch]

    def create_customer(self, data: CustomerCreateIn, *, date_created: datetime | None = None) -> Customer:
        with self.lock:
            channel_ids = self._new_channel_ids(data)
            self._check_email_free(
                data.email, self.login_channels(channel_ids), 0, title="Create customers failed."
            )
            created = date_created or utc_now()
            customer = Customer(
                id=self.next_id("customer"),
                email=data.email,
                first_name=data.first_name,
                last_name=data.last_name,
                date_created=created,
                date_modified=created,
                phone=data.phone,
                company=data.company,
                notes=data.notes,
                tax_exempt_category=data.tax_exempt_category,
                customer_group_id=data.customer_group_id,
                origin_channel_id=data.origin_channel_id,
                channel_ids=channel_ids,
                accepts_product_review_abandoned_cart_emails=data.accepts_product_review_abandoned_cart_emails,
                store_credit=[credit.amount for credit in data.store_credit_amounts],
                attributes=[(a.attribute_id, a.attribute_value) for a in data.attributes],
                form_fields=[(f.name, f.value) for f in data.form_fields],
            )
            customer.addresses = [
                CustomerAddress(
                    id=self.next_id("customer_address"),
                    customer_id=customer.id,
                    first_name=a.first_name,
                    last_name=a.last_name,
                    address1=a.address1,
                    address2=a.address2,
                    city=a.city,
                    state_or_province=a.state_or_province,
                    postal_code=a.postal_code,
                    country_code=a.country_code.upper(),
                    country=country_name(a.country_code),
                    company=a.company,
                    phone=a.phone,
                    address_type=a.address_type,
                )
                for a in data.addresses
            ]
            self.customers[customer.id] = customer
            return customer

    def add_customer(self, *, date_created: datetime | None = None, **fields: Any) -> Customer:
        """Test helper: `add_customer(email=..., first_name=..., last_name=..., phone=..., addresses=[...])`.

        Takes the fields of `POST /v3/customers` (plus `store_credit=Decimal(...)` as a shortcut for
        `store_credit_amounts`) and returns the live record.
        """
        credit = fields.pop("store_credit", None)
        if credit is not None:
            fields["store_credit_amounts"] = [{"amount": credit}]
        return self.create_customer(CustomerCreateIn.model_validate(fields), date_created=date_created)

    def update_customers(self, batch: Sequence[CustomerUpdateIn]) -> list[Customer]:
        """`PUT /v3/customers`: change the fields each item sends, all items or none.

        `store_credit_amounts` replaces the stored balance (absolute, never added): two clients that
        each read a balance and write it back raised lose one raise, as on a real store.
        """
        with self.lock:
            changed: dict[int, tuple[str, frozenset[int]]] = {}
            for index, data in enumerate(batch):
                customer = self.customers.get(data.id)
                if customer is None or data.id in changed:
                    problem = "duplicate in batch" if customer else f"there is no customer {data.id}"
                    raise ApiError(422, "Update customers failed.", errors={f"{index}.id": problem})
                email = data.email if "email" in data.model_fields_set else customer.email
                channel_ids = (
                    data.channel_ids if "channel_ids" in data.model_fields_set else customer.channel_ids
                )
                channels = self.login_channels(channel_ids)
                for other_email, taken in changed.values():
                    if other_email == email.casefold() and channels & taken:
                        raise ApiError(
                            422, "Update customers failed.", errors={f"{index}.email": "duplicate in batch"}
                        )
                self._check_email_free(
                    email, channels, index, title="Update customers failed.", exclude=set(changed) | {data.id}
                )
                changed[data.id] = (email.casefold(), channels)
            now = utc_now()
            for data in batch:
                self._apply_update(self.customers[data.id], data, now)
            return [self.customers[data.id] for data in batch]

    def set_store_credit(self, customer_id: int, *amounts: Any) -> Customer:
        """Test helper: the balance `PUT /v3/customers` with `store_credit_amounts` would leave."""
        items = [{"amount": amount} for amount in amounts]
        (customer,) = self.update_customers(
            [CustomerUpdateIn.model_validate({"id": customer_id, "store_credit_amounts": items})]
        )
        return customer

    def _apply_update(self, customer: Customer, data: CustomerUpdateIn, now: datetime) -> None:
        sent = data.model_fields_set
        for name in UPDATABLE:
            if name in sent:
                setattr(customer, name, getattr(data, name))
        if "channel_ids" in sent:
            customer.channel_ids = list(data.channel_ids) if data.channel_ids is not None else None
        if "store_credit_amounts" in sent:
            customer.store_credit = [credit.amount for credit in data.store_credit_amounts]
        customer.date_modified = now

    def _new_channel_ids(self, data: CustomerCreateIn) -> list[int] | None:
        """The `channel_ids` a new account gets: as sent; when omitted, global, unless it is created
        from a channel that refuses global logins, whose own account it then is (KNOWN_DEVIATIONS
        `customer-email-per-channel`)."""
        if data.channel_ids is not None:
            return list(data.channel_ids)
        origin = self.channel_customer_settings.get(data.origin_channel_id)
        return [data.origin_channel_id] if origin is not None and not origin.allow_global_logins else None

    def _check_email_free(
        self, email: str, channels: frozenset[int], index: int, *, title: str, exclude: set[int] | None = None
    ) -> None:
        for customer in self.customers.values():
            if exclude and customer.id in exclude:
                continue
            if customer.email.casefold() == email.casefold() and channels & self.login_channels(
                customer.channel_ids
            ):
                raise ApiError(
                    422,
                    title,
                    errors={
                        f"{index}.email": "The email address is already in use on an overlapping channel."
                    },
                )
