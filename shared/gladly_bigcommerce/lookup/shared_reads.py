"""What a DETAILED profile reads through the cache every container shares (`bigcommerce/shared_cache.py`).

Once the shopper's orders are known, ONE batched read asks the shared table for everything else the
profile shows and this container does not keep in memory: each shipped order's shipments, the line
items of orders whose consignments miss some, the products' catalog images, the store information and
the customer group names. What is there is used; the rest is read from BigCommerce, all at once as
before, and written back for the next container. A returning shopper thus costs the three calls that
find them (customer, orders, guest orders) in any container, and one DynamoDB round trip.

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
- customer group names, at most `GROUP_NAMES_MAX_AGE_SECONDS` (as each container's memory);
- store information (domain, currency, country), at most `STORE_MAX_AGE_SECONDS`.

To share another read (a country list, a storefront's channels): give it a `CacheKey` kind and a
maximum age, add its key to the batch (`ProfileReads.read`'s `extra` keys), and on a miss read it from
BigCommerce and `remember` it: `cached_or_call` does both for a value with a JSON form.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from gladly_bigcommerce.bigcommerce.models import Order, OrderProduct, Shipment, StoreInfo
from gladly_bigcommerce.bigcommerce.shared_cache import CacheKey, SharedCache
from gladly_bigcommerce.lookup.calls import submit
from gladly_bigcommerce.lookup.product_images import TTL_SECONDS as IMAGE_TTL_SECONDS
from gladly_bigcommerce.lookup.store_settings import GROUP_NAMES_TTL_SECONDS

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

ORDER_PARTS_MAX_AGE_SECONDS = 5 * 60
IMAGE_MAX_AGE_SECONDS = IMAGE_TTL_SECONDS
GROUP_NAMES_MAX_AGE_SECONDS = GROUP_NAMES_TTL_SECONDS
STORE_MAX_AGE_SECONDS = 60 * 60

STORE_KEY = CacheKey("store", "")
GROUP_NAMES_KEY = CacheKey("customer_groups", "")


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


@dataclass
class ProfileReads:
    """One profile's batched read of the shared cache, and its writes of what it read elsewhere."""

    shared: SharedCache | None
    found: dict[CacheKey, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, shared: SharedCache | None, keys: Collection[CacheKey | None]) -> ProfileReads:
        """ONE batched read of every key (None: not cacheable); nothing without a shared cache."""
        wanted = {key for key in keys if key is not None}
        if shared is None or not wanted:
            return cls(shared)
        return cls(shared, shared.read(wanted))

    def hit(self, key: CacheKey | None, load: Callable[[Any], T]) -> tuple[T] | None:
        """`(value,)` when the cache holds the key in a readable shape, else None (a miss)."""
        if key is None or key not in self.found:
            return None
        try:
            return (load(self.found[key]),)
        except (ValueError, TypeError, KeyError, AttributeError):  # pydantic's errors are ValueErrors
            return None  # an entry in an older shape: read it again

    def has(self, key: CacheKey | None) -> bool:
        return key is not None and key in self.found

    def remember(self, entries: Mapping[CacheKey | None, Any], max_age_seconds: float) -> None:
        """Write these JSON values for the next container (a no-op without a shared cache)."""
        kept = {key: value for key, value in entries.items() if key is not None}
        if self.shared is not None and kept:
            self.shared.write(kept, max_age_seconds)

    def cached_or_call(
        self,
        key: CacheKey | None,
        max_age_seconds: float,
        load: Callable[[Any], T],
        dump: Callable[[T], Any],
        call: Callable[[], T],
    ) -> Future[T]:
        """The cached value as a finished future; on a miss, `call` started now, its answer written back."""
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
