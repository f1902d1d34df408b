"""The one place that talks HTTP to BigCommerce: URLs, headers, timeouts, retries, rate limits, deadlines.

``StoreHttp`` is what every client of a store stands on (``client.BigCommerceClient`` adds the
endpoints the adaptor calls); nobody else builds a BigCommerce URL or header or decides about a retry.

Retry rule (one place, ``StoreHttp._request``): reads, and writes that move nothing (refund quotes),
are retried on 429 and on 500/502/503/504, connection errors and timeouts, with a small number of
attempts and jittered back-off, never waiting past the caller's deadline. A deadline that carries a
``CallBudget`` also caps the calls and retries of the whole request it belongs to. Writes that change
money or orders are sent exactly once; when their outcome cannot be known (no answer, a 5xx, an
unreadable success) they raise ``OutcomeUnknown`` so the caller checks before trying again.

Answers are read by ``read_one``, ``read_list`` and ``read_v3_list``: JSON numbers straight to
``Decimal``, an item the adaptor cannot use skipped (``models.usable_items``), a 2xx write whose
answer cannot be read an ``OutcomeUnknown``.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import quote

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from .deadline import Deadline
from .errors import (
    BadUpstreamResponse,
    BigCommerceError,
    DeadlineExceeded,
    Forbidden,
    OutcomeUnknown,
    RateLimited,
    UpstreamUnavailable,
    error_for_response,
)
from .lenient import reading
from .models import usable_items
from .quota import QuotaView, StoreQuota, quota_for
from .store_hash import normalize_store_hash
from .values import encode_json

logger = logging.getLogger("gladly_bigcommerce.bigcommerce.client")

DEFAULT_API_BASE = "https://api.bigcommerce.com"
V2_MAX_PAGE_SIZE = 250
V3_MAX_PAGE_SIZE = 250
_RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)
_jitter = random.SystemRandom()
_sleep = time.sleep  # test seam: tests patch it to see (and fake) every wait the client asks for
# A read waits for the store's quota window to reset only if this much of its deadline (or half of
# it, when shorter) is left after: a lookup still has its calls to make, and Gladly gives up at 5 s.
_TIME_NEEDED_AFTER_QUOTA_WAIT = 1.0
# Every client of this process, so a SnapStart restore can give each a new pool (`reset_all_connections`).
_live_clients: weakref.WeakSet[StoreHttp] = weakref.WeakSet()

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
Query = dict[str, str | int]


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP attempt, for metrics: no ids, no query, no body, nothing personal."""

    method: str
    path: str  # the template, e.g. "/v2/orders/{order_id}"
    status: int | None  # None when no response arrived
    elapsed: float  # seconds
    attempt: int  # 1 for the first try
    error: str | None = None  # "timeout" or "connection" when no response arrived


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a retryable request tries; every wait is also bounded by the caller's deadline."""

    max_attempts: int = 3
    backoff_base: float = 0.1  # seconds before the 2nd attempt (doubling), jittered
    backoff_cap: float = 1.0
    max_wait: float = 5.0  # longest single wait, e.g. for a rate-limit window to reset

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")


