"""Catalog images for the products of a DETAILED profile, cached per Lambda container.

BigCommerce order lines carry no image; the catalog does (`GET /v3/catalog/products` with
`include=primary_image`). Images change rarely, so each product's image URL, or the fact that it
has none, is kept for `TTL_SECONDS` in the container, by store hash and product id: a warm profile
makes no catalog call at all, a cold one asks for every product it lacks in one call. A refusal
(403: the API account lacks "Products: read-only") is remembered the same way, so a store that never
granted the scope costs one refused call per TTL, not one per lookup.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import Forbidden
from gladly_bigcommerce.lookup.expiring import ExpiringMap

TTL_SECONDS = 15 * 60
# Product ids kept per container (a few hundred bytes each); past it, the oldest entries go first.
MAX_ENTRIES = 5_000


class ProductImageCache(ExpiringMap[tuple[str, int], str | None]):
    """(store hash, product id) -> image URL, or None for "no image", each for `TTL_SECONDS`, at most
    `MAX_ENTRIES` of them (thread-safe: concurrent lookups share one container)."""

    TTL_SECONDS = TTL_SECONDS
    MAX_ENTRIES = MAX_ENTRIES

    def known(self, store_hash: str, product_ids: Collection[int]) -> tuple[dict[int, str], set[int]]:
        """The cached images among `product_ids`, and the ids not cached (or expired)."""
        kept = self.kept(store_hash, product_ids)
        images = {product_id: url for product_id, (url, _) in kept.items() if url is not None}
        return images, {product_id for product_id in product_ids if product_id not in kept}

    def kept(self, store_hash: str, product_ids: Collection[int]) -> dict[int, tuple[str | None, float]]:
        """The cached entries among `product_ids` (None: no image), each with the seconds it has left."""
        kept = self.fresh_for((store_hash, product_id) for product_id in product_ids)
        return {product_id: entry for (_, product_id), entry in kept.items()}

    def remember(self, store_hash: str, images: Mapping[int, str | None]) -> None:
        """Keep these images (None: the product has none) for the TTL."""
        self.put({(store_hash, product_id): url for product_id, url in images.items()})


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
