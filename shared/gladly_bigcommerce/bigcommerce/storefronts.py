"""A store's storefronts and sales channels (BigCommerce "Multi-Storefront"), and which customer accounts
are one person's channel-specific copies.

Every store has channel 1, its default storefront ("The ID of this channel is 1 for all BigCommerce
stores", docs@24f580c docs/storefront/multi-storefront/index.mdx); a store may add storefronts (each
with its own site, its URL) and other sales channels (a marketplace, a point of sale), which have no
site. Every order carries the `channel_id` it came from (1 when none was given); every account its
`channel_ids`, the channels it may log in to, where `null` means "this customer can only log in to
channels with `allow_global_logins: true`" (docs/store-operations/customers/
channel-specific-customers.mdx), a setting of each channel.

**One person, several accounts.** "Email addresses must be unique within each channel, rather than
within the store. This means that a single email address can exist two (or more) times in one store:
associated with two Customer IDs on two different channels" (docs/storefront/multi-storefront/
guide.mdx). Two records with one email are still two people unless every sign says otherwise, so the
rule (`same_person`) is strict. Accounts are one person's copies only when

1. their emails are the same (trimmed, case-insensitive), and not empty;
2. their names are the same (first and last, trimmed, case-insensitive), and not empty;
3. their phones do not disagree: either one has none, or one's digits end with the other's (the same
   number, written with or without its country code);
4. their channels are disjoint, which BigCommerce's "unique within each channel" makes the mark of a
   channel-specific copy: two explicit `channel_ids` lists that share no channel; a global account
   (`null`) and an explicit one only when every channel of the explicit one is known to refuse global
   logins (`allow_global_logins: false`; `null` or unread is not known); two global accounts never.

Anything unknown (a setting that could not be read, a name BigCommerce did not send) keeps the
accounts apart: an agent then sees both and chooses, as for any two shoppers sharing an email.

Reading the store's storefronts (`read_storefronts`): `GET /v3/channels`; when the store has more
than one channel, `GET /v3/sites` and each storefront's customer settings too (at most
`MAX_STOREFRONT_SETTINGS`), at once when the caller runs calls at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import cast

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import Forbidden
from gladly_bigcommerce.bigcommerce.models import Channel, Customer, CustomerChannelSettings, Order, Site

logger = logging.getLogger(__name__)

DEFAULT_CHANNEL_ID = 1
"""The default storefront's channel, in every store; an order that names no channel is on it."""
MAX_STOREFRONT_SETTINGS = 8
"""Storefronts whose customer settings are read (one call each), the first by id. Beyond them a
storefront's `allow_global_logins` is unknown: accounts on it are never taken for one person."""
STOREFRONT = "storefront"
_GONE = frozenset({"deleted", "archived", "terminated", "disconnected"})
"""Channel statuses of a channel that sells no more (channels.v3 `status`)."""


