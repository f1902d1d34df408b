"""The agent preview page of `make run`: what a Gladly agent sees, served by the local gateway.

Development only, never deployed (devtools/ is not part of the SAM build). The page lives outside the
stage, at `http://127.0.0.1:<port>/`, and is four static files (`static/`: plain HTML, two JS files and
CSS, no build step). It talks only to this gateway:

- `GET /__preview/settings`: the deployment settings the page needs (Search Query and Search Results
  Attributes with their labels, Auto-Linking Fields, enabled actions, and whether the store is a real
  one), the stage URL, and the sandbox's shoppers to suggest on the empty page (`shoppers.py`; only
  when the store is `make run`'s sandbox);
- `POST /__preview/send` `{"method": "GET"|"POST", "url": "<absolute URL on this gateway's stage>",
  "body": {...}}`: the request is signed here, in Python, with the key in the deployment's own secret
  (plus basic auth and static headers when the deployment has them), exactly as Gladly would sign it,
  and sent over HTTP to the URL as given (a `formUrl` or `actionUrl` is followed verbatim). The answer
  comes back as `{"status": <the API's status>, "body": <its JSON>}`. So the key never reaches the
  browser, and every request the page makes is a real, signed request through the API's own routes.

The relay signs whatever it is asked to, so it serves only its own page, in this machine's browser:
- the gateway listens on loopback only, and the preview answers only a request whose `Host` is that
  loopback address (`127.0.0.1:<port>` or `localhost:<port>`): a DNS-rebinding page, whose requests
  carry its own host name, gets a 403 for the page, the settings and the relay alike;
- a request with an `Origin` is answered only from that same address, and the relay requires one: a
  form or script of another site gets a 403;
- the relay requires the per-run secret (`LocalGateway.preview_secret`, made at start) in its
  `X-Preview-Secret` header: only the page holds it (written into the page it serves, which no other
  site can read), and a cross-site form cannot set a header at all;
- it sends only to this gateway's own stage (`http://<its address>/<stage>/...`, no dot segments).
The page refuses to be framed by another site (`frame-ancestors 'none'`). With a real store and actions
on, the page's banner and `make run`'s say what it can do: refund, cancel, make codes, add staff notes,
give store credit, change shipping addresses, for real.
"""

from __future__ import annotations

import hmac
import json
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import requests
from werkzeug.wrappers import Request

from devtools.adaptor_settings import AdaptorSettings, ConfigError, load_secret
from devtools.gateway import GatewayResponse
from devtools.preview.shoppers import shoppers_to_try
from devtools.replay import GladlyClient, gladly_headers

if TYPE_CHECKING:
    from devtools.gateway import LocalGateway

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/__preview/"
FILES = {
    "/": "index.html",
    f"{PREFIX}app.js": "app.js",
    f"{PREFIX}forms.js": "forms.js",
    f"{PREFIX}style.css": "style.css",
}
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
SEND_METHODS = frozenset({"GET", "POST"})
MAX_SEND_BYTES = 64 * 1024
SECRET_HEADER = "X-Preview-Secret"
SECRET_PLACEHOLDER = "{{PREVIEW_SECRET}}"
"""Where index.html holds the run's secret (a meta tag the page's script reads)."""
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
_PAGE_HEADERS = [
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", "frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
]


FAVICON = "/favicon.ico"
"""A browser asks every site for it: answered 204, no icon (rather than API Gateway's 403)."""


def serves(path: str) -> bool:
    """Whether a path outside the stage is the preview page's."""
    return path in ("/", FAVICON) or path.startswith(PREFIX)


def handle(request: Request, gateway: LocalGateway) -> GatewayResponse:
    """Answer one of the preview page's requests (only from this machine's browser: see the module)."""
    refusal = _refusal(request, gateway)
    if refusal is not None:
        return _json(403, {"error": refusal})
    path = request.path
    if path == FAVICON:
        return GatewayResponse(status=204, headers=_PAGE_HEADERS, body=b"")
    if path in FILES:
        if request.method not in ("GET", "HEAD"):
            return _json(405, {"error": f"{request.method} is not allowed on {path}"})
        return _static(FILES[path], gateway)
    if path == f"{PREFIX}settings" and request.method == "GET":
        return _json(200, _settings_document(gateway))
    if path == f"{PREFIX}send" and request.method == "POST":
        return _send(request, gateway)
    return _json(404, {"error": f"no preview route {request.method} {path}"})


def own_origins(gateway: LocalGateway) -> tuple[str, ...]:
    """The addresses the preview answers at: the gateway's loopback address, by IP or as localhost."""
    port = urlsplit(gateway.url).port
    return tuple(f"{host}:{port}" for host in LOOPBACK_HOSTS)


