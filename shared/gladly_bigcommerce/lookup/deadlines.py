"""A lookup's deadline and call cap: Gladly's 5 s counted from when the request arrived, a cold start's
init included (``InitClock``), and the BigCommerce calls a lookup of its kind may make."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from gladly_bigcommerce import IMPORTED_AT
from gladly_bigcommerce.bigcommerce.deadline import CallBudget, Deadline
from gladly_bigcommerce.gladly import limits
from gladly_bigcommerce.gladly.models import LookupKind
from gladly_bigcommerce.settings.model import AdaptorSettings


class InitClock:
    """The init time a container's first request has already spent before reaching the handler.

    Lambda hands the request that caused a cold start to the handler only after init (imports,
    module setup), and Gladly's 5 s started when it sent the request; so the first lookup's
    deadline is shortened by the time since the package was first imported. A container
    initialised long before its first request (provisioned concurrency, proactive init) spent
    nothing of it: init longer than the lookup deadline itself counts as none. Counted only where
    the request waited for init, by Lambda's ``initialization_type``: an ``on-demand`` init, or a
    SnapStart restore (`restart`); never off Lambda (tests, local runs), whose first request comes
    whenever someone sends it.
    """

    def __init__(
        self,
        started_at: float,
        *,
        initialization_type: str | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._started_at = started_at
        self._on_lambda = initialization_type is not None
        self._counting = initialization_type == "on-demand"
        self._clock = clock
        self._taken = False
        self._lock = threading.Lock()

    def restart(self) -> None:
        """Count init from now (after a snapshot is restored), for the next first request."""
        with self._lock:
            self._started_at = self._clock()
            self._counting = self._on_lambda
            self._taken = False

    def take(self, limit: float) -> float:
        """Seconds of init the first caller must count (0 for every later one, and past ``limit``)."""
        with self._lock:
            if self._taken or not self._counting:
                return 0.0
            self._taken = True
            spent = self._clock() - self._started_at
        return spent if 0.0 < spent < limit else 0.0


# Lambda names how this container was initialised ("on-demand", "provisioned-concurrency", "snap-start").
init_clock = InitClock(IMPORTED_AT, initialization_type=os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE"))


def lookup_deadline(
    settings: AdaptorSettings,
    received_at: datetime,
    calls: int,
    *,
    init_spent: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
) -> Deadline:
    """The lookup's budget, counted from when the request arrived (verification time included; for a
    container's first request, its init too: ``init_spent``, see `InitClock`), and the BigCommerce
    calls it may make (``gladly/limits.py``)."""
    spent = max(0.0, (datetime.now(UTC) - received_at).total_seconds(), init_spent)
    return Deadline.after(
        settings.lookup_deadline_seconds - spent,
        clock=clock,
        budget=CallBudget(calls, limits.RETRIES_PER_REQUEST),
    )


def lookup_calls(kind: LookupKind, settings: AdaptorSettings) -> int:
    """The cap on a lookup's BigCommerce calls (``gladly/limits.py``): a DETAILED profile's grows with
    ``RECENT_ORDERS``; a search or an auto-link's with the emails and phones a lookup may carry."""
    if kind == "detailed":
        return limits.detailed_lookup_calls(settings.recent_orders)
    return limits.basic_lookup_calls()
