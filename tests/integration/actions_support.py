"""Helpers shared by the action tests (refund, cancel, discount, and the actions a lookup declares).

Forms are opened and submitted the way Gladly does, through the local API gateway: at absolute URLs
followed exactly as given (a declared `formUrl`, or one built the way the adaptor builds them; a form's
`actionUrl` verbatim), each checked to be on the gateway's host and stage. The events in events/ are
replayed as `make replay` does; what BigCommerce did is read from the sandbox. Asserts here are
rewritten by pytest like a test module's (tests/conftest.py registers this module).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from devtools.sandbox.records import Refund
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions.machinery import context as action_context_module
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormToken

EVENTS = Path(__file__).resolve().parents[2] / "events"
MARTHA = str(seed.MARTHA_CUSTOMER_ID)
REFUNDS_PATH = r"/payment_actions/refunds$"
SHORT_DEADLINE_SECONDS = 2.0
"""An action's deadline in the timeout tests (forms and submits): BigCommerce answers a second after it."""


# --- forms, submits and events ------------------------------------------------------------------------


def form_url(client: GladlyClient, action: str, query: Mapping[str, str | int]) -> str:
    """The absolute formUrl of an action on the client's stage, built as the adaptor builds formUrls."""
    return f"{client.base_url}/actions/{action}?{urlencode(query, quote_via=quote)}"


def assert_on_the_gateway(client: GladlyClient, url: str) -> None:
    """`url` is absolute, on the host and stage the client calls (`http://127.0.0.1:<port>/prod`)."""
    parts, base = urlsplit(url), urlsplit(client.base_url)
    assert (parts.scheme, parts.netloc) == (base.scheme, base.netloc), url
    assert base.path == "/prod" and parts.path.startswith("/prod/actions/"), url


def open_form_at(client: GladlyClient, url: str) -> dict[str, Any]:
    """GET a form at its absolute formUrl exactly as given, as Gladly does; must be 200, and its
    actionUrl absolute on the same host and stage."""
    assert_on_the_gateway(client, url)
    response = client.get(url)
    assert response.status_code == 200, response.text
    form: dict[str, Any] = response.json()
    assert_on_the_gateway(client, form["actionUrl"])
    return form


def open_action_form(client: GladlyClient, action: str, query: Mapping[str, str | int]) -> dict[str, Any]:
    """GET the action's form at its formUrl, the way Gladly does; must be 200."""
    return open_form_at(client, form_url(client, action, query))


def open_form(client: GladlyClient, action: str, order_id: int, customer: str = MARTHA) -> dict[str, Any]:
    """An order's refund or cancel form, at the formUrl a DETAILED lookup declares for the order."""
    return open_action_form(client, action, {"orderId": order_id, "customer": customer})


def submit(client: GladlyClient, form: dict[str, Any], values: dict[str, Any]) -> requests.Response:
    """POST the values to the form's actionUrl, followed exactly as given (absolute, on the gateway)."""
    action_url = form["actionUrl"]
    assert_on_the_gateway(client, action_url)
    return client.post(action_url, values)


def submit_new_form(
    client: GladlyClient, action: str, values: dict[str, Any], order_id: int
) -> requests.Response:
    """Open a fresh form of the order's action and submit the values to it, as an agent does."""
    return submit(client, open_form(client, action, order_id), values)


def send_event(client: GladlyClient, name: str) -> requests.Response:
    """Replay events/<name>.json as `make replay` does (signed now, FRESH_FORM_TOKEN issued now)."""
    return client.send_event(EVENTS / f"{name}.json")


