"""`make check-store`: before going live, check the store hash, the token and each scope the features need.

    BIGCOMMERCE_STORE_HASH=... BIGCOMMERCE_ACCESS_TOKEN=... BIGCOMMERCE_CLIENT_ID=... \\
        [ACTIONS_ENABLED=refund,cancel] [BIGCOMMERCE_API_BASE=http://127.0.0.1:3001] make check-store
    make check-store CONFIG=store.json SECRET=secret.json

With a parameters file (the one `make validate-config` checks) the store hash, API base and enabled
actions come from it, and the token and client id from the secret file (or the two environment
variables when no secret file is given). Prints one line per capability (`devtools.
store_check`); exit status 1 when a feature the settings enable cannot work, or the settings are bad.
Every call is a read or a write that cannot succeed: nothing in the store changes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from devtools.store_check import ProbingClient, check_store, render
from devtools.validate_config import read_parameters_file
from gladly_bigcommerce.bigcommerce.store_hash import InvalidStoreHash
from gladly_bigcommerce.settings.model import ActionName, AdaptorSettings
from gladly_bigcommerce.settings.problems import ConfigError, ConfigProblem
from gladly_bigcommerce.settings.secret import AdaptorSecret


@dataclass(frozen=True)
class Target:
    store_hash: str
    access_token: str
    client_id: str | None
    api_base: str
    actions_enabled: frozenset[ActionName]


def _problem(field: str, problem: str, fix: str) -> ConfigError:
    return ConfigError([ConfigProblem(field=field, problem=problem, fix=fix)])


def _from_parameters(path: Path, secret_path: Path | None, environ: Mapping[str, str]) -> Target:
    settings = AdaptorSettings.from_env(read_parameters_file(path))
    if secret_path is None:
        token, client_id = _credentials_from_env(environ)
    else:
        try:
            data = json.loads(secret_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise _problem(
                "--secret", f"{secret_path} is not a readable JSON object", "Fix the file."
            ) from None
        secret = AdaptorSecret.from_mapping(data)
        token, client_id = secret.access_token.get_secret_value(), secret.client_id.get_secret_value()
    return Target(settings.store_hash, token, client_id, settings.api_base, settings.actions_enabled)


def _credentials_from_env(environ: Mapping[str, str]) -> tuple[str, str | None]:
    token = environ.get("BIGCOMMERCE_ACCESS_TOKEN", "").strip()
    if not token:
        raise _problem(
            "BIGCOMMERCE_ACCESS_TOKEN",
            "is not set",
            "Set it to the Access Token of the store's API account, or give SECRET=<secret file>.",
        )
    return token, environ.get("BIGCOMMERCE_CLIENT_ID", "").strip() or None


# The settings a store check does not use, set to valid placeholders so that `AdaptorSettings` validates
# the three it does use (store hash, API base, enabled actions) exactly as a deployment would.
_PLACEHOLDERS = {
    "DEPLOYMENT_NAME": "check-store",
    "SECRET_NAME": "arn:aws:secretsmanager:us-east-1:000000000000:secret:check-store",
    "SEARCH_QUERY_ATTRIBUTES": "email:Email",
    "SEARCH_RESULTS_ATTRIBUTES": "name:Name",
}


def _from_env(environ: Mapping[str, str]) -> Target:
    """The store from BIGCOMMERCE_* variables (and ACTIONS_ENABLED), validated as the settings are."""
    token, client_id = _credentials_from_env(environ)
    store_hash = environ.get("BIGCOMMERCE_STORE_HASH", "").strip()
    if not store_hash:
        raise _problem(
            "BIGCOMMERCE_STORE_HASH", "is not set", "Set it to the store hash, or give CONFIG=<file>."
        )
    used = {"STORE_HASH": store_hash, "ACTIONS_ENABLED": environ.get("ACTIONS_ENABLED", "")}
    if environ.get("BIGCOMMERCE_API_BASE"):
        used["BIGCOMMERCE_API_BASE"] = environ["BIGCOMMERCE_API_BASE"]
    try:
        settings = AdaptorSettings.from_env({**_PLACEHOLDERS, **used})
    except ConfigError as error:
        named = [
            problem.model_copy(update={"field": "BIGCOMMERCE_STORE_HASH"})
            if problem.field == "STORE_HASH"
            else problem
            for problem in error.problems
        ]
        raise ConfigError(named) from None
    return Target(settings.store_hash, token, client_id, settings.api_base, settings.actions_enabled)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.check_store",
        description="Check the store hash, the token and the scopes each enabled feature needs.",
    )
    parser.add_argument("--parameters", type=Path, help="the parameters file make validate-config checks")
    parser.add_argument(
        "--secret", type=Path, help="JSON file with the secret's content (access_token, client_id)"
    )
    arguments = parser.parse_args(argv)
    env = os.environ if environ is None else environ
    try:
        if arguments.parameters is not None:
            target = _from_parameters(arguments.parameters, arguments.secret, env)
        elif arguments.secret is not None:
            raise _problem(
                "--secret", "needs --parameters (CONFIG=...)", "Give CONFIG=<parameters file> too."
            )
        else:
            target = _from_env(env)
    except ConfigError as error:
        lines = [f"Cannot check the store: {len(error.problems)} problem(s) in the settings:"]
        lines += [f"  {item.field}: {item.problem}. Fix: {item.fix}" for item in error.problems]
        sys.stderr.write("\n".join(lines) + "\n")
        return 1
    try:
        client = ProbingClient(
            target.store_hash, target.access_token, client_id=target.client_id, api_base=target.api_base
        )
    except InvalidStoreHash as error:  # already validated above; kept so a bad hash never becomes a URL
        sys.stderr.write(f"Cannot check the store: {error}\n")
        return 1
    with client:
        check = check_store(client, target.actions_enabled, api_base=target.api_base)
    sys.stdout.write("\n".join(render(check)) + "\n")
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
