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

AWS is asked only for what is not given: with URL and GLADLY_SIGNING_KEY, nothing (not even with
CONFIG: the secret is then not read, so its basic auth password and static headers are not sent). The
region is the one in the ARN of the secret CONFIG names (SECRET_NAME): the functions read their secret
in their own region, so the stack is there too (Secrets Manager answers only in the secret's region:
https://repost.aws/questions/QUqPzJz0xJRUWikjso4zk6sQ).
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

from devtools.adaptor_settings import AdaptorSecret, ConfigError, read_parameters_file
from devtools.deploy import load_deployment, stack_lookup_url
from devtools.replay import DEFAULT_SIGNING_KEY, GladlyClient, default_gateway_url, gladly_headers

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


class SmokeRefused(Exception):
    """Why the search cannot be sent (the parameters file, the secret, the stack): one sentence."""


def region_of(secret_arn: str) -> str | None:
    """The region of a Secrets Manager ARN (`arn:aws:secretsmanager:<region>:...`); None for a bare name."""
    parts = secret_arn.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[2] == "secretsmanager" and parts[3]:
        return parts[3]
    return None


def _secret_of(secret_name: str, region: str | None) -> AdaptorSecret:
    """The credentials secret, read with the caller's AWS credentials in the secret's own region."""
    import boto3  # only for a deployed stack
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    try:
        answer = boto3.client("secretsmanager", region_name=region).get_secret_value(SecretId=secret_name)
        return AdaptorSecret.from_mapping(json.loads(answer["SecretString"]))
    except NoCredentialsError:
        raise SmokeRefused(
            "no AWS credentials were found to read the secret (aws configure, AWS_PROFILE); or give "
            "URL and GLADLY_SIGNING_KEY, and smoke asks AWS nothing"
        ) from None
    except NoRegionError:
        raise SmokeRefused(
            f"SECRET_NAME {secret_name} is no ARN with a region, and no AWS region is configured: give "
            "the secret's ARN, or set AWS_REGION"
        ) from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "an error")
        raise SmokeRefused(f"AWS answered {code} to reading the secret in {region}") from None
    except (BotoCoreError, ValueError, ConfigError, RuntimeError) as error:
        raise SmokeRefused(f"the secret cannot be read ({type(error).__name__})") from None


def _from_config(
    config: Path, url: str | None, signing_key: str | None
) -> tuple[str | None, str | None, dict[str, str]]:
    """The Lookup URL, signing key and extra headers a parameters file leads to, asking AWS only for
    what URL and GLADLY_SIGNING_KEY do not give."""
    try:
        settings = read_parameters_file(config)
    except ConfigError as error:
        raise SmokeRefused(f"{config} cannot be read: {error}") from None
    secret_name = settings.get("SECRET_NAME", "").strip()
    region = region_of(secret_name)
    headers: dict[str, str] = {}
    if url is not None and signing_key:
        if settings.get("BASIC_AUTH_USER", "").strip():
            print(
                "URL and GLADLY_SIGNING_KEY given: the secret is not read, so no basic auth is sent.",
                file=sys.stderr,
            )
        return url, signing_key, headers
    if not secret_name:
        raise SmokeRefused(f"{config} names no SECRET_NAME, whose secret holds the signing key")
    secret = _secret_of(secret_name, region)
    signing_key = signing_key or secret.gladly_signing_key.get_secret_value()
    headers = gladly_headers(settings.get("BASIC_AUTH_USER", "").strip(), secret)
    if url is None:
        try:
            stack = load_deployment(config).stack_name
        except ConfigError as error:
            raise SmokeRefused(f"{config} names no stack: {error}") from None
        url = stack_lookup_url(stack, region)
        if url is None:
            raise SmokeRefused(
                f"the LookupUrl output of stack {stack} in {region} cannot be read: give URL=<the Lookup URL>"
            )
    return url, signing_key, headers


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
    url, signing_key = arguments.url, environ.get("GLADLY_SIGNING_KEY")
    if arguments.config is not None:
        try:
            url, signing_key, headers = _from_config(arguments.config, url, signing_key)
        except SmokeRefused as refusal:
            print(f"make smoke: {refusal}.", file=sys.stderr)
            return 2
    url = stage_url(url) if url else default_gateway_url()
    client = GladlyClient(url, signing_key or DEFAULT_SIGNING_KEY)
    status, report = smoke(client, arguments.email, headers)
    print(report, file=sys.stdout if status == 0 else sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
