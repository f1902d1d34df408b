"""`make run`: the whole adaptor on this machine, in the foreground, until Ctrl-C.

Starts, on 127.0.0.1:
- the BigCommerce sandbox with its demo store (port SANDBOX_PORT, default 3001), unless a real store
  is given (below);
- moto, with the DynamoDB tables of template.yaml and the credentials secret;
- the local API gateway (port GATEWAY_PORT, default 3000), routing by template.yaml to the real
  handlers, which talk to moto and to the sandbox.

Environment:
  GLADLY_SIGNING_KEY       the signing key put in the local secret (default local-dev-signing-key);
                           `make replay` signs with the same default
  GATEWAY_PORT, SANDBOX_PORT
  SANDBOX_SPARSE=1         the sandbox answers as sparsely as the OpenAPI files allow (sandbox/sparse.py)
  SANDBOX_STORE=sandboxjp  use another of the sandbox's stores: its Japanese store, in yen
  BIGCOMMERCE_STORE_HASH, BIGCOMMERCE_ACCESS_TOKEN, BIGCOMMERCE_CLIENT_ID
                           use this real store instead of the sandbox (all three are needed; actions
                           stay off unless ACTIONS_ENABLED says otherwise)
  Any deployment setting by its variable name (ACTIONS_ENABLED, SEARCH_RESULTS_ATTRIBUTES,
  RECENT_ORDERS, ...; see `make validate-config`) overrides the local default.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from types import FrameType

from devtools.aws import LocalResources, create_resources_from_template, start_local_aws
from devtools.gateway import LocalGateway
from devtools.replay import DEFAULT_GATEWAY_PORT, DEFAULT_SIGNING_KEY
from devtools.sandbox import DEFAULT_STORE_HASH as SANDBOX_STORE_HASH
from devtools.sandbox import DEFAULT_TOKEN as SANDBOX_ACCESS_TOKEN
from devtools.sandbox import SandboxServer
from gladly_bigcommerce.bigcommerce.http import DEFAULT_API_BASE
from gladly_bigcommerce.settings.environment import ENVIRONMENT_VARIABLES
from gladly_bigcommerce.settings.model import enabled_actions

DEFAULT_SANDBOX_PORT = 3001
# The sandbox checks only the access token; the client id is there because the secret requires one.
SANDBOX_CLIENT_ID = "sandbox-client-id"
# Settings `make run` decides itself: the store (sandbox or BIGCOMMERCE_*) and the local secret.
SET_BY_RUN = frozenset({"STORE_HASH", "BIGCOMMERCE_API_BASE", "SECRET_NAME"})
EXAMPLE_EVENT = "events/lookup-manual-search-email.json"


@dataclass(frozen=True)
class StoreAccess:
    """Which BigCommerce API the handlers call, and the API account for it."""

    store_hash: str
    api_base: str
    client_id: str
    access_token: str
    is_sandbox: bool


def local_secret(store: StoreAccess | None = None, signing_key: str = DEFAULT_SIGNING_KEY) -> dict[str, str]:
    """The credentials secret's JSON for local use (the sandbox's API account by default)."""
    return {
        "client_id": store.client_id if store else SANDBOX_CLIENT_ID,
        "access_token": store.access_token if store else SANDBOX_ACCESS_TOKEN,
        "gladly_signing_key": signing_key,
    }


def sandbox_store(api_base: str, store_hash: str = SANDBOX_STORE_HASH) -> StoreAccess:
    return StoreAccess(store_hash, api_base, SANDBOX_CLIENT_ID, SANDBOX_ACCESS_TOKEN, is_sandbox=True)


def local_parameters(store: StoreAccess, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Template parameters for a local deployment of `store`.

    Against the sandbox every action is on; `overrides` are settings by variable name
    (ACTIONS_ENABLED=refund), applied last.
    """
    parameters = {
        "DeploymentName": "local",
        "StoreHash": store.store_hash,
        "BigCommerceApiBase": store.api_base,
    }
    if store.is_sandbox:
        parameters["ActionsEnabled"] = "true"
    for name, value in (overrides or {}).items():
        parameter = ENVIRONMENT_VARIABLES[name].parameter if name in ENVIRONMENT_VARIABLES else None
        if parameter is not None:
            parameters[parameter] = value
    return parameters


