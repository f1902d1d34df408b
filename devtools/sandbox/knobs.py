"""The sandbox's test knobs: a fault plan, BigCommerce's rate limit, and the request log.

All three are thread-safe: the server answers each request on its own thread while a test changes
knobs from the main thread.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, overload

from devtools.sandbox.formats import dumps, loads

FaultKind = Literal[500, 502, 503, 504, "rate_limit", "reset", "slow", "malformed_json", "retyped"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    500,
    502,
    503,
    504,
    "rate_limit",
    "reset",
    "slow",
    "malformed_json",
    "retyped",
)

DEFAULT_QUOTA = 150
DEFAULT_WINDOW_SECONDS = 30.0


@dataclass
class Fault:
    """One planned fault. `times=None` fires on every match; otherwise it fires `times` times.

    Kinds: 500/502/503/504 answer that status without doing anything; `rate_limit` answers 429 with
    `X-Retry-After` (`retry_after` seconds) and reset headers; `reset` closes the connection without
    an answer; `slow` does the work, then answers after `seconds` (so a client that times out may
    have changed data: the refund case); `malformed_json` does the work and answers 200 with a
    truncated JSON body; `retyped` does the work and answers with the values of `retype` (dotted path
    -> any JSON value) put into every record of the answer that has the path's parent, as an untidy
    store answers a field of another type (a public client's sample order has its `zip` and `phone`
    as numbers: Space48/bigcommerce-api-js, `src/test/orderv2/sample-responses/order.ts`).
    """

    path_pattern: str
    kind: FaultKind
    method: str | None = None
    times: int | None = None
    seconds: float = 2.0
    retry_after: int = 1
    hits: int = 0
    retype: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {FAULT_KINDS}")
        self._regex = re.compile(self.path_pattern)
        self.method = self.method.upper() if self.method else None

    def matches(self, method: str, api_path: str) -> bool:
        exhausted = self.times is not None and self.hits >= self.times
        method_ok = self.method is None or self.method == method
        return not exhausted and method_ok and self._regex.search(api_path) is not None


class FaultPlan:
    """`add(path_pattern, kind, ...)` plans a fault; the first live match fires on each request.

    `path_pattern` is a regular expression searched in the path after `/stores/{store_hash}`
    (for example `r"^/v2/orders$"` or `r"/payment_actions/refunds"`).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        path_pattern: str,
        kind: FaultKind,
        *,
        method: str | None = None,
        times: int | None = None,
        seconds: float = 2.0,
        retry_after: int = 1,
        retype: Mapping[str, Any] | None = None,
    ) -> Fault:
        fault = Fault(path_pattern, kind, method, times, seconds, retry_after, retype=retype)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, method: str, api_path: str) -> Fault | None:
        """The fault this request meets (counting the hit), if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, api_path):
                    fault.hits += 1
                    return fault
        return None

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)


def retyped_answer(body: bytes, values: Mapping[str, Any]) -> bytes:
    """A JSON answer's body with `values` put into its records (`retyped`); an empty body stays."""
    return dumps(retyped(loads(body), values)).encode() if body.strip() else body


def retyped(payload: Any, values: Mapping[str, Any]) -> Any:
    """`payload` (a v2 list, a v3 `{data}` envelope or one record) with each dotted path of `values`
    set in every record that has the path's parent object."""
    data = payload.get("data") if isinstance(payload, dict) and "data" in payload else payload
    for record in data if isinstance(data, list) else [data]:
        for path, value in values.items():
            *parents, name = path.split(".")
            target = record
            for part in parents:
                target = target.get(part) if isinstance(target, dict) else None
            if isinstance(target, dict):
                target[name] = value
    return payload


@dataclass(frozen=True)
class RateLimitState:
    """The numbers behind the four `X-Rate-Limit-*` headers."""

    quota: int
    left: int
    window_ms: int
    reset_ms: int

    def headers(self) -> dict[str, str]:
        return {
            "X-Rate-Limit-Requests-Left": str(self.left),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(self.reset_ms),
        }

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.reset_ms / 1000))


