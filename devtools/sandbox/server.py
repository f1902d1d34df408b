"""`SandboxServer`: a local HTTP fake of BigCommerce's REST API, with knobs for tests.

    with SandboxServer(store_hash="sandbox", tokens={"sandbox-token": ALL_SCOPES}) as server:
        requests.get(f"{server.url}/stores/sandbox/v3/customers", headers={"X-Auth-Token": "sandbox-token"})

It serves several stores by store hash: the demo store and `other_stores` (`sandboxjp`, in yen:
`seed_japan`). Faults are planned for the demo store; the other knobs apply to every store.

Every answer passes the gateway steps BigCommerce applies, in this order: latency (knob), store hash
(unknown: 404), planned fault (knob), `X-Auth-Token` (missing or unknown: 401), the store's rate limit
(429 with the reset headers but no `X-Retry-After`), route (404/405), OAuth scope (403 saying only
that a scope is missing, as BigCommerce does), then the API itself. Every answer carries the four
`X-Rate-Limit-*` headers. Every exchange is logged in `server.requests` (before a `slow` fault's
delay, so a test sees it at once).

Knobs are thread-safe and `reset()` puts all of them back: latency 0, no faults, 150 requests per
30 s, empty request log, the constructor's tokens, no refund processing time, sparse mode as the
constructor set it (`sparse=`, off by default), `phone:in` split as the constructor set it
(`phone_in_no_split=`, off by default), the seeded data.
"""

from __future__ import annotations

import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from devtools.sandbox import seed as demo_seed
from devtools.sandbox.errors import ApiError, error_body
from devtools.sandbox.formats import dumps, loads, utc_now
from devtools.sandbox.knobs import (
    DEFAULT_QUOTA,
    DEFAULT_WINDOW_SECONDS,
    Fault,
    FaultPlan,
    RateLimiter,
    RateLimitState,
    RequestLog,
    RequestRecord,
    retyped_answer,
)
from devtools.sandbox.routes import ROUTER
from devtools.sandbox.routing import ALL_SCOPES, ApiRequest, Route, shape_for_path
from devtools.sandbox.sparse import sparsify
from devtools.sandbox.store import SandboxStore

DEFAULT_STORE_HASH = "sandbox"
DEFAULT_TOKEN = "sandbox-token"
JAPAN_STORE_HASH = "sandboxjp"
OTHER_STORES: Mapping[str, str] = {JAPAN_STORE_HASH: demo_seed.JAPAN}  # store hash -> its seed
JSON = "application/json"
RESET_DRAIN_SECONDS = 5.0
_KEEP_SEED = object()


