"""What `make run` reads from the environment: its own knobs and the deployment's settings, as the
banner shows them (what differs from the defaults) and the near misses it warns about.

`make run` takes its settings from environment variables, so a mistyped one (`ACTION_ENABLED`,
`actions_enabled`, `SEARCH_QUERY_ATTRIBUTE`, the SAM parameter `ActionsEnabled`) would be silently
ignored: `lookalike_warnings` names the setting meant (`difflib` over every known name, case and
underscores aside), and says so for the settings `make run` decides itself. `changed_settings` lists
what differs from `make run`'s defaults, secrets masked (`masked`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from devtools.adaptor_settings import DEFAULT_API_BASE, ENVIRONMENT_VARIABLES
from devtools.ports import DEFAULT_GATEWAY_PORT, DEFAULT_SANDBOX_PORT
from devtools.replay import DEFAULT_SIGNING_KEY, fingerprint
from devtools.sandbox import DEFAULT_STORE_HASH as SANDBOX_STORE_HASH

LOOKALIKE_CUTOFF = 0.84
"""`difflib` ratio from which a name is taken for a misspelling (ACTION_ENABLED: 0.97; GATEWAY_URL,
`make replay`'s own variable, 0.78 against GATEWAY_PORT)."""
SET_BY_RUN = frozenset({"STORE_HASH", "BIGCOMMERCE_API_BASE", "SECRET_NAME"})
"""Deployment settings `make run` decides itself: the store (sandbox or BIGCOMMERCE_*), its secret."""
SANDBOX_SEARCH = {
    "SEARCH_QUERY_ATTRIBUTES": "email:Email,phone:Phone,orderNumber:Order number",
    "SEARCH_RESULTS_ATTRIBUTES": "name:Name,email:Email,orderNumber:Order,orderStatus:Status",
}
"""Against the sandbox, orders can be searched by number and the results say which order matched."""
REAL_STORE_VARIABLES = ("BIGCOMMERCE_STORE_HASH", "BIGCOMMERCE_ACCESS_TOKEN", "BIGCOMMERCE_CLIENT_ID")


@dataclass(frozen=True)
class Knob:
    """One of `make run`'s own variables: its default and whether its value is a secret."""

    default: str
    secret: bool = False


KNOBS: dict[str, Knob] = {
    "GATEWAY_PORT": Knob(str(DEFAULT_GATEWAY_PORT)),
    "SANDBOX_PORT": Knob(str(DEFAULT_SANDBOX_PORT)),
    "SANDBOX_STORE": Knob(SANDBOX_STORE_HASH),
    "SANDBOX_SPARSE": Knob(""),
    "CONTAINERS": Knob("1"),
    "GLADLY_SIGNING_KEY": Knob(DEFAULT_SIGNING_KEY, secret=True),
    "BIGCOMMERCE_STORE_HASH": Knob(""),
    "BIGCOMMERCE_ACCESS_TOKEN": Knob("", secret=True),
    "BIGCOMMERCE_CLIENT_ID": Knob("", secret=True),
}
OTHER_TOOLS_VARIABLES = frozenset(
    {"GATEWAY_URL", "SANDBOX_URL", "EVENT", "RESET", "VERBOSE", "URL", "EMAIL", "CONFIG", "SECRET", "STACK"}
    | {"REGION", "DRY_RUN", "FUZZ_EXAMPLES", "FUZZ_HOSTILE", "SANDBOX_ARGS", "MAKE_RUN_STOPS"}
)
"""Variables of the project's other commands: never taken for a misspelling of `make run`'s."""
_IGNORED_BECAUSE = {
    "STORE_HASH": "make run serves the sandbox's store (SANDBOX_STORE picks another of its stores), or "
    "the real store BIGCOMMERCE_STORE_HASH names",
    "SECRET_NAME": "make run creates its own local secret (GLADLY_SIGNING_KEY sets its signing key)",
    "BIGCOMMERCE_API_BASE": "against its own sandbox make run sets it; it counts only with a real store "
    "(BIGCOMMERCE_STORE_HASH, BIGCOMMERCE_ACCESS_TOKEN and BIGCOMMERCE_CLIENT_ID)",
}


def known_names() -> list[str]:
    """Every variable `make run` reads: the deployment's settings, then its own knobs."""
    return [*ENVIRONMENT_VARIABLES, *KNOBS]


def _key(name: str) -> str:
    """A name with case and separators aside: `actions_enabled`, `ActionsEnabled` -> `ACTIONSENABLED`."""
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def meant(name: str) -> str | None:
    """The known variable `name` is probably a misspelling of (None: no known name is close)."""
    known = known_names()
    if name in known or name in OTHER_TOOLS_VARIABLES:
        return None
    parameters = {spec.parameter: known for known, spec in ENVIRONMENT_VARIABLES.items() if spec.parameter}
    if name in parameters:
        return parameters[name]
    by_key = {_key(variable): variable for variable in known}
    if _key(name) in by_key:
        return by_key[_key(name)]
    close = difflib.get_close_matches(name.upper(), known, n=1, cutoff=LOOKALIKE_CUTOFF)
    return close[0] if close else None


def lookalike_warnings(environ: Mapping[str, str]) -> list[str]:
    """A sentence for each variable that looks like a setting but is not one, or that make run ignores."""
    warnings = []
    for name in sorted(environ):
        suggestion = meant(name)
        if suggestion is not None:
            warnings.append(f"{name} is not a setting of make run and is ignored: did you mean {suggestion}?")
    real_store = any(environ.get(name) for name in REAL_STORE_VARIABLES)
    for name, reason in _IGNORED_BECAUSE.items():
        if name in environ and not (name == "BIGCOMMERCE_API_BASE" and real_store):
            warnings.append(f"{name} is ignored: {reason}.")
    for name, spec in ENVIRONMENT_VARIABLES.items():
        if name in environ and spec.parameter is None:
            warnings.append(f"{name} is ignored: make run creates template.yaml's tables and names them.")
    return warnings


def overrides(environ: Mapping[str, str]) -> dict[str, str]:
    """The deployment settings the environment sets (ACTIONS_ENABLED=refund), by variable name."""
    return {
        name: environ[name]
        for name, spec in ENVIRONMENT_VARIABLES.items()
        if name in environ and name not in SET_BY_RUN and spec.parameter is not None
    }


def masked(value: str) -> str:
    """A secret as the banner shows it: its length and a fingerprint, never the value."""
    return f"<{len(value)} characters, fingerprint {fingerprint(value)}>"


def changed_settings(environ: Mapping[str, str], *, sandbox: bool) -> list[str]:
    """`NAME=value (default ...)` for each setting the environment sets to other than make run's default."""
    return [
        f"{name}={masked(value) if secret else value} (default {shown_default or 'empty'})"
        for name, value, shown_default, secret in _changes(environ, sandbox=sandbox)
    ]


def _changes(environ: Mapping[str, str], *, sandbox: bool) -> Iterator[tuple[str, str, str, bool]]:
    for name, value in overrides(environ).items():
        default = ENVIRONMENT_VARIABLES[name].default or ""
        if name == "ACTIONS_ENABLED" and sandbox:
            default = "true"  # against the sandbox every action is on
        elif name in SANDBOX_SEARCH and sandbox:
            default = SANDBOX_SEARCH[name]
        elif name == "DEPLOYMENT_NAME":
            default = "local"
        if value != default:
            yield name, value, default, False
    api_base = environ.get("BIGCOMMERCE_API_BASE")
    if not sandbox and api_base and api_base != DEFAULT_API_BASE:
        yield "BIGCOMMERCE_API_BASE", api_base, DEFAULT_API_BASE, False
    for name, knob in KNOBS.items():
        if name in environ and environ[name] != knob.default:
            yield name, environ[name], knob.default, knob.secret
