"""Finding BigCommerce shoppers by email and phone: shared by the lookup and the auto-link resolver.

Two kinds of shopper answer to an email: registered customers (`GET /v3/customers?email:in=`) and
guest shoppers, who have no customer record, only orders with `customer_id` 0 and their email on
the billing address (`GET /v2/orders?email=`), known by `guest:<lowercased email>`
(``gladly/customer_ids.py``). Independent searches run at once (``calls.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial

from gladly_bigcommerce import phones
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import BigCommerceError
from gladly_bigcommerce.bigcommerce.models import Customer, Order, PostalAddress, StoreInfo
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts, may_share_a_person, people
from gladly_bigcommerce.gladly.customer_ids import guest_customer_id, normalize_email
from gladly_bigcommerce.gladly.limits import PHONE_SPELLINGS_ONE_BY_ONE
from gladly_bigcommerce.lookup.calls import result, submit
from gladly_bigcommerce.lookup.shopper_phones import account_phone, store_region
from gladly_bigcommerce.observability import logger


class PhoneRegion:
    """Where a search reads a phone whose record names no country: the store's country, else
    `DEFAULT_PHONE_REGION` (`shopper_phones.store_region`). With `read_store`, the store's information
    is read at most once: started by `prefetch` (a lookup about to search, so the read runs alongside
    its searches) or by the first `get`, which waits for it within `deadline`; a read that fails
    leaves `default` (logged), costing the search nothing else."""

    def __init__(
        self,
        default: str,
        read_store: Callable[[], Future[StoreInfo]] | None = None,
        deadline: Deadline | None = None,
    ) -> None:
        self._default, self._read_store, self._deadline = default, read_store, deadline
        self._started: Future[StoreInfo] | None = None
        self._region: str | None = None if read_store is not None else default
        self._lock = threading.Lock()

    def prefetch(self) -> None:
        with self._lock:
            self._start()

    def get(self) -> str:
        with self._lock:
            if self._region is None:
                self._region = store_region(self._store(), self._default)
            return self._region

    def _start(self) -> None:
        if self._region is None and self._started is None and self._read_store is not None:
            self._started = self._read_store()

    def _store(self) -> StoreInfo | None:
        self._start()
        if self._started is None or self._deadline is None:
            return None
        try:
            return result(self._started, self._deadline)
        except BigCommerceError as error:
            logger.warning(
                "Store information unreadable; phones read in DEFAULT_PHONE_REGION",
                extra={"error": str(error)},
            )
            return None


@dataclass(frozen=True)
class GuestShopper:
    """A shopper known only from guest orders placed with one email, newest order first."""

    email: str  # normalised
    orders: tuple[Order, ...]

    @property
    def external_customer_id(self) -> str:
        return guest_customer_id(self.email)

    @property
    def billing_address(self) -> PostalAddress | None:
        """The newest order's billing address: the shopper's most recent name, phone and address."""
        return next((order.billing_address for order in self.orders if order.billing_address), None)


# --- searches ----------------------------------------------------------------------------------------


def unique_emails(emails: Iterable[str]) -> list[str]:
    """Normalised emails, each once, in the order given; blanks dropped."""
    return list(dict.fromkeys(normalize_email(email) for email in emails if email.strip()))


def find_customers_by_emails(
    client: BigCommerceClient, emails: Sequence[str], deadline: Deadline
) -> list[Customer]:
    """Registered customers whose email is one of `emails` (case-insensitive), in one call."""
    wanted = unique_emails(emails)
    if not wanted:
        return []
    found = client.search_customers(emails=wanted, deadline=deadline)
    _remember_stored_phone(found)
    return [customer for customer in found if normalize_email(customer.email) in wanted]


# One phone spelling known to be stored on some customer (the probe of `find_customers_by_phones`).
# Learned from any customer a search returned; only ever read as a value to add to a search.
_known_stored_phone: str | None = None


def _remember_stored_phone(customers: Iterable[Customer]) -> None:
    global _known_stored_phone
    for customer in customers:
        phone = customer.phone.strip() if customer.phone else ""
        if phone and "," not in phone:
            _known_stored_phone = phone
            return


def searched_numbers(numbers: Sequence[str], region: PhoneRegion, limit: int) -> dict[str, str]:
    """The numbers a search asks for, in E.164, each with the spelling given: Gladly's order, each
    number once, only what can be a phone number, the first `limit`. A number written with `+` is
    read as written; another in the store's country (`region`, read only then)."""
    found: dict[str, str] = {}
    for raw in numbers:
        if len(found) == limit:
            break
        number = phones.to_e164(raw, _typed_in(raw, region))
        if number and number not in found:
            found[number] = raw
    _log_skipped("phones", len(numbers), len(found))
    return found


def _typed_in(raw: str, region: PhoneRegion) -> str:
    """Where a searched value is read: its own country when written with `+`, else the store's."""
    return "ZZ" if phones.is_explicit(raw) else region.get()


