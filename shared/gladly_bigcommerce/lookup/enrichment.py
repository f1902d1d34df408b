"""A DETAILED profile's enrichment: what it shows beyond the shopper and the order list, and what it
left out and why (`Skipped`, said in the profile's `detailsSkipped`).

Shipments of the orders that shipped something, products of orders whose consignments miss items
(digital, pickup) and the consignments' catalog images come from memory or the cache the containers
share (`shared_reads.py`, one batched read), and what neither holds from BigCommerce, all at once;
a failed call leaves only that part out, logged and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from gladly_bigcommerce.bigcommerce.errors import BigCommerceError, RateLimited
from gladly_bigcommerce.bigcommerce.models import Customer, Order, OrderProduct, Shipment
from gladly_bigcommerce.bigcommerce.shared_cache import CacheKey
from gladly_bigcommerce.bigcommerce.storefronts import Storefronts
from gladly_bigcommerce.lookup.calls import result, submit
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.mapping.orders import consignment_lines, lines_are_complete, needs_shipments
from gladly_bigcommerce.lookup.product_images import CACHE as IMAGE_CACHE
from gladly_bigcommerce.lookup.product_images import product_images
from gladly_bigcommerce.lookup.shared_reads import (
    GROUP_NAMES_KEY,
    GROUP_NAMES_MAX_AGE_SECONDS,
    IMAGE_MAX_AGE_SECONDS,
    ORDER_PARTS_MAX_AGE_SECONDS,
    STORE_KEY,
    STORE_MAX_AGE_SECONDS,
    STOREFRONTS_KEY,
    STOREFRONTS_MAX_AGE_SECONDS,
    ProfileReads,
    dump_group_names,
    dump_models,
    dump_store,
    dump_storefronts,
    image_key,
    load_group_names,
    load_products,
    load_shipments,
    load_store,
    load_storefronts,
    products_key,
    profile_keys,
    shipments_key,
)
from gladly_bigcommerce.lookup.store_settings import StoreSetting
from gladly_bigcommerce.observability import count, logger

T = TypeVar("T")

# Why a part was left out, as the agent reads it.
QUOTA_NEARLY_SPENT = "the store's BigCommerce request limit is nearly used up"
QUOTA_SPENT = "the store's BigCommerce request limit is used up"
UNREADABLE = "BigCommerce did not provide them"
UNREADABLE_VALUES = "BigCommerce sent values of an unexpected type"

# How the profile names each part it can leave out.
_PART_LABELS = {
    "shipments": "tracking",
    "older_shipments": "tracking of older orders",
    "products": "items of some orders",
    "product_images": "product images",
    "customer_groups": "customer group name",
    "store": "store details",
    "guest_orders": "guest orders",
    "storefronts": "storefronts",
    "other_accounts": "orders of the shopper's accounts on other storefronts",
}


# Each store setting the shared cache holds: its key, its JSON form both ways, its maximum age.
_SHARED_SETTINGS: dict[str, tuple[CacheKey, Callable[[Any], Any], Callable[[Any], Any], float]] = {
    "store": (STORE_KEY, load_store, dump_store, STORE_MAX_AGE_SECONDS),
    "customer_groups": (GROUP_NAMES_KEY, load_group_names, dump_group_names, GROUP_NAMES_MAX_AGE_SECONDS),
    "storefronts": (STOREFRONTS_KEY, load_storefronts, dump_storefronts, STOREFRONTS_MAX_AGE_SECONDS),
}


class Skipped:
    """What a DETAILED profile left out and why, said in the profile (`DETAILS_SKIPPED_ATTRIBUTE`).

    Filled while the profile is made, by the thread that makes it (enrichment results are collected
    there, not on the pool threads).
    """

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}  # part -> reason, in the order they were left out

    def add(self, part: str, reason: str) -> None:
        self._parts.setdefault(part, reason)

    def __bool__(self) -> bool:
        return bool(self._parts)

    def note(self) -> str:
        """``"Not shown: tracking, product images (why); ..."``, or ``""`` when nothing was left out."""
        by_reason: dict[str, list[str]] = {}
        for part, reason in self._parts.items():
            by_reason.setdefault(reason, []).append(_PART_LABELS.get(part, part))
        if not by_reason:
            return ""
        return "Not shown: " + "; ".join(
            f"{', '.join(parts)} ({reason})" for reason, parts in by_reason.items()
        )


@dataclass
class Detailed:
    """One DETAILED profile in the making: whether it spares the store's quota, and what it left out."""

    deps: LookupDeps
    lean: bool
    skipped: Skipped
    deferred: set[str] = field(default_factory=set)
    """Store settings not kept in memory, left for the shared cache's batched read (`read_deferred`)."""
    settings: dict[str, Future[Any] | None] = field(default_factory=dict)
    """The deferred settings' reads, by part (None: a lean profile skips it), once `read_deferred` ran."""
    storefronts_call: Future[Storefronts] | None = None  # the store's storefronts, kept or being read
    copies: tuple[Customer, ...] = ()  # the shopper's accounts on other storefronts (one person)
    reads: ProfileReads = field(default_factory=lambda: ProfileReads(None))
    """The profile's reads of the shared cache, the first started alongside the first wave."""

    def read_deferred(self) -> None:
        """The deferred store settings from the shared cache's first read, else read from BigCommerce
        (and written back) at once: called as soon as the shopper's first wave is sent, so they are read
        alongside it (that read answers first), before the shopper's shipments and the other lookups
        spend the store's quota, and the storefronts (two calls deep) do not lengthen the lookup. In a
        fleet's opening burst each container reads them once; read after the first wave, they were the
        last calls of their lookups, and a store out of quota left 20 lookups whole but for them."""
        if not self.deferred:
            return
        self.reads.wait_first(self.deps.deadline)
        kept = self.deps.store_settings
        settings: dict[str, StoreSetting[Any]] = {
            "store": kept.store,
            "customer_groups": kept.group_names,
            "storefronts": kept.storefronts,
        }
        for part in sorted(self.deferred):
            key, load, dump, max_age = _SHARED_SETTINGS[part]
            self.settings[part] = shared_setting(
                self.reads, key, settings[part], part, self, load, dump, max_age
            )
        self.deferred.clear()
        self.storefronts_call = self.storefronts_call or self.settings.get("storefronts")

    def storefronts(self) -> Storefronts:
        """The store's storefronts; unknown (as a store of one storefront) when not read."""
        self.read_deferred()
        call = self.storefronts_call
        found = optional(call, "storefronts", self) if call is not None else None
        return found or Storefronts.unknown()


