"""The counts template.yaml's BigCommerce alarms and dashboard read: every call a function's connection
makes, the failed ones, and those BigCommerce refused for the store's quota (429).

Every function gets its client from the one connection factory (`bigcommerce/connection.py`); each is
driven here through the local API gateway, and its counts are read from the CloudWatch EMF lines its
handler prints, as CloudWatch would read them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.replay import GladlyClient
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.bigcommerce.connection import record_upstream_call
from gladly_bigcommerce.bigcommerce.deadline import Deadline
from gladly_bigcommerce.bigcommerce.http import RetryPolicy
from gladly_bigcommerce.observability import metrics

pytestmark = pytest.mark.sandbox

EVENTS = Path(__file__).resolve().parents[2] / "events"
STORE_PATH = r"^/v2/store$"
UPSTREAM_COUNTS = ("UpstreamCalls", "UpstreamErrors", "UpstreamRateLimited")


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
    """A client wired to the connection's metrics hook, as `connection.store_connection` wires it."""
    with BigCommerceClient(
        bc_sandbox.store_hash,
        "sandbox-token",
        api_base=bc_sandbox.url,
        retry=RetryPolicy(max_attempts=3, backoff_base=0.02, backoff_cap=0.1),
        on_request=record_upstream_call,
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


def emitted_counts(printed: str) -> dict[str, float]:
    """The upstream counts of the CloudWatch EMF lines in a handler's output, summed."""
    totals = dict.fromkeys(UPSTREAM_COUNTS, 0.0)
    for line in printed.splitlines():
        if not line.startswith("{"):
            continue
        document = json.loads(line)
        if "_aws" not in document:
            continue
        for name in UPSTREAM_COUNTS:
            value = document.get(name, 0)
            totals[name] += sum(value) if isinstance(value, list) else value
    return totals


@pytest.mark.parametrize(
    ("event", "first_call"),
    [
        ("lookup-manual-search-email", r"^/v3/customers$"),
        ("auto-link-unique-email", r"^/v3/customers$"),
        ("refund-form", r"^/v2/orders/100$"),
        ("cancel-form", r"^/v2/orders/108$"),
        ("discount-form", r"^/v3/customers$"),
        ("staff-note-form", r"^/v2/orders/108$"),
        ("store-credit-form", r"^/v3/customers$"),
        ("shipping-address-form", r"^/v2/orders/108$"),
    ],
    ids=[
        "lookup",
        "auto_link",
        "refund",
        "cancel",
        "discount",
        "staff_note",
        "store_credit",
        "shipping_address",
    ],
)
def test_each_function_counts_its_upstream_calls_errors_and_rate_limits(
    gladly_client: GladlyClient,
    bc_sandbox: Any,
    capsys: pytest.CaptureFixture[str],
    event: str,
    first_call: str,
) -> None:
    # Given BigCommerce refuses the function's first call once for the store's quota
    bc_sandbox.faults.add(first_call, "rate_limit", times=1, retry_after=1)
    capsys.readouterr()
    # When Gladly's request reaches the function through the API
    response = gladly_client.send_event(EVENTS / f"{event}.json")
    # Then it answers, the call retried after the store's window
    assert response.status_code == 200, response.text
    # And the metrics its handler emitted count every call, the refused one as an error and as
    # rate limited, as the alarms on UpstreamErrors and UpstreamRateLimited expect
    counts = emitted_counts(capsys.readouterr().out)
    assert counts["UpstreamCalls"] >= 2
    assert counts["UpstreamErrors"] == 1
    assert counts["UpstreamRateLimited"] == 1