@dataclass
class Outcome:
    """What the HTTP layer sends: an answer, or a connection reset; `delay` waits before sending."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    fault: str | None = None
    error: str | None = None


class SandboxServer:
    """A BigCommerce store on 127.0.0.1: `start()`/`stop()` or `with`, `url`, `store` and the knobs.

    `tokens` maps each accepted `X-Auth-Token` to its OAuth scopes (default: one token with every
    scope). `seed` names the demo data to load (`"demo"`, see `devtools.sandbox.seed`) or None for
    an empty store (the `other_stores` too). `port=0` picks a free port.
    """

    def __init__(
        self,
        store_hash: str = DEFAULT_STORE_HASH,
        tokens: Mapping[str, Iterable[str]] | None = None,
        seed: str | None = demo_seed.DEMO,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        latency: float = 0.0,
        quota: int = DEFAULT_QUOTA,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        sparse: bool = False,
        phone_in_no_split: bool = False,
        other_stores: Mapping[str, str] = OTHER_STORES,
    ) -> None:
        self.store_hash = store_hash
        self.host = host
        self.port = port
        self._initial_tokens = {
            token: frozenset(scopes) for token, scopes in (tokens or {DEFAULT_TOKEN: ALL_SCOPES}).items()
        }
        self._initial_latency = latency
        self._initial_rate_limit = (quota, window_seconds)
        self._seed = seed
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._in_flight = 0
        self._off_contract = 0
        self._wake = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.store = SandboxStore()
        self._other_seeds = {hash_: seed for hash_, seed in other_stores.items() if hash_ != store_hash}
        self.stores: dict[str, SandboxStore] = {store_hash: self.store}
        self.stores |= {hash_: SandboxStore() for hash_ in self._other_seeds}  # every store, by hash
        self.faults = FaultPlan()
        self.requests = RequestLog()
        self.rate_limit = RateLimiter(quota, window_seconds)
        self.tokens: dict[str, frozenset[str]] = dict(self._initial_tokens)
        self.latency = latency
        self.refund_processing_seconds = 0.0
        """Knob: how long a refund holds its order; a second refund on it meanwhile gets 409."""
        self._initial_sparse = sparse
        self.sparse = sparse
        """Knob: every success answer in its sparsest schema-valid form (`devtools.sandbox.sparse`)."""
        self._initial_phone_in_no_split = phone_in_no_split
        self.phone_in_no_split = phone_in_no_split
        """Knob: match `phone:in` as ONE literal string, never split at commas (`api_customers`)."""
        self.reset()

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        if self._httpd is not None:
            raise RuntimeError("the sandbox is already running")
        handler = type("SandboxRequestHandler", (_RequestHandler,), {"sandbox": self})
        self._httpd = _HttpServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bigcommerce-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._wake.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The API root, e.g. `http://127.0.0.1:54321` (requests go to `{url}/stores/{hash}/v3/...`)."""
        if self._httpd is None:
            raise RuntimeError("start the sandbox first")
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """`{url}/stores/{store_hash}`: append `/v2/...` or `/v3/...`."""
        return self.api_base_of(self.store_hash)

    def api_base_of(self, store_hash: str) -> str:
        """The API root of one of the stores served (`stores`)."""
        return f"{self.url}/stores/{store_hash}"

    def reset(self, seed: Any = _KEEP_SEED) -> None:
        """Back to a fresh store (the constructor's seed unless another is given) and default knobs.

        Waits for requests in progress to finish first (cutting their pauses short), so nothing
        from the previous test lands in the fresh state.
        """
        if seed is not _KEEP_SEED:
            self._seed = seed
        with self._idle:
            self._wake.set()
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=RESET_DRAIN_SECONDS)
            self._wake = threading.Event()
            self._off_contract = 0
        self.faults.clear()
        self.requests.clear()
        self.rate_limit.configure(
            quota=self._initial_rate_limit[0], window_seconds=self._initial_rate_limit[1]
        )
        self.tokens = dict(self._initial_tokens)
        self.latency = self._initial_latency
        self.refund_processing_seconds = 0.0
        self.sparse = self._initial_sparse
        self.phone_in_no_split = self._initial_phone_in_no_split
        for store in self.stores.values():
            store.clear()
        if self._seed is not None:  # and the other stores' own seeds
            demo_seed.populate(self.store, self._seed)
            for store_hash, seed in self._other_seeds.items():
                demo_seed.populate(self.stores[store_hash], seed)

    # --- knobs ----------------------------------------------------------------------------------

    def add_token(self, token: str, scopes: Iterable[str]) -> None:
        """Accept another `X-Auth-Token` with these scopes (until the next `reset()`)."""
        self.tokens[token] = frozenset(scopes)

    @contextmanager
    def off_contract(self) -> Iterator[None]:
        """Requests sent inside are deliberately outside the OpenAPI contract (a missing token, a
        malformed body): the contract check skips their request side; their answers are still checked.
        """
        with self._lock:
            self._off_contract += 1
        try:
            yield
        finally:
            with self._lock:
                self._off_contract = max(0, self._off_contract - 1)

    def pause(self, seconds: float) -> None:
        """Sleep, but wake early on `reset()` or `stop()`."""
        if seconds > 0:
            self._wake.wait(seconds)

    # --- request handling -----------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Outcome:
        """Answer one request and log it (the HTTP handler sends the outcome)."""
        started = time.monotonic()
        with self._lock:
            self._in_flight += 1
            exempt = self._off_contract > 0
        try:
            split = urlsplit(target)
            path = split.path.rstrip("/") or "/"
            store_hash, api_path = _split_store(path)
            outcome = self._dispatch(method, store_hash, api_path, split.query, headers, body)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()
        record = RequestRecord(
            time=utc_now(),
            method=method,
            path=path,
            api_path=api_path,
            query_string=split.query,
            query={
                name: values[-1] for name, values in parse_qs(split.query, keep_blank_values=True).items()
            },
            headers=dict(headers),
            body=body,
            json=_json_or_none(body),
            status=outcome.status,
            response_headers=dict(outcome.headers),
            response_body=outcome.body,
            fault=outcome.fault,
            contract_exempt=exempt,
            duration_seconds=time.monotonic() - started,
            error=outcome.error,
        )
        self.requests.append(record)
        return outcome

    def _dispatch(
        self,
        method: str,
        store_hash: str | None,
        api_path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Outcome:
        route = _route_or_none(method, api_path)
        shape = route.shape if route else shape_for_path(api_path)
        self.pause(self.latency)
        fault = self.faults.take(method, api_path) if store_hash == self.store_hash else None
        if fault is not None and fault.kind == "reset":
            return Outcome(None, fault="reset")
        try:
            store = self.stores.get(store_hash or "")
            if store is None:
                raise ApiError(404, "Store not found", detail="Unknown store hash.")
            if fault is not None:
                self._raise_planned_error(fault)
            route, params = self._admit(method, api_path, headers)
            request = ApiRequest(
                method=method,
                api_path=api_path,
                params=params,
                query=parse_qs(query, keep_blank_values=True),
                body=body,
                api_base=self.api_base_of(store_hash or ""),
                store=store,
                refund_processing_seconds=self.refund_processing_seconds,
                pause=self.pause,
                phone_in_no_split=self.phone_in_no_split,
            )
            response = route.handler(request)
            body = response.body
            if self.sparse:
                body = sparsify(method, api_path, response.status, body)
            outcome = _answer(response.status, body, response.headers)
        except ApiError as error:
            outcome = _answer(error.status, error_body(shape, error), error.headers)
        except Exception:  # a sandbox bug: answer 500 like BigCommerce, but keep the traceback
            trace = traceback.format_exc()
            print(trace, file=sys.stderr)
            outcome = _answer(500, error_body(shape, ApiError(500, "Internal sandbox error")), {})
            outcome.error = trace
        for name, value in self.rate_limit.peek().headers().items():
            outcome.headers.setdefault(name, value)
        if fault is not None:
            _apply_answer_fault(outcome, fault)
        return outcome

    def _raise_planned_error(self, fault: Fault) -> None:
        """Planned 5xx and 429 answers replace the work; other faults shape the answer afterwards."""
        if isinstance(fault.kind, int):
            raise ApiError(fault.kind, "Sandbox fault", detail=f"Planned {fault.kind}.")
        if fault.kind == "rate_limit":
            window_ms = self.rate_limit.peek().window_ms
            state = RateLimitState(self.rate_limit.quota, 0, window_ms, fault.retry_after * 1000)
            retry = {"X-Retry-After": str(fault.retry_after), **state.headers()}
            raise ApiError(429, "Too many requests", detail="Planned rate-limit storm.", headers=retry)

    def _admit(self, method: str, api_path: str, headers: Mapping[str, str]) -> tuple[Route, dict[str, str]]:
        """The gateway: token (401), the store's quota (429), route (404/405), scope (403)."""
        scopes = self.tokens.get(headers_get(headers, "X-Auth-Token") or "")
        if scopes is None:
            raise ApiError(401, "Unauthorized", detail="Send a valid X-Auth-Token header.")
        allowed, state = self.rate_limit.consume()
        if not allowed:
            # Only the four X-Rate-Limit-* headers (every answer has them), no X-Retry-After: many real
            # 429s carry none (reference FACTS.md), so clients must wait by the reset header. The
            # `rate_limit` fault sends both, so both kinds of 429 are exercised.
            raise ApiError(
                429, "Too many requests", detail="The store's quota is used up.", headers=state.headers()
            )
        route, params = ROUTER.match(method, api_path)
        if route.scopes and not route.scopes & scopes:
            # BigCommerce's 403 does not name the scope (reference FACTS.md), so neither does this one.
            raise ApiError(403, "You don't have a required scope to access the endpoint")
        return route, params


def _apply_answer_fault(outcome: Outcome, fault: Fault) -> None:
    outcome.fault = str(fault.kind)
    if fault.kind == "slow":
        outcome.delay = fault.seconds
    elif fault.kind == "malformed_json":
        outcome.status, outcome.body = 200, _truncated(outcome.body)
        outcome.headers["Content-Type"] = JSON
    elif fault.kind == "retyped" and (outcome.status or 500) < 300:
        outcome.body = retyped_answer(outcome.body, fault.retype or {})


def headers_get(headers: Mapping[str, str], name: str) -> str | None:
    """A header, ignoring case."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def _split_store(path: str) -> tuple[str | None, str]:
    """`/stores/abc/v3/customers` -> ("abc", "/v3/customers"); a path elsewhere has no store."""
    parts = path.split("/", 3)
    if len(parts) >= 3 and parts[1] == "stores" and parts[2]:
        return parts[2], "/" + parts[3] if len(parts) == 4 else "/"
    return None, path


def _route_or_none(method: str, api_path: str) -> Route | None:
    try:
        return ROUTER.match(method, api_path)[0]
    except ApiError:
        return None


def _answer(status: int, content: Any, headers: Mapping[str, str]) -> Outcome:
    if content is None:
        return Outcome(status, dict(headers))
    return Outcome(status, {"Content-Type": JSON, **headers}, dumps(content).encode())


def _truncated(body: bytes) -> bytes:
    """A JSON body cut in half (never valid JSON)."""
    return body[: len(body) // 2] if len(body) > 4 else b'{"data": ['


def _json_or_none(body: bytes) -> Any:
    if not body:
        return None
    try:
        return loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


RESET_PATH = "/__sandbox/reset"
"""`POST` here puts the sandbox back to its fresh demo store (`SandboxServer.reset()`)."""


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; hands each request to `sandbox.handle` and sends the outcome."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # the body follows the headers at once, not after a delayed ACK (~40 ms)
    server_version = "BigCommerceSandbox/1.0"
    timeout = 120
    sandbox: SandboxServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is `server.requests`."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.command == "POST" and self.path == RESET_PATH:
            # A development control, not BigCommerce's API: kept out of the request log and the
            # contract check. `make replay RESET=1` calls it so that each event meets the demo store.
            self.sandbox.reset()
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        outcome = self.sandbox.handle(self.command, self.path, dict(self.headers.items()), body)
        if outcome.status is None:
            self._reset_connection()
            return
        self.sandbox.pause(outcome.delay)
        try:
            self.send_response(outcome.status)
            for name, value in outcome.headers.items():
                self.send_header(name, value)
            if outcome.status != 204:
                self.send_header("Content-Length", str(len(outcome.body)))
            self.end_headers()
            if outcome.status != 204:
                self.wfile.write(outcome.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a `slow` fault outlasting its timeout)

    def _reset_connection(self) -> None:
        """Close without an answer: SO_LINGER 0 makes the close a TCP reset."""
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
