"""Send Gladly's requests to the local API: `make replay EVENT=events/<file>.json`, and the tests' client.

An event file is an API Gateway REST proxy event (the files in events/). Replaying it re-signs it the
way Gladly would, with the local signing key and the current time, and sends it over HTTP to the
running local API (`make run`). Two kinds of file exist to show a rejected request: files whose name
contains `bad-signature` are signed now (a fresh Gladly-Time) with a wrong key, so the adaptor refuses
them for their signature, not their age; files whose name contains `unsigned` are sent without a
signature. Files whose name contains `forged-host` keep the `Host` and `X-Forwarded-*` headers they
record (a caller forging where it called), which a replay otherwise leaves to the HTTP client and the
gateway: the URLs in the answer must still lead to the API itself. An action submit's one-time form
token expires and proves the deployment, action, order and customer it was issued for, so submit
events carry `token=FRESH_FORM_TOKEN`, replaced at replay time by a token issued for the event's
action, `orderId` and `customer`, as the deployment would issue it (keyed from the signing key; for an
`orderId` spelled with leading zeros, the order its digits name).

Actions change the sandbox's demo store (a refunded order has nothing left to refund), so an event
replayed after others may answer differently from its name. `--reset` (`make replay RESET=1`) puts the
sandbox behind the gateway back to its fresh demo store before each event (`POST /__sandbox/reset`);
every event in events/ then answers what its name says. Which sandbox that is, the gateway itself says
(`GET /__gateway/info`, devtools/gateway_info.py): a sandbox on another port, another developer's, is
never reset, and when the gateway names no sandbox (a real store behind it, a deployed API) the replay
refuses to start.

What it prints (devtools/replay_report.py): each event's file name, then its request and answer; with
one event the whole answer, with several each answer on one line cut at 300 characters (`--verbose`,
`make replay VERBOSE=1`, prints them whole), then a summary, one line per event: name, status, error
code. A refusal for the signature of an event not named for one (`bad-signature`, `unsigned`) says
which key signed it and where the expected one is shown. A missing file is named before anything is
sent.

Environment: GATEWAY_URL, the API's base URL with its stage (default http://127.0.0.1:3000/<stage>);
GLADLY_SIGNING_KEY (default local-dev-signing-key), the key `make run` put in the local secret;
DEPLOYMENT_NAME (default `local`, as `make run` deploys) and BIGCOMMERCE_STORE_HASH (default the
sandbox's), the deployment the form tokens are issued for.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from devtools.adaptor_settings import AdaptorSecret
from devtools.gateway import decode_body, default_stage
from devtools.ports import DEFAULT_GATEWAY_PORT
from devtools.replay_report import ReplayReport
from devtools.sandbox.server import DEFAULT_STORE_HASH
from devtools.signer import event_query_string, sign_request
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormTokens
from gladly_bigcommerce.actions.machinery.urls import CUSTOMER_PARAMETER, ORDER_PARAMETER
from gladly_bigcommerce.actions.shipping_address import ADDRESS_PARAMETER
from gladly_bigcommerce.bigcommerce.store_hash import normalize_store_hash

DEFAULT_SIGNING_KEY = "local-dev-signing-key"
REQUEST_TIMEOUT_SECONDS = 30
BAD_SIGNATURE_MARKER = "bad-signature"
UNSIGNED_MARKER = "unsigned"
FORGED_HOST_MARKER = "forged-host"
FORGED_HEADERS = frozenset({"host", "x-forwarded-proto", "x-forwarded-host", "x-forwarded-port"})
"""What a `forged-host` event sends as recorded."""
WRONG_SIGNING_KEY_SUFFIX = "-but-not-the-deployment-key"
"""Appended to the signing key to sign the `bad-signature` events: a valid signature with a wrong key."""
SANDBOX_RESET_PATH = "/__sandbox/reset"
FRESH_FORM_TOKEN = "FRESH_FORM_TOKEN"
"""Stands for a form's one-time token in the action submit events of events/."""
LOCAL_DEPLOYMENT_NAME = "local"
"""The DeploymentName `make run` deploys with (devtools/run.py `local_parameters`)."""

