"""The Lookup URL and the auto-link endpoint: a verified request handed to the lookup logic, on the store.

``with_store`` gives a use case what it runs on: the lookup's deadline and call cap (counted from
when the request arrived, a cold container's init included: ``lookup.init_clock``), the store's one
connection (``bigcommerce/connection.py``), and on a token BigCommerce refuses, the secret re-read
once (``Credentials.call_with_refresh``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from gladly_bigcommerce.bigcommerce.connection import LOOKUP_READ_TIMEOUT
from gladly_bigcommerce.edge.connections import connection_for
from gladly_bigcommerce.edge.handler import Dependencies
from gladly_bigcommerce.edge.request import GladlyRequest
from gladly_bigcommerce.gladly.models import LookupKind, LookupRequest, LookupResponse
from gladly_bigcommerce.lookup.auto_link.resolver import AutoLinkReport
from gladly_bigcommerce.lookup.context import LookupDeps
from gladly_bigcommerce.lookup.deadlines import init_clock, lookup_calls, lookup_deadline
from gladly_bigcommerce.lookup.entry import answer_lookup, explain
from gladly_bigcommerce.settings.secret import AdaptorSecret

T = TypeVar("T")


def lookup(request: GladlyRequest, dependencies: Dependencies) -> LookupResponse:
    """The Lookup URL: one search, auto-link or DETAILED lookup."""
    lookup_request = request.parse_body(LookupRequest)
    return answer_lookup(lookup_request, partial(with_store, dependencies, lookup_request.kind))


def auto_link(request: GladlyRequest, dependencies: Dependencies) -> AutoLinkReport:
    """``POST /auto-link``: why a Gladly profile does or does not auto-link, with its evidence."""
    lookup_request = request.parse_body(LookupRequest)
    return with_store(dependencies, "auto_link", partial(explain, lookup_request))


def with_store(dependencies: Dependencies, kind: LookupKind, logic: Callable[[LookupDeps], T]) -> T:
    """Run ``logic`` against the store within the deadline and call cap of a lookup of ``kind``; on a
    refused token, re-read it once."""
    settings = dependencies.settings
    deadline = lookup_deadline(
        settings,
        dependencies.received_at,
        lookup_calls(kind, settings),
        init_spent=init_clock.take(settings.lookup_deadline_seconds),
    )

    def run(secret: AdaptorSecret) -> T:
        connection = connection_for(settings, secret, read_timeout=LOOKUP_READ_TIMEOUT)
        return logic(LookupDeps(settings, connection, deadline, dependencies.public_base_url))

    return dependencies.credentials.call_with_refresh(run)
