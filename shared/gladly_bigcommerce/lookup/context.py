"""What a lookup runs with: its settings, the store's connection, its deadline and the public base URL."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import BigCommerceError
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts
from gladly_bigcommerce.lookup.calls import result
from gladly_bigcommerce.lookup.search import (
    PhoneRegion,
)
from gladly_bigcommerce.lookup.shopper_phones import store_region
from gladly_bigcommerce.lookup.store_settings import StoreSettings
from gladly_bigcommerce.observability import logger
from gladly_bigcommerce.settings.model import AdaptorSettings


@dataclass(frozen=True)
class LookupDeps:
    """What a lookup needs: the settings, the store connection, the deadline for BigCommerce, and the
    API's public base URL (``Dependencies.public_base_url``), on which action form URLs are built."""

    settings: AdaptorSettings
    connection: StoreConnection
    deadline: Deadline
    public_base_url: str

    @property
    def client(self) -> BigCommerceClient:
        return self.connection.client

    @property
    def store_settings(self) -> StoreSettings:
        return self.connection.kept(StoreSettings, StoreSettings.of)

    def phone_region(self, *, read: bool = True) -> PhoneRegion:
        """Where a search reads phones whose record names no country: the store's country, kept per
        container or read alongside the search (not while the store's quota is nearly spent, nor
        without `read`), else DEFAULT_PHONE_REGION."""
        store = self.store_settings.store
        kept, default = store.value, self.settings.default_phone_region
        if kept is not None or not read or self.client.quota.nearly_spent(1):
            return PhoneRegion(store_region(kept, default))
        return PhoneRegion(default, partial(store.fetch, self.deadline), self.deadline)

    def storefronts(self) -> Storefronts:
        """The store's storefronts, kept per container or read now; unknown (a store of one storefront
        as far as the lookup can tell, logged) when they cannot be read."""
        try:
            return result(self.store_settings.storefronts.fetch(self.deadline), self.deadline)
        except BigCommerceError as error:
            logger.warning("Storefronts unreadable; accounts taken one by one", extra={"error": str(error)})
            return Storefronts.unknown()