def _refusal(request: Request, gateway: LocalGateway) -> str | None:
    """Why this request is not the preview page's own (None when it is)."""
    if urlsplit(gateway.url).hostname not in LOOPBACK_HOSTS:
        return "the preview is served only on a loopback address"
    origins = own_origins(gateway)
    if request.host not in origins:
        return f"the preview answers only at http://{origins[0]}/ (Host {request.host!r} is not this gateway)"
    origin = request.headers.get("Origin")
    if origin is not None and origin not in tuple(f"http://{own}" for own in origins):
        return "the preview answers only its own page (another Origin)"
    if request.path == f"{PREFIX}send":
        if origin is None:
            return "the relay answers only its own page (no Origin)"
        secret = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(secret.encode("utf-8"), gateway.preview_secret.encode("utf-8")):
            return f"the relay answers only its own page (no valid {SECRET_HEADER})"
    return None


def _static(name: str, gateway: LocalGateway) -> GatewayResponse:
    file = STATIC / name
    body = file.read_bytes()
    if name == "index.html":
        body = body.replace(SECRET_PLACEHOLDER.encode("ascii"), gateway.preview_secret.encode("ascii"))
    return GatewayResponse(
        status=200, headers=[("Content-Type", CONTENT_TYPES[file.suffix]), *_PAGE_HEADERS], body=body
    )


def _json(status: int, document: Any) -> GatewayResponse:
    return GatewayResponse(
        status=status,
        headers=[("Content-Type", "application/json"), *_PAGE_HEADERS],
        body=json.dumps(document).encode("utf-8"),
    )


def on_own_stage(url: Any, gateway: LocalGateway) -> bool:
    """Whether ``url`` is on this gateway's own stage: ``http://<its address>/<stage>/...``, no user
    info, no fragment, no dot segment (plain or percent-encoded) that could lead off the stage."""
    if not isinstance(url, str) or "\\" in url:
        return False
    own, target = urlsplit(gateway.url), urlsplit(url)
    if (target.scheme, target.netloc) != (own.scheme, own.netloc) or target.fragment:
        return False
    path = unquote(target.path)
    return path.startswith(own.path + "/") and posixpath.normpath(path) == path.rstrip("/")


def _settings(gateway: LocalGateway) -> AdaptorSettings:
    """The settings this gateway's handlers run with (one gateway process is one deployment)."""
    return AdaptorSettings.from_env(gateway.environment)


def _settings_document(gateway: LocalGateway) -> dict[str, Any]:
    settings = _settings(gateway)
    real_store = urlsplit(settings.api_base).hostname not in LOOPBACK_HOSTS
    return {
        "stageUrl": gateway.url,
        "deploymentName": settings.name,
        # A store not on this machine is a real one (the sandbox always is): the page then says what
        # its enabled actions do there.
        "realStore": settings.store_hash if real_store else None,
        "searchQueryAttributes": [item.model_dump() for item in settings.search_query_attributes],
        "searchResultsAttributes": [
            {**item.model_dump(), "supported": item.supported} for item in settings.search_results_attributes
        ],
        "autoLinkFields": sorted(settings.auto_link_fields),
        "actionsEnabled": sorted(settings.actions_enabled),
        # Suggested on the empty page, only when the store is make run's own sandbox
        "shoppersToTry": shoppers_to_try(
            settings.store_hash, {item.attribute for item in settings.search_query_attributes}
        )
        if gateway.sandbox_url
        else [],
    }


def _send(request: Request, gateway: LocalGateway) -> GatewayResponse:
    """Sign the page's request as Gladly would and send it to this gateway's stage; relay the answer."""
    if (request.content_length or 0) > MAX_SEND_BYTES:
        return _json(413, {"error": "the request to send is too large"})
    try:
        order = json.loads(request.get_data())
    except ValueError:
        return _json(400, {"error": "the body must be JSON: {method, url, body}"})
    if not isinstance(order, dict):
        return _json(400, {"error": "the body must be a JSON object: {method, url, body}"})
    method, url, body = order.get("method"), order.get("url"), order.get("body")
    if method not in SEND_METHODS:
        return _json(400, {"error": "method must be GET or POST"})
    # Only this gateway's own API: the page is a client of the local deployment, nothing else.
    if not on_own_stage(url, gateway):
        return _json(400, {"error": f"url must be on this gateway's stage, {gateway.url}/..."})
    assert isinstance(url, str)
    if method == "POST" and not isinstance(body, dict):
        return _json(400, {"error": "a POST needs a JSON object body"})
    payload: dict[str, Any] = body if isinstance(body, dict) else {}
    try:
        client, headers = _gladly_client(gateway)
    except ConfigError as error:
        return _json(500, {"error": f"the deployment's secret cannot be read: {error}"})
    try:
        if method == "POST":
            answer = client.post(url, payload, headers=headers)
        else:
            answer = client.get(url, headers=headers)
    except requests.RequestException as error:
        return _json(502, {"error": f"the local API did not answer: {type(error).__name__}"})
    try:
        relayed: Any = answer.json()
    except ValueError:
        relayed = answer.text
    return _json(200, {"status": answer.status_code, "body": relayed})


def _gladly_client(gateway: LocalGateway) -> tuple[GladlyClient, dict[str, str]]:
    """A client signing with the deployment's key, and the extra headers Gladly would send it."""
    settings = _settings(gateway)
    secret = load_secret(settings)
    headers = gladly_headers(settings.basic_auth_user, secret)
    return GladlyClient(gateway.url, secret.gladly_signing_key.get_secret_value()), headers
