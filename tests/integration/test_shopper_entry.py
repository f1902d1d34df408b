"""The shopper's entry in the cache the containers share (lookup/shared_reads.py): read in ONE batched
read started alongside the first wave of BigCommerce calls, each part used only while its order's
version matches the order list that arrives and its own maximum age has not passed.

Each "container" here is a new store connection (nothing kept in memory) with the container's image
memory emptied, on the sandbox over HTTP and moto's DynamoDB; the DynamoDB calls are counted on the
boto3 client's events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bench.stack import CallTimeline
from devtools.aws import LocalResources
from devtools.sandbox import DEFAULT_TOKEN, SandboxServer, seed
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.shared_cache import CacheKey, SharedCache
from gladly_bigcommerce.gladly.customer_ids import GuestRef, RegisteredRef, guest_customer_id
from gladly_bigcommerce.gladly.models import CustomerResult, LookupRequest
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.product_images import CACHE as IMAGE_CACHE
from gladly_bigcommerce.lookup.profile import detailed_lookup
from gladly_bigcommerce.lookup.shared_reads import ORDER_PARTS_MAX_AGE_SECONDS, shopper_key
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.fixtures.clock import ManualClock
from tests.fixtures.sandbox import SandboxHttp
from tests.integration.test_shared_cache import MARTHA_DETAILED

MARTHA = MARTHA_DETAILED
GUEST = {
    "lookupLevel": "DETAILED",
    "uniqueMatchRequired": True,
    "query": {"emails": [seed.GUEST_EMAIL], "externalCustomerId": guest_customer_id(seed.GUEST_EMAIL)},
}


class Container:
    """A new lookup container of one store: its own connection and memory, the shared table on moto."""

    def __init__(
        self,
        sandbox: SandboxServer,
        aws: LocalResources,
        clock: ManualClock,
        *,
        cache_store: str | None = None,
    ) -> None:
        IMAGE_CACHE.clear()  # the container's memory of catalog images
        self.sandbox = sandbox
        self.dynamodb = aws.aws.client("dynamodb")
        self.operations: list[str] = []
        self.dynamodb.meta.events.register("before-call.dynamodb.*", self._count)
        self.on_batch_get: list[Any] = []
        table = aws.table_names["LookupCacheTable"]
        self.client = BigCommerceClient(sandbox.store_hash, DEFAULT_TOKEN, api_base=sandbox.url)
        # The store whose entries the container reads: the sandbox's, unless a test names another
        shared = SharedCache(table, cache_store or sandbox.store_hash, client=self.dynamodb, clock=clock)
        self.connection = StoreConnection(self.client, shared)
        self.settings = AdaptorSettings.from_env(
            {
                "DEPLOYMENT_NAME": "test",
                "STORE_HASH": sandbox.store_hash,
                "SECRET_NAME": "secret",
                "BIGCOMMERCE_API_BASE": sandbox.url,
            }
        )

    def _count(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)
        if model.name == "BatchGetItem":
            for hook in self.on_batch_get:
                hook()

    def lookup(self, body: dict[str, Any]) -> CustomerResult:
        deps = LookupDeps(self.settings, self.connection, Deadline.after(5), "https://gladly.example/prod")
        (profile,) = detailed_lookup(LookupRequest.model_validate(body), deps).results
        return profile

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


NewContainer = Callable[..., Container]


@pytest.fixture
def new_container(
    bc_sandbox: SandboxServer, local_aws: LocalResources, clock: ManualClock
) -> Iterator[NewContainer]:
    """Makes containers of the sandbox's store (or `cache_store=`); each is closed after the test."""
    made: list[Container] = []

    def new(**kw: Any) -> Container:
        made.append(Container(bc_sandbox, local_aws, clock, **kw))
        return made[-1]

    yield new
    for container in made:
        container.close()


def bigcommerce_paths(sandbox: SandboxServer) -> list[str]:
    """What the lookups asked BigCommerce for."""
    return sorted(record.api_path for record in sandbox.requests.snapshot())


def shipments_read(sandbox: SandboxServer) -> set[str]:
    return {record.api_path for record in sandbox.requests.find("GET", r"/shipments$")}


def tracking(profile: CustomerResult, order_id: int) -> list[str]:
    (transaction,) = [t for t in profile.transactions or [] if t.order_number == str(order_id)]
    return sorted(f.tracking_number for f in transaction.fulfillments or [] if f.tracking_number)


