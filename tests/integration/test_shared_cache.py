"""The cache the lookup containers share (bigcommerce/shared_cache.py) on moto's DynamoDB, and what it
does when DynamoDB is down, slow or leaves keys unprocessed; the cached models read back as written."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import boto3
import pytest
from botocore.stub import Stubber

from devtools.aws import LocalResources
from devtools.sandbox import DEFAULT_STORE_HASH, DEFAULT_TOKEN, SandboxServer, seed
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.shared_cache import CacheKey, SharedCache
from gladly_bigcommerce.gladly.models import LookupRequest
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.profile import detailed_lookup
from gladly_bigcommerce.lookup.shared_reads import (
    dump_group_names,
    dump_models,
    dump_store,
    load_group_names,
    load_products,
    load_shipments,
    load_store,
)
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.fixtures.clock import ManualClock

TABLE = "local-LookupCacheTable"
MARTHA_DETAILED = {
    "lookupLevel": "DETAILED",
    "uniqueMatchRequired": True,
    "query": {
        "name": "Martha Williams",
        "emails": [seed.MARTHA_EMAIL],
        "externalCustomerId": str(seed.MARTHA_CUSTOMER_ID),
    },
}
SHIPMENTS = CacheKey("shipments", "106", "2026-01-02T03:04:05+00:00")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def cache(local_aws: LocalResources, clock: ManualClock) -> SharedCache:
    """A store's entries in the template's cache table, on moto, with a clock the test moves."""
    return SharedCache(
        local_aws.table_names["LookupCacheTable"],
        f"store-{id(clock)}",  # a store of the test's own: nothing another test wrote
        client=local_aws.aws.client("dynamodb"),
        clock=clock,
    )


def test_what_is_written_is_read_back_by_key_and_version(cache: SharedCache) -> None:
    # Given shipments written at one version of the order, and store information
    cache.write({SHIPMENTS: [{"id": 1, "tracking_number": "1Z"}], CacheKey("store", ""): {"id": "s"}}, 300)
    # When the same keys, another version of the order and an unknown key are read in one batch
    newer = CacheKey("shipments", "106", "2026-01-02T03:04:06+00:00")
    found = cache.read([SHIPMENTS, newer, CacheKey("store", ""), CacheKey("product_image", "7")])
    # Then only the entries written are found, each under its key
    assert found == {SHIPMENTS: [{"id": 1, "tracking_number": "1Z"}], CacheKey("store", ""): {"id": "s"}}


def test_another_stores_entries_are_not_seen(cache: SharedCache, local_aws: LocalResources) -> None:
    cache.write({SHIPMENTS: ["ours"]}, 300)
    other = SharedCache(cache.table, "another-store", client=local_aws.aws.client("dynamodb"))
    assert other.read([SHIPMENTS]) == {}


def test_an_entry_past_its_maximum_age_is_a_miss_though_ttl_has_not_deleted_it(
    cache: SharedCache, clock: ManualClock
) -> None:
    # Given an entry kept for 300 s
    cache.write({SHIPMENTS: ["kept"]}, 300)
    clock.advance(299)
    assert cache.read([SHIPMENTS]) == {SHIPMENTS: ["kept"]}
    # When its 300 s have passed (DynamoDB deletes expired items "typically within two days")
    clock.advance(1)
    # Then it is not used
    assert cache.read([SHIPMENTS]) == {}


def test_duplicate_keys_and_more_than_a_batch_are_read(cache: SharedCache) -> None:
    # Given 150 images (BatchGetItem takes at most 100 keys, and no duplicates)
    images = {CacheKey("product_image", str(n)): f"https://cdn.example/{n}.jpg" for n in range(150)}
    cache.write(images, 900)
    # When they are read with every key twice
    found = cache.read([*images, *images])
    # Then every one is found
    assert found == images


def test_keys_left_unprocessed_are_asked_once_more(clock: ManualClock) -> None:
    # Given DynamoDB answers one key and leaves the other unprocessed, then answers it
    client = boto3.client("dynamodb", region_name="us-east-1")
    slept: list[float] = []
    cache = SharedCache(TABLE, "s", client=client, clock=clock, sleep=slept.append)
    first, second = CacheKey("product_image", "1"), CacheKey("product_image", "2")
    with Stubber(client) as stub:
        stub.add_response(
            "batch_get_item",
            {
                "Responses": {TABLE: [item(cache, first, '"a.jpg"', clock)]},
                "UnprocessedKeys": {TABLE: {"Keys": [{"pk": {"S": second.item_key("s")}}]}},
            },
        )
        stub.add_response("batch_get_item", {"Responses": {TABLE: [item(cache, second, '"b.jpg"', clock)]}})
        # When both are read
        found = cache.read([first, second])
    # Then both are found, after one short pause
    assert found == {first: "a.jpg", second: "b.jpg"}
    assert len(slept) == 1


def test_keys_still_unprocessed_after_the_retry_are_misses(clock: ManualClock) -> None:
    client = boto3.client("dynamodb", region_name="us-east-1")
    cache = SharedCache(TABLE, "s", client=client, clock=clock, sleep=lambda _: None)
    key = CacheKey("product_image", "1")
    unprocessed = {TABLE: {"Keys": [{"pk": {"S": key.item_key("s")}}]}}
    with Stubber(client) as stub:
        for _ in range(2):
            stub.add_response("batch_get_item", {"Responses": {TABLE: []}, "UnprocessedKeys": unprocessed})
        assert cache.read([key]) == {}
        stub.assert_no_pending_responses()  # asked twice, not more


def test_dynamodb_down_is_a_miss_and_a_write_that_fails_is_not_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given DynamoDB's endpoint refuses connections
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{closed_port()}")
    cache = SharedCache(TABLE, "s")
    # Then a read finds nothing and a write is dropped, neither raising
    assert cache.read([SHIPMENTS]) == {}
    cache.write({SHIPMENTS: []}, 300)


def test_dynamodb_that_never_answers_is_a_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given DynamoDB's endpoint accepts connections and never answers
    with silent_server() as port:
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        cache = SharedCache(TABLE, "s")
        # Then a read gives up (its read timeout, without retries) and finds nothing
        assert cache.read([SHIPMENTS]) == {}


@pytest.mark.parametrize("dynamodb", ["down", "never answering"])
def test_with_the_cache_unavailable_a_detailed_profile_is_whole_read_from_bigcommerce(
    bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, dynamodb: str
) -> None:
    # Given a store connection whose shared cache's DynamoDB is down or never answers
    with ExitStack() as stack:
        port = closed_port() if dynamodb == "down" else stack.enter_context(silent_server())
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        client = stack.enter_context(
            BigCommerceClient(bc_sandbox.store_hash, DEFAULT_TOKEN, api_base=bc_sandbox.url)
        )
        connection = StoreConnection(client, SharedCache(TABLE, bc_sandbox.store_hash))
        settings = AdaptorSettings.from_env(
            {
                "DEPLOYMENT_NAME": "test",
                "STORE_HASH": bc_sandbox.store_hash,
                "SECRET_NAME": "secret",
                "BIGCOMMERCE_API_BASE": bc_sandbox.url,
            }
        )
        deps = LookupDeps(settings, connection, Deadline.after(5), "https://gladly.example/prod")
        request = LookupRequest.model_validate(MARTHA_DETAILED)
        # When Martha's profile is made
        (profile,) = detailed_lookup(request, deps).results
    # Then it is whole: every shipped order's shipments read from BigCommerce, nothing left out
    assert profile.custom_attributes is not None
    assert profile.custom_attributes["detailsSkipped"] == ""
    shipments = {record.api_path for record in bc_sandbox.requests.find("GET", r"/shipments$")}
    assert shipments == {f"/v2/orders/{order_id}/shipments" for order_id in seed.MARTHA_SHIPPED_ORDER_IDS}
    tracked = {
        t.order_number
        for t in profile.transactions or []
        if any(f.tracking_number for f in t.fulfillments or [])
    }
    assert len(tracked) == len(seed.MARTHA_SHIPPED_ORDER_IDS)


def test_cached_shipments_line_items_store_and_group_names_read_back_equal(
    bc_sandbox: SandboxServer,
) -> None:
    # Given what the sandbox answers for them (money as Decimal, dates, nested items and addresses)
    with BigCommerceClient(
        DEFAULT_STORE_HASH, DEFAULT_TOKEN, client_id="c", api_base=bc_sandbox.url
    ) as client:
        shipments = client.list_shipments(seed.PARTIALLY_SHIPPED_ORDER_ID)
        products = client.list_order_products(seed.PARTIALLY_SHIPPED_ORDER_ID)
        store = client.get_store()
        groups = {group.id: group.name for group in client.list_customer_groups()}
    assert shipments and products and groups
    # Then each reads back equal from its JSON form
    assert load_shipments(roundtrip(dump_models(shipments))) == shipments
    assert load_products(roundtrip(dump_models(products))) == products
    assert load_store(roundtrip(dump_store(store))) == store
    assert load_group_names(roundtrip(dump_group_names(groups))) == groups


def roundtrip(value: object) -> object:
    return json.loads(json.dumps(value))


def item(cache: SharedCache, key: CacheKey, value: str, clock: ManualClock) -> dict[str, object]:
    return {
        "pk": {"S": key.item_key(cache.store_hash)},
        "value": {"S": value},
        "expires_at": {"N": str(int(clock() + 60))},
    }


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers: DynamoDB at its slowest."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []

    def accept() -> None:
        try:
            while True:
                accepted.append(listener.accept()[0])  # held open, never answered
        except OSError:
            return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        listener.close()
        for connection in accepted:
            connection.close()
