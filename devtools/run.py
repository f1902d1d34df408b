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
  CONTAINERS=N             run each function in N worker processes, handed requests in turn, as
                           Lambda's containers (memory not shared, DynamoDB shared; devtools/fleet.py);
                           default 1: the handlers run in make run's own process
  BIGCOMMERCE_STORE_HASH, BIGCOMMERCE_ACCESS_TOKEN, BIGCOMMERCE_CLIENT_ID
                           use this real store instead of the sandbox (all three are needed; actions
                           stay off unless ACTIONS_ENABLED says otherwise)
  Any deployment setting by its variable name (ACTIONS_ENABLED, SEARCH_RESULTS_ATTRIBUTES,
  RECENT_ORDERS, ...; see `make validate-config`) overrides the local default.

The banner lists every setting that differs from these defaults (secrets as a fingerprint), and a
variable that looks like a setting but is not one (`ACTION_ENABLED`, `actions_enabled`) gets a warning
naming the one meant (devtools/run_settings.py). A port already taken ends `make run` with one line:
the port, its variable, what holds it and free ports to use (devtools/ports.py). `make run` starts
through devtools/launch.py, so Ctrl-C during the start-up ends it without a traceback too.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from types import FrameType
from typing import IO, Any

from devtools import ports, run_settings
from devtools.adaptor_settings import DEFAULT_API_BASE, ENVIRONMENT_VARIABLES, enabled_actions
from devtools.aws import LocalResources, create_resources_from_template, start_local_aws
from devtools.fleet import FleetError, containers_setting
from devtools.gateway import LocalGateway
from devtools.replay import DEFAULT_SIGNING_KEY, describe_signing_key
from devtools.sandbox import DEFAULT_STORE_HASH as SANDBOX_STORE_HASH
from devtools.sandbox import DEFAULT_TOKEN as SANDBOX_ACCESS_TOKEN
from devtools.sandbox import SandboxServer

