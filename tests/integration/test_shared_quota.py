"""The containers of a fleet tell each other the store's quota is spent (bigcommerce/shared_quota.py):
one container's stop is written in the shared table (moto), and another hears it in the batched read
its DETAILED lookup sends anyway, before its first wave only when its own view is near the edge.

"Another container" is a `StoreQuota` of its own, shared through the same table as the real one
would; the container under test is the real client and lookup against the sandbox over HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.aws import LocalResources
from devtools.sandbox import DEFAULT_TOKEN, SandboxServer
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import StoreConnection
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.errors import RateLimited
from gladly_bigcommerce.bigcommerce.quota import StoreQuota
from gladly_bigcommerce.bigcommerce.shared_cache import SharedCache
from gladly_bigcommerce.bigcommerce.shared_quota import QUOTA_KEY, share_quota
from gladly_bigcommerce.gladly.models import LookupRequest
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.enrichment import QUOTA_SPENT
from gladly_bigcommerce.lookup.profile import detailed_lookup
from gladly_bigcommerce.settings.model import AdaptorSettings
from tests.fixtures.sandbox import SandboxHttp
from tests.integration.test_quota_edge import spend_quota_until
from tests.integration.test_shared_cache import MARTHA_DETAILED
from tests.integration.test_shopper_entry import bigcommerce_paths

MARTHA = LookupRequest.model_validate(MARTHA_DETAILED)
RATE_HEADERS = {
    "X-Rate-Limit-Requests-Left": "0",
    "X-Rate-Limit-Requests-Quota": "150",
    "X-Rate-Limit-Time-Window-Ms": "30000",
    "X-Rate-Limit-Time-Reset-Ms": "20000",
}


@pytest.fixture
def table(local_aws: LocalResources) -> str:
    return local_aws.table_names["LookupCacheTable"]


@pytest.fixture
def container(bc_sandbox: SandboxServer, local_aws: LocalResources, table: str) -> Iterator[StoreConnection]:
    """The container under test: its client, its view of the quota shared through the table. The
    sandbox is reached as `localhost`: a store root of its own, so a view of the quota of its own
    (this process's other clients of the sandbox keep theirs)."""
    api_base = bc_sandbox.url.replace("127.0.0.1", "localhost")
    assert api_base != bc_sandbox.url
    client = BigCommerceClient(bc_sandbox.store_hash, DEFAULT_TOKEN, api_base=api_base)
    shared = SharedCache(table, bc_sandbox.store_hash, client=local_aws.aws.client("dynamodb"))
    share_quota(shared, client.store_quota)
    yield StoreConnection(client, shared)
    client.close()


def another_container_gets_a_429(bc_sandbox: SandboxServer, local_aws: LocalResources, table: str) -> None:
    quota = StoreQuota()
    share_quota(SharedCache(table, bc_sandbox.store_hash, client=local_aws.aws.client("dynamodb")), quota)
    quota.admit()
    quota.settle(429, RATE_HEADERS | {"X-Retry-After": "20"})


def deps_of(connection: StoreConnection, sandbox: SandboxServer) -> LookupDeps:
    settings = AdaptorSettings.from_env(
        {
            "DEPLOYMENT_NAME": "test",
            "STORE_HASH": sandbox.store_hash,
            "SECRET_NAME": "secret",
            "BIGCOMMERCE_API_BASE": sandbox.url,
        }
    )
    return LookupDeps(settings, connection, Deadline.after(5), "https://gladly.example/prod")


def test_a_container_that_gets_a_429_writes_until_when_the_quota_is_spent(
    bc_sandbox: SandboxServer, local_aws: LocalResources, table: str
) -> None:
    another_container_gets_a_429(bc_sandbox, local_aws, table)
    shared = SharedCache(table, bc_sandbox.store_hash, client=local_aws.aws.client("dynamodb"))
    (value,) = shared.read([QUOTA_KEY]).values()
    assert 15 < value["until"] - shared.now() <= 20


def test_near_the_edge_a_lookup_hears_another_containers_stop_before_its_first_wave(
    container: StoreConnection,
    bc_sandbox: SandboxServer,
    bc_http: SandboxHttp,
    local_aws: LocalResources,
    table: str,
) -> None:
    # Given this container saw 60 of the store's 150 requests left (within half of its end)
    spend_quota_until(bc_http, bc_sandbox, left=61)
    container.client.get_store()
    assert container.client.quota.left == 60
    # and another container has since been refused (the others spent the rest)
    another_container_gets_a_429(bc_sandbox, local_aws, table)
    bc_sandbox.requests.clear()
    # When Martha's profile is looked up here
    with pytest.raises(RateLimited):
        detailed_lookup(MARTHA, deps_of(container, bc_sandbox))
    # Then nothing was sent to the store: the lookup heard the other container first
    assert len(bc_sandbox.requests) == 0


def test_far_from_the_edge_the_first_wave_does_not_wait_and_the_rest_of_the_lookup_hears(
    container: StoreConnection, bc_sandbox: SandboxServer, local_aws: LocalResources, table: str
) -> None:
    # Given another container was refused, and this one has seen nothing of the quota yet
    another_container_gets_a_429(bc_sandbox, local_aws, table)
    assert container.client.quota.left is None
    # When Martha's profile is looked up here
    (profile,) = detailed_lookup(MARTHA, deps_of(container, bc_sandbox)).results
    # Then the first wave went out at once (the sandbox answers it), but no shipments call followed,
    # and the profile says what it left out and why
    assert bigcommerce_paths(bc_sandbox) == ["/v2/orders", "/v2/orders", "/v3/customers"]
    assert profile.custom_attributes is not None
    assert QUOTA_SPENT in profile.custom_attributes["detailsSkipped"]
