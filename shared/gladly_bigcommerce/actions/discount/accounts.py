"""Which of one person's accounts a discount is for, when the person has accounts on several storefronts.

A customer Gladly linked may be one person with a channel-specific account on each of the store's
storefronts (``bigcommerce/storefronts.py``: the rule the lookups apply, ``accounts_of_person``). Then
the discount form asks which storefront's account the code is for: a required select "Storefront",
one option per account (its storefront's name; its customer id), prefilled with the account Gladly
linked; the code is made for the account chosen and its promotion targets only the channels that
account may log in to (promotions.v3 ``channels``: "Channels that the promotion targets. Empty array []
means targeting all the channels", reference/bigcommerce/openapi/promotions.v3.yml).

Reading the person costs what the form already reads (the customer by id) plus the fewest more: one
search of the customer's email; only when another account has that email, the store's storefronts
(``read_storefronts``: channels, and in a store of several, its sites and storefronts' settings).
A person with one account, or a store of one storefront, gets today's form (the select is there but
not shown: it takes only the linked account) and today's promotion (every channel). The submit reads
the person again and takes only an account that is still one of theirs (``fields.read_submit``: any
other value is refused on the field, before anything is written).
"""

from __future__ import annotations

from dataclasses import dataclass

from gladly_bigcommerce.actions.machinery.context import ActionContext
from gladly_bigcommerce.actions.machinery.fields import FormField, select_field
from gladly_bigcommerce.actions.shoppers import load_customer
from gladly_bigcommerce.bigcommerce.models import Customer
from gladly_bigcommerce.bigcommerce.storefronts import (
    MAX_PERSON_ACCOUNTS,
    Storefronts,
    accounts_of_person,
    may_share_a_person,
    read_storefronts,
)
from gladly_bigcommerce.gladly.customer_ids import normalize_email

ACCOUNT = "account"


@dataclass(frozen=True)
class PersonAccounts:
    """The linked account and the person's other accounts (the linked one first), and the store's
    storefronts as read for them (unknown when there was no other account to tell apart)."""

    accounts: tuple[Customer, ...]
    storefronts: Storefronts

    @property
    def linked(self) -> Customer:
        return self.accounts[0]

    @property
    def several(self) -> bool:
        return len(self.accounts) > 1

    def account(self, customer_id: int | None) -> Customer:
        """The account chosen (``read_submit`` took only an offered id), else the linked one."""
        return next((found for found in self.accounts if found.id == customer_id), self.linked)

    def channels(self, account: Customer) -> tuple[int, ...]:
        """The channels a code for ``account`` targets: the ones it may log in to when the person has
        several accounts; none (every channel, as today) otherwise."""
        return tuple(self.storefronts.login_channels(account)) if self.several else ()

    def field(self) -> FormField:
        """The "Storefront" select, shown when the person has several accounts; otherwise the form has it
        without showing it (``FormField``), so it takes only the linked account, or nothing: a form
        opened while the person had several accounts still submits its prefilled choice."""
        field = select_field(
            ACCOUNT,
            "Storefront",
            [(str(account.id), self.storefronts.shopper_storefronts([account])) for account in self.accounts],
            default=str(self.linked.id),
            hint="This shopper has an account on several storefronts: the code works on the one chosen.",
            missing="Choose the storefront whose account the code is for.",
        )
        return field if self.several else field.hidden()


def read_person(context: ActionContext, customer_id: int) -> PersonAccounts:
    """The linked account, read now (406 when it no longer exists), and the person's other accounts."""
    customer = load_customer(context, customer_id)
    alone = PersonAccounts((customer,), Storefronts.unknown())
    if not customer.email.strip():
        return alone
    found = context.client.search_customers(
        emails=[normalize_email(customer.email)], include=(), deadline=context.deadline
    )
    others = [account for account in found if account.id != customer.id]
    if not may_share_a_person([customer, *others]):
        return alone
    storefronts = read_storefronts(context.client, context.deadline)
    if not storefronts.several:
        return alone
    accounts = accounts_of_person(customer, others, storefronts)[:MAX_PERSON_ACCOUNTS]
    return PersonAccounts(tuple(accounts), storefronts)
