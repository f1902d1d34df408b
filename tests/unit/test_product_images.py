"""The container's product image cache: time to live, "no image" entries, stores apart, bounded size."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from gladly_bigcommerce.lookup.product_images import ProductImageCache

URL = "https://cdn.example.com/{}.jpg"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_images_are_known_until_their_time_to_live_ends() -> None:
    # Given images remembered for 900 s
    clock = Clock()
    cache = ProductImageCache(ttl_seconds=900, clock=clock)
    cache.remember("abc", {1: URL.format(1), 2: URL.format(2)})
    # When asked for within that time, Then they are known; an id never stored is missing
    assert cache.known("abc", [1, 2, 3]) == ({1: URL.format(1), 2: URL.format(2)}, {3})
    # When the time to live has passed, Then they are missing again
    clock.now += 900
    assert cache.known("abc", [1, 2]) == ({}, {1, 2})


def test_a_product_without_an_image_is_known_as_such() -> None:
    cache = ProductImageCache(clock=Clock())
    cache.remember("abc", {7: None})
    assert cache.known("abc", [7]) == ({}, set())


def test_stores_do_not_share_images() -> None:
    cache = ProductImageCache(clock=Clock())
    cache.remember("abc", {1: URL.format("abc")})
    assert cache.known("xyz", [1]) == ({}, {1})


def test_the_oldest_entries_make_room_and_a_refreshed_one_counts_as_new() -> None:
    # Given a cache for three entries holding 1, 2, 3, of which 1 is stored again
    clock = Clock()
    cache = ProductImageCache(max_entries=3, clock=clock)
    for product_id in (1, 2, 3):
        cache.remember("abc", {product_id: URL.format(product_id)})
        clock.now += 1
    cache.remember("abc", {1: URL.format(1)})
    # When a fourth is stored, Then the oldest (2) goes
    cache.remember("abc", {4: URL.format(4)})
    assert len(cache) == 3
    assert cache.known("abc", [1, 2, 3, 4])[1] == {2}


def test_concurrent_lookups_share_it_safely() -> None:
    cache = ProductImageCache(max_entries=50, clock=Clock())

    def store_and_read(start: int) -> None:
        for product_id in range(start, start + 100):
            cache.remember("abc", {product_id: URL.format(product_id)})
            cache.known("abc", [product_id, product_id - 1])

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(store_and_read, range(0, 400, 100)))
    assert len(cache) == 50


def test_clear_forgets_everything() -> None:
    cache = ProductImageCache(clock=Clock())
    cache.remember("abc", {1: URL.format(1)})
    cache.clear()
    assert cache.known("abc", [1]) == ({}, {1})


@pytest.mark.parametrize(("ttl", "size"), [(0, 10), (900, 0)])
def test_a_cache_that_could_keep_nothing_is_refused(ttl: float, size: int) -> None:
    with pytest.raises(ValueError):
        ProductImageCache(ttl_seconds=ttl, max_entries=size)