@dataclass(frozen=True)
class Storefronts:
    """What a store sells on: its channels by id, each storefront's site URL (no trailing slash), and
    whether each storefront lets global accounts log in (`None`: unknown).

    `Storefronts.unknown()` is a store whose channels could not be read (or were not yet): every
    order and account is then taken as on the default storefront, as for a store of one storefront.
    """

    channels: Mapping[int, Channel] = field(default_factory=dict)
    site_urls: Mapping[int, str] = field(default_factory=dict)
    global_logins: Mapping[int, bool | None] = field(default_factory=dict)

    @classmethod
    def unknown(cls) -> Storefronts:
        return cls()

    @classmethod
    def of(
        cls,
        channels: Iterable[Channel],
        sites: Iterable[Site] = (),
        settings: Mapping[int, CustomerChannelSettings | None] | None = None,
    ) -> Storefronts:
        site_urls: dict[int, str] = {}
        for site in sorted(sites, key=lambda item: item.id):
            url = site.primary_url.rstrip("/")
            if site.channel_id is not None and url and site.channel_id not in site_urls:
                site_urls[site.channel_id] = url  # the first site of a channel (the files disagree on more)
        return cls(
            channels={channel.id: channel for channel in channels},
            site_urls=site_urls,
            global_logins={
                channel_id: read.allow_global_logins if read is not None else None
                for channel_id, read in (settings or {}).items()
            },
        )

    @property
    def selling(self) -> list[Channel]:
        """The channels that sell (not deleted, archived, terminated or disconnected), by id."""
        return sorted(
            (channel for channel in self.channels.values() if channel.status.lower() not in _GONE),
            key=lambda channel: channel.id,
        )

    @property
    def storefront_ids(self) -> list[int]:
        """The storefronts that sell, by id; a channel whose type BigCommerce did not say may be one."""
        return [channel.id for channel in self.selling if channel.type.lower() in (STOREFRONT, "")]

    @property
    def several(self) -> bool:
        """Whether the store has more than one storefront: then every order says which it came from."""
        return len(self.storefront_ids) > 1

    def names_channel_of(self, channel_id: int | None) -> bool:
        """Whether an order on `channel_id` names its channel: in a store of several storefronts every
        order does; otherwise only one that is not on the default storefront (a marketplace's)."""
        return self.several or (channel_id or DEFAULT_CHANNEL_ID) != DEFAULT_CHANNEL_ID

    def label(self, channel_id: int | None) -> str:
        """`Storefront: Brew Outlet`, `Channel: Amazon (marketplace)`, or `Channel 7` when its name is
        unknown (its channels could not be read)."""
        channel = self.channels.get(channel_id or DEFAULT_CHANNEL_ID)
        if channel is None or not channel.name.strip():
            return f"Channel {channel_id or DEFAULT_CHANNEL_ID}"
        kind = channel.type.strip().lower()
        if kind in (STOREFRONT, ""):
            return f"Storefront: {channel.name.strip()}"
        return f"Channel: {channel.name.strip()} ({kind})"

    def name(self, channel_id: int) -> str:
        """The channel's name, else `channel 7`."""
        channel = self.channels.get(channel_id)
        return (
            channel.name.strip() if channel is not None and channel.name.strip() else f"channel {channel_id}"
        )

    def shopper_storefronts(self, accounts: Iterable[Customer], orders: Iterable[Order] = ()) -> str:
        """Where a shopper buys, as an agent reads it: the names of the channels its accounts may log in
        to and its orders came from, by channel id (`Sandbox Outfitters, Brew Outlet`); `""` when the
        store's channels are not known."""
        if not self.channels:
            return ""
        ids = {channel for account in accounts for channel in self.login_channels(account)}
        ids |= {order.channel_id or DEFAULT_CHANNEL_ID for order in orders}
        return ", ".join(self.name(channel_id) for channel_id in sorted(ids))

    def site_url(self, channel_id: int | None) -> str | None:
        """The storefront's site URL (no trailing slash), when it has one and it is known."""
        return self.site_urls.get(channel_id or DEFAULT_CHANNEL_ID)

    def is_stencil(self, channel_id: int | None) -> bool:
        """Whether the channel is a Stencil storefront (platform `bigcommerce`), whose shopper accounts
        live at `/account.php`; unknown channels are not."""
        channel = self.channels.get(channel_id or DEFAULT_CHANNEL_ID)
        return channel is not None and channel.platform.strip().lower() == "bigcommerce"

    def login_channels(self, customer: Customer) -> list[int]:
        """The channels the account may log in to, as far as known: its `channel_ids`; for a global
        account, the storefronts not known to refuse global logins (the default one when the store's
        storefronts are unknown)."""
        if customer.channel_ids:
            return sorted(set(customer.channel_ids))
        allowed = [channel for channel in self.storefront_ids if self.global_logins.get(channel) is not False]
        return allowed or [customer.origin_channel_id or DEFAULT_CHANNEL_ID]

    def disjoint(self, first: Customer, second: Customer) -> bool:
        """Whether the two accounts are known to share no channel (the module docstring, rule 4)."""
        if first.channel_ids and second.channel_ids:
            return not set(first.channel_ids) & set(second.channel_ids)
        explicit = first.channel_ids or second.channel_ids
        if not explicit:
            return False  # two global accounts: both may log in wherever global logins are allowed
        return all(self.global_logins.get(channel) is False for channel in explicit)


