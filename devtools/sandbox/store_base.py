"""`StoreState`: the tables of one fake store, its lock and its id sequences.

`SandboxStore` (`devtools.sandbox.store`) is this state plus the rules of each part of the store,
one module each: customers (`store_customers`), channels and their sites (`store_channels`),
promotions (`store_promotions`), orders and shipments (`store`).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from devtools.sandbox.channels import (
    DEFAULT_CHANNEL_ID,
    DEFAULT_SITE_ID,
    STOREFRONT,
    Channel,
    ChannelCustomerSettings,
    CustomerSettings,
    Site,
)
from devtools.sandbox.records import (
    CatalogProduct,
    CouponCode,
    Customer,
    CustomerGroup,
    Order,
    Promotion,
    Refund,
    Shipment,
    StoreInfo,
)

# When the default storefront and its site were made: before every seeded record.
STORE_OPENED = datetime(2023, 9, 1, 12, 0, tzinfo=UTC)
ID_STARTS = {
    "customer": 1,
    "customer_address": 1,
    "order": 100,
    "order_product": 1,
    "order_address": 1,
    "shipment": 1,
    "refund": 1,
    "refund_payment": 1,
    "promotion": 1,
    "coupon_code": 1,
    "channel": DEFAULT_CHANNEL_ID + 1,
    "site": DEFAULT_SITE_ID + 1,
}


class StoreState:
    """One store's data. All reads and writes happen under `lock`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.info = StoreInfo()
        self.catalog: dict[int, CatalogProduct] = {}
        self.customer_groups: dict[int, CustomerGroup] = {}
        self.customers: dict[int, Customer] = {}
        self.orders: dict[int, Order] = {}
        self.shipments: dict[int, list[Shipment]] = {}
        self.refunds: dict[int, Refund] = {}
        self.refunds_in_progress: set[int] = set()
        self.promotions: dict[int, Promotion] = {}
        self.coupon_codes: dict[int, CouponCode] = {}
        self.channels: dict[int, Channel] = {}
        self.sites: dict[int, Site] = {}
        self.customer_settings = CustomerSettings()
        self.channel_customer_settings: dict[int, ChannelCustomerSettings] = {}
        self.status_labels: dict[int, str] = {}
        """Statuses the merchant renamed (id -> label): orders answer it as `custom_status`."""
        self.duplicate_code_status = 422
        """Knob: the status of a duplicate coupon code (422 by default; 409 is the other reading)."""
        self._ids: dict[str, Iterator[int]] = {}
        self.clear()

    def clear(self) -> None:
        """Forget everything; ids start again (orders at 100, like a new BigCommerce store). What a
        new store already has stays: channel 1, the default storefront, and its site 1000."""
        with self.lock:
            self.info = StoreInfo()
            self.duplicate_code_status = 422
            for table in (self.catalog, self.customers, self.orders, self.shipments, self.refunds):
                table.clear()
            self.customer_groups.clear()
            self.status_labels.clear()
            self.promotions.clear()
            self.coupon_codes.clear()
            self.refunds_in_progress.clear()
            self.channels.clear()
            self.sites.clear()
            self.customer_settings = CustomerSettings()
            self.channel_customer_settings.clear()
            self._ids = {name: itertools.count(start) for name, start in ID_STARTS.items()}
            self.channels[DEFAULT_CHANNEL_ID] = Channel(
                id=DEFAULT_CHANNEL_ID,
                name=self.info.name,
                type=STOREFRONT,
                platform="bigcommerce",
                status="active",
                date_created=STORE_OPENED,
                date_modified=STORE_OPENED,
                currencies=[self.info.currency],
            )
            self.sites[DEFAULT_SITE_ID] = Site(
                DEFAULT_SITE_ID, DEFAULT_CHANNEL_ID, self.info.secure_url, STORE_OPENED, STORE_OPENED
            )
            # "Your BigCommerce hosted storefront has channel ID 1 and allows global customer logins
            # by default" (docs@24f580c docs/store-operations/customers/channel-specific-customers.mdx).
            self.channel_customer_settings[DEFAULT_CHANNEL_ID] = ChannelCustomerSettings(
                allow_global_logins=True
            )

    def next_id(self, kind: str) -> int:
        return next(self._ids[kind])

    @contextmanager
    def numbered_from(self, **starts: int) -> Iterator[None]:
        """Records made inside take ids from `starts` (kind -> first id), and each sequence resumes
        afterwards where it was: a seed's own block of ids (real stores' ids have gaps too) that
        never moves the ids of the fixtures seeded around it."""
        with self.lock:
            saved = {kind: self._ids[kind] for kind in starts}
            self._ids.update({kind: itertools.count(start) for kind, start in starts.items()})
            try:
                yield
            finally:
                self._ids.update(saved)