def searched_emails(emails: Sequence[str], limit: int) -> list[str]:
    """The emails a search asks for, normalised: Gladly's order, each once, only addresses (an `@`),
    the first `limit`."""
    found = [email for email in unique_emails(emails) if "@" in email][:limit]
    _log_skipped("emails", len(emails), len(found))
    return found


def _log_skipped(kind: str, given: int, searched: int) -> None:
    """A long or untidy profile is searched by its first values: say how many were not (no values)."""
    if searched < given:
        logger.info(
            "Searched the first values of a long profile",
            extra={"kind": kind, "given": given, "searched": searched, "skipped": given - searched},
        )


def find_customers_by_phones(
    client: BigCommerceClient, numbers: Mapping[str, str], region: PhoneRegion, deadline: Deadline
) -> list[Customer]:
    """Registered customers whose phone is one of `numbers` (E.164 -> the spelling given), however
    the store spelled it.

    BigCommerce matches the stored text exactly, so one `phone:in` call asks for every likely
    spelling of every number, written as the number's own country writes it; each customer found is
    then confirmed by reading its stored phone in its own country (`shopper_phones.StoredPhone`:
    its addresses' country, else the store's, else DEFAULT_PHONE_REGION) and comparing E.164.

    The customers spec types `phone:in` as ONE string (unlike `email:in` and `id:in`), so whether
    BigCommerce splits a comma-joined list is not documented. The joined call carries a probe: a
    spelling known to be stored on some customer (learned from earlier answers). Any customer in the
    answer proves the list was split, and the answer is complete. An empty answer to several
    spellings may mean the list was read as one literal string; then the `PHONE_SPELLINGS_ONE_BY_ONE`
    likeliest spellings of each number are asked one call each, concurrently (when called off the
    shared pool). Budget: one call when BigCommerce splits (and a customer is found, or the probe is
    known); at most 1 + 8 per number otherwise.
    """
    given = [(raw, _typed_in(raw, region)) for raw in numbers.values()]
    spellings = list(dict.fromkeys(s for raw, where in given for s in phones.search_spellings(raw, where)))
    if not spellings:
        return []
    probe = _known_stored_phone
    joined = list(dict.fromkeys([*spellings, probe])) if probe else spellings
    found = client.search_customers(phones=joined, deadline=deadline)
    if not found and len(joined) > 1:
        one_by_one = dict.fromkeys(
            s for raw, where in given for s in phones.likely_spellings(raw, where, PHONE_SPELLINGS_ONE_BY_ONE)
        )
        calls = [submit(partial(client.search_customers, phones=[s], deadline=deadline)) for s in one_by_one]
        found = [customer for call in calls for customer in result(call, deadline)]
    _remember_stored_phone(found)
    if not found:
        return []
    where = region.get()
    matches = {
        customer.id: customer
        for customer in found
        if any(account_phone(customer).is_number(number, where) for number in numbers)
    }
    return list(matches.values())


def guest_orders(orders: Iterable[Order], email: str) -> list[Order]:
    """The guest orders among `orders` whose billing email is `email` (case-insensitive)."""
    wanted = normalize_email(email)
    return [
        order
        for order in orders
        if order.is_guest
        and order.billing_address is not None
        and normalize_email(order.billing_address.email) == wanted
    ]


def find_guest_shopper(
    client: BigCommerceClient, email: str, deadline: Deadline, *, limit: int
) -> GuestShopper | None:
    """The guest shopper behind `email` with its newest guest orders (among `limit` orders), if any.

    A search needs who the shopper is, not what they bought: line items are not asked for.
    """
    orders = client.list_orders(
        email=normalize_email(email), limit=limit, include_consignments=False, deadline=deadline
    )
    found = guest_orders(orders, email)
    return GuestShopper(normalize_email(email), tuple(found)) if found else None


@dataclass(frozen=True)
class Person:
    """A registered shopper: one account, or several that are one person's channel-specific copies
    (``bigcommerce/storefronts.py``), the first the one whose id names the person (in a search its
    oldest account, the lowest id; in a DETAILED profile the account Gladly linked)."""

    accounts: tuple[Customer, ...]

    @property
    def primary(self) -> Customer:
        return self.accounts[0]

    @property
    def external_customer_id(self) -> str:
        """The person's `externalCustomerId`: the id of its oldest account (``gladly/customer_ids.py``)."""
        return str(self.primary.id)

    @property
    def account_ids(self) -> frozenset[int]:
        return frozenset(account.id for account in self.accounts)


def group_people(
    customers: Iterable[Customer], storefronts: Callable[[], Storefronts] | None
) -> tuple[Person, ...]:
    """The customers as people: each account alone, unless two share an email and `storefronts` (read
    only then) shows they are one person's copies (``bigcommerce.storefronts.people``)."""
    found = list(customers)
    if storefronts is None or not may_share_a_person(found):
        return tuple(Person((customer,)) for customer in found)
    return tuple(Person(accounts) for accounts in people(found, storefronts()))


