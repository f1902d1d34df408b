"""Helpers shared by the action tests (refund, cancel, discount, and the actions a lookup declares).

Forms are opened and submitted the way Gladly does, through the local API gateway; the events in
events/ are replayed as `make replay` does; what BigCommerce did is read from the sandbox. Asserts
here are rewritten by pytest like a test module's (tests/conftest.py registers this module).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from devtools.replay import GladlyClient
from devtools.sandbox import seed
from devtools.sandbox.records import Refund
from devtools.sandbox.server import SandboxServer
from gladly_bigcommerce.actions import context as action_context_module

EVENTS = Path(__file__).resolve().parents[2] / "events"
MARTHA = str(seed.MARTHA_CUSTOMER_ID)
REFUNDS_PATH = r"/payment_actions/refunds$"
SHORT_DEADLINE_SECONDS = 2.0
"""An action's deadline in the timeout tests: BigCommerce answers a second after it."""


# --- forms, submits and events ------------------------------------------------------------------------


def open_action_form(client: GladlyClient, action: str, query: Mapping[str, str | int]) -> dict[str, Any]:
    """GET the action's form the way Gladly does (at its formUrl); must be 200."""
    response = client.get(f"/actions/{action}?{urlencode(query)}")
    assert response.status_code == 200, response.text
    form: dict[str, Any] = response.json()
    return form


def open_form(client: GladlyClient, action: str, order_id: int, customer: str = MARTHA) -> dict[str, Any]:
    """An order's refund or cancel form, at the formUrl a DETAILED lookup declares for the order."""
    return open_action_form(client, action, {"orderId": order_id, "customer": customer})


def submit(client: GladlyClient, form: dict[str, Any], values: dict[str, Any]) -> requests.Response:
    """POST the values to the form's actionUrl (relative to the Lookup URL, like the formUrl)."""
    action_url = form["actionUrl"]
    assert not action_url.startswith(("/", "http")), "action URLs are relative to the Lookup URL"
    return client.post("/" + action_url, values)


def submit_new_form(
    client: GladlyClient, action: str, values: dict[str, Any], order_id: int
) -> requests.Response:
    """Open a fresh form of the order's action and submit the values to it, as an agent does."""
    return submit(client, open_form(client, action, order_id), values)


def send_event(client: GladlyClient, name: str) -> requests.Response:
    """Replay events/<name>.json as `make replay` does (signed now, FRESH_FORM_TOKEN issued now)."""
    return client.send_event(EVENTS / f"{name}.json")


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
    """The answer an event's documentation gives: its status and, for an error, its field and code."""
    assert response.status_code == status, response.text
    if code is not None:
        error = error_of(response)
        assert (error.get("attr"), error["code"]) == (attr, code)


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


def answer_after_the_deadline(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, path: str, method: str
) -> None:
    """Given BigCommerce carries out the next `method` on `path` but answers after the action gave up.

    The action's deadline is cut to SHORT_DEADLINE_SECONDS and the sandbox answers a second later.
    """
    monkeypatch.setattr(action_context_module, "ACTION_DEADLINE_SECONDS", SHORT_DEADLINE_SECONDS)
    sandbox.faults.add(path, "slow", method=method, times=1, seconds=SHORT_DEADLINE_SECONDS + 1.0)