@dataclass(frozen=True)
class Enrichment:
    shipments: dict[int, list[Shipment]]  # by order id
    products: dict[int, list[OrderProduct]]  # by order id
    images: dict[int, str]  # by product id


def shared_setting(
    reads: ProfileReads,
    key: CacheKey,
    setting: StoreSetting[T],
    part: str,
    detailed: Detailed,
    load: Callable[[Any], T],
    dump: Callable[[T], Any],
    max_age: float,
) -> Future[T] | None:
    """A store setting from the shared cache (then kept in memory too), else read from BigCommerce
    and written back; None (and said so) when a lean profile skips reading it."""
    hit = reads.hit(key, load)
    if hit is not None:
        setting.keep(hit[0])
    elif detailed.lean:
        detailed.skipped.add(part, QUOTA_NEARLY_SPENT)
        return None
    return reads.cached_or_call(key, max_age, load, dump, partial(setting.load, detailed.deps.deadline))


@dataclass(frozen=True)
class Parts:
    """What a profile's orders need beyond the order list: shipments of the orders that shipped
    something, products of orders whose consignments miss items (digital, pickup), and the catalog
    images of the consignments' products this container does not keep (`images` those it keeps)."""

    shipped: list[Order]
    incomplete: list[Order]
    images: dict[int, str]
    missing_images: set[int]
    product_ids: set[int]
    kept_images: dict[int, tuple[str | None, float]]
    """The images this container keeps (None: no image), with the seconds each has left."""

    @classmethod
    def of(cls, orders: Sequence[Order], store_hash: str) -> Parts:
        lines = (line.product_id for order in orders for line in consignment_lines(order))
        product_ids = {pid for pid in lines if pid > 0}
        kept = IMAGE_CACHE.kept(store_hash, product_ids)
        images = {pid: url for pid, (url, _) in kept.items() if url is not None}
        shipped = [order for order in orders if needs_shipments(order)]
        incomplete = [order for order in orders if not lines_are_complete(order)]
        return cls(shipped, incomplete, images, product_ids - set(kept), product_ids, kept)

    def keys(self) -> list[CacheKey | None]:
        """What this container still needs from the shared cache."""
        return profile_keys(self.shipped, self.incomplete, self.missing_images)

    def finish(self, reads: ProfileReads) -> None:
        """Write what the profile read from BigCommerce, and the shopper's entry: every part, every
        product's image (those this container keeps with the time they have left)."""
        kept = {image_key(pid): entry for pid, entry in self.kept_images.items()}
        reads.finish(profile_keys(self.shipped, self.incomplete, self.product_ids), kept)