def test_a_returning_shopper_in_a_new_container_costs_one_batched_read_and_three_calls(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock
) -> None:
    # Given Martha's profile made once in one container (which writes her entry)
    first = new_container().lookup(MARTHA)
    bc_sandbox.requests.clear()
    # When a new container (nothing kept in memory: no store details, group names or images) makes it
    container = new_container()
    profile = container.lookup(MARTHA)
    # Then it read the shared table once (her entry, the store details and group names in one
    # batch) and wrote nothing, and asked BigCommerce only for the customer, her orders and guest orders
    assert container.operations == ["BatchGetItem"]
    assert bigcommerce_paths(bc_sandbox) == ["/v2/orders", "/v2/orders", "/v3/customers"]
    # and showed the same profile as the first
    assert profile == first


def test_the_batched_read_is_sent_before_bigcommerce_answers_the_first_wave(
    new_container: NewContainer, bc_sandbox: SandboxServer
) -> None:
    # Given BigCommerce answering each request after 0.5 s, and a container about to read
    bc_sandbox.latency = 0.5
    container = new_container()
    answered_before_read: list[int] = []
    container.on_batch_get.append(lambda: answered_before_read.append(len(bc_sandbox.requests.snapshot())))
    # When Martha's profile is made
    container.lookup(MARTHA)
    # Then its first read of the shared table was sent while no BigCommerce call had been answered yet
    assert answered_before_read[0] == 0


