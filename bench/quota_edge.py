"""The quota edges of `make bench`: agents opening DETAILED profiles through a local gateway, for a
while, against a store at BigCommerce's Standard quota (150 requests per 30 s, with latency), and
what they got.

Each agent opens a profile, waits `AGENT_PAUSE_SECONDS` after the answer and opens the next one (the
profile `profile_for(agent, turn)` names). An answer is counted full when it is a 200 whose
`detailsSkipped` custom attribute is empty, showing every order and the tracking of every order that
has it (`Profile`); otherwise degraded, and then it must say so in `detailsSkipped` (a degraded
profile that does not is counted apart). Also counted: answers over Gladly's 5 s, 503s, profiles
shown from memory while the quota was spent, and the requests the store received, of which those
received while it had said its quota was spent (the sandbox's 429s that no planned fault caused).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bench.stack import AGENT_PAUSE_SECONDS, AGENTS, DETAILED, GLADLY_TIMEOUT_SECONDS, LATENCY_SECONDS, Stack
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient
from devtools.sandbox.server import SandboxServer


@dataclass(frozen=True)
class Profile:
    """A shopper an agent opens: the DETAILED lookup Gladly sends, and what a full profile shows."""

    body: Mapping[str, Any]
    orders: frozenset[str]
    """The order numbers of its transactions."""
    tracked: frozenset[str]
    """The order numbers whose transactions show a tracking number."""

    @classmethod
    def as_answered(cls, body: Mapping[str, Any], answer: Mapping[str, Any]) -> Profile:
        """The profile a full answer (`results[0]` of a 200) showed."""
        return cls(body, frozenset(_order_numbers(answer)), frozenset(_tracked(answer)))


@dataclass
class EdgeFigures:
    seconds: float
    agents: int
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

    @property
    def full(self) -> int:
        """Answers that showed the whole profile (200, not degraded)."""
        return self.ok - self.degraded

    @property
    def full_per_minute(self) -> float:
        return self.full * 60 / self.seconds

    def count(self, profile: Profile, status: int, answer: Any, elapsed: float) -> None:
        with self.lock:
            self.answers += 1
            self.slowest = max(self.slowest, elapsed)
            self.over_5s += elapsed > GLADLY_TIMEOUT_SECONDS
            if status == 200:
                self.ok += 1
                shown = answer["results"][0]
                note = (shown.get("customAttributes") or {}).get("detailsSkipped", "")
                degraded = (
                    bool(note)
                    or frozenset(_order_numbers(shown)) != profile.orders
                    or frozenset(_tracked(shown)) != profile.tracked
                )
                self.degraded += degraded
                self.from_memory += note.startswith("Shown as read at")
                self.degraded_silent += degraded and not note
            elif status == 503:
                self.unavailable += 1
            else:
                self.other += 1

    def rows(self, title: str) -> list[tuple[str, str, str]]:
        """The report's rows: (figure, value, note)."""
        return [
            (title, f"{self.answers} answers", f"slowest {self.slowest:.2f} s"),
            (
                "  full profiles per minute",
                f"{self.full_per_minute:.1f}",
                f"{self.full} full in {self.seconds:.0f} s",
            ),
            (
                "  200 (full or degraded) / degraded",
                f"{self.ok} / {self.degraded}",
                f"{self.from_memory} from memory, {self.degraded_silent} degraded without saying so",
            ),
            ("  503 / over 5 s / other", f"{self.unavailable} / {self.over_5s} / {self.other}", ""),
            (
                "  requests to the store / while spent",
                f"{self.calls} / {self.calls_while_limited}",
                "150 per 30 s",
            ),
        ]

    def figures(self, prefix: str) -> dict[str, Any]:
        """The JSON line's figures, each named `<prefix>_<figure>`."""
        figures = {
            "seconds": self.seconds,
            "full_per_minute": round(self.full_per_minute, 1),
            "over_5s": self.over_5s,
            "ok": self.ok,
            "503": self.unavailable,
            "degraded": self.degraded,
            "from_memory": self.from_memory,
            "degraded_silent": self.degraded_silent,
            "calls": self.calls,
            "calls_while_limited": self.calls_while_limited,
            "slowest_s": round(self.slowest, 3),
        }
        return {f"{prefix}_{name}": value for name, value in figures.items()}


def run_agents(
    stage_url: str,
    sandbox: SandboxServer,
    *,
    agents: int,
    seconds: float,
    profile_for: Callable[[int, int], Profile],
) -> EdgeFigures:
    """`agents` agents opening profiles through the gateway at `stage_url` for `seconds`."""
    figures = EdgeFigures(seconds, agents)
    stop_at = time.monotonic() + seconds

    def agent(number: int) -> None:
        client = GladlyClient(stage_url, DEFAULT_SIGNING_KEY)
        turn = 0
        while time.monotonic() < stop_at:
            profile = profile_for(number, turn)
            started = time.perf_counter()
            response = client.post("/lookup", profile.body)
            elapsed = time.perf_counter() - started
            answer = response.json() if response.status_code == 200 else None
            figures.count(profile, response.status_code, answer, elapsed)
            turn += 1
            time.sleep(AGENT_PAUSE_SECONDS)

    threads = [threading.Thread(target=agent, args=(n,), name=f"agent-{n}") for n in range(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(LATENCY_SECONDS * 2)  # a call an answer did not wait for lands in the log too
    records = sandbox.requests.snapshot()
    figures.calls = len(records)
    figures.calls_while_limited = sum(
        1 for record in records if record.status == 429 and record.fault is None
    )
    return figures


def quota_edge(stack: Stack, seconds: float) -> EdgeFigures:
    """AGENTS agents reopening Martha's profile in one process for `seconds` against the Standard quota."""
    # What a full profile shows (its calls are the first of the store's quota, like any agent's).
    full = Profile.as_answered(DETAILED, stack.client.post("/lookup", DETAILED).json()["results"][0])
    return run_agents(
        stack.gateway.url, stack.sandbox, agents=AGENTS, seconds=seconds, profile_for=lambda agent, turn: full
    )


def _order_numbers(profile: Mapping[str, Any]) -> list[str]:
    return [transaction["orderNumber"] for transaction in profile.get("transactions") or []]


def _tracked(profile: Mapping[str, Any]) -> list[str]:
    return [
        transaction["orderNumber"]
        for transaction in profile.get("transactions") or []
        if any(f.get("trackingNumber") for f in transaction.get("fulfillments") or [])
    ]