class StoreHttp:
    """One store's REST API over HTTP, for one store hash and access token.

    Thread-safe for concurrent calls (one pooled session). Every call takes an optional `deadline`
    shared by all of its HTTP attempts and waits; each attempt's timeout is the configured one or
    what is left of the deadline, whichever is shorter.
    """

    SCOPE_OF_ENDPOINT: ClassVar[Mapping[tuple[str, str], str]] = {}
    """The API-account scope each endpoint needs (``scopes``): BigCommerce's 403 does not name it, the
    client knows what it called."""

    def __init__(
        self,
        store_hash: str,
        access_token: str,
        *,
        client_id: str | None = None,
        api_base: str = DEFAULT_API_BASE,
        connect_timeout: float = 1.0,
        read_timeout: float = 4.0,
        max_page_cap: int = 20,
        retry: RetryPolicy | None = None,
        pool_size: int = 10,
        session: requests.Session | None = None,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        if not access_token or not access_token.strip():
            raise ValueError("a BigCommerce access token is required")
        self.store_hash = normalize_store_hash(store_hash)
        self._root = f"{api_base.rstrip('/')}/stores/{self.store_hash}"
        self._headers = {"X-Auth-Token": access_token.strip(), "Accept": "application/json"}
        if client_id:
            self._headers["X-Auth-Client"] = client_id.strip()
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._max_page_cap = max_page_cap
        self._retry = retry or RetryPolicy()
        self._on_request = on_request
        self._owns_session = session is None
        self._session = session or _pooled_session(pool_size)
        self._pool_size = pool_size
        _live_clients.add(self)
        self._quota = quota_for(self._root)

    @property
    def quota(self) -> QuotaView:
        """The store's request quota as this container last saw it (shared by its clients)."""
        return self._quota.view()

    @property
    def store_quota(self) -> StoreQuota:
        """What this container knows of the store's quota, to share it with other containers."""
        return self._quota

    def __repr__(self) -> str:
        return f"{type(self).__name__}(store_hash={self.store_hash!r})"

    def close(self) -> None:
        if self._owns_session:
            self._session.close()

    def reset_connections(self) -> None:
        """Use a new connection pool from now on (after a SnapStart restore the pooled sockets of the
        snapshot are not live ones, and a write sent on one could end with an unknown outcome)."""
        if self._owns_session:
            stale, self._session = self._session, _pooled_session(self._pool_size)
            stale.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _v2_pages(
        self,
        template: str,
        model: type[M],
        *,
        path: Mapping[str, int] | None = None,
        query: Query | None = None,
        page_size: int = V2_MAX_PAGE_SIZE,
        deadline: Deadline | None,
    ) -> Iterator[M]:
        """Follow a v2 list page by page until a short or empty (204) page, or `max_page_cap` pages."""
        for page in range(1, self._max_page_cap + 1):
            items = self._request(
                "GET",
                template,
                path=path,
                query={**(query or {}), "page": page, "limit": page_size},
                parse=lambda payload: read_list(model, payload),
                deadline=deadline,
            )
            yield from items
            if len(items) < page_size:
                return
        logger.warning("bigcommerce list %s stopped after %d pages", template, self._max_page_cap)

    def _page(
        self,
        template: str,
        parse: Callable[[Any], T],
        *,
        query: Query,
        limit: int,
        page: int,
        deadline: Deadline | None,
    ) -> T:
        """One page of a list: ``limit`` items from ``page`` (counted from 1)."""
        return self._request(
            "GET", template, query={**query, "limit": limit, "page": page}, parse=parse, deadline=deadline
        )

    def _write(
        self,
        method: str,
        template: str,
        model: type[M],
        *,
        body: Any,
        path: Mapping[str, int] | None = None,
        v3: bool = False,
        deadline: Deadline | None,
    ) -> M:
        """One write that changes the store, sent exactly once (never retried), its answer read as one
        ``model`` (a v3 answer's ``data``)."""
        return self._request(
            method,
            template,
            path=path,
            body=body,
            parse=lambda payload: read_one(model, v3_data(payload) if v3 else payload),
            retry=False,
            deadline=deadline,
        )

    def _request(
        self,
        method: str,
        template: str,
        *,
        parse: Callable[[Any], T],
        path: Mapping[str, int] | None = None,
        query: Query | None = None,
        body: Any = None,
        retry: bool = True,
        deadline: Deadline | None,
    ) -> T:
        """Send one logical request and parse its answer; `retry` only for requests safe to repeat."""
        parts = {name: quote(str(value), safe="") for name, value in (path or {}).items()}
        url = self._root + template.format_map(parts)
        headers = dict(self._headers)
        data: bytes | None = None
        if body is not None:
            data = encode_json(body).encode()
            headers["Content-Type"] = "application/json"
        if deadline is not None and deadline.budget is not None:
            deadline.budget.spend_call()  # before anything is sent: past the cap, nothing is
        attempt = 0
        while True:
            attempt += 1
            connect_timeout, read_timeout = self._admit(retry, deadline)
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    url,
                    params=query,
                    data=data,
                    headers=headers,
                    timeout=(connect_timeout, read_timeout),
                    allow_redirects=False,  # a redirect would carry the token elsewhere
                )
            except _TRANSPORT_ERRORS as exc:
                self._quota.settle(None, None)
                self._record(method, template, None, started, attempt, _transport_kind(exc))
                error, retryable = _transport_error(exc, retry=retry, deadline=deadline)
            else:
                self._quota.settle(response.status_code, response.headers)
                self._record(method, template, response.status_code, started, attempt, None)
                if 200 <= response.status_code < 300:
                    return _parse_success(response, parse, retry=retry)
                error = error_for_response(response.status_code, response.content, response.headers)
                if isinstance(error, Forbidden) and error.missing_scope is None:
                    error.missing_scope = self.SCOPE_OF_ENDPOINT.get((method, template))
                retryable = retry and response.status_code in _RETRYABLE_STATUSES
                if not retry and isinstance(error, UpstreamUnavailable):
                    raise OutcomeUnknown(
                        f"BigCommerce failed while handling a write ({response.status_code}); "
                        "check whether it happened before trying again",
                        status=response.status_code,
                        upstream_message=error.upstream_message,
                    ) from error
            if not retryable:
                raise error
            self._wait_before_retry(error, attempt, deadline)

    def _admit(self, retry: bool, deadline: Deadline | None) -> tuple[float, float]:
        """The attempt's timeouts, once the store's quota lets it be sent.

        While the store has said its quota is spent, nothing is sent: a read waits for the reset
        when that leaves it time within its deadline; a write, or a read that cannot wait, raises
        `RateLimited` at once.
        """
        while True:
            timeouts = self._timeouts(deadline)
            closed_for = self._quota.admit()
            if closed_for <= 0:
                return timeouts
            time_left = min(deadline.remaining() if deadline is not None else math.inf, self._retry.max_wait)
            # Time left after the wait for the call itself (and the rest of a lookup), at most half.
            needed_after = min(_TIME_NEEDED_AFTER_QUOTA_WAIT, time_left / 2)
            wait = closed_for + _jitter.uniform(0, self._retry.backoff_base)  # jitter included: never past
            if not retry or wait + needed_after > time_left:
                raise RateLimited(
                    "BigCommerce's request quota for the store is used up; nothing sent until it resets",
                    retry_after=closed_for,
                )
            _sleep(wait)

    def _timeouts(self, deadline: Deadline | None) -> tuple[float, float]:
        if deadline is None:
            return self._connect_timeout, self._read_timeout
        if deadline.expired:
            raise DeadlineExceeded("the deadline passed before BigCommerce could be called")
        return deadline.cap(self._connect_timeout), deadline.cap(self._read_timeout)

    def _wait_before_retry(self, error: BigCommerceError, attempt: int, deadline: Deadline | None) -> None:
        """Sleep before the next attempt, or raise `error` when no attempt is left or the wait is too long."""
        if attempt >= self._retry.max_attempts:
            raise error
        backoff = min(self._retry.backoff_cap, self._retry.backoff_base * 2 ** (attempt - 1))
        if isinstance(error, RateLimited) and error.retry_after is not None:
            # Spread the threads that all hit the limit, a little, after the window resets.
            wait = error.retry_after + _jitter.uniform(0, self._retry.backoff_base)
        else:
            wait = backoff / 2 + _jitter.uniform(0, backoff / 2)
        if wait > self._retry.max_wait or (deadline is not None and wait >= deadline.remaining()):
            raise error
        if deadline is not None and deadline.budget is not None and not deadline.budget.spend_retry():
            logger.info("bigcommerce retries of this request are spent; not retrying")
            raise error
        _sleep(wait)

    def _record(
        self, method: str, template: str, status: int | None, started: float, attempt: int, error: str | None
    ) -> None:
        record = RequestRecord(method, template, status, time.monotonic() - started, attempt, error)
        logger.debug(
            "bigcommerce %s %s -> %s in %.3fs (attempt %d)",
            method,
            template,
            status if status is not None else error,
            record.elapsed,
            attempt,
        )
        if self._on_request is not None:
            try:
                self._on_request(record)
            except Exception:
                logger.warning("bigcommerce on_request hook failed", exc_info=True)


