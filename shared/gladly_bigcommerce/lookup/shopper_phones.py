"""Which phones a shopper has, each read in the country its record belongs to.

A phone in BigCommerce is free text on a record that names a country (or not): an address's own
`country_iso2` (v2 order addresses) or `country_code` (v3 customer addresses); the account phone
sits on a customer whose address book names the countries the shopper lives in. So:

* an address's phone is read in the address's country;
* the account phone in the countries of the customer's addresses;
* a phone whose record names no country (no address book, an address without a country) in the
  store's country (`/v2/store` `country_code`), else `DEFAULT_PHONE_REGION` (`store_region`;
  `search.PhoneRegion` reads it for a search).

A number written with `+` names its own country wherever it is (`phones.read`). A number that is
not a valid number of the countries its record names is shown as stored where Gladly takes free text
(an address's phone) and left out where Gladly takes only E.164 (the profile's `phones`): never
given a country its data does not support.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import phonenumbers
from babel import Locale

from gladly_bigcommerce import phones
from gladly_bigcommerce.bigcommerce.models import Customer, Order, PostalAddress, StoreInfo

MAX_PROFILE_PHONES = 5
"""Phones a profile carries at most: the account phone first, then the address book's, then the
billing phones of the recent orders. Gladly adds every phone it is sent and never removes one, and a
shopper has one to three numbers; five keeps a shopper's real numbers and stops an address book of
old numbers from filling the profile."""


@cache
def _countries_by_name() -> dict[str, str]:
    """English country names (BigCommerce's `country`) to ISO codes, from babel's CLDR data."""
    names = Locale.parse("en").territories
    return {name.casefold(): code for code, name in names.items() if code in phonenumbers.SUPPORTED_REGIONS}


def country_of(code: str, name: str = "") -> str | None:
    """The ISO 3166-1 alpha-2 code of an address's country: its code when phonenumbers knows that
    region, else its English name's (an address may come with the name only); None when neither."""
    upper = code.strip().upper()
    if upper in phonenumbers.SUPPORTED_REGIONS:
        return upper
    return _countries_by_name().get(name.strip().casefold()) if name.strip() else None


def store_region(store: StoreInfo | None, default: str) -> str:
    """The store's country, else `default` (`DEFAULT_PHONE_REGION`)."""
    found = country_of(store.country_code, store.country) if store is not None else None
    return found or default


@dataclass(frozen=True)
class StoredPhone:
    """A phone as a record holds it, and the countries that record names for it (none: unknown)."""

    text: str
    countries: tuple[str, ...] = ()
    commercial: bool = False  # on a commercial address: a fixed line is an office

    def e164(self, region: str) -> str | None:
        """The number in E.164, read in its record's countries (or `region` when it names none)."""
        return phones.read(self.text, self.countries or (region,))

    def is_number(self, wanted: str, region: str) -> bool:
        """Whether this is the number `wanted` (E.164, as Gladly holds it).

        Read as `e164` reads it; a phone whose record names no country and that is no valid number
        of `region` either is also read in `wanted`'s own country: nothing about the record says it
        is from elsewhere, and its text is that number as its country writes it.
        """
        found = self.e164(region)
        if found is not None or self.countries:
            return found == wanted
        number = phones.parse(wanted, None)
        return number is not None and phones.read(self.text, (phones.own_region(number),)) == wanted


def customer_countries(customer: Customer) -> tuple[str, ...]:
    """The countries of the customer's address book, each once, in its order."""
    found = (country_of(address.country_code, address.country) for address in customer.addresses)
    return tuple(dict.fromkeys(country for country in found if country))


def account_phone(customer: Customer) -> StoredPhone:
    return StoredPhone(customer.phone, customer_countries(customer))


def address_book_phones(customer: Customer) -> list[StoredPhone]:
    """The phones of the customer's saved addresses, each in its address's country."""
    own = customer_countries(customer)
    return [
        StoredPhone(
            address.phone,
            (country,) if (country := country_of(address.country_code, address.country)) else own,
            commercial=address.address_type == "commercial",
        )
        for address in customer.addresses
    ]


def postal_phone(address: PostalAddress) -> StoredPhone:
    """An order address's phone (billing, shipping, consignment), in the address's country."""
    country = country_of(address.country_iso2, address.country)
    return StoredPhone(address.phone, (country,) if country else ())


def billing_phones(orders: Iterable[Order]) -> list[StoredPhone]:
    return [postal_phone(order.billing_address) for order in orders if order.billing_address]


def customer_phones(customer: Customer, orders: Iterable[Order] = ()) -> list[StoredPhone]:
    """A registered shopper's phones, most telling first: the account's, the address book's, then
    the billing phones of `orders` (newest first)."""
    return [account_phone(customer), *address_book_phones(customer), *billing_phones(orders)]


def distinct_numbers(
    stored: Iterable[StoredPhone], region: str, limit: int = MAX_PROFILE_PHONES
) -> list[tuple[str, StoredPhone]]:
    """The numbers of `stored` Gladly can be sent, in E.164 (a number with no plausible country is
    left out), each once with the first record that holds it, at most `limit`."""
    found: dict[str, StoredPhone] = {}
    for phone in stored:
        number = phone.e164(region)
        if number and number not in found:
            found[number] = phone
            if len(found) == limit:
                break
    return list(found.items())


def shown_phone(address: PostalAddress, region: str) -> str | None:
    """An address's phone as Gladly shows it (free text there): E.164 when the number fits its
    country, else as stored; None when there is none."""
    stored = postal_phone(address)
    return stored.e164(region) or stored.text.strip() or None