# Headers that belong to one hop (the client, the connection, API Gateway's forwarding) rather than
# to what Gladly signs; a replay leaves them to the HTTP client and the gateway.
TRANSPORT_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "transfer-encoding",
        "accept-encoding",
        "via",
        "x-forwarded-for",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-amzn-trace-id",
        "x-amz-cf-id",
    }
)


def gladly_headers(basic_auth_user: str | None, secret: AdaptorSecret) -> dict[str, str]:
    """What Gladly sends a deployment besides its signature: the static headers of the secret, and basic
    auth when the deployment sets ``BASIC_AUTH_USER`` and the secret holds its password."""
    headers = secret.static_header_values()
    if basic_auth_user and secret.basic_auth_password is not None:
        pair = f"{basic_auth_user}:{secret.basic_auth_password.get_secret_value()}"
        headers["authorization"] = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return headers


def default_gateway_url() -> str:
    """GATEWAY_URL, or the URL `make run` serves the API's stage on."""
    port = os.environ.get("GATEWAY_PORT", str(DEFAULT_GATEWAY_PORT))
    return os.environ.get("GATEWAY_URL", f"http://127.0.0.1:{port}/{default_stage()}").rstrip("/")


def gladly_json(document: Any) -> bytes:
    """JSON the way Gladly sends it: compact, keys sorted."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")


def load_event(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        event = json.load(stream)
    if not isinstance(event, dict) or "httpMethod" not in event or "path" not in event:
        raise ValueError(f"{path} is not an API Gateway REST proxy event (httpMethod, path)")
    return event


def local_form_tokens(
    signing_key: str,
    *,
    deployment_name: str = LOCAL_DEPLOYMENT_NAME,
    store_hash: str = DEFAULT_STORE_HASH,
) -> FormTokens:
    """Form tokens as deployment ``deployment_name`` on ``store_hash`` issues them with ``signing_key``."""
    return FormTokens.of(
        signing_key, deployment_name=deployment_name, store_hash=normalize_store_hash(store_hash)
    )


def with_fresh_form_token(event: dict[str, Any], tokens: FormTokens) -> dict[str, Any]:
    """The event with its `token=FRESH_FORM_TOKEN` (action submit events) replaced by a token issued now.

    A form's one-time token expires (`FORM_TOKEN_MAX_AGE`), so submit events cannot carry a real one; the
    token is issued for the event's action (its route), `orderId`, `customer` and `addressId` (a shipping
    address form's), as its form would be.
    """
    single = event.get("queryStringParameters") or {}
    multi = event.get("multiValueQueryStringParameters") or {}
    if FRESH_FORM_TOKEN not in single.values() and [FRESH_FORM_TOKEN] not in multi.values():
        return event
    token = str(tokens.issue(_form_subject(event), now=datetime.now(UTC)))
    for parameters in (single, multi):
        for name, value in parameters.items():
            if value == FRESH_FORM_TOKEN:
                parameters[name] = token
            elif value == [FRESH_FORM_TOKEN]:
                parameters[name] = [token]
    return event


def _form_subject(event: Mapping[str, Any]) -> FormSubject:
    """What an action event's form is about, read as the adaptor reads its URL."""
    route = str(event.get("resource") or event.get("path") or "")
    parameters = dict(event.get("queryStringParameters") or {})
    for name, values in (event.get("multiValueQueryStringParameters") or {}).items():
        if values:
            parameters[name] = values[-1]
    order = parameters.get(ORDER_PARAMETER)
    return FormSubject(
        action=route.rstrip("/").rsplit("/", 1)[-1],
        order_id=int(order) if isinstance(order, str) and order.isdigit() else None,
        customer=parameters.get(CUSTOMER_PARAMETER),
        item=f"{ADDRESS_PARAMETER}={address}" if (address := parameters.get(ADDRESS_PARAMETER)) else None,
    )


def is_unsigned(event_file: Path) -> bool:
    """Whether the file shows a request without a signature (sent as recorded)."""
    return UNSIGNED_MARKER in event_file.name


def has_bad_signature(event_file: Path) -> bool:
    """Whether the file shows a request signed with a wrong key (signed now, with that key)."""
    return BAD_SIGNATURE_MARKER in event_file.name


class ReplayRefused(Exception):
    """Why a replay does not start (a missing file, a reset it may not do): said in one message."""


