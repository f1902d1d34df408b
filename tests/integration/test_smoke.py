"""`make smoke`: a signed manual search against a deployment, here the local stack (`gateway` fixture).

With URL and GLADLY_SIGNING_KEY it never asks AWS (shown in a child process where any AWS client is
refused); with CONFIG it reads the secret in the region of its ARN (moto, with no region configured).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import boto3
import pytest

from devtools import smoke
from devtools.aws import LocalResources
from devtools.gateway import LocalGateway
from devtools.replay import DEFAULT_SIGNING_KEY
from devtools.sandbox import SandboxServer
from devtools.sandbox import seed as demo
from tests.integration.commands import run_module

MARTHA_EMAIL = demo.MARTHA_EMAIL


def _smoke(url: str, email: str, key: str = DEFAULT_SIGNING_KEY) -> int:
    return smoke.main(["--url", url, "--email", email], environ={"GLADLY_SIGNING_KEY": key})


def test_smoke_shows_the_customer_found_and_exits_zero(
    gateway: LocalGateway, bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the deployed Lookup URL, as the deploy prints it
    # When an admin runs make smoke with a customer's email
    status = _smoke(f"{gateway.url}/lookup", MARTHA_EMAIL)
    # Then the signed search found her: name and id, exit status 0
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "HTTP 200" in printed
    assert f"Found Martha Williams, id {demo.MARTHA_CUSTOMER_ID}" in printed


def test_smoke_says_nothing_was_found_and_still_exits_zero(
    gateway: LocalGateway, bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # The stage URL works as well as the Lookup URL
    status = _smoke(gateway.url, "nobody.at.all@example.com")
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "Nothing found for nobody.at.all@example.com" in printed


def test_smoke_with_the_wrong_signing_key_exits_non_zero_and_says_why(
    gateway: LocalGateway, bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a key that is not the deployment's
    status = _smoke(f"{gateway.url}/lookup", MARTHA_EMAIL, key="not-the-deployment-key")
    # Then the 401 is shown with its error and what it means, and the exit status is non-zero
    printed = capsys.readouterr().err
    assert status == 1
    assert "HTTP 401" in printed
    assert "error bad_signature" in printed
    assert "does not accept that signing key" in printed
    assert "Martha" not in printed


def test_smoke_when_a_deployment_fails_exits_non_zero(
    gateway: LocalGateway, bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given BigCommerce failing behind the deployment
    bc_sandbox.faults.add(r"^/v3/customers$", 503, times=10)
    bc_sandbox.faults.add(r"^/v2/orders$", 503, times=10)
    # Then smoke reports the error status and exits non-zero
    status = _smoke(f"{gateway.url}/lookup", MARTHA_EMAIL)
    printed = capsys.readouterr().err
    assert status == 1
    assert "HTTP 503" in printed


def test_smoke_reports_when_nothing_answers(capsys: pytest.CaptureFixture[str]) -> None:
    status = _smoke("http://127.0.0.1:9/prod/lookup", MARTHA_EMAIL)
    assert status == 2
    assert "Nothing answers at http://127.0.0.1:9/prod/lookup" in capsys.readouterr().err


# --- AWS: asked only for what is not given, in the secret's own region -----------------------------

# Loaded by the child's Python at start (sitecustomize): any attempt to create an AWS client, in any
# region, writes the marker file and fails, so "AWS was asked" can be seen even when it is caught.
NO_AWS_SITECUSTOMIZE = """
import os
import botocore.session

def _refuse(self, service_name, *args, **kwargs):
    with open(os.environ["AWS_TOUCHED_MARKER"], "a") as marker:
        marker.write(service_name + "\\n")
    raise RuntimeError("this test makes AWS unreachable")

botocore.session.Session.create_client = _refuse
"""


def _smoke_process(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_module("devtools.smoke", *arguments, env=environment)


def _environment_without_aws(home: Path) -> dict[str, str]:
    """This process's environment without any AWS variable, and a home holding no AWS configuration."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update({"HOME": str(home), "PYTHONUNBUFFERED": "1"})
    environment.pop("GLADLY_SIGNING_KEY", None)
    return environment