class RateLimiter:
    """BigCommerce's per-store quota: `quota` requests per fixed window of `window_seconds`."""

    def __init__(self, quota: int = DEFAULT_QUOTA, window_seconds: float = DEFAULT_WINDOW_SECONDS) -> None:
        self._lock = threading.Lock()
        self.configure(quota=quota, window_seconds=window_seconds)

    def configure(self, *, quota: int | None = None, window_seconds: float | None = None) -> None:
        """Change the quota or window; the current window starts afresh."""
        with self._lock:
            if quota is not None:
                if quota < 1:
                    raise ValueError("quota must be at least 1")
                self.quota = quota
            if window_seconds is not None:
                if window_seconds <= 0:
                    raise ValueError("window_seconds must be positive")
                self.window_seconds = window_seconds
            self._window_start = time.monotonic()
            self._used = 0

    def restart(self, elapsed_seconds: float = 0.0) -> None:
        """A fresh window (nothing of it used), of which `elapsed_seconds` are already gone: a store
        whose windows run on, met at that point of one."""
        with self._lock:
            if not 0 <= elapsed_seconds < self.window_seconds:
                raise ValueError("elapsed_seconds must be within the window")
            self._window_start = time.monotonic() - elapsed_seconds
            self._used = 0

    def reset(self) -> None:
        """Back to BigCommerce's Standard plan: 150 requests per 30 s, a fresh window."""
        self.configure(quota=DEFAULT_QUOTA, window_seconds=DEFAULT_WINDOW_SECONDS)

    def consume(self) -> tuple[bool, RateLimitState]:
        """Count one request; (allowed, state after it)."""
        with self._lock:
            self._roll()
            allowed = self._used < self.quota
            if allowed:
                self._used += 1
            return allowed, self._state()

    def peek(self) -> RateLimitState:
        with self._lock:
            self._roll()
            return self._state()

    def _roll(self) -> None:
        now = time.monotonic()
        if now - self._window_start >= self.window_seconds:
            self._window_start = now
            self._used = 0

    def _state(self) -> RateLimitState:
        elapsed = time.monotonic() - self._window_start
        reset_ms = max(0, math.ceil((self.window_seconds - elapsed) * 1000))
        return RateLimitState(
            self.quota, self.quota - self._used, round(self.window_seconds * 1000), reset_ms
        )


@dataclass(frozen=True)
class RequestRecord:
    """One exchange the sandbox saw: the request as received and the answer as sent.

    `path` is the full path (`/stores/sandbox/v3/customers`), `api_path` the part after the store
    (`/v3/customers`). `status` is None when the connection was reset. `fault` names the injected
    fault, if any. `contract_exempt` marks requests a test sent on purpose outside the contract
    (`SandboxServer.off_contract()`).
    """

    time: datetime
    method: str
    path: str
    api_path: str
    query_string: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any
    status: int | None
    response_headers: dict[str, str]
    response_body: bytes
    fault: str | None = None
    contract_exempt: bool = False
    duration_seconds: float = 0.0
    error: str | None = None
    """The traceback when the sandbox itself failed (a bug: the fixture fails the test)."""

    @property
    def response_json(self) -> Any:
        """The answer's JSON (Decimal for non-integers), None for an empty body."""
        return loads(self.response_body) if self.response_body else None


class RequestLog(Sequence[RequestRecord]):
    """The exchanges so far, oldest first: a read-only sequence plus `clear()` and `find()`."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._grown = threading.Condition(self._lock)

    def append(self, record: RequestRecord) -> None:
        with self._grown:
            self._records.append(record)
            self._grown.notify_all()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[RequestRecord]:
        """The records once there are `count` of them, or those that came within `timeout` seconds.

        For a call the answer did not wait for (it may land after the answer): wait for it, rather
        than for a fixed time that a loaded machine can outlast.
        """
        with self._grown:
            self._grown.wait_for(lambda: len(self._records) >= count, timeout)
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def find(self, method: str | None = None, path_pattern: str | None = None) -> list[RequestRecord]:
        """Records with this method and an `api_path` in which `path_pattern` (a regex) is found."""
        regex = re.compile(path_pattern) if path_pattern else None
        return [
            record
            for record in self.snapshot()
            if (method is None or record.method == method.upper())
            and (regex is None or regex.search(record.api_path))
        ]

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    @overload
    def __getitem__(self, index: int) -> RequestRecord: ...

    @overload
    def __getitem__(self, index: slice) -> list[RequestRecord]: ...

    def __getitem__(self, index: int | slice) -> RequestRecord | list[RequestRecord]:
        with self._lock:
            return self._records[index]

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.snapshot())
