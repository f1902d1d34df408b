"""BigCommerce customers and guest shoppers as Gladly sees them: results, search columns, custom attributes.

Pure functions, no I/O: the lookup fetches, this module translates (an order's lines and their
statuses: `order_lines`). Money is data Gladly receives (`money_as_data`: `$2400.00`, never
`$2,400.00`), in the order's own (transactional) currency; phones are read in their record's country
(`shopper_phones`; `region`, the store's country or DEFAULT_PHONE_REGION, only where a record names
none) and go out in E.164 (an address's phone that fits no country as stored); every custom
attribute is a string.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gladly_bigcommerce import phones
from gladly_bigcommerce.bigcommerce.models import Customer, Order, PostalAddress, StoreInfo
from gladly_bigcommerce.gladly.models import (
    CustomerResult,
    Email,
    Phone,
)
from gladly_bigcommerce.lookup.mapping.order_lines import (
    CLOSED_STATUS_IDS,
)
from gladly_bigcommerce.lookup.search import GuestShopper
from gladly_bigcommerce.lookup.shopper_phones import (
    StoredPhone,
    billing_phones,
    customer_phones,
    distinct_numbers,
)
from gladly_bigcommerce.money import money_as_data
from gladly_bigcommerce.settings.model import AdaptorSettings, SearchResultsAttribute

# --- links -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreLinks:
    """Where agents (control panel) and shoppers (storefront) see a record."""

    admin_base: str  # the control panel, e.g. https://store-abc123.mybigcommerce.com/manage
    storefront_base: str | None  # e.g. https://shop.example.com; None when unknown

    def order_admin_url(self, order_id: int) -> str:
        return f"{self.admin_base}/orders/{order_id}"

    def customer_admin_url(self, customer_id: int) -> str:
        return f"{self.admin_base}/customers/{customer_id}/edit"

    def customer_order_url(self, order_id: int) -> str | None:
        """The order page of the shopper's account (registered customers only)."""
        if self.storefront_base is None:
            return None
        return f"{self.storefront_base}/account.php?action=view_order&order_id={order_id}"


def store_links(settings: AdaptorSettings, store: StoreInfo | None) -> StoreLinks:
    """Links from the settings when set, else from the store's own information.

    The control panel always lives under `/manage` of the store's control panel host, which the
    store hash alone determines, so admin links never wait for `/v2/store`.
    """
    admin = settings.admin_url or (store.control_panel_base_url if store else None)
    admin = (admin or f"https://store-{settings.store_hash}.mybigcommerce.com").rstrip("/")
    if not admin.endswith("/manage"):
        admin += "/manage"
    storefront = settings.storefront_url or (store.secure_url or None if store else None)
    return StoreLinks(admin_base=admin, storefront_base=storefront.rstrip("/") if storefront else None)


# --- customers ---------------------------------------------------------------------------------------


def one_line_address(*parts: str) -> str | None:
    """Non-empty parts joined by commas: `12 Main St, Springfield, IL 62701, US`."""
    text = ", ".join(part.strip() for part in parts if part and part.strip())
    return text or None


def _region_zip(state: str, postal_code: str) -> str:
    return f"{state.strip()} {postal_code.strip()}".strip()


def postal_address_line(address: PostalAddress) -> str | None:
    return _address_line(address, _ORDER_ADDRESS_PARTS)


def customer_address_line(customer: Customer) -> str | None:
    """The customer's first saved address on one line, or None when the address book is empty."""
    return _address_line(customer.addresses[0], _ADDRESS_BOOK_PARTS) if customer.addresses else None


# The fields of an address, in the order of one line, as orders (v2) and address books (v3) name them:
# street, second line, city, state, postal code, country code, country name.
_ORDER_ADDRESS_PARTS = ("street_1", "street_2", "city", "state", "zip", "country_iso2", "country")
_ADDRESS_BOOK_PARTS = (
    "address1",
    "address2",
    "city",
    "state_or_province",
    "postal_code",
    "country_code",
    "country",
)


def _address_line(address: object, parts: tuple[str, ...]) -> str | None:
    street_1, street_2, city, state, postal_code, country_code, country = (
        str(getattr(address, part)) for part in parts
    )
    return one_line_address(
        street_1, street_2, city, _region_zip(state, postal_code), country_code or country
    )


def gladly_phones(stored: Iterable[StoredPhone], region: str) -> list[Phone]:
    """Phones Gladly can use (`shopper_phones.distinct_numbers`): E.164 only, each once, typed."""
    return [
        Phone(original=number, type=phones.phone_type(number, commercial=phone.commercial))
        for number, phone in distinct_numbers(stored, region)
    ]