@dataclass(frozen=True)
class SearchedAccounts:
    """The accounts of some emails (`find_customers_by_emails`): every account of each of `emails`."""

    emails: frozenset[str]  # normalised
    accounts: tuple[Customer, ...]

    @classmethod
    def of(cls, client: BigCommerceClient, emails: Sequence[str], deadline: Deadline) -> SearchedAccounts:
        found = find_customers_by_emails(client, emails, deadline)
        return cls(frozenset(unique_emails(emails)), tuple(found))

    def account(self, customer_id: int) -> Customer | None:
        return next((account for account in self.accounts if account.id == customer_id), None)

    def alone(self, customer: Customer) -> bool:
        """Whether the search covered the customer's email and found no other account with it: then it
        has no copy on another storefront, whatever the storefronts are."""
        email = normalize_email(customer.email)
        return email in self.emails and all(
            account.id == customer.id or normalize_email(account.email) != email for account in self.accounts
        )


MAX_PERSON_ACCOUNTS = 5
"""Accounts of one person a DETAILED profile reads orders of (the linked one and up to four copies on
other storefronts, the oldest first): one orders call each (``gladly/limits.PERSON_ACCOUNT_CALLS``)."""


def person_of(
    client: BigCommerceClient,
    customer: Customer,
    storefronts: Storefronts,
    deadline: Deadline,
    searched: SearchedAccounts | None = None,
) -> Person:
    """The person whose account `customer` is: with its copies on other storefronts when the store has
    several (the accounts of its email: from `searched` when that search covered it, else one call),
    the linked account first, then the others by id, at most `MAX_PERSON_ACCOUNTS`; alone in a store
    of one storefront (no call)."""
    if not storefronts.several or not customer.email.strip():
        return Person((customer,))
    email = normalize_email(customer.email)
    if searched is not None and email in searched.emails:
        found = list(searched.accounts)
    else:
        found = find_customers_by_emails(client, [customer.email], deadline)
    grouped = people([customer, *found], storefronts)
    group = next(accounts for accounts in grouped if customer.id in {account.id for account in accounts})
    others = [account for account in group if account.id != customer.id]
    return Person((customer, *others[: MAX_PERSON_ACCOUNTS - 1]))


@dataclass(frozen=True)
class ContactMatches:
    """Who answers to a set of emails and phones: registered shoppers first, then guest shoppers.

    A guest shopper is listed only for an email no registered customer has: a shopper's guest
    orders then show inside that customer's DETAILED profile instead of as a second match.
    """

    people: tuple[Person, ...]
    guests: tuple[GuestShopper, ...]

    @property
    def customers(self) -> tuple[Customer, ...]:
        """The registered shoppers, one account per person: its oldest, whose id names the person."""
        return tuple(person.primary for person in self.people)


def find_by_contacts(
    client: BigCommerceClient,
    *,
    emails: Sequence[str],
    numbers: Sequence[str],
    region: PhoneRegion,
    deadline: Deadline,
    max_emails: int,
    max_phones: int,
    guest_order_limit: int = 10,
    storefronts: Callable[[], Storefronts] | None = None,
) -> ContactMatches:
    """Search customers by email, by phone and guest orders by email, all at once.

    A profile of any length is searched by its first `max_emails` emails and `max_phones` phones
    (`searched_emails`, `searched_numbers`; the call budget, ``gladly/limits.py``). At most
    2 + (one per email) calls: customers by email, customers by phone, guest orders; plus the phone
    search's one-by-one spellings when BigCommerce may read `phone:in` as one string
    (`find_customers_by_phones`). The phone search runs on this thread while the others run on the
    pool, so its one-by-one calls can run at once on the pool too.
    Guest searches that cannot matter (the email belongs to a customer) may fail without harm.
    Accounts that share an email are one person when `storefronts` says they are channel-specific
    copies (``group_people``); without it, each account is a shopper of its own.
    """
    wanted_emails = searched_emails(emails, max_emails)
    if wanted_emails or numbers:
        region.prefetch()  # the store's country, read alongside the searches when not kept
    by_email = submit(lambda: find_customers_by_emails(client, wanted_emails, deadline))
    guest_searches = {
        email: submit(partial(find_guest_shopper, client, email, deadline, limit=guest_order_limit))
        for email in wanted_emails
    }
    wanted_numbers = searched_numbers(numbers, region, max_phones)
    by_phone = find_customers_by_phones(client, wanted_numbers, region, deadline)
    customers = {customer.id: customer for customer in result(by_email, deadline)}
    customers |= {customer.id: customer for customer in by_phone}
    registered_emails = {normalize_email(customer.email) for customer in customers.values()}
    guests = [
        shopper
        for email, future in guest_searches.items()
        if email not in registered_emails and (shopper := result(future, deadline)) is not None
    ]
    return ContactMatches(group_people(customers.values(), storefronts), tuple(guests))