def start_gateway(
    resources: LocalResources,
    store: StoreAccess,
    *,
    port: int = 0,
    access_log: bool = True,
    overrides: Mapping[str, str] | None = None,
) -> LocalGateway:
    """The local API for `store`, its handlers using `resources` in moto. Used by `make run` and the tests."""
    gateway = LocalGateway(
        parameters=local_parameters(store, overrides),
        references=resources.references(),
        environment={**resources.aws.environment(), "POWERTOOLS_TRACE_DISABLED": "true"},
        port=port,
        access_log=access_log,
    )
    return gateway.start()


def _real_store(environ: Mapping[str, str]) -> StoreAccess | None:
    names = ("BIGCOMMERCE_STORE_HASH", "BIGCOMMERCE_ACCESS_TOKEN", "BIGCOMMERCE_CLIENT_ID")
    given = [name for name in names if environ.get(name)]
    if not given:
        return None
    if len(given) != len(names):
        missing = ", ".join(name for name in names if name not in given)
        raise SystemExit(f"A real store needs {', '.join(names)}; missing: {missing}.")
    return StoreAccess(
        store_hash=environ["BIGCOMMERCE_STORE_HASH"],
        api_base=environ.get("BIGCOMMERCE_API_BASE", DEFAULT_API_BASE),
        client_id=environ["BIGCOMMERCE_CLIENT_ID"],
        access_token=environ["BIGCOMMERCE_ACCESS_TOKEN"],
        is_sandbox=False,
    )