def gladly_emails(emails: Iterable[str]) -> list[Email]:
    unique = dict.fromkeys(email.strip() for email in emails if email and email.strip())
    return [Email(original=email) for email in unique]


def customer_result(customer: Customer, region: str, orders: Iterable[Order] = ()) -> CustomerResult:
    """A registered customer: id, name, email, phones and address.

    Phones: the account's, the address book's, then the billing phones of `orders` (the recent
    ones, newest first), each read in its record's country (`region` where it names none).
    """
    return CustomerResult(
        external_customer_id=str(customer.id),
        name=customer.full_name or None,
        address=customer_address_line(customer),
        emails=gladly_emails([customer.email]),
        phones=gladly_phones(customer_phones(customer, orders), region),
    )


def guest_result(guest: GuestShopper, region: str) -> CustomerResult:
    """A guest shopper: name and address from its newest guest order's billing address, phones
    from the billing addresses of its orders, newest first."""
    billing = guest.billing_address
    return CustomerResult(
        external_customer_id=guest.external_customer_id,
        name=(billing.full_name or None) if billing else None,
        address=postal_address_line(billing) if billing else None,
        emails=gladly_emails([guest.email]),
        phones=gladly_phones(billing_phones(guest.orders), region),
    )


def with_search_columns(
    result: CustomerResult,
    attributes: Sequence[SearchResultsAttribute],
    known: Mapping[str, str] | None = None,
) -> CustomerResult:
    """Repeat the configured `email` / `phone` columns at the top level of a BASIC result, and the
    columns the search itself knows (`known`: the matched order's `orderNumber` and `orderStatus`).

    `name` and `externalCustomerId` are standard fields already; unsupported attributes stay empty.
    """
    columns: dict[str, str] = {}
    for item in attributes:
        if item.attribute == "email" and result.emails:
            columns["email"] = result.emails[0].original
        elif item.attribute == "phone" and result.phones:
            columns["phone"] = result.phones[0].original
        elif known and known.get(item.attribute):
            columns[item.attribute] = known[item.attribute]
    return result.model_copy(update=columns) if columns else result


# --- custom attributes -------------------------------------------------------------------------------


def lifetime_value(orders: Iterable[Order], default_currency: str | None) -> str | None:
    """The total of the orders that are sales, per currency (`$120.00 + €35.50`).

    No sale at all reads as zero in the store's currency (or a bare `0` when that is unknown). None
    when a sale came without its total or currency: a partial or currency-less sum would mislead.
    """
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for order in orders:
        if order.status_id in CLOSED_STATUS_IDS:
            continue
        if order.total_inc_tax is None or not order.transaction_currency:
            return None
        totals[order.transaction_currency] += order.total_inc_tax
    if not totals:
        return money_as_data(Decimal(0), default_currency) if default_currency else "0"
    return " + ".join(money_as_data(amount, code) for code, amount in sorted(totals.items()))


def customer_attributes(
    *,
    customer: Customer | None,
    orders: Sequence[Order],
    orders_complete: bool,
    links: StoreLinks,
    store_currency: str | None,
    group_names: Mapping[int, str],
) -> dict[str, str]:
    """The facts an agent reads beside the profile, every value a string (Gladly's rule).

    `orders` are all the orders fetched for the shopper; when `orders_complete` is False there may
    be older ones, and count and lifetime value say so (`50+`, `... (last 50 orders)`).
    `group_names` are the store's customer groups by id (empty when they could not be read).
    """
    count = str(len(orders)) if orders_complete else f"{len(orders)}+"
    value = lifetime_value(orders, store_currency)
    attributes = {"accountType": "Registered" if customer else "Guest", "orderCount": count}
    if value is not None:
        attributes["lifetimeValue"] = value if orders_complete else f"{value} (last {len(orders)} orders)"
    if customer is not None:
        attributes["customerGroup"] = customer_group(customer.customer_group_id, group_names)
        attributes["adminLink"] = links.customer_admin_url(customer.id)
        attributes["company"] = customer.company or ""
        if customer.date_created is not None:
            attributes["customerSince"] = customer.date_created.date().isoformat()
        # Only when BigCommerce answered the amounts: a missing list is unknown credit, not none.
        if store_currency and "store_credit_amounts" in customer.model_fields_set:
            attributes["storeCredit"] = money_as_data(customer.store_credit, store_currency)
    return attributes


def customer_group(group_id: int, group_names: Mapping[int, str]) -> str:
    """The group's name; its id when the name is unknown (unreadable, or a group just added); `""`
    for no group (BigCommerce's id 0)."""
    if not group_id:
        return ""
    return group_names.get(group_id) or str(group_id)