def reset_all_connections() -> None:
    """Give every client of this process a new connection pool (the SnapStart restore hook)."""
    for client in list(_live_clients):
        client.reset_connections()


def _pooled_session(pool_size: int) -> requests.Session:
    """A keep-alive session sized for the lookup's parallel calls; urllib3 never retries on its own."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _transport_kind(exc: Exception) -> str:
    return "timeout" if isinstance(exc, requests.Timeout) else "connection"


def _never_sent(exc: Exception) -> bool:
    """True when the connection was never made, so BigCommerce cannot have seen the request."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _transport_error(
    exc: Exception, *, retry: bool, deadline: Deadline | None
) -> tuple[BigCommerceError, bool]:
    """The error for a request that got no answer, and whether trying again may help."""
    error: BigCommerceError
    if not retry and not _never_sent(exc):
        error = OutcomeUnknown(
            "BigCommerce did not answer a write; check whether it happened before trying again"
        )
        retryable = False
    elif deadline is not None and deadline.expired:
        error = DeadlineExceeded("the deadline passed while waiting for BigCommerce")
        retryable = False
    else:
        kind = "timed out" if isinstance(exc, requests.Timeout) else "could not be reached"
        error = UpstreamUnavailable(f"BigCommerce {kind}")
        retryable = retry
    error.__cause__ = exc
    return error, retryable


