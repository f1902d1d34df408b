"""The agent preview's relay (`POST /__preview/send` of `make run`'s gateway) signs only for its own page.

It signs every request it sends with the deployment's key, so another web page the developer visits (a
cross-site form or script, or a DNS-rebinding page that reaches 127.0.0.1 under its own host name) must
not be able to use it: it answers only its own address (`Host`), its own page (`Origin` and the run's
secret, which only the page it served holds), and sends only to its own stage. Each refusal leaves the
store as it was (the sandbox's request log and refunds are checked). The browser tests
(tests/browser/test_preview_page.py) use the relay as the page does.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from devtools.gateway import LocalGateway
from devtools.preview import SECRET_HEADER, _settings_document
from devtools.run import StoreAccess, _banner
from devtools.sandbox import SandboxServer, seed
from tests.integration.actions_support import refund_posts, refunds_of

ORDER = seed.REFUNDABLE_ORDER_ID
MARTHA = str(seed.MARTHA_CUSTOMER_ID)


def site_of(gateway: LocalGateway) -> str:
    """The preview's own address, `http://127.0.0.1:<port>`."""
    parts = urlsplit(gateway.url)
    return f"{parts.scheme}://{parts.netloc}"


def page_secret(gateway: LocalGateway) -> str:
    """The secret as the page holds it: written into the page the preview serves."""
    page = requests.get(site_of(gateway) + "/", timeout=10)
    assert page.status_code == 200, page.text
    found = re.search(r'<meta name="preview-secret" content="([^"]+)">', page.text)
    assert found is not None, "the page carries no secret"
    return found[1]


def relay(
    gateway: LocalGateway, order: dict[str, Any], headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(f"{site_of(gateway)}/__preview/send", json=order, headers=headers or {}, timeout=30)


def own_page_headers(gateway: LocalGateway) -> dict[str, str]:
    """What the preview page's own fetch sends: its Origin and the secret it was given."""
    return {"Origin": site_of(gateway), SECRET_HEADER: page_secret(gateway)}


def refund_everything(gateway: LocalGateway, headers: dict[str, str]) -> requests.Response:
    """Ask the relay to open order 100's refund form and submit "everything" (as a hostile page would)."""
    form_url = f"{gateway.url}/actions/refund?orderId={ORDER}&customer={MARTHA}"
    form = relay(gateway, {"method": "GET", "url": form_url}, headers)
    if form.status_code != 200:
        return form
    action_url = form.json()["body"]["actionUrl"]
    values = {"refund": "everything", "reason": "Sent by another site", "payment_method": "braintree"}
    return relay(gateway, {"method": "POST", "url": action_url, "body": values}, headers)


def test_the_page_holds_the_runs_secret_and_refuses_to_be_framed(gateway: LocalGateway) -> None:
    page = requests.get(site_of(gateway) + "/", timeout=10)
    assert page_secret(gateway) == gateway.preview_secret and len(gateway.preview_secret) >= 32
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_the_page_itself_refunds_through_the_relay(gateway: LocalGateway, bc_sandbox: SandboxServer) -> None:
    # Given the preview page's own request: its Origin and the secret it holds
    answer = refund_everything(gateway, own_page_headers(gateway))
    # Then the relay signs and sends it, and the API refunds
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == 200, answer.text
    assert len(refunds_of(bc_sandbox, ORDER)) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "https://attacker.example"},
        {"Origin": "null"},
        {"Origin": "https://attacker.example", SECRET_HEADER: "guessed"},
        {SECRET_HEADER: "the-page-secret"},  # replaced by the real one: no Origin (not a page's fetch)
        {"Origin": "OWN", SECRET_HEADER: "guessed"},
        {"Origin": "OWN"},
    ],
    ids=[
        "a-cross-site-form-or-curl",
        "another-sites-script",
        "a-sandboxed-frame",
        "another-site-with-a-guess",
        "the-secret-without-an-origin",
        "own-origin-wrong-secret",
        "own-origin-no-secret",
    ],
)
def test_anything_but_the_page_is_refused_and_changes_nothing(
    gateway: LocalGateway, bc_sandbox: SandboxServer, headers: dict[str, str]
) -> None:
    headers = {
        name: (
            site_of(gateway)
            if value == "OWN"
            else page_secret(gateway)
            if value == "the-page-secret"
            else value
        )
        for name, value in headers.items()
    }
    # When something other than the preview page asks the relay to refund order 100
    answer = refund_everything(gateway, headers)
    # Then it is refused before anything is signed or sent: nothing reached the API or the store
    assert answer.status_code == 403, answer.text
    assert "only" in answer.json()["error"]
    assert bc_sandbox.requests.snapshot() == []
    assert refund_posts(bc_sandbox) == [] and refunds_of(bc_sandbox, ORDER) == []


