"""Sales channels and their sites (v3 Channels and Sites), and a channel's customer settings (v3
Customers), as the adaptor reads them (``bigcommerce/storefronts.py`` puts them together).

Sources: ``reference/bigcommerce/openapi/channels.v3.yml`` (``ChannelWithoutCurrencies``, ``Site``),
``sites.v3.yml`` (``_site``, ``Url``) and ``customers.v3.yml`` (``CustomerChannelSettingsObject``).
A captured answer of a channel's site carries no ``urls`` at all (docs@24f580c
docs/storefront/headless/cart-checkout/abandoned-carts.mdx), so every member but the ids is optional.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from gladly_bigcommerce.bigcommerce.models.base import ApiModel, RecordModel, skip_unusable
from gladly_bigcommerce.bigcommerce.values import Text


class Channel(RecordModel):
    """`GET /v3/channels` item. `type` is one of `storefront`, `pos`, `marketplace`, `marketing`;
    `platform` is free text (`bigcommerce` for Stencil storefronts, `catalyst`, `amazon`...)."""

    id: int
    name: Text = ""
    type: Text = ""
    platform: Text = ""
    status: Text = ""


class SiteUrl(RecordModel):
    """One of a site's URLs: `primary`, `canonical` or `checkout`."""

    url: Text = ""
    type: Text = ""


class Site(RecordModel):
    """`GET /v3/sites` item: where one channel's storefront is hosted. `url` is "the fully qualified
    URL (including host and scheme)", answered as the merchant entered it (with or without a trailing
    slash); `urls` lists its primary, canonical and checkout URLs, and may be absent."""

    id: int
    url: Text = ""
    channel_id: int | None = None
    urls: Annotated[list[SiteUrl], skip_unusable(SiteUrl)] = Field(default_factory=list)

    @property
    def primary_url(self) -> str:
        """The site's primary URL, else its `url`; `""` when it has neither."""
        primary = next((item.url for item in self.urls if item.type == "primary" and item.url.strip()), "")
        return (primary or self.url).strip()


class CustomerChannelSettings(ApiModel):
    """`GET /v3/customers/settings/channels/{channel_id}` `data`: only what the adaptor reads.

    `allow_global_logins`: whether customers with `channel_ids: null` (global accounts) may log in
    to this channel. `null` "indicates that there is no override provided for a given channel", so
    the adaptor reads it as unknown.
    """

    allow_global_logins: bool | None = None
