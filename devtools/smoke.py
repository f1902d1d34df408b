"""`make smoke EMAIL=... [URL=...] [CONFIG=...]`: is the deployment answering Gladly? Ask it as Gladly would.

Sends one signed manual search for EMAIL (what an agent's "Link to external customer" search sends) to
URL, the Lookup URL the deploy printed (or its stage URL), and prints what came back: each customer's
name and id, or that nothing was found. Exits 0 on a 200 answer, whatever it found, and 1 on any other
status (a 401 means the signing key differs from the deployment's; a 5xx, the deployment is broken),
2 when nothing answers at all.

The signing key is GLADLY_SIGNING_KEY; without it, with CONFIG, the `gladly_signing_key` of the secret
the parameters file names (read with your AWS credentials, as are its basic auth password and static
headers, which are sent too); without either, `make run`'s local key. Without URL it asks the stack of
CONFIG (its LookupUrl output, default stack name), or without CONFIG the local stack of `make run`
(GATEWAY_URL, default http://127.0.0.1:3000/prod).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import requests

from devtools.deploy import load_deployment, stack_lookup_url
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient, default_gateway_url, gladly_headers
from devtools.validate_config import read_parameters_file
from gladly_bigcommerce.settings.secret import AdaptorSecret

LOOKUP_PATH = "/lookup"


def stage_url(url: str) -> str:
    """The API's stage URL, from the Lookup URL (`.../prod/lookup`) or the stage URL itself."""
    url = url.rstrip("/")
    return url[: -len(LOOKUP_PATH)] if url.endswith(LOOKUP_PATH) else url


def manual_search(email: str) -> dict[str, Any]:
    """The body of an agent's manual search by email, as Gladly sends it."""
    return {"lookupLevel": "BASIC", "query": {"email": email}, "uniqueMatchRequired": False}


def smoke(client: GladlyClient, email: str, headers: Mapping[str, str] | None = None) -> tuple[int, str]:
    """Search for `email` through `client`; the exit status and the report to print."""
    try:
        response = client.post(LOOKUP_PATH, manual_search(email), headers=headers)
    except requests.RequestException as error:
        return 2, f"Nothing answers at {client.url(LOOKUP_PATH)} ({type(error).__name__})."
    lines = [f"POST {client.url(LOOKUP_PATH)}: HTTP {response.status_code}"]
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        errors = body.get("errors") if isinstance(body, dict) else None
        for item in errors if isinstance(errors, list) else []:
            if isinstance(item, dict):
                lines.append(
                    f"  error {item.get('code')} on {item.get('attr') or 'the request'}: {item.get('detail')}"
                )
        if response.status_code == 401:
            lines.append(
                "  The deployment does not accept that signing key (or basic auth): use the one in the "
                "secret its CredentialsSecretArn names."
            )
        return 1, "\n".join(lines)
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        return 1, "\n".join([*lines, "  The answer has no results list: not the adaptor's answer."])
    if not results:
        lines.append(f"  Nothing found for {email} (the deployment works; no customer has that email).")
    for result in results:
        lines.append(f"  Found {result.get('name') or '(no name)'}, id {result.get('externalCustomerId')}")
    return 0, "\n".join(lines)


def _secret_of(config: Path) -> AdaptorSecret:
    """The credentials secret the parameters file names, read with the caller's AWS credentials."""
    import boto3  # only for a deployed stack

    secret_name = read_parameters_file(config).get("SECRET_NAME")
    if not secret_name:
        raise ValueError("the parameters file names no SECRET_NAME")
    value = boto3.client("secretsmanager").get_secret_value(SecretId=secret_name)["SecretString"]
    return AdaptorSecret.from_mapping(json.loads(value))


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="python -m devtools.smoke",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--email", required=True, help="a customer's email to search for")
    parser.add_argument("--url", help="the Lookup URL (default: the local stack of `make run`)")
    parser.add_argument("--config", type=Path, help="the parameters file: its secret gives the signing key")
    arguments = parser.parse_args(argv)
    headers: dict[str, str] = {}
    signing_key = environ.get("GLADLY_SIGNING_KEY")
    if arguments.config is not None:
        try:
            secret = _secret_of(arguments.config)
        except Exception as error:
            print(f"Cannot read the secret of {arguments.config} ({type(error).__name__}).", file=sys.stderr)
            return 2
        signing_key = signing_key or secret.gladly_signing_key.get_secret_value()
        user = read_parameters_file(arguments.config).get("BASIC_AUTH_USER", "").strip()
        headers = gladly_headers(user, secret)
    url = arguments.url
    if url is None and arguments.config is not None:
        url = stack_lookup_url(load_deployment(arguments.config).stack_name, None)
        if url is None:
            print("The stack's LookupUrl output cannot be read: give URL=<the Lookup URL>.", file=sys.stderr)
            return 2
    url = stage_url(url) if url else default_gateway_url()
    client = GladlyClient(url, signing_key or DEFAULT_SIGNING_KEY)
    status, report = smoke(client, arguments.email, headers)
    print(report, file=sys.stdout if status == 0 else sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
