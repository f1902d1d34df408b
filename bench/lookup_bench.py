"""`make bench`: how fast a DETAILED lookup is, next to the fastest it could possibly be.

Starts its own BigCommerce sandbox that adds 100 ms to every answer (a realistic round trip to
api.bigcommerce.com), moto and the local API gateway, then sends signed lookups through the gateway
to the real handler, as Gladly does:

- the container's first DETAILED lookup for Martha Williams (10 orders, 5 of them shipped), apart:
  a cold start, which also reads the store information, the customer group names and the products'
  catalog images;
- the same lookup N times, warm: median and p95 wall time, and upstream calls per lookup read from
  the sandbox's request log;
- a BASIC search by her email: upstream calls.

The lower bound is the longest chain of calls that must wait for one another (customer and orders,
then shipments: 2) times the added latency; the chain actually observed is timed at the sandbox
(the longest run of calls each starting after the previous one was answered). Targets: median
within 1.3x of the lower bound, at most 3 + 5 calls per warm DETAILED lookup (group names and
images come from the container's cache), the cold one's extra calls (store information, group names,
catalog images) made alongside the others (its chain no longer than 2), at most 2 calls for the BASIC
search. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack, redirect_stdout
from dataclasses import dataclass
from typing import Any

from devtools.aws import create_resources_from_template, start_local_aws
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient
from devtools.run import local_secret, sandbox_store, start_gateway
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.observability import logger

LATENCY_SECONDS = 0.1
# The bench measures latency, not BigCommerce's quota (150 requests per 30 s on the Standard plan).
SANDBOX_QUOTA = 100_000
DEPENDENT_CHAIN = 2  # customer, orders and guest orders at once; then the shipments, at once
MAX_RATIO_TO_LOWER_BOUND = 1.3
DETAILED_CALL_BUDGET = 3 + len(seed.MARTHA_SHIPPED_ORDER_IDS)
BASIC_CALL_BUDGET = 2

MARTHA_PROFILE = {"id": "bench-profile", "name": "Martha Williams", "emails": [seed.MARTHA_EMAIL]}
DETAILED = {
    "lookupLevel": "DETAILED",
    "uniqueMatchRequired": True,
    "query": {**MARTHA_PROFILE, "externalCustomerId": str(seed.MARTHA_CUSTOMER_ID)},
}
BASIC = {"lookupLevel": "BASIC", "uniqueMatchRequired": False, "query": {"email": seed.MARTHA_EMAIL}}


@dataclass(frozen=True)
class Sample:
    seconds: float
    calls: int
    chain: int


class CallTimeline:
    """When each request reached the sandbox and when it was answered, on the monotonic clock.

    The sandbox's own request log keeps whole seconds (as BigCommerce does), too coarse to tell
    which calls waited for which; this wraps its request handling to time each call precisely.
    """

    def __init__(self, sandbox: SandboxServer) -> None:
        self._spans: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        answer = sandbox.handle

        def timed(method: str, target: str, headers: Mapping[str, str], body: bytes) -> Any:
            started = time.perf_counter()
            try:
                return answer(method, target, headers, body)
            finally:
                with self._lock:
                    self._spans.append((started, time.perf_counter()))

        sandbox.handle = timed  # type: ignore[method-assign]

    def clear(self) -> None:
        with self._lock:
            self._spans.clear()

    def longest_chain(self) -> int:
        """The most calls in a row of which each started after the previous one had been answered."""
        with self._lock:
            spans = sorted(self._spans)
        chain_ending_at: list[int] = []
        for index, (start, _end) in enumerate(spans):
            before = [chain_ending_at[i] for i in range(index) if spans[i][1] <= start]
            chain_ending_at.append(1 + max(before, default=0))
        return max(chain_ending_at, default=0)


def measure(
    client: GladlyClient, sandbox: SandboxServer, timeline: CallTimeline, body: dict[str, Any]
) -> Sample:
    sandbox.requests.clear()
    timeline.clear()
    started = time.perf_counter()
    response = client.post("/lookup", body)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or len(response.json()["results"]) != 1:
        raise SystemExit(f"lookup failed: HTTP {response.status_code} {response.text[:300]}")
    # Let a call the answer did not need to wait for (if any) land in the log too.
    time.sleep(LATENCY_SECONDS * 2)
    return Sample(elapsed, len(sandbox.requests), timeline.longest_chain())


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(cold: Sample, samples: list[Sample], basic: Sample) -> bool:
    times = [sample.seconds for sample in samples]
    median, p95 = statistics.median(times), percentile(times, 0.95)
    lower_bound = DEPENDENT_CHAIN * LATENCY_SECONDS
    calls = max(sample.calls for sample in samples)
    chain = max(sample.chain for sample in samples)
    checks = [
        (
            "DETAILED median within 1.3x of the lower bound",
            median <= MAX_RATIO_TO_LOWER_BOUND * lower_bound,
            f"{median * 1000:.0f} ms = {median / lower_bound:.2f}x",
        ),
        (
            f"DETAILED upstream calls <= 3 + {len(seed.MARTHA_SHIPPED_ORDER_IDS)}",
            calls <= DETAILED_CALL_BUDGET,
            f"{calls} (max per lookup)",
        ),
        (
            f"DETAILED cold start chain <= {DEPENDENT_CHAIN}",
            cold.chain <= DEPENDENT_CHAIN,
            f"{cold.chain} dependent calls",
        ),
        ("BASIC by email upstream calls <= 2", basic.calls <= BASIC_CALL_BUDGET, f"{basic.calls}"),
    ]
    print(
        f"Cold start: {cold.seconds * 1000:.1f} ms, {cold.calls} calls, chain {cold.chain} "
        "(store information, group names and catalog images included)"
    )
    print(f"DETAILED lookup for Martha Williams (10 orders, 5 shipped), {len(samples)} runs,")
    print(f"sandbox latency {LATENCY_SECONDS * 1000:.0f} ms per request, through the local gateway:")
    print(f"  median        {median * 1000:7.1f} ms")
    print(f"  p95           {p95 * 1000:7.1f} ms")
    print(f"  lower bound   {lower_bound * 1000:7.1f} ms  ({DEPENDENT_CHAIN} dependent calls x latency)")
    print(f"  chain seen    {chain:7d}     dependent calls (longest seen by the sandbox)")
    print(f"  calls         {calls:7d}     per lookup (target <= {DETAILED_CALL_BUDGET})")
    print(f"BASIC search by email: {basic.calls} calls, {basic.seconds * 1000:.1f} ms")
    print()
    for name, passed, value in checks:
        print(f"  [{'PASS' if passed else 'FAIL'}] {name}: {value}")
    return all(passed for _, passed, _ in checks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lookup_bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="DETAILED lookups to time (default 30)")
    arguments = parser.parse_args(argv)
    with ExitStack() as running:
        sandbox = SandboxServer(latency=LATENCY_SECONDS, quota=SANDBOX_QUOTA).start()
        running.callback(sandbox.stop)
        aws = start_local_aws()
        running.callback(aws.stop)
        resources = create_resources_from_template(aws, local_secret())
        gateway = start_gateway(resources, sandbox_store(sandbox.url), access_log=False)
        running.callback(gateway.stop)
        client = GladlyClient(gateway.url, DEFAULT_SIGNING_KEY)
        timeline = CallTimeline(sandbox)
        # The handler's log lines and metrics go to stdout, as in Lambda: keep them out of the report.
        logger.setLevel("WARNING")
        with redirect_stdout(io.StringIO()):
            # The container's first lookup also reads the secret, the store's information and the
            # catalog images: a cold start, measured apart from the warm lookups Gladly sees nearly always.
            cold = measure(client, sandbox, timeline, DETAILED)
            samples = [measure(client, sandbox, timeline, DETAILED) for _ in range(arguments.runs)]
            basic = measure(client, sandbox, timeline, BASIC)
        return 0 if report(cold, samples, basic) else 1


if __name__ == "__main__":
    sys.exit(main())