def with_query(url: str, **changes: str | int) -> str:
    """``url`` with some query parameters replaced (the others, the token included, kept in order)."""
    parts = urlsplit(url)
    query = [(name, str(changes.get(name, value))) for name, value in parse_qsl(parts.query)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def token_in(form: dict[str, Any]) -> str:
    """The one-time token of a form's actionUrl."""
    return dict(parse_qsl(urlsplit(form["actionUrl"]).query))["token"]


def check_token(client: GladlyClient, form: dict[str, Any], subject: FormSubject) -> FormToken:
    """The form's token, checked to be the local deployment's, issued for ``subject`` and fresh."""
    return client.form_tokens.check(token_in(form), subject, now=datetime.now(UTC))


def error_of(response: requests.Response) -> dict[str, Any]:
    (error,) = response.json()["errors"]
    return dict(error)


def sections_by_attr(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {section["attr"]: section for section in form["sections"]}


def detailed(client: GladlyClient, external_customer_id: str, email: str) -> dict[str, Any]:
    """The one profile a DETAILED lookup answers, with the actions it declares."""
    response = client.post(
        "/lookup",
        {
            "lookupLevel": "DETAILED",
            "uniqueMatchRequired": True,
            "query": {"externalCustomerId": external_customer_id, "emails": [email]},
        },
    )
    assert response.status_code == 200, response.text
    (profile,) = response.json()["results"]
    return dict(profile)


def run_concurrently(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Start every call at the same moment (a barrier) and wait for all of them."""
    barrier = threading.Barrier(len(calls))
    responses: list[requests.Response | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        responses[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(response is not None for response in responses)
    return [response for response in responses if response is not None]


# --- the events in events/ ----------------------------------------------------------------------------


def assert_documented_answer(
    response: requests.Response, status: int, attr: str | None, code: str | None
) -> None:
    """The answer an event's documentation gives: its status and, for an error, its field and code.

    `attr` None: the error names no field, so its `attr` is "" (always present in Gladly's shape).
    """
    assert response.status_code == status, response.text
    if code is not None:
        error = error_of(response)
        assert (error["attr"], error["code"]) == (attr or "", code)
        assert error["message"], "every error carries a message for Gladly to show"


def assert_every_event_covered(test_file: str, prefix: str) -> None:
    """Every events/<prefix>*.json is valid JSON and named in the test module `test_file`."""
    source = Path(test_file).read_text(encoding="utf-8")
    for path in sorted(EVENTS.glob(f"{prefix}*.json")):
        assert f'"{path.stem}"' in source, f"{path.name} has no test"
        json.loads(path.read_text(encoding="utf-8"))


# --- what BigCommerce did -----------------------------------------------------------------------------


def refunds_of(sandbox: SandboxServer, order_id: int) -> list[Refund]:
    with sandbox.store.lock:
        return sorted(
            (r for r in sandbox.store.refunds.values() if r.order_id == order_id), key=lambda r: r.id
        )


def refund_posts(sandbox: SandboxServer) -> list[Any]:
    return sandbox.requests.find("POST", REFUNDS_PATH)


def short_deadlines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut forms' and submits' deadlines to SHORT_DEADLINE_SECONDS, half of a submit's kept for its write.

    The handlers run in this process (the session gateway's threads), so they read the patched values.
    """
    monkeypatch.setattr(action_context_module, "FORM_DEADLINE_SECONDS", SHORT_DEADLINE_SECONDS)
    monkeypatch.setattr(action_context_module, "SUBMIT_DEADLINE_SECONDS", SHORT_DEADLINE_SECONDS)
    monkeypatch.setattr(action_context_module, "WRITE_RESERVE_SECONDS", SHORT_DEADLINE_SECONDS / 2)


def answer_after_the_deadline(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, path: str, method: str
) -> None:
    """Given BigCommerce carries out the next `method` on `path` but answers after the action gave up.

    The action's deadlines are cut to SHORT_DEADLINE_SECONDS and the sandbox answers a second later.
    """
    short_deadlines(monkeypatch)
    sandbox.faults.add(path, "slow", method=method, times=1, seconds=SHORT_DEADLINE_SECONDS + 1.0)


def rate_limit_once(sandbox: SandboxServer, path: str, method: str) -> None:
    """Given BigCommerce answers the next `method` on `path` with 429 (it did nothing), then as usual."""
    sandbox.faults.add(path, "rate_limit", method=method, times=1)
