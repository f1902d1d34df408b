"""Every file in events/ replayed through the local gateway exactly as `make replay EVENT=...` does.

The lookup events are checked against what each scenario must answer. Every other event (actions,
auto-link) must at least get an answer in Gladly's shape and never a 5xx: their own tests check them
in detail, with the form tokens and state they need.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.replay import GladlyClient
from devtools.sandbox import SandboxServer, seed, seed_orders, seed_world

EVENTS = Path(__file__).resolve().parents[2] / "events"
MARTHA_ID = str(seed.MARTHA_CUSTOMER_ID)


def _ids(body: Any) -> list[str]:
    return [result["externalCustomerId"] for result in body["results"]]


def _urls(body: Any) -> list[str]:
    """Every formUrl (and actionUrl) anywhere in an answer."""
    found: list[str] = []
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found += [str(item) for key, item in value.items() if key in ("formUrl", "actionUrl")]
            stack += list(value.values())
        elif isinstance(value, list):
            stack += value
    return found


def _urls_lead_back_to_the_local_api(body: Any) -> bool:
    """The action URLs are on the API itself (the local gateway's own address), not on a forged host."""
    urls = _urls(body)
    return bool(urls) and all(url.startswith("http://127.0.0.1:") and "attacker" not in url for url in urls)


def _error(attr: str | None, code: str | None = None) -> Callable[[Any], bool]:
    def check(body: Any) -> bool:
        (item,) = body["errors"]
        return bool(item["attr"] == attr and (code is None or item["code"] == code))

    return check


# event file -> (status, check of the JSON body)
LOOKUP_EVENTS: dict[str, tuple[int, Callable[[Any], bool]]] = {
    "lookup-manual-search-email.json": (200, lambda body: _ids(body) == [MARTHA_ID]),
    "lookup-manual-search-phone.json": (200, lambda body: _ids(body) == [MARTHA_ID]),
    "lookup-manual-search-no-match.json": (200, lambda body: body == {"results": []}),
    # Order-number search (`orderNumber`, enabled by `make run` against the sandbox): "#100" is Martha's
    # order, " 110 " a guest's; an unknown number and what is no number at all find no one, never an error
    "lookup-manual-search-order-number.json": (
        200,
        lambda body: _ids(body) == [MARTHA_ID] and body["results"][0]["orderNumber"] == "100",
    ),
    "lookup-manual-search-order-number-guest.json": (
        200,
        lambda body: _ids(body) == [f"guest:{seed.GUEST_EMAIL}"],
    ),
    "lookup-manual-search-order-number-unknown.json": (200, lambda body: body == {"results": []}),
    "lookup-manual-search-order-number-letters.json": (200, lambda body: body == {"results": []}),
    "lookup-manual-search-order-number-40-digits.json": (200, lambda body: body == {"results": []}),
    "lookup-manual-search-order-number-empty.json": (200, lambda body: body == {"results": []}),
    "lookup-manual-search-order-number-array.json": (200, lambda body: body == {"results": []}),
    # Rosa Rivera, one person with an account on each storefront (920 global, 921 Brew Outlet's): one
    # result named by her oldest account; her Brew Outlet account's profile shows both accounts' orders
    "lookup-manual-search-one-person-two-storefronts.json": (200, lambda body: _ids(body) == ["920"]),
    "lookup-auto-link-one-person-two-storefronts.json": (200, lambda body: _ids(body) == ["920"]),
    "lookup-detailed-one-person-two-storefronts.json": (
        200,
        lambda body: (
            _ids(body) == ["921"]
            and [t["orderNumber"] for t in body["results"][0]["transactions"]] == ["923", "922", "921", "920"]
            and body["results"][0]["transactions"][0]["note"] == "Storefront: Brew Outlet"
        ),
    ),
    "lookup-auto-link.json": (200, lambda body: _ids(body) == [MARTHA_ID]),
    # Gladly's E.164 number of an Indian national phone ("8987656787") links the shopper storing it
    "lookup-auto-link-indian-phone.json": (
        200,
        lambda body: (
            [result["emails"][0]["original"] for result in body["results"]] == [seed_world.PRIYA.email]
        ),
    ),
    # 160 emails and 200 phones: answered, searched by the first few (Martha's first)
    "lookup-auto-link-long-profile.json": (200, lambda body: _ids(body) == [MARTHA_ID]),
    "lookup-detailed-registered.json": (
        200,
        lambda body: _ids(body) == [MARTHA_ID] and len(body["results"][0]["transactions"]) == 10,
    ),
    # Sent with a forged Host and X-Forwarded-Proto (devtools/replay.py keeps them for `forged-host`)
    "lookup-detailed-forged-host.json": (
        200,
        lambda body: _ids(body) == [MARTHA_ID] and _urls_lead_back_to_the_local_api(body),
    ),
    "lookup-detailed-guest.json": (
        200,
        lambda body: (
            _ids(body) == [f"guest:{seed.GUEST_EMAIL}"]
            and len(body["results"][0]["transactions"]) == len(seed.GUEST_ORDER_IDS)
        ),
    ),
    "lookup-detailed-orders-as-bought.json": (
        200,
        lambda body: (
            _ids(body) == [str(seed_orders.OLIVIA_CUSTOMER_ID)]
            and len(body["results"][0]["transactions"]) == len(seed_orders.OLIVIA_ORDER_IDS)
            and body["results"][0]["transactions"][-1]["products"][0]["name"].startswith(
                "Classic Tee (Size: M"
            )
        ),
    ),
    "lookup-bad-body.json": (400, _error("body", "invalid_json")),
    "lookup-bad-lookup-level.json": (400, _error("lookupLevel")),
    "lookup-detailed-missing-id.json": (400, _error("query.externalCustomerId", "missing")),
    # Signed at replay time (a fresh Gladly-Time) with a wrong key: refused for its signature, not its age.
    "lookup-bad-signature.json": (401, _error("gladly-authorization", "bad_signature")),
    "lookup-unsigned.json": (401, _error("gladly-authorization", "missing_header")),
}

ALL_EVENTS = sorted(path.name for path in EVENTS.glob("*.json"))
OTHER_EVENTS = [name for name in ALL_EVENTS if name not in LOOKUP_EVENTS]


def test_every_lookup_event_has_an_expectation() -> None:
    assert sorted(name for name in ALL_EVENTS if name.startswith("lookup-")) == sorted(LOOKUP_EVENTS)


@pytest.mark.parametrize("name", sorted(LOOKUP_EVENTS))
def test_lookup_event_replays_to_its_expected_answer(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, name: str
) -> None:
    status, check = LOOKUP_EVENTS[name]
    response = gladly_client.send_event(EVENTS / name)
    assert response.status_code == status, response.text
    assert check(response.json()), response.text


@pytest.mark.parametrize("name", OTHER_EVENTS)
def test_other_event_replays_to_a_gladly_shaped_answer(
    gladly_client: GladlyClient, bc_sandbox: SandboxServer, name: str
) -> None:
    response = gladly_client.send_event(EVENTS / name)
    assert response.status_code < 500, response.text
    if name.startswith(("refund-", "cancel-", "discount-")):
        # Action answers are the ones Gladly's action contract knows, 401 for authentication only
        assert response.status_code in (200, 400, 401, 406), response.text
    body = response.json()
    if response.status_code >= 400:
        # Every error item carries all four keys of Gladly's shape
        assert body["errors"] and all(
            set(item) == {"attr", "code", "detail", "message"} for item in body["errors"]
        ), body
