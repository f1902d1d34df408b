"""Sales channels, their sites, and the customer settings per channel, as a store holds them.

Facts (channels.v3.yml, sites.v3.yml, customers.v3.yml; docs@24f580c is `bigcommerce/docs` at the
commit the OpenAPI files were copied from):

* Channel 1 always exists: "The ID of this channel is `1` for all BigCommerce stores ... it cannot be
  deleted", and its site, "the default site", has id 1000 ("The first Stencil storefront of each
  merchant store has an ID of `1000`", docs@24f580c docs/storefront/multi-storefront/index.mdx).
  `GET /channels` "Will always return the default BigCommerce storefront with an ID of `1`".
* A channel has zero or one site ("each channel can have either zero or one sites", `site_Post`;
  "channels are not required to have a site"); new site ids follow 1000.
* `type` and `platform` must be a valid pair (the table in channels.v3.yml's description, below), the
  statuses a channel may be given depend on its type ("Writable Statuses"), `deleted` is not valid
  for POST and `terminated` is read-only.
* An order's channel must be "a valid and enabled channel. If the ID refers to a non-existing or
  disconnected channel, the POST and PUT `/v2/orders` endpoints return a validation error" (orders.v2
  `channel_id`). Enabled is the deprecated `is_enabled`: "If the channel status is `prelaunch`,
  `active`, or `connected`, then `is_enabled` will be `true`".
* Customer settings: global ones (`/customers/settings`) and per-channel overrides, where `null` means
  "no override ... inherited from Global Settings"; `allow_global_logins` is per channel and "on by
  default only for the default storefront" (createCustomers notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

DEFAULT_CHANNEL_ID = 1
DEFAULT_SITE_ID = 1000
ICON_URL = "https://storage.googleapis.com/bigcommerce-production-dev-center/images/{platform}_icon.svg"

STOREFRONT = "storefront"
# channels.v3.yml "Platform": the types each platform accepts (`custom` accepts every type).
PLATFORM_TYPES: dict[str, frozenset[str]] = {
    **{name: frozenset({"pos"}) for name in ("clover", "square", "stripe", "talech", "vend")},
    **{
        name: frozenset({"marketplace"})
        for name in (
            "amazon",
            "belk",
            "catch",
            "ebay",
            "etsy",
            "hudsons_bay",
            "macys",
            "mirakl",
            "overstock",
            "pinterest",
            "target_plus",
            "tiktok",
            "wayfair",
            "wish",
            "walmart",
        )
    },
    **{name: frozenset({"marketplace", "marketing"}) for name in ("facebook", "google", "instagram", "meta")},
    **{name: frozenset({"marketing"}) for name in ("google_shopping", "microsoft")},
    **{
        name: frozenset({STOREFRONT})
        for name in (
            "acquia",
            "bigcommerce",
            "bloomreach",
            "catalyst",
            "deity",
            "drupal",
            "gatsby",
            "next",
            "vue",
            "wordpress",
        )
    },
    "custom": frozenset({STOREFRONT, "pos", "marketing", "marketplace"}),
}
# channels.v3.yml "Status": the statuses a request may set, by type (`terminated` is read-only).
STOREFRONT_STATUSES = frozenset({"prelaunch", "active", "inactive", "archived", "deleted"})
OTHER_STATUSES = frozenset({"connected", "disconnected", "archived", "deleted"})
ENABLED_STATUSES = frozenset({"prelaunch", "active", "connected"})
AVAILABLE_STATUSES = frozenset({"prelaunch", "active", "inactive", "connected"})
"""`available=true` on GET /channels: "channels with the status of `prelaunch`, `active`, `inactive`,
and `connected`"; `available=false` answers the others."""


def writable_statuses(channel_type: str) -> frozenset[str]:
    return STOREFRONT_STATUSES if channel_type == STOREFRONT else OTHER_STATUSES


def default_status(channel_type: str) -> str:
    """The status of a channel created without one (undocumented: a new storefront is not launched
    yet, `prelaunch`; another kind of channel is `connected`)."""
    return "prelaunch" if channel_type == STOREFRONT else "connected"


@dataclass
class Channel:
    id: int
    name: str
    type: str
    platform: str
    status: str
    date_created: datetime
    date_modified: datetime
    external_id: str = ""
    is_listable_from_ui: bool = True
    is_visible: bool = True
    currencies: list[str] = field(default_factory=lambda: ["USD"])
    """Enabled currencies, the first being the channel's default (`include=currencies`)."""

    @property
    def is_enabled(self) -> bool:
        return self.status in ENABLED_STATUSES


@dataclass
class Site:
    """A channel's site: the URL its storefront lives at, exactly as the merchant entered it (with
    or without a trailing slash, with or without `www`: channels.v3.yml "Channel site" note)."""

    id: int
    channel_id: int
    url: str
    created_at: datetime
    updated_at: datetime


@dataclass
class CustomerSettings:
    """`/customers/settings` (customers.v3 `CustomerSettingsObject`), the store-wide values."""

    ask_shopper_for_tracking_consent: bool = False
    ask_shopper_for_tracking_consent_on_checkout: bool = False
    policy_url: str = ""
    guest_customer_group_id: int = 0
    default_customer_group_id: int = 0


@dataclass
class ChannelCustomerSettings:
    """`/customers/settings/channels/{id}`: a channel's overrides (None: inherited) and whether the
    channel lets global customers (`channel_ids: null`) log in."""

    allow_global_logins: bool
    ask_shopper_for_tracking_consent: bool | None = None
    ask_shopper_for_tracking_consent_on_checkout: bool | None = None
    policy_url: str | None = None
    guest_customer_group_id: int | None = None
    default_customer_group_id: int | None = None
