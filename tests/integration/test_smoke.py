"""`make smoke`: a signed manual search against a deployment, here the local stack (`gateway` fixture)."""

from __future__ import annotations

import pytest

from devtools import smoke
from devtools.gateway import LocalGateway
from devtools.replay import DEFAULT_SIGNING_KEY
from devtools.sandbox import SandboxServer
from devtools.sandbox import seed as demo

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