def enrich(parts: Parts, reads: ProfileReads, detailed: Detailed) -> Enrichment:
    """Shipments, products and images (`Parts`) from the shared cache, and what it lacks from
    BigCommerce, all at once (each depends only on the order list); a failed call leaves only that
    part out.

    Lines known only from a separate products call (digital, pickup) go without an image: asking
    for theirs would wait for that call and lengthen the lookup. A lean profile (the store's quota
    nearly spent) uses all the cache holds, but reads from BigCommerce only the newest shipped
    order's shipments, if the cache lacks them.
    """
    client, deadline = detailed.deps.client, detailed.deps.deadline
    shipment_calls: dict[int, Future[list[Shipment]]] = {}
    for index, order in enumerate(parts.shipped):
        key = shipments_key(order)
        if detailed.lean and index > 0 and not reads.has(key):
            detailed.skipped.add("older_shipments", QUOTA_NEARLY_SPENT)
            continue
        call = partial(client.list_shipments, order.id, deadline=deadline)
        shipment_calls[order.id] = reads.cached_or_call(
            key, ORDER_PARTS_MAX_AGE_SECONDS, load_shipments, dump_models, call
        )
    product_calls: dict[int, Future[list[OrderProduct]]] = {}
    for order in parts.incomplete:
        key = products_key(order)
        if detailed.lean and not reads.has(key):
            detailed.skipped.add("products", QUOTA_NEARLY_SPENT)
            continue
        lines = partial(client.list_order_products, order.id, deadline=deadline)
        product_calls[order.id] = reads.cached_or_call(
            key, ORDER_PARTS_MAX_AGE_SECONDS, load_products, dump_models, lines
        )
    images, images_call = _images(parts, reads, detailed)
    return Enrichment(
        shipments=settled(shipment_calls, "shipments", detailed),
        products=settled(product_calls, "products", detailed),
        images=images | ((optional(images_call, "product_images", detailed) if images_call else None) or {}),
    )


def _images(
    parts: Parts, reads: ProfileReads, detailed: Detailed
) -> tuple[dict[int, str], Future[dict[int, str]] | None]:
    """The images kept in memory or in the shared cache, and a catalog read of the others (none in a
    lean profile, which says it left them out)."""
    client, deadline = detailed.deps.client, detailed.deps.deadline
    shared = {pid: hit[0] for pid in parts.missing_images if (hit := reads.hit(image_key(pid), _image_url))}
    IMAGE_CACHE.remember(client.store_hash, shared)
    images = parts.images | {pid: url for pid, url in shared.items() if url}
    missing = parts.missing_images - set(shared)
    if not missing:
        return images, None
    if detailed.lean:
        detailed.skipped.add("product_images", QUOTA_NEARLY_SPENT)
        return images, None

    def read() -> dict[int, str]:
        found = product_images(client, missing, deadline)
        reads.remember({image_key(pid): found.get(pid) for pid in missing}, IMAGE_MAX_AGE_SECONDS)
        return found

    return images, submit(read)


def _image_url(value: Any) -> str | None:
    """A cached image: its URL, or None for a product without one."""
    if value is not None and not isinstance(value, str):
        raise TypeError("an image is a URL or null")
    return value


def settled(calls: dict[int, Future[list[T]]], part: str, detailed: Detailed) -> dict[int, list[T]]:
    """The calls that succeeded, by order id; the failed ones are left out."""
    return {
        order_id: value
        for order_id, call in calls.items()
        if (value := optional(call, part, detailed)) is not None
    }


def optional(call: Future[T], part: str, detailed: Detailed) -> T | None:
    """The call's result, or None after logging, counting and noting its BigCommerce failure.

    For parts the answer can do without; any other exception is a bug and is raised, never hidden.
    """
    try:
        return result(call, detailed.deps.deadline)
    except BigCommerceError as error:
        logger.warning("Enrichment failed; answering without it", extra={"part": part, "error": str(error)})
        count("EnrichmentFailures")
        detailed.skipped.add(part, QUOTA_SPENT if isinstance(error, RateLimited) else UNREADABLE)
        return None
