"""The counts template.yaml's BigCommerce alarms and dashboard read: every call a lookup's client makes,
the failed ones, and those BigCommerce refused for the store's quota (429)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gladly_bigcommerce import lookup
from gladly_bigcommerce.bigcommerce import BigCommerceClient, Deadline, RetryPolicy
from gladly_bigcommerce.observability import metrics

pytestmark = pytest.mark.sandbox

STORE_PATH = r"^/v2/store$"


@pytest.fixture(autouse=True)
def fresh_metrics() -> Iterator[None]:
    """No count from another test in the totals, and none left behind for the next."""
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()


def _totals() -> dict[str, float]:
    return {name: sum(metric["Value"]) for name, metric in metrics.metric_set.items()}


@pytest.fixture
def client(bc_sandbox: Any) -> Iterator[BigCommerceClient]:
    """A client wired to the lookups' metrics hook, as `lookup.store_connection` wires it."""
    with BigCommerceClient(
        bc_sandbox.store_hash,
        "sandbox-token",
        api_base=bc_sandbox.url,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.02, backoff_cap=0.1),
        on_request=lookup._record_upstream_call,
    ) as bigcommerce:
        yield bigcommerce


def test_a_rate_limited_call_is_counted_as_an_error_and_as_rate_limited(
    client: BigCommerceClient, bc_sandbox: Any
) -> None:
    # Given BigCommerce refuses the first call for the store's quota, then answers
    bc_sandbox.faults.add(STORE_PATH, "rate_limit", times=1, retry_after=1)
    # When the store is read
    client.get_store(deadline=Deadline.after(3.0))
    # Then both attempts are counted, the refused one as an error and as rate limited
    assert _totals() == {"UpstreamCalls": 2.0, "UpstreamErrors": 1.0, "UpstreamRateLimited": 1.0}


def test_other_failures_are_errors_but_not_rate_limited(client: BigCommerceClient, bc_sandbox: Any) -> None:
    # Given BigCommerce fails the first call with a 503, then answers
    bc_sandbox.faults.add(STORE_PATH, 503, times=1)
    # When the store is read
    client.get_store(deadline=Deadline.after(3.0))
    # Then the failure is an error, not a spent quota
    assert _totals() == {"UpstreamCalls": 2.0, "UpstreamErrors": 1.0}