def sandbox_behind(stage_url: str) -> str:
    """The sandbox the local gateway serving `stage_url` uses (it says so itself); `ReplayRefused` when it
    is no local gateway of `make run`, or its handlers call a store `make run` did not start."""
    from devtools import gateway_info  # the gateway's own module, asked only for a reset

    info = gateway_info.ask(stage_url)
    if info is None:
        raise ReplayRefused(
            f"RESET=1 resets only the sandbox behind `make run`'s local gateway, and {stage_url} does "
            f"not say which sandbox it uses ({gateway_info.INFO_PATH}): nothing was reset or sent. Replay "
            "without RESET=1, or to `make run`'s gateway (GATEWAY_URL)."
        )
    if not info.get("sandboxUrl"):
        raise ReplayRefused(
            f"RESET=1: the gateway at {stage_url} calls store {info.get('storeHash')}, not a sandbox "
            "`make run` started, so there is nothing it may reset: nothing was reset or sent."
        )
    return str(info["sandboxUrl"]).rstrip("/")


def fingerprint(value: str) -> str:
    """Eight hex digits of the value's SHA-256: enough to tell two keys apart, nothing to sign with."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:8]


def describe_signing_key(key: str) -> str:
    """A signing key as `make run`'s banner and `make replay` name it: the default in clear, another
    one by its fingerprint (it may be a real deployment's)."""
    if key == DEFAULT_SIGNING_KEY:
        return f"{DEFAULT_SIGNING_KEY} (the default; GLADLY_SIGNING_KEY sets another)"
    return f"GLADLY_SIGNING_KEY's ({len(key)} characters, fingerprint {fingerprint(key)}; not shown)"


def reset_sandbox(sandbox_url: str) -> None:
    """Put the sandbox at `sandbox_url` back to its fresh demo store; raises when it does not answer 204."""
    response = requests.post(sandbox_url + SANDBOX_RESET_PATH, timeout=REQUEST_TIMEOUT_SECONDS)
    if response.status_code != 204:
        raise RuntimeError(f"the sandbox at {sandbox_url} answered {response.status_code} to a reset")


class GladlyClient:
    """Sends requests to the local API the way Gladly does: signed, compact JSON, Gladly's headers.

    A target is a path relative to the API's stage URL (`/lookup`, `/actions/refund?orderId=1`), or an
    absolute URL (a `formUrl` or `actionUrl` the API handed out), which is requested exactly as given:
    its path and query are what get signed, as Gladly signs the URL it follows.
    """

    def __init__(
        self,
        base_url: str,
        signing_key: str,
        session: requests.Session | None = None,
        *,
        form_tokens: FormTokens | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.signing_key = signing_key
        self.session = session or requests.Session()
        self.form_tokens = form_tokens or local_form_tokens(signing_key)
        """Issues the tokens of FRESH_FORM_TOKEN (the local deployment's, by default)."""

    def url(self, target: str) -> str:
        """The URL a target names: an absolute URL as it is, a path on the stage URL."""
        if urlsplit(target).scheme in ("http", "https"):
            return target
        return self.base_url + target

    def post(
        self, path: str, body: Mapping[str, Any] | bytes, *, headers: Mapping[str, str] | None = None
    ) -> requests.Response:
        """POST a JSON document (encoded as Gladly does) or raw bytes, signed, to a path or absolute URL."""
        raw = body if isinstance(body, bytes) else gladly_json(body)
        return self.request("POST", path, raw, {"content-type": "application/json", **(headers or {})})

    def get(self, path: str, *, headers: Mapping[str, str] | None = None) -> requests.Response:
        """GET a path or absolute URL, query string included, signed."""
        return self.request("GET", path, b"", headers or {})

    def request(
        self, method: str, path: str, body: bytes, headers: Mapping[str, str], *, sign: bool = True
    ) -> requests.Response:
        """Send one request; with `sign`, over the exact path, query and body that go on the wire."""
        url = self.url(path)
        parts = urlsplit(url)
        gladly_headers = {
            "accept": "application/json",
            "gladly-correlation-id": uuid.uuid4().hex[:22],
            **{name.lower(): value for name, value in headers.items()},
        }
        if sign:
            gladly_headers = sign_request(
                method=method,
                path=parts.path,
                query=parts.query,
                headers=gladly_headers,
                body=body,
                signing_key=self.signing_key,
            )
        return self.session.request(
            method,
            url,
            data=body,
            headers=gladly_headers,
            timeout=REQUEST_TIMEOUT_SECONDS,
            allow_redirects=False,
        )

    def send_event(self, event_file: Path) -> requests.Response:
        """Replay an event file: signed now (with a wrong key for `bad-signature`), `unsigned` as recorded."""
        event = with_fresh_form_token(load_event(event_file), self.form_tokens)
        query = event_query_string(event)
        kept = FORGED_HEADERS if FORGED_HOST_MARKER in event_file.name else frozenset()
        headers = {
            name: value
            for name, value in (event.get("headers") or {}).items()
            if name.lower() not in TRANSPORT_HEADERS or name.lower() in kept
        }
        target = event["path"] + (f"?{query}" if query else "")
        if has_bad_signature(event_file):
            wrong = GladlyClient(self.base_url, self.signing_key + WRONG_SIGNING_KEY_SUFFIX, self.session)
            return wrong.request(event["httpMethod"], target, decode_body(event), headers)
        return self.request(
            event["httpMethod"], target, decode_body(event), headers, sign=not is_unsigned(event_file)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.replay",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "events",
        type=Path,
        nargs="+",
        metavar="event",
        help="API Gateway event files, e.g. events/lookup-manual-search-email.json, sent in this order",
    )
    parser.add_argument(
        "--reset", action="store_true", help="reset the gateway's sandbox to its demo store before each event"
    )
    parser.add_argument("--verbose", action="store_true", help="print every answer whole")
    arguments = parser.parse_args(argv)
    signing_key = os.environ.get("GLADLY_SIGNING_KEY", DEFAULT_SIGNING_KEY)
    tokens = local_form_tokens(
        signing_key,
        deployment_name=os.environ.get("DEPLOYMENT_NAME", LOCAL_DEPLOYMENT_NAME),
        store_hash=os.environ.get("BIGCOMMERCE_STORE_HASH", DEFAULT_STORE_HASH),
    )
    client = GladlyClient(default_gateway_url(), signing_key, form_tokens=tokens)
    report = ReplayReport(
        signing_key=describe_signing_key(signing_key), whole=arguments.verbose or len(arguments.events) == 1
    )
    try:
        check_event_files(arguments.events)
        sandbox_url = sandbox_behind(client.base_url) if arguments.reset else None
    except ReplayRefused as refusal:
        print(f"make replay: {refusal}", file=sys.stderr)
        return 2
    for event_file in arguments.events:
        report.start(event_file)
        try:
            if sandbox_url is not None:
                reset_sandbox(sandbox_url)
            response = client.send_event(event_file)
        except requests.ConnectionError as error:
            print(
                f"Nothing answers at {error.request.url if error.request else client.base_url}: "
                "start the local API first with `make run`.",
                file=sys.stderr,
            )
            return 2
        refusal_named = is_unsigned(event_file) or has_bad_signature(event_file)
        report.answer(event_file, response, named_for_refusal=refusal_named)
    report.finish()
    # Any answer, a refusal included, is a successful replay: the events include deliberate errors.
    return 0


def check_event_files(paths: list[Path]) -> None:
    """Every file an event, before anything is sent; `ReplayRefused` naming each one that is not."""
    problems = []
    for path in paths:
        if path.is_dir():
            problems.append(f"{path} is a directory: give its files, e.g. EVENT='{path}/*.json'")
            continue
        try:
            load_event(path)
        except FileNotFoundError:
            problems.append(f"{path}: no such file")
        except json.JSONDecodeError as error:
            problems.append(f"{path} is not JSON ({error.msg} at line {error.lineno}, column {error.colno})")
        except (OSError, ValueError) as error:
            problems.append(str(error) if isinstance(error, ValueError) else f"{path}: {error.strerror}")
    if problems:
        raise ReplayRefused(
            "; ".join(problems) + ". Nothing was sent. The events are the files in events/, e.g. "
            "EVENT=events/lookup-manual-search-email.json."
        )


if __name__ == "__main__":
    sys.exit(main())