# The sandbox checks only the access token; the client id is there because the secret requires one.
SANDBOX_CLIENT_ID = "sandbox-client-id"
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
        for name, value in run_settings.SANDBOX_SEARCH.items():
            parameters[ENVIRONMENT_VARIABLES[name].parameter or name] = value
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
    containers: int = 1,
    environment: Mapping[str, str] | None = None,
    worker_output: IO[Any] | None = None,
) -> LocalGateway:
    """The local API for `store`, its handlers using `resources` in moto. Used by `make run` and the tests.

    `containers` above 1 runs each function in that many worker processes (devtools/fleet.py), whose
    output goes to `worker_output` (default: this process's). `environment` adds variables to the
    functions' environment, last (the benchmarks compare runs with and without one)."""
    gateway = LocalGateway(
        parameters=local_parameters(store, overrides),
        references=resources.references(),
        environment={
            **resources.aws.environment(),
            "POWERTOOLS_TRACE_DISABLED": "true",
            **(environment or {}),
        },
        port=port,
        access_log=access_log,
        sandbox_url=store.api_base if store.is_sandbox else None,
        containers=containers,
        worker_output=worker_output,
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
    warnings = run_settings.lookalike_warnings(environ)
    for warning in warnings:
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    store = _real_store(environ)
    containers = containers_setting(environ)
    wanted = {"GATEWAY_PORT": ports.port_setting(environ, "GATEWAY_PORT", ports.DEFAULT_GATEWAY_PORT)}
    if store is None:
        wanted["SANDBOX_PORT"] = ports.port_setting(environ, "SANDBOX_PORT", ports.DEFAULT_SANDBOX_PORT)
    try:
        busy = ports.taken(wanted)
        if busy:  # said before anything starts; a port taken meanwhile is said the same way below
            raise SystemExit(ports.busy_message("make run", busy, wanted))
        print("Starting the local adaptor (sandbox, moto, local gateway)...", flush=True)
        return _serve(environ, store, wanted, warnings, containers)
    except FleetError as error:  # a worker could not import its handler (its traceback is above)
        raise SystemExit(f"make run cannot start: {error}") from None
    except OSError as error:  # a port could not be listened on (our own servers are stopped by now)
        if error.errno == errno.EADDRINUSE:  # taken since the check above: which one, asked again
            busy = ports.taken(wanted) or dict(wanted)
            raise SystemExit(ports.busy_message("make run", busy, wanted)) from None
        if error.errno == errno.EACCES:
            raise SystemExit(ports.denied_message("make run", wanted)) from None
        raise


def _serve(
    environ: Mapping[str, str],
    store: StoreAccess | None,
    wanted: Mapping[str, int],
    warnings: list[str],
    containers: int = 1,
) -> int:
    signing_key = environ.get("GLADLY_SIGNING_KEY", DEFAULT_SIGNING_KEY)
    overrides = run_settings.overrides(environ)
    with ExitStack() as running:
        if store is None:
            sparse = environ.get("SANDBOX_SPARSE", "").strip().lower() in ("1", "true", "yes")
            sandbox = SandboxServer(host=ports.LOOPBACK, port=wanted["SANDBOX_PORT"], sparse=sparse).start()
            running.callback(sandbox.stop)
            chosen = environ.get("SANDBOX_STORE", "").strip() or SANDBOX_STORE_HASH
            if chosen not in sandbox.stores:
                raise SystemExit(f"SANDBOX_STORE={chosen}: the sandbox serves {', '.join(sandbox.stores)}.")
            store = sandbox_store(sandbox.url, chosen)
        aws = start_local_aws()
        running.callback(aws.stop)
        resources = create_resources_from_template(aws, local_secret(store, signing_key))
        gateway = start_gateway(
            resources, store, port=wanted["GATEWAY_PORT"], overrides=overrides, containers=containers
        )
        running.callback(gateway.stop)
        # From here on a signal only asks for the stop (before, Ctrl-C interrupts a stuck start-up);
        # installed before the banner, which is what tells a caller that signals are handled.
        stop = StopSignal()
        running.callback(stop.close)
        changed = run_settings.changed_settings(environ, sandbox=store.is_sandbox)
        print(
            _banner(gateway, store, aws.endpoint_url, signing_key, overrides, changed, warnings, containers)
        )
        stop.wait()
        print("\nStopping.", flush=True)
    return 0


def _banner(
    gateway: LocalGateway,
    store: StoreAccess,
    aws_url: str,
    signing_key: str,
    overrides: Mapping[str, str] | None = None,
    changed: Sequence[str] = (),
    warnings: Sequence[str] = (),
    containers: int = 1,
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
        if not gateway.url.startswith(f"http://127.0.0.1:{ports.DEFAULT_GATEWAY_PORT}/")
        else ""
    )
    if signing_key != DEFAULT_SIGNING_KEY:
        replay_environment += "GLADLY_SIGNING_KEY=<the same key> "
    return "\n".join(
        [
            "",
            "Gladly <-> BigCommerce adaptor, running locally",
            f"  Lookup URL     {gateway.url}/lookup",
            f"  Auto-link URL  {gateway.url}/auto-link (a diagnostic; Gladly only calls the Lookup URL)",
            f"  Agent preview  {gateway.url.rsplit('/', 1)[0]}/ (what an agent sees, in a browser)",
            f"  Actions        {action_urls or 'none enabled (ACTIONS_ENABLED)'}",
            f"  Signing key    {describe_signing_key(signing_key)}",
            *source,
            f"  AWS (moto)     {aws_url}",
            f"  Containers     {_containers(containers)}",
            *_listed("Settings", changed or ["make run's defaults: no setting changed"]),
            *_listed("Warnings", warnings),
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


def _containers(count: int) -> str:
    if count == 1:
        return "1 per function, in this process (CONTAINERS=N: N worker processes each, as Lambda's)"
    return (
        f"{count} worker processes per function, handed requests in turn: memory not shared, DynamoDB shared"
    )


def _listed(title: str, lines: Sequence[str]) -> list[str]:
    """Banner lines: the title beside the first, the others aligned under it."""
    return [f"  {title if index == 0 else '':<15}{line}" for index, line in enumerate(lines)]


_WHAT_ACTIONS_DO = {
    "refund": "refund real orders (money goes back to the shopper)",
    "cancel": "cancel real orders",
    "discount": "create real discount codes",
    "staff_note": "add staff notes to real orders",
    "store_credit": "give real store credit",
    "shipping_address": "change real orders' shipping addresses",
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
