"""What a DETAILED profile reads through the cache every container shares (`bigcommerce/shared_cache.py`).

Beyond the shopper and the order list, a profile shows each shipped order's shipments, the line items
of orders whose consignments miss some, the products' catalog images, the store information and the
customer group names. Reading the cache must not add a round trip, yet an order part's key needs the
order's `date_modified`, known only once the orders arrive. So (`ProfileReads`):

- ONE batched read, sent alongside the first wave of BigCommerce calls (customer, orders, guest
  orders), asks for the shopper's entry (`shopper_key`: the customer id or the guest's email, hashed)
  and the store settings this container does not keep. The entry holds every part the shopper's last
  profile used, each under its own key (an order part's carries the order's `date_modified`) with its
  own expiry; when the orders arrive, a part is used only if its key is the one the order list makes.
- Only the keys the entry did not answer (a changed order, a first visit, an image it lacks) are read
  in a second batch, among the per-part entries other lookups wrote (images are shared by shoppers).
- What neither holds is read from BigCommerce, all at once as before, and `finish` writes it, with the
  shopper's new entry, in one batched write (the entry is not rewritten when nothing changed).

A returning shopper thus costs the three calls that find them (customer, orders, guest orders) in any
container, and no round trip beyond them.

Why nothing cached stays wrong for long (every entry also expires by DynamoDB TTL, and `read`
ignores an expired entry TTL has not deleted yet):

- an order's shipments and line items are keyed by the order's id AND its `date_modified`: a write
  that moves it makes a new key, so the next lookup reads them afresh (the sandbox moves it on every
  write it accepts to an order: KNOWN_DEVIATIONS). BigCommerce does not say which writes do: the
  orders spec calls it "the last modification of the order" and lists none (orders.v2.oas2.yml,
  `date_modified`); its webhook docs say "Any change to an existing order fires" store/order/updated
  but give shipments events of their own (bigcommerce/docs, docs/integrations/webhooks/events/
  index.mdx); on other platforms child records do not always touch the order (WooCommerce issue
  #34798, Magento issue #10287). A tracking number edited on an existing shipment plausibly moves
  nothing, and `date_modified` has whole seconds (RFC 2822), so two writes in one second look alike:
  neither part is trusted for more than `ORDER_PARTS_MAX_AGE_SECONDS`. The order's status, totals
  and refunded amount are never cached: they come with the order list, read on every lookup (a
  refund BigCommerce declines or records late shows as soon as the order list says so); a separately
  listed line's `quantity_refunded` (digital or pickup items only) may lag by that maximum age at
  most, if a refund does not move `date_modified`;
- catalog images, at most `IMAGE_MAX_AGE_SECONDS` (as each container's memory keeps them);
- a part in a shopper's entry keeps the expiry it had where it came from (BigCommerce's answer, a
  per-part entry, the container's memory): copying it into a newer entry never makes it younger;
- customer group names, at most `GROUP_NAMES_MAX_AGE_SECONDS` (as each container's memory);
- store information (domain, currency, country), at most `STORE_MAX_AGE_SECONDS`;
- the store's storefronts (channels, their sites, whether each lets global accounts log in), at most
  `STOREFRONTS_MAX_AGE_SECONDS` (as each container's memory): a storefront opened since shows that
  much later, as it would in a container that kept them.

To share another read (a country list, a storefront's channels): give it a `CacheKey` kind and a
maximum age, add its key to the first batch if it is known before the orders (`profile._start_reads`),
else to the second, and on a miss read it from BigCommerce and `remember` it: `cached_or_call` does
both for a value with a JSON form.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from functools import partial
from typing import Any, TypeVar

from pydantic import BaseModel

from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import DeadlineExceeded
from gladly_bigcommerce.bigcommerce.models import Channel, Order, OrderProduct, Shipment, StoreInfo
from gladly_bigcommerce.bigcommerce.shared_cache import CacheKey, SharedCache
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts
from gladly_bigcommerce.gladly.customer_ids import CustomerRef, RegisteredRef
from gladly_bigcommerce.lookup.calls import result, submit
from gladly_bigcommerce.lookup.product_images import TTL_SECONDS as IMAGE_TTL_SECONDS
from gladly_bigcommerce.lookup.store_settings import GROUP_NAMES_TTL_SECONDS

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

ORDER_PARTS_MAX_AGE_SECONDS = 5 * 60
IMAGE_MAX_AGE_SECONDS = IMAGE_TTL_SECONDS
GROUP_NAMES_MAX_AGE_SECONDS = GROUP_NAMES_TTL_SECONDS
STORE_MAX_AGE_SECONDS = 60 * 60
STOREFRONTS_MAX_AGE_SECONDS = GROUP_NAMES_TTL_SECONDS  # as each container's memory keeps them

STORE_KEY = CacheKey("store", "")
GROUP_NAMES_KEY = CacheKey("customer_groups", "")
STOREFRONTS_KEY = CacheKey("storefronts", "")
SHOPPER_KIND = "shopper"

Entry = tuple[Any, float]
"""A cached JSON value and when it expires (seconds since the epoch)."""


def shipments_key(order: Order) -> CacheKey | None:
    """The order's shipments at this version of the order (None: without a `date_modified`, never cached)."""
    return _order_key("shipments", order)


