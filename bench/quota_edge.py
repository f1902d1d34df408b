"""The quota edge: agents opening one profile for a minute at BigCommerce's Standard quota."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bench.stack import AGENT_PAUSE_SECONDS, AGENTS, DETAILED, GLADLY_TIMEOUT_SECONDS, LATENCY_SECONDS, Stack
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient

# --- (d) the quota edge ------------------------------------------------------------------------------


@dataclass
class EdgeFigures:
    seconds: float
    answers: int = 0
    ok: int = 0
    over_5s: int = 0
    unavailable: int = 0
    degraded: int = 0
    from_memory: int = 0  # degraded: shown as read earlier, while the store's quota was spent
    degraded_silent: int = 0
    other: int = 0
    slowest: float = 0.0
    calls: int = 0
    calls_while_limited: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def quota_edge(stack: Stack, seconds: float) -> EdgeFigures:
    """AGENTS agents reopening Martha's profile for `seconds` against the Standard quota."""
    # What a full profile shows (its calls are the first of the store's quota, like any agent's).
    full = stack.client.post("/lookup", DETAILED).json()["results"][0]
    tracked = {t["orderNumber"] for t in full["transactions"] if _tracking(t)}
    figures = EdgeFigures(seconds)
    stop_at = time.monotonic() + seconds

    def agent() -> None:
        client = GladlyClient(stack.gateway.url, DEFAULT_SIGNING_KEY)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            response = client.post("/lookup", DETAILED)
            elapsed = time.perf_counter() - started
            with figures.lock:
                figures.answers += 1
                figures.slowest = max(figures.slowest, elapsed)
                figures.over_5s += elapsed > GLADLY_TIMEOUT_SECONDS
                if response.status_code == 200:
                    figures.ok += 1
                    profile = response.json()["results"][0]
                    note = (profile.get("customAttributes") or {}).get("detailsSkipped", "")
                    shown = {t["orderNumber"] for t in profile["transactions"] if _tracking(t)}
                    degraded = bool(note) or shown != tracked
                    figures.degraded += degraded
                    figures.from_memory += note.startswith("Shown as read at")
                    figures.degraded_silent += degraded and not note
                elif response.status_code == 503:
                    figures.unavailable += 1
                else:
                    figures.other += 1
            time.sleep(AGENT_PAUSE_SECONDS)

    agents = [threading.Thread(target=agent, name=f"agent-{n}") for n in range(AGENTS)]
    for thread in agents:
        thread.start()
    for thread in agents:
        thread.join()
    time.sleep(LATENCY_SECONDS * 2)
    records = stack.sandbox.requests.snapshot()
    figures.calls = len(records)
    figures.calls_while_limited = sum(
        1 for record in records if record.status == 429 and record.fault is None
    )
    return figures


def _tracking(transaction: Mapping[str, Any]) -> bool:
    return any(f.get("trackingNumber") for f in transaction.get("fulfillments") or [])