def _parameters_file(directory: Path, secret_arn: str) -> Path:
    parameters = directory / "store.json"
    parameters.write_text(
        json.dumps({"DEPLOYMENT_NAME": "smoke-test", "STORE_HASH": "sandbox", "SECRET_NAME": secret_arn})
    )
    return parameters


def test_smoke_with_url_and_signing_key_never_asks_aws(
    gateway: LocalGateway, bc_sandbox: SandboxServer, tmp_path: Path
) -> None:
    # Given a machine where AWS cannot be reached: no credentials, and any AWS client refused
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(NO_AWS_SITECUSTOMIZE)
    marker = tmp_path / "aws-touched"
    environment = _environment_without_aws(tmp_path)
    environment.update({"PYTHONPATH": str(tmp_path / "site"), "AWS_TOUCHED_MARKER": str(marker)})
    config = _parameters_file(tmp_path, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-AbCdEf")
    arguments = ["--email", MARTHA_EMAIL, "--url", f"{gateway.url}/lookup", "--config", str(config)]
    # When make smoke is given URL and GLADLY_SIGNING_KEY (and CONFIG)
    result = _smoke_process(arguments, {**environment, "GLADLY_SIGNING_KEY": DEFAULT_SIGNING_KEY})
    # Then it finds Martha without asking AWS anything
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Found Martha Williams, id {demo.MARTHA_CUSTOMER_ID}" in result.stdout
    assert not marker.exists()
    # And without the key it would have had to ask AWS for the secret: the stub does refuse it
    without_key = _smoke_process(arguments, environment)
    assert without_key.returncode == 2
    assert marker.read_text() == "secretsmanager\n"
    assert "make smoke: the secret cannot be read (RuntimeError)." in without_key.stderr


def test_smoke_with_config_reads_the_secret_in_the_region_of_its_arn(
    gateway: LocalGateway, bc_sandbox: SandboxServer, local_aws: LocalResources, tmp_path: Path
) -> None:
    # Given the deployment's secret in eu-west-1 (moto), holding the deployment's signing key
    region = "eu-west-1"
    aws = local_aws.aws.environment()
    secrets = boto3.client(
        "secretsmanager",
        endpoint_url=local_aws.aws.endpoint_url,
        region_name=region,
        aws_access_key_id=aws["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=aws["AWS_SECRET_ACCESS_KEY"],
    )
    secret = json.dumps({"client_id": "c", "access_token": "t", "gladly_signing_key": DEFAULT_SIGNING_KEY})
    arn = secrets.create_secret(Name=f"gladly-bigcommerce/smoke-{uuid.uuid4().hex}", SecretString=secret)[
        "ARN"
    ]
    assert f":{region}:" in arn
    # And credentials for it, but no region configured anywhere (no AWS_REGION, no ~/.aws/config)
    environment = _environment_without_aws(tmp_path)
    environment.update(
        {name: aws[name] for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    )
    # When make smoke is given CONFIG (and URL, the stack being local), without GLADLY_SIGNING_KEY
    config = _parameters_file(tmp_path, arn)
    result = _smoke_process(
        ["--email", MARTHA_EMAIL, "--url", gateway.url, "--config", str(config)], environment
    )
    # Then it read the key from the secret, in the ARN's region, and the deployment accepted it
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Found Martha Williams, id {demo.MARTHA_CUSTOMER_ID}" in result.stdout


def test_smoke_names_a_missing_aws_credential_instead_of_an_exception(tmp_path: Path) -> None:
    config = _parameters_file(tmp_path, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme-AbCdEf")
    environment = _environment_without_aws(tmp_path)
    environment["AWS_EC2_METADATA_DISABLED"] = "true"  # no instance to ask for credentials either
    result = _smoke_process(["--email", MARTHA_EMAIL, "--config", str(config)], environment)
    assert result.returncode == 2
    assert result.stderr.startswith("make smoke: no AWS credentials were found to read the secret")
    assert "give URL and GLADLY_SIGNING_KEY, and smoke asks AWS nothing" in result.stderr
    assert "Traceback" not in result.stderr


def test_region_of_a_secret_arn() -> None:
    assert smoke.region_of("arn:aws:secretsmanager:ap-south-1:123456789012:secret:a/b-AbCdEf") == "ap-south-1"
    assert smoke.region_of("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x") == "cn-north-1"
    assert smoke.region_of("gladly-bigcommerce/acme") is None