@pytest.mark.parametrize("path", ["/", "/__preview/settings", "/__preview/app.js", "/__preview/send"])
def test_a_dns_rebinding_page_gets_nothing_under_its_own_host_name(
    gateway: LocalGateway, bc_sandbox: SandboxServer, path: str
) -> None:
    # Given a page of attacker.example whose name now resolves to 127.0.0.1: its requests reach the
    # gateway with its own host name (and its own origin, same-origin to it)
    rebound = {"Host": f"attacker.example:{urlsplit(gateway.url).port}"}
    headers = {**rebound, "Origin": f"http://{rebound['Host']}", SECRET_HEADER: "unknown"}
    # When it asks for the page (to read the secret), the settings or the relay
    method = "POST" if path.endswith("send") else "GET"
    answer = requests.request(method, site_of(gateway) + path, headers=headers, json={}, timeout=10)
    # Then every one is refused, the page (and its secret) included
    assert answer.status_code == 403, answer.text
    assert gateway.preview_secret not in answer.text
    assert bc_sandbox.requests.snapshot() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/prod/lookup",
        "http://127.0.0.1:1/prod/lookup",
        "https://{netloc}/prod/lookup",
        "http://{netloc}/prod/../__preview/send",
        "http://{netloc}/prod/%2e%2e/__preview/send",
        "http://{netloc}/prod/actions/../../__sandbox/reset",
        "http://user@{netloc}/prod/lookup",
        "http://{netloc}/elsewhere/lookup",
        "http://{netloc}/prod",
        "http://{netloc}/prod/lookup#fragment",
        7,
    ],
    ids=[
        "another-host",
        "another-port",
        "another-scheme",
        "dot-segments",
        "encoded-dot-segments",
        "dot-segments-to-the-sandbox",
        "user-info",
        "another-stage",
        "the-stage-itself",
        "a-fragment",
        "not-a-url",
    ],
)
def test_the_relay_sends_only_to_its_own_stage(
    gateway: LocalGateway, bc_sandbox: SandboxServer, url: Any
) -> None:
    target = url.format(netloc=urlsplit(gateway.url).netloc) if isinstance(url, str) else url
    answer = relay(gateway, {"method": "GET", "url": target}, own_page_headers(gateway))
    assert answer.status_code == 400, answer.text
    assert gateway.url in answer.json()["error"]
    assert bc_sandbox.requests.snapshot() == []


# --- With a real store and actions on, the banners say what the preview can do ------------------------

REAL_STORE = StoreAccess("abc123", "https://api.bigcommerce.com", "client", "token", is_sandbox=False)


def test_make_runs_banner_says_plainly_what_the_preview_can_do_to_a_real_store() -> None:
    gateway = SimpleNamespace(url="http://127.0.0.1:3000/prod")
    banner = _banner(
        gateway, REAL_STORE, "http://127.0.0.1:5000", "key", {"ACTIONS_ENABLED": "refund,discount"}
    )  # type: ignore[arg-type]
    assert "WARNING" in banner and "REAL store abc123" in banner
    assert "http://127.0.0.1:3000/" in banner
    assert "refund real orders" in banner and "create real discount codes" in banner
    assert "cancel real orders" not in banner
    # And without actions, or against the sandbox, it has nothing to warn about
    assert "WARNING" not in _banner(gateway, REAL_STORE, "http://127.0.0.1:5000", "key", {})  # type: ignore[arg-type]


def test_the_pages_settings_name_a_real_store_and_not_the_sandbox(gateway: LocalGateway) -> None:
    document = _settings_document(gateway)
    assert document["realStore"] is None  # the sandbox, on this machine
    # and, the store being make run's own sandbox, its shoppers to try (Martha first)
    assert document["shoppersToTry"][0] == {
        "attribute": "email",
        "value": seed.MARTHA_EMAIL,
        "description": document["shoppersToTry"][0]["description"],
    }
    real = SimpleNamespace(
        url=gateway.url,
        environment={
            **gateway.environment,
            "BIGCOMMERCE_API_BASE": "https://api.bigcommerce.com",
            "STORE_HASH": "abc123",
        },
        sandbox_url=None,
    )
    real_document = _settings_document(real)  # type: ignore[arg-type]
    assert real_document["realStore"] == "abc123"
    # and a real store's shoppers are not the preview's to suggest
    assert real_document["shoppersToTry"] == []
