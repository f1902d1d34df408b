"""Channels, their sites and the customer settings per channel (facts: `devtools.sandbox.channels`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from devtools.sandbox.channels import (
    DEFAULT_CHANNEL_ID,
    DEFAULT_SITE_ID,
    PLATFORM_TYPES,
    Channel,
    ChannelCustomerSettings,
    Site,
    default_status,
    writable_statuses,
)
from devtools.sandbox.errors import ApiError
from devtools.sandbox.formats import utc_now
from devtools.sandbox.inputs import ChannelCreateIn, CustomerSettingsIn
from devtools.sandbox.records import StoreInfo
from devtools.sandbox.store_base import StoreState

NOT_FOUND = "Not found"  # the title of channels.v3's `channel_not_found` example


class ChannelRecords(StoreState):
    def set_store_info(self, info: StoreInfo) -> None:
        """Another store's information (`GET /v2/store`); its default storefront is named after it and
        its default site is its `secure_url`, as a new store's are."""
        with self.lock:
            self.info = info
            self.channels[DEFAULT_CHANNEL_ID].name = info.name
            self.channels[DEFAULT_CHANNEL_ID].currencies = [info.currency]
            self.sites[DEFAULT_SITE_ID].url = info.secure_url

    # --- channels -------------------------------------------------------------------------------

    def channel(self, channel_id: int) -> Channel:
        with self.lock:
            found = self.channels.get(channel_id)
            if found is None:
                raise ApiError(404, NOT_FOUND, detail=f"There is no channel {channel_id}.")
            return found

    def create_channel(self, data: ChannelCreateIn, *, date_created: datetime | None = None) -> Channel:
        """A new channel: `type` and `platform` a valid pair, a status its type may be given (not
        `deleted` on creation), and no other channel with the same name, platform and type (409,
        channels.v3 `duplicate_channel_resp`). It refuses global customer logins until told otherwise
        ("on by default only for the default storefront")."""
        if data.type not in PLATFORM_TYPES.get(data.platform, frozenset({data.type})):
            raise ApiError(
                422,
                "Invalid type and platform combination",
                errors={"platform": f"{data.platform} channels cannot be of type {data.type}"},
            )
        status = data.status or default_status(data.type)
        if status not in writable_statuses(data.type) or status == "deleted":
            raise ApiError(
                422, "Invalid status", errors={"status": f"{status} is not valid for a new {data.type}"}
            )
        with self.lock:
            same = (data.name.casefold(), data.platform, data.type)
            if any((c.name.casefold(), c.platform, c.type) == same for c in self.channels.values()):
                raise ApiError(
                    409, "Duplicate channel", detail="A channel with this name, platform and type exists."
                )
            created = date_created or utc_now()
            channel = Channel(
                id=self.next_id("channel"),
                name=data.name,
                type=data.type,
                platform=data.platform,
                status=status,
                date_created=created,
                date_modified=created,
                external_id=data.external_id,
                is_listable_from_ui=data.is_listable_from_ui,
                is_visible=data.is_visible,
                currencies=[self.info.currency],
            )
            self.channels[channel.id] = channel
            self.channel_customer_settings[channel.id] = ChannelCustomerSettings(allow_global_logins=False)
            return channel

    def add_channel(self, *, date_created: datetime | None = None, **fields: Any) -> Channel:
        """Test helper: the fields of `POST /v3/channels` (`name`, `type`, `platform`, `status`...)."""
        return self.create_channel(ChannelCreateIn.model_validate(fields), date_created=date_created)

    def check_order_channel(self, channel_id: int) -> None:
        """An order's channel must exist and be enabled (orders.v2 `channel_id`: "a non-existing or
        disconnected channel" is a validation error, 400 like the other v2 ones)."""
        with self.lock:
            found = self.channels.get(channel_id)
            if found is None or not found.is_enabled:
                state = "does not exist" if found is None else f"is {found.status}"
                raise ApiError(400, "Invalid channel_id", detail=f"Channel {channel_id} {state}.")

    # --- sites ----------------------------------------------------------------------------------

    def site_of(self, channel_id: int) -> Site:
        """The channel's site; 404 for an unknown channel and for a channel without a site alike
        (KNOWN_DEVIATIONS `channel-without-site-404`)."""
        with self.lock:
            self.channel(channel_id)
            found = next((site for site in self.sites.values() if site.channel_id == channel_id), None)
            if found is None:
                raise ApiError(404, NOT_FOUND, detail=f"Channel {channel_id} has no site.")
            return found

    def create_site(self, channel_id: int, url: str, *, created: datetime | None = None) -> Site:
        """A site for a channel that has none ("zero or one sites", `site_Post`), at a URL no other
        site uses (docs@24f580c manually-create-catalyst-channel.mdx: "Ensure each domain is not
        already in use by another channel")."""
        with self.lock:
            self.channel(channel_id)
            if any(site.channel_id == channel_id for site in self.sites.values()):
                raise ApiError(
                    422, "Site already exists", errors={"channel_id": f"channel {channel_id} has a site"}
                )
            self._check_url(url, channel_id)
            now = created or utc_now()
            site = Site(self.next_id("site"), channel_id, url, now, now)
            self.sites[site.id] = site
            return site

    def update_site(self, channel_id: int, url: str) -> Site:
        with self.lock:
            site = self.site_of(channel_id)
            self._check_url(url, channel_id)
            site.url, site.updated_at = url, utc_now()
            return site

    def _check_url(self, url: str, channel_id: int) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ApiError(
                422, "Invalid url", errors={"url": "a fully qualified URL, with scheme and host, is required"}
            )
        for site in self.sites.values():
            if site.channel_id != channel_id and urlsplit(site.url).hostname == parts.hostname:
                raise ApiError(422, "Invalid url", errors={"url": "the domain is in use by another channel"})

    # --- customer settings ----------------------------------------------------------------------

    def channel_settings(self, channel_id: int) -> ChannelCustomerSettings:
        with self.lock:
            self.channel(channel_id)
            return self.channel_customer_settings.setdefault(
                channel_id, ChannelCustomerSettings(allow_global_logins=channel_id == DEFAULT_CHANNEL_ID)
            )

    def update_customer_settings(self, data: CustomerSettingsIn) -> None:
        """`PUT /v3/customers/settings`: the members sent; store-wide values cannot be null."""
        with self.lock:
            changes = self._settings_changes(data)
            if nulls := sorted(name for name, value in changes.items() if value is None):
                raise ApiError(422, "Invalid settings", errors={name: "cannot be null" for name in nulls})
            for name, value in changes.items():
                setattr(self.customer_settings, name, value)

    def update_channel_settings(self, channel_id: int, data: CustomerSettingsIn) -> ChannelCustomerSettings:
        """`PUT /v3/customers/settings/channels/{id}`: the members sent; `null` removes an override."""
        with self.lock:
            settings = self.channel_settings(channel_id)
            changes = self._settings_changes(data)
            if "allow_global_logins" in data.model_fields_set:
                if data.allow_global_logins is None:
                    raise ApiError(
                        422, "Invalid settings", errors={"allow_global_logins": "must be true or false"}
                    )
                changes["allow_global_logins"] = data.allow_global_logins
            for name, value in changes.items():
                setattr(settings, name, value)
            return settings

    def _settings_changes(self, data: CustomerSettingsIn) -> dict[str, Any]:
        changes = {
            name: getattr(section, name)
            for section in (data.privacy_settings, data.customer_group_settings)
            for name in section.model_fields_set
        }
        for name in ("guest_customer_group_id", "default_customer_group_id"):
            group = changes.get(name)
            if group and group not in self.customer_groups:
                raise ApiError(422, "Invalid settings", errors={name: f"there is no customer group {group}"})
        return changes
