"""`GET /__gateway/info` of `make run`'s local gateway: which deployment and which sandbox it serves.

Development only: outside the stage, never deployed (devtools/ is not part of the SAM build). Two tools
ask it:
- `make replay RESET=1` resets the sandbox this answer names, and only it: the sandbox behind the
  gateway it replays to, never one on another port (another developer's `make run`); no sandbox named
  (a real store behind the gateway, or no local gateway at all) and it refuses to reset anything;
- `make run` and `make sandbox`, finding their port taken, tell another `make run` by it.

It answers only on the gateway's own loopback address (`Host` 127.0.0.1:<port> or localhost:<port>,
and no `Origin` of another site), as the agent preview does, and holds nothing secret:

    {"service": "gladly-bigcommerce local gateway", "stageUrl": "http://127.0.0.1:3000/prod",
     "sandboxUrl": "http://127.0.0.1:3001", "storeHash": "sandbox", "deploymentName": "local"}

`sandboxUrl` is null when the handlers call a store `make run` did not start (BIGCOMMERCE_*).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from werkzeug.wrappers import Request

from devtools.gateway import GatewayResponse

if TYPE_CHECKING:
    from devtools.gateway import LocalGateway

INFO_PATH = "/__gateway/info"
SERVICE = "gladly-bigcommerce local gateway"
ASK_TIMEOUT_SECONDS = 2.0


def serves(path: str) -> bool:
    return path == INFO_PATH


def handle(request: Request, gateway: LocalGateway) -> GatewayResponse:
    """Answer `GET /__gateway/info`, only on the gateway's own loopback address."""
    from devtools.preview import own_origins  # the preview signs with devtools.replay, which asks here

    origins = own_origins(gateway)
    if request.host not in origins:
        return _json(403, {"error": f"the gateway's info answers only at http://{origins[0]}{INFO_PATH}"})
    origin = request.headers.get("Origin")
    if origin is not None and origin not in tuple(f"http://{own}" for own in origins):
        return _json(403, {"error": "the gateway's info answers only this machine's tools (another Origin)"})
    if request.method not in ("GET", "HEAD"):
        return _json(405, {"error": f"{request.method} is not allowed on {INFO_PATH}"})
    return _json(200, info_document(gateway))


def info_document(gateway: LocalGateway) -> dict[str, Any]:
    return {
        "service": SERVICE,
        "stageUrl": gateway.url,
        "sandboxUrl": gateway.sandbox_url,
        "storeHash": gateway.environment.get("STORE_HASH"),
        "deploymentName": gateway.environment.get("DEPLOYMENT_NAME"),
    }


def _json(status: int, document: Any) -> GatewayResponse:
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    return GatewayResponse(status=status, headers=headers, body=json.dumps(document).encode("utf-8"))


def site_of(stage_url: str) -> str:
    """The gateway's own root from its stage URL: `http://127.0.0.1:3000/prod` -> `http://127.0.0.1:3000`."""
    parts = urlsplit(stage_url.rstrip("/"))
    return f"{parts.scheme}://{parts.netloc}"


def ask(stage_url: str) -> dict[str, Any] | None:
    """The info of the local gateway serving `stage_url`; None when what answers there is not one
    (nothing, a deployed API, another web server)."""
    try:
        response = requests.get(site_of(stage_url) + INFO_PATH, timeout=ASK_TIMEOUT_SECONDS)
        document = response.json()
    except (requests.RequestException, ValueError):
        return None
    if response.status_code != 200 or not isinstance(document, dict) or document.get("service") != SERVICE:
        return None
    return document
