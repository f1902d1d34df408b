"""Catalog images for the products of a DETAILED profile, cached per Lambda container.

BigCommerce order lines carry no image; the catalog does (`GET /v3/catalog/products` with
`include=primary_image`). Images change rarely, so each product's image URL, or the fact that it
has none, is kept for `TTL_SECONDS` in the container, by store hash and product id: a warm profile
makes no catalog call at all, a cold one asks for every product it lacks in one call. A refusal
(403: the API account lacks "Products: read-only") is remembered the same way, so a store that never
granted the scope costs one refused call per TTL, not one per lookup.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import Forbidden

TTL_SECONDS = 15 * 60
# Product ids kept per container (a few hundred bytes each); past it, the oldest entries go first.
MAX_ENTRIES = 5_000


class ProductImageCache:
    """(store hash, product id) -> image URL, or None for "no image", each for `ttl_seconds`.

    Thread-safe: concurrent lookups share one container. Entries are kept in the order they were
    stored, which with one TTL for all is also the order they expire in; the oldest make room.
    """

    def __init__(
        self,
        ttl_seconds: float = TTL_SECONDS,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_seconds <= 0 or max_entries < 1:
            raise ValueError("the cache needs a positive TTL and room for at least one entry")
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        self._clock = clock
        self._entries: dict[tuple[str, int], tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def known(self, store_hash: str, product_ids: Collection[int]) -> tuple[dict[int, str], set[int]]:
        """The cached images among `product_ids`, and the ids not cached (or expired)."""
        now = self._clock()
        images: dict[int, str] = {}
        missing: set[int] = set()
        with self._lock:
            for product_id in product_ids:
                entry = self._entries.get((store_hash, product_id))
                if entry is None or entry[0] <= now:
                    missing.add(product_id)
                elif entry[1] is not None:
                    images[product_id] = entry[1]
        return images, missing

    def remember(self, store_hash: str, images: Mapping[int, str | None]) -> None:
        """Keep these images (None: the product has none) for the TTL."""
        expires = self._clock() + self._ttl
        with self._lock:
            for product_id, url in images.items():
                key = (store_hash, product_id)
                self._entries.pop(key, None)  # stored again, so it moves to the young end
                self._entries[key] = (expires, url)
            while len(self._entries) > self._max_entries:
                del self._entries[next(iter(self._entries))]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


CACHE = ProductImageCache()
"""The container's cache (module state lives as long as the Lambda container)."""


def product_images(
    client: BigCommerceClient,
    product_ids: Collection[int],
    deadline: Deadline,
    cache: ProductImageCache = CACHE,
) -> dict[int, str]:
    """Image URLs of these products, by product id: cached ones, the rest read in one catalog call.

    Products without an image are left out. Raises the client's `BigCommerceError` when the catalog
    cannot be read: whether images are optional is the caller's business.
    """
    wanted = {product_id for product_id in product_ids if product_id > 0}
    images, missing = cache.known(client.store_hash, wanted)
    if not missing:
        return images
    try:
        found = client.get_product_images(missing, deadline=deadline)
    except Forbidden:
        cache.remember(client.store_hash, dict.fromkeys(missing))
        raise
    cache.remember(client.store_hash, {product_id: found.get(product_id) for product_id in missing})
    return images | found