def products_key(order: Order) -> CacheKey | None:
    """The order's line items at this version of the order."""
    return _order_key("order_products", order)


def image_key(product_id: int) -> CacheKey:
    return CacheKey("product_image", str(product_id))


def _order_key(kind: str, order: Order) -> CacheKey | None:
    if order.date_modified is None:
        return None
    return CacheKey(kind, str(order.id), order.date_modified.isoformat())


def profile_keys(
    shipped: Sequence[Order], incomplete: Sequence[Order], product_ids: Collection[int]
) -> list[CacheKey | None]:
    """The keys of a profile's enrichment: shipments, line items, the images not kept in memory."""
    return [
        *map(shipments_key, shipped),
        *map(products_key, incomplete),
        *(image_key(product_id) for product_id in product_ids),
    ]


def load_models(model: type[M]) -> Callable[[Any], list[M]]:
    return lambda data: [model.model_validate(item) for item in data]


def dump_models(values: Sequence[BaseModel]) -> list[Any]:
    return [value.model_dump(mode="json", by_alias=True) for value in values]


load_shipments = load_models(Shipment)
load_products = load_models(OrderProduct)


def load_store(data: Any) -> StoreInfo:
    return StoreInfo.model_validate(data)


def dump_store(store: StoreInfo) -> Any:
    return store.model_dump(mode="json", by_alias=True)


def load_group_names(data: Any) -> dict[int, str]:
    return {int(group_id): str(name) for group_id, name in data.items()}


def dump_group_names(names: Mapping[int, str]) -> Any:
    return {str(group_id): name for group_id, name in names.items()}


def load_storefronts(data: Any) -> Storefronts:
    channels = [Channel.model_validate(channel) for channel in data["channels"]]
    return Storefronts(
        channels={channel.id: channel for channel in channels},
        site_urls={int(channel_id): str(url) for channel_id, url in data["site_urls"].items()},
        global_logins={
            int(channel_id): _flag(allowed) for channel_id, allowed in data["global_logins"].items()
        },
    )