def test_store_settings_the_table_lacks_are_read_alongside_the_first_wave(
    new_container: NewContainer, bc_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given BigCommerce answering each request after 0.5 s, and a new container of a new fleet (the
    # table holds no store details, group names or storefronts yet)
    bc_sandbox.latency = 0.5
    monkeypatch.setattr(bc_sandbox, "handle", bc_sandbox.handle)  # the timeline's wrapping, undone after
    timeline = CallTimeline(bc_sandbox)
    container = new_container()
    # When Martha's profile is made
    profile = container.lookup(MARTHA)
    # Then the store details, group names and storefronts were asked for before BigCommerce had
    # answered the shopper's first call: alongside the first wave (so, in a store near the end of its
    # quota, before her shipments spend what is left), not after it
    (first_answered, *_) = sorted(end for _, end in timeline.spans(r"/v3/customers$"))
    for setting in (r"/v2/store$", r"/v2/customer_groups$", r"/v3/channels$"):
        (started, _), *_ = timeline.spans(setting)
        assert started < first_answered, setting
    # and the profile is whole
    assert profile.custom_attributes is not None and profile.custom_attributes["detailsSkipped"] == ""


def test_an_order_whose_version_changed_is_read_from_bigcommerce_and_shows_its_new_shipment(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock, bc_http: SandboxHttp
) -> None:
    # Given Martha's entry written by a first lookup
    new_container().lookup(MARTHA)
    order = seed.PARTIALLY_SHIPPED_ORDER_ID
    # When the rest of a partly shipped order ships (a write that moves its date_modified)
    lines = bc_http.get(f"/v2/orders/{order}/products").json()
    shipped = {
        i["order_product_id"] for s in bc_http.get(f"/v2/orders/{order}/shipments").json() for i in s["items"]
    }
    (rest,) = [line for line in lines if line["id"] not in shipped]
    body = {
        "order_address_id": rest["order_address_id"],
        "tracking_number": "1ZENTRY000000001",
        "items": [{"order_product_id": rest["id"], "quantity": rest["quantity"]}],
    }
    assert bc_http.post(f"/v2/orders/{order}/shipments", json=body).status_code == 201
    bc_sandbox.requests.clear()
    # and her profile is made in a new container
    profile = new_container().lookup(MARTHA)
    # Then that order's shipments alone were read from BigCommerce, the new tracking number shown
    assert shipments_read(bc_sandbox) == {f"/v2/orders/{order}/shipments"}
    assert "1ZENTRY000000001" in tracking(profile, order)
    # and the entry now holds the new version: the next container reads no shipments at all
    bc_sandbox.requests.clear()
    again = new_container().lookup(MARTHA)
    assert shipments_read(bc_sandbox) == set()
    assert again == profile


def test_a_guest_shoppers_entry_spares_every_call_but_their_orders(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock
) -> None:
    # Given the guest's profile made once
    first = new_container().lookup(GUEST)
    assert any(t.fulfillments for t in first.transactions or [])  # a shipped order: shipments were read
    bc_sandbox.requests.clear()
    # When it is made in a new container
    container = new_container()
    profile = container.lookup(GUEST)
    # Then the guest's orders were the one BigCommerce call, after one read of the shared table
    assert bigcommerce_paths(bc_sandbox) == ["/v2/orders"]
    assert container.operations == ["BatchGetItem"]
    assert profile == first


def test_the_entry_is_keyed_by_a_hash_never_by_the_email() -> None:
    guest = shopper_key(GuestRef(seed.GUEST_EMAIL))
    assert seed.GUEST_EMAIL not in guest.item_key("store")
    assert "guest" not in guest.name
    # and a customer and a guest never share an entry
    assert shopper_key(RegisteredRef(seed.MARTHA_CUSTOMER_ID)) != shopper_key(GuestRef(seed.MARTHA_EMAIL))


def test_another_stores_entry_for_the_same_customer_id_is_not_used(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock
) -> None:
    # Given Martha's entry written by a container of another store (its entries under its own hash)
    new_container(cache_store="another-store").lookup(MARTHA)
    bc_sandbox.requests.clear()
    # When a container of the sandbox's store looks up the same customer id
    new_container().lookup(MARTHA)
    # Then it read every shipment from BigCommerce: one store's entry is never another's
    assert shipments_read(bc_sandbox) == {f"/v2/orders/{i}/shipments" for i in seed.MARTHA_SHIPPED_ORDER_IDS}


def test_parts_past_their_maximum_age_are_read_again_though_the_entry_was_rewritten_since(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock, bc_http: SandboxHttp
) -> None:
    # Given Martha's entry written, then rewritten just before her order parts' maximum age, when
    # one order changed (its shipments read afresh, the other orders' parts taken from the entry)
    new_container().lookup(MARTHA)
    clock.advance(ORDER_PARTS_MAX_AGE_SECONDS - 1)
    changed = seed.PARTIALLY_SHIPPED_ORDER_ID
    assert bc_http.put(f"/v2/orders/{changed}", json={"status_id": 10}).status_code == 200
    rewriting = new_container()
    rewriting.lookup(MARTHA)
    assert "BatchWriteItem" in rewriting.operations
    bc_sandbox.requests.clear()
    # When the maximum age of the parts read first has passed
    clock.advance(1)
    new_container().lookup(MARTHA)
    # Then those are read from BigCommerce again (a rewrite never makes a part younger), and only
    # the changed order's, read a second ago, still comes from the entry
    unchanged = set(seed.MARTHA_SHIPPED_ORDER_IDS) - {changed}
    assert shipments_read(bc_sandbox) == {f"/v2/orders/{i}/shipments" for i in unchanged}


def test_an_unreadable_entry_is_a_miss_and_the_profile_comes_from_bigcommerce(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock
) -> None:
    # Given Martha's entry in a shape this code cannot read
    container = new_container()
    shared = container.connection.shared
    assert shared is not None
    shared.write({shopper_key(RegisteredRef(seed.MARTHA_CUSTOMER_ID)): {"parts": [["shipments", 1]]}}, 300)
    # When her profile is made
    profile = container.lookup(MARTHA)
    # Then it is whole, every shipment read from BigCommerce
    assert profile.custom_attributes is not None and profile.custom_attributes["detailsSkipped"] == ""
    assert shipments_read(bc_sandbox) == {f"/v2/orders/{i}/shipments" for i in seed.MARTHA_SHIPPED_ORDER_IDS}


def test_a_first_time_lookup_writes_what_it_read_in_one_batched_write(
    new_container: NewContainer, bc_sandbox: SandboxServer, clock: ManualClock
) -> None:
    # When Martha's profile is made for the first time
    container = new_container()
    container.lookup(MARTHA)
    # Then the table was read twice (her entry and the settings; then the order parts and images)
    # and written once: the parts, images, settings and her entry in one BatchWriteItem
    assert container.operations == ["BatchGetItem", "BatchGetItem", "BatchWriteItem"]
    shared = container.connection.shared
    assert shared is not None
    assert CacheKey("store", "") in shared.read([CacheKey("store", "")])