def _parse_success(response: requests.Response, parse: Callable[[Any], T], *, retry: bool) -> T:
    """Decode (JSON numbers straight to Decimal) and parse a 2xx answer; 204 or no body reads as None.

    A write that succeeded with an unreadable answer did happen: it raises OutcomeUnknown, so that
    nobody repeats it believing it failed.
    """
    try:
        try:
            payload = json.loads(response.content, parse_float=Decimal) if response.content.strip() else None
        except ValueError:
            raise BadUpstreamResponse(
                "BigCommerce sent malformed JSON", status=response.status_code
            ) from None
        return parse(payload)
    except BadUpstreamResponse as error:
        if retry:
            raise
        raise OutcomeUnknown(
            "BigCommerce accepted a write but its answer could not be read; check it before trying again",
            status=response.status_code,
        ) from error


def read_one(model: type[M], payload: Any) -> M:
    try:
        return reading(model.__name__, lambda: model.model_validate(payload))
    except ValidationError as exc:
        # Field locations only: the input values may be personal data.
        where = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors()})[:5]
        logger.debug("bigcommerce %s payload failed validation at %s", model.__name__, where)
        raise BadUpstreamResponse(f"BigCommerce sent an unexpected {model.__name__} payload") from None


def read_list(model: type[M], payload: Any, *, skip_unusable: bool = True) -> list[M]:
    """A v2 bare array; `None` (a 204 or empty body) is an empty list.

    An item the model cannot read (it lacks what the adaptor needs, e.g. an order's id) is skipped,
    logged and counted, so one odd record never hides the rest. With `skip_unusable=False` such an
    item makes the whole list unreadable instead: for lists whose every item counts (refunds).
    """
    if payload is None:
        return []
    if not isinstance(payload, list):
        raise BadUpstreamResponse(f"BigCommerce sent an unexpected {model.__name__} list")
    if skip_unusable:
        return usable_items(model, payload)
    return [read_one(model, item) for item in payload]


def v3_data(payload: Any) -> Any:
    if not isinstance(payload, dict) or "data" not in payload:
        raise BadUpstreamResponse("BigCommerce sent a v3 answer without data")
    return payload["data"]


def read_v3_list(model: type[M], payload: Any, *, skip_unusable: bool = True) -> list[M]:
    """A v3 `{"data": [...]}` list; `None` (a 204) is an empty list. An envelope without `data` is
    unreadable, not empty: reading it as "none" could repeat a refund or a code."""
    return [] if payload is None else read_list(model, v3_data(payload), skip_unusable=skip_unusable)