def _flag(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError("not a flag")  # an entry in another shape: a miss, read again
    return value


def dump_storefronts(storefronts: Storefronts) -> Any:
    return {
        "channels": dump_models(list(storefronts.channels.values())),
        "site_urls": {str(channel_id): url for channel_id, url in storefronts.site_urls.items()},
        "global_logins": {
            str(channel_id): allowed for channel_id, allowed in storefronts.global_logins.items()
        },
    }


def shopper_key(ref: CustomerRef) -> CacheKey:
    """The shopper's entry: a registered customer by id, a guest by email, hashed (no email in a key)."""
    who = f"customer:{ref.customer_id}" if isinstance(ref, RegisteredRef) else f"guest:{ref.email}"
    return CacheKey(SHOPPER_KIND, hashlib.sha256(who.encode()).hexdigest())


class ProfileReads:
    """One DETAILED profile's reads of the shared cache, and its writes of what it read elsewhere.

    `start` sends ONE batched read, alongside the first wave of BigCommerce calls, of the shopper's
    entry and of the store settings this container does not keep; `complete`, once the orders are
    known, asks in one more batched read only for the keys that entry did not answer (none for a
    returning shopper whose orders did not change); `finish` writes in one batched write what the
    profile read from BigCommerce and the shopper's new entry. Thread-safe: misses are read, and
    `remember`ed, on pool threads.
    """

    def __init__(
        self,
        shared: SharedCache | None,
        shopper: CacheKey | None = None,
        on_first: Callable[[Mapping[CacheKey, Entry]], None] | None = None,
    ) -> None:
        self.shared = shared
        self.shopper = shopper
        self._on_first = on_first
        self._first: Future[dict[CacheKey, Entry]] | None = None
        self._entries: dict[CacheKey, Entry] = {}
        self._bundled: dict[CacheKey, Entry] = {}
        self._pending: dict[CacheKey, Entry] = {}
        self._lock = threading.Lock()

    @classmethod
    def start(
        cls,
        shared: SharedCache | None,
        shopper: CacheKey | None,
        keys: Collection[CacheKey],
        on_first: Callable[[Mapping[CacheKey, Entry]], None] | None = None,
    ) -> ProfileReads:
        """Start the batched read of the shopper's entry and `keys` (nothing without a shared cache);
        `on_first` is given what it found, once it has."""
        reads = cls(shared, shopper, on_first)
        wanted = {*keys, *([shopper] if shopper else [])}
        if shared is not None and wanted:
            reads._first = submit(partial(shared.read_entries, wanted))
        return reads

    def wait_first(self, deadline: Deadline) -> None:
        """Wait for the first read (once), and take the shopper's entry apart."""
        if self._first is None:
            return
        try:
            first = result(self._first, deadline)
        except DeadlineExceeded:
            first = {}  # the lookup's time is up: BigCommerce's answers are on their way already
        self._first = None
        if self._on_first is not None:
            self._on_first(first)
        self._entries.update(first)
        if self.shopper is not None and self.shopper in first:
            self._bundled = _unbundle(first[self.shopper][0], self.shared)
            self._entries.update(self._bundled)

    def complete(self, keys: Collection[CacheKey | None], deadline: Deadline) -> None:
        """Wait for the first read, and read once more the `keys` (None: not cacheable) it did not
        answer; no second read when it answered every one."""
        self.wait_first(deadline)
        missing = {key for key in keys if key is not None and key not in self._entries}
        if self.shared is not None and missing:
            self._entries.update(self.shared.read_entries(missing))

    def hit(self, key: CacheKey | None, load: Callable[[Any], T]) -> tuple[T] | None:
        """`(value,)` when the cache holds the key in a readable shape, else None (a miss)."""
        if key is None or key not in self._entries:
            return None
        try:
            return (load(self._entries[key][0]),)
        except (ValueError, TypeError, KeyError, AttributeError):  # pydantic's errors are ValueErrors
            return None  # an entry in an older shape: read it again

    def has(self, key: CacheKey | None) -> bool:
        return key is not None and key in self._entries

    def remember(self, entries: Mapping[CacheKey | None, Any], max_age_seconds: float) -> None:
        """Keep these JSON values for the next container: written by `finish` (nothing without a
        shared cache)."""
        if self.shared is None:
            return
        expires_at = self.shared.now() + max_age_seconds
        with self._lock:
            for key, value in entries.items():
                if key is not None:
                    self._pending[key] = self._entries[key] = (value, expires_at)

    def finish(
        self, keys: Collection[CacheKey | None], kept: Mapping[CacheKey, tuple[Any, float]] | None = None
    ) -> None:
        """Write, in one batched write, what was `remember`ed and the shopper's entry: every one of
        `keys` (all the profile's order parts and images) whose value is known, here or in `kept`
        (what the container keeps in memory, with the seconds it has left), each with the time it
        expires, never later than its source's; the entry is not written again when unchanged."""
        if self.shared is None:
            return
        now = self.shared.now()
        with self._lock:
            for key, (value, left) in (kept or {}).items():
                self._entries.setdefault(key, (value, now + left))
            writes = dict(self._pending)
            self._pending.clear()
            bundle = {
                key: entry
                for key in keys
                if key is not None and (entry := self._entries.get(key)) is not None and entry[1] > now
            }
        if self.shopper is not None and bundle and bundle != self._bundled:
            parts = [[key.kind, key.name, key.version, until, part] for key, (part, until) in bundle.items()]
            writes[self.shopper] = ({"parts": parts}, max(until for _, until in bundle.values()))
        if writes:
            self.shared.put(writes)

    def cached_or_call(
        self,
        key: CacheKey | None,
        max_age_seconds: float,
        load: Callable[[Any], T],
        dump: Callable[[T], Any],
        call: Callable[[], T],
    ) -> Future[T]:
        """The cached value as a finished future; on a miss, `call` started now, its answer remembered."""
        hit = self.hit(key, load)
        if hit is not None:
            done: Future[T] = Future()
            done.set_result(hit[0])
            return done

        def read_and_remember() -> T:
            value = call()
            self.remember({key: dump(value)}, max_age_seconds)
            return value

        return submit(read_and_remember)


def _unbundle(value: Any, shared: SharedCache | None) -> dict[CacheKey, Entry]:
    """The parts of a shopper's entry not yet past their own expiry (an unreadable entry: none)."""
    now = shared.now() if shared is not None else 0.0
    parts: dict[CacheKey, Entry] = {}
    try:
        for kind, name, version, until, part in value["parts"]:
            if float(until) > now:
                parts[CacheKey(str(kind), str(name), str(version))] = (part, float(until))
    except (KeyError, TypeError, ValueError):
        return {}
    return parts