# --- one person, several accounts --------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _digits(text: str) -> str:
    return "".join(character for character in text if character.isascii() and character.isdigit())


def _phones_agree(first: str, second: str) -> bool:
    short, long = sorted((_digits(first), _digits(second)), key=len)
    return not short or (len(short) >= 7 and long.endswith(short))


def same_person(first: Customer, second: Customer, storefronts: Storefronts) -> bool:
    """Whether two accounts are one person's channel-specific copies (the module docstring's rule)."""
    email = _key(first.email)
    return (
        bool(email)
        and email == _key(second.email)
        and bool(_key(first.first_name) or _key(first.last_name))
        and (_key(first.first_name), _key(first.last_name))
        == (_key(second.first_name), _key(second.last_name))
        and _phones_agree(first.phone, second.phone)
        and storefronts.disjoint(first, second)
    )


def people(customers: Iterable[Customer], storefronts: Storefronts) -> list[tuple[Customer, ...]]:
    """The accounts grouped by person, each person's accounts by id, people in the order of their first
    account. An account joins a person only when it is one person with every account already there,
    so a second person sharing the email stays apart."""
    found: list[list[Customer]] = []
    for customer in sorted({customer.id: customer for customer in customers}.values(), key=lambda c: c.id):
        person = next(
            (group for group in found if all(same_person(other, customer, storefronts) for other in group)),
            None,
        )
        if person is None:
            found.append([customer])
        else:
            person.append(customer)
    return [tuple(person) for person in found]


def may_share_a_person(customers: Sequence[Customer]) -> bool:
    """Whether any two of the accounts share an email: only then can they be one person, and only then
    is it worth reading the store's storefronts to tell."""
    emails = [_key(customer.email) for customer in customers if _key(customer.email)]
    return len(emails) != len(set(emails))


# --- reading them ------------------------------------------------------------------------------------

RunAll = Callable[[Sequence[Callable[[], object]]], list[object]]
"""Runs calls and answers their results in order (each failure raised): at once, or one by one."""


def one_by_one(calls: Sequence[Callable[[], object]]) -> list[object]:
    return [call() for call in calls]


def read_storefronts(
    client: BigCommerceClient, deadline: Deadline, run_all: RunAll = one_by_one
) -> Storefronts:
    """The store's channels, and when it has more than one, its sites and its storefronts' customer
    settings (run by `run_all`: the lookups run them at once).

    A scope the API account lacks (403: the store's admin did not grant Channel Settings or Sites &
    Routes) reads as not known, logged: the store then looks like a store of one storefront (no
    channels), or has no storefront links (no sites), or takes no accounts for one person (no
    settings). Any other failure raises, so that nothing is kept from it.
    """
    try:
        channels = client.list_channels(deadline=deadline)
    except Forbidden:
        logger.warning("Channels not readable (no Channel Settings scope): one storefront assumed")
        return Storefronts.unknown()
    if len(channels) <= 1:
        return Storefronts.of(channels)
    ids = Storefronts.of(channels).storefront_ids[:MAX_STOREFRONT_SETTINGS]

    def read_sites() -> list[Site]:
        try:
            return client.list_sites(deadline=deadline)
        except Forbidden:
            logger.warning("Sites not readable (no Sites & Routes scope): storefront links left out")
            return []

    def read_settings(channel_id: int) -> CustomerChannelSettings | None:
        try:
            return client.get_channel_customer_settings(channel_id, deadline=deadline)
        except Forbidden:
            return None

    sites, *settings = run_all([read_sites, *(partial(read_settings, channel_id) for channel_id in ids)])
    read = {
        channel_id: cast(CustomerChannelSettings | None, found)
        for channel_id, found in zip(ids, settings, strict=True)
    }
    return Storefronts.of(channels, cast(list[Site], sites), read)
