"""The bench's local stack (sandbox, moto, gateway) and how a lookup is timed against it."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from devtools.aws import LocalResources
from devtools.gateway import LocalGateway, build_event
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient, gladly_json
from devtools.run import sandbox_store, start_gateway
from devtools.sandbox import seed
from devtools.sandbox.server import SandboxServer
from devtools.signer import sign_request
from gladly_bigcommerce.edge.runtime import reset_runtime

ROOT = Path(__file__).resolve().parent.parent
LATENCY_SECONDS = 0.1
# The latency runs measure latency, not BigCommerce's quota (150 requests per 30 s on Standard).
UNLIMITED_QUOTA = 100_000
STANDARD_QUOTA = 150  # per 30 s, the sandbox's default window
DEPENDENT_CHAIN = 2  # customer, orders and guest orders at once; then the shipments, at once
GLADLY_TIMEOUT_SECONDS = 5.0
AGENTS = 10
AGENT_PAUSE_SECONDS = 0.2
FUNCTIONS = ("lookup", "auto_link", "refund", "cancel", "discount")

WITHOUT_SHARED_CACHE = {"LOOKUP_CACHE_TABLE_NAME": ""}
"""The functions' environment that turns the cache the containers share off (each keeps its own)."""

TARGET_DETAILED_RATIO = 1.2
TARGET_BASIC_RATIO = 1.15
TARGET_DETAILED_CALLS = 3 + len(seed.MARTHA_SHIPPED_ORDER_IDS)
TARGET_BASIC_CALLS = 2
TARGET_COLD_RATIO = 3.5
TARGET_QUOTA_EDGE_OK_PER_MINUTE = 80
TARGET_RETURNING_CALLS = 3
TARGET_RETURNING_RATIO = 1.3
TARGET_FLEET_GAIN = 2.0

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
        self._spans: list[tuple[float, float, str]] = []  # (reached, answered, path)
        self._lock = threading.Lock()
        answer = sandbox.handle

        def timed(method: str, target: str, headers: Mapping[str, str], body: bytes) -> Any:
            started = time.perf_counter()
            try:
                return answer(method, target, headers, body)
            finally:
                with self._lock:
                    self._spans.append((started, time.perf_counter(), urlsplit(target).path))

        sandbox.handle = timed  # type: ignore[method-assign]

    def clear(self) -> None:
        with self._lock:
            self._spans.clear()

    def spans(self, path_pattern: str) -> list[tuple[float, float]]:
        """(reached, answered) of each call whose path matches `path_pattern` (searched), in order."""
        with self._lock:
            return sorted((start, end) for start, end, path in self._spans if re.search(path_pattern, path))

    def longest_chain(self) -> int:
        """The most calls in a row of which each started after the previous one had been answered."""
        spans = self.spans("")
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


# --- the local stack ---------------------------------------------------------------------------------


@dataclass
class Stack:
    sandbox: SandboxServer
    gateway: LocalGateway
    client: GladlyClient
    resources: LocalResources


@contextmanager
def local_stack(
    resources: LocalResources, *, latency: float, quota: int, window: float = 30.0, shared_cache: bool = True
) -> Iterator[Stack]:
    """A sandbox of its own and a gateway to it (a store of its own: its own client and quota view),
    the lookup cache the containers share empty (every sandbox has the same store), or turned off."""
    sandbox = SandboxServer(latency=latency, quota=quota, window_seconds=window).start()
    resources.empty_table("LookupCacheTable")
    try:
        gateway = start_gateway(
            resources,
            sandbox_store(sandbox.url),
            access_log=False,
            environment=None if shared_cache else WITHOUT_SHARED_CACHE,
        )
        reset_runtime()  # the handlers read this gateway's settings (the sandbox's URL) afresh
        try:
            yield Stack(sandbox, gateway, GladlyClient(gateway.url, DEFAULT_SIGNING_KEY), resources)
        finally:
            gateway.stop()
    finally:
        sandbox.stop()


def signed_event(gateway: LocalGateway, body: Mapping[str, Any]) -> dict[str, Any]:
    """The proxy event API Gateway would hand the lookup handler for this body, signed now."""
    raw = gladly_json(body)
    host = gateway.url.split("//", 1)[1].split("/", 1)[0]
    headers = sign_request(
        method="POST",
        path=f"/{gateway.stage}/lookup",
        query="",
        headers={
            "accept": "application/json",
            "content-type": "application/json",
            "host": host,
            "gladly-correlation-id": uuid.uuid4().hex[:22],
        },
        body=raw,
        signing_key=DEFAULT_SIGNING_KEY,
    )
    return build_event(
        "POST",
        "/lookup",
        "",
        headers,
        raw,
        stage=gateway.stage,
        scheme="http",
        port=int(host.rsplit(":", 1)[1]),
    )