class StopSignal:
    """Ctrl-C or SIGTERM, turned into a byte on a pipe that the main thread waits on.

    The byte is written by Python's C-level handler (`signal.set_wakeup_fd`), whichever thread the
    kernel delivered the signal to: a Python-level handler runs only in the main thread, once it runs
    bytecode again, and the main thread blocked in `os.read` does not, when the signal went to one of
    the servers' threads (CI once waited 30 s for that). The Python-level handler does nothing: it
    is there to replace the default action (KeyboardInterrupt, or death by SIGTERM).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        os.set_blocking(self._write, False)
        self._previous = {number: signal.signal(number, self._ignore) for number in self.SIGNALS}
        # A full pipe means a stop is already pending: nothing more to say.
        self._previous_wakeup = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)

    @staticmethod
    def _ignore(_signal: int, _frame: FrameType | None) -> None:
        """The stop is the byte the wakeup fd received."""

    def wait(self) -> None:
        """Block until a signal arrives (os.read is retried across signals, PEP 475)."""
        os.read(self._read, 1)

    def close(self) -> None:
        signal.set_wakeup_fd(self._previous_wakeup)
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        os.close(self._read)
        os.close(self._write)


def main(environ: Mapping[str, str] = os.environ) -> int:
    gateway_port = int(environ.get("GATEWAY_PORT", DEFAULT_GATEWAY_PORT))
    sandbox_port = int(environ.get("SANDBOX_PORT", DEFAULT_SANDBOX_PORT))
    signing_key = environ.get("GLADLY_SIGNING_KEY", DEFAULT_SIGNING_KEY)
    overrides = {
        name: environ[name] for name in ENVIRONMENT_VARIABLES if name in environ and name not in SET_BY_RUN
    }
    store = _real_store(environ)
    with ExitStack() as running:
        if store is None:
            sparse = environ.get("SANDBOX_SPARSE", "").strip().lower() in ("1", "true", "yes")
            sandbox = SandboxServer(host="127.0.0.1", port=sandbox_port, sparse=sparse).start()
            running.callback(sandbox.stop)
            chosen = environ.get("SANDBOX_STORE", "").strip() or SANDBOX_STORE_HASH
            if chosen not in sandbox.stores:
                raise SystemExit(f"SANDBOX_STORE={chosen}: the sandbox serves {', '.join(sandbox.stores)}.")
            store = sandbox_store(sandbox.url, chosen)
        aws = start_local_aws()
        running.callback(aws.stop)
        resources = create_resources_from_template(aws, local_secret(store, signing_key))
        gateway = start_gateway(resources, store, port=gateway_port, overrides=overrides)
        running.callback(gateway.stop)
        # From here on a signal only asks for the stop (before, Ctrl-C interrupts a stuck start-up);
        # installed before the banner, which is what tells a caller that signals are handled.
        stop = StopSignal()
        running.callback(stop.close)
        print(_banner(gateway, store, aws.endpoint_url, signing_key, overrides))
        stop.wait()
        print("\nStopping.", flush=True)
    return 0


def _banner(
    gateway: LocalGateway,
    store: StoreAccess,
    aws_url: str,
    signing_key: str,
    overrides: Mapping[str, str] | None = None,
) -> str:
    actions = enabled_actions(local_parameters(store, overrides).get("ActionsEnabled", ""))
    action_urls = " | ".join(f"{gateway.url}/actions/{action}" for action in actions)
    if store.is_sandbox:
        which = "demo store" if store.store_hash == SANDBOX_STORE_HASH else f"store {store.store_hash}"
        source = [
            f"  BigCommerce    the sandbox's {which}: BIGCOMMERCE_API_BASE={store.api_base}",
            f"                 (its API: {store.api_base}/stores/{store.store_hash}/v3/..., "
            f"X-Auth-Token {store.access_token})",
            f"  Sandbox reset  POST {store.api_base}/__sandbox/reset (back to the demo store)",
        ]
    else:
        source = [f"  BigCommerce    the REAL store {store.store_hash} at {store.api_base}"]
        source += _real_store_warning(gateway, store, actions)
    replay_environment = (
        f"GATEWAY_URL={gateway.url} "
        if not gateway.url.startswith(f"http://127.0.0.1:{DEFAULT_GATEWAY_PORT}/")
        else ""
    )
    if store.is_sandbox and not store.api_base.endswith(f":{DEFAULT_SANDBOX_PORT}"):
        replay_environment += f"SANDBOX_URL={store.api_base} "
    return "\n".join(
        [
            "",
            "Gladly <-> BigCommerce adaptor, running locally",
            f"  Lookup URL     {gateway.url}/lookup",
            f"  Auto-link URL  {gateway.url}/auto-link (a diagnostic; Gladly only calls the Lookup URL)",
            f"  Agent preview  {gateway.url.rsplit('/', 1)[0]}/ (what an agent sees, in a browser)",
            f"  Actions        {action_urls or 'none enabled (ACTIONS_ENABLED)'}",
            f"  Signing key    {signing_key}",
            *source,
            f"  AWS (moto)     {aws_url}",
            "",
            "Send a signed request from another terminal:",
            f"  {replay_environment}make replay EVENT={EXAMPLE_EVENT}",
            *(
                [f"  {replay_environment}make replay RESET=1 EVENT='events/*.json'  # every event, in order"]
                if store.is_sandbox
                else []
            ),
            "",
            "Ctrl-C stops everything.",
        ]
    )


_WHAT_ACTIONS_DO = {
    "refund": "refund real orders (money goes back to the shopper)",
    "cancel": "cancel real orders",
    "discount": "create real discount codes",
}


def _real_store_warning(gateway: LocalGateway, store: StoreAccess, actions: Iterable[str]) -> list[str]:
    """What the agent preview can do to a real store with actions on, said plainly (none: no lines)."""
    deeds = [_WHAT_ACTIONS_DO[action] for action in actions if action in _WHAT_ACTIONS_DO]
    if not deeds:
        return []
    preview = f"{gateway.url.rsplit('/', 1)[0]}/"
    return [
        f"  !! WARNING     actions are ON against the REAL store {store.store_hash}: the agent preview",
        f"                 ({preview}) can {', '.join(deeds)}, as an agent in Gladly can.",
        "                 It answers only a browser on this machine, at that address, through its own page.",
    ]


if __name__ == "__main__":
    sys.exit(main())
