"""`make check-store` (devtools.check_store) against the sandbox over real HTTP, one token per scope set.

The probes send deliberately invalid writes (an empty promotion, an empty update of order 0), so they
run inside `off_contract()`: the request side is exempt, every answer is still checked.
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from devtools.check_store import main
from devtools.sandbox import SandboxServer
from devtools.sandbox.routing import (
    ALL_SCOPES,
    CUSTOMERS,
    CUSTOMERS_READ,
    INFORMATION,
    INFORMATION_READ,
    MARKETING,
    ORDERS,
    ORDERS_READ,
    PRODUCTS,
    PRODUCTS_READ,
    TRANSACTIONS,
)
from tests.integration.commands import run_make, run_module, start_make

FEATURES = (
    "customer search",
    "orders",
    "shipments",
    "product images",
    "store information",
    "customer groups",
    "refunds",
    "order changes",
    "discount codes",
    "store credit",
)
ALL_ACTIONS = frozenset({"refund", "cancel", "discount", "staff_note", "store_credit", "shipping_address"})
REPO = Path(__file__).resolve().parents[2]
# The scope each line must name: the control panel's name and the OAuth name.
SCOPE_OF = {
    "customer search": "Customers read-only (store_v2_customers_read_only)",
    "orders": "Orders read-only (store_v2_orders_read_only)",
    "shipments": "Orders read-only (store_v2_orders_read_only)",
    "product images": "Products read-only (store_v2_products_read_only)",
    "store information": "Information & settings read-only (store_v2_information_read_only)",
    "customer groups": "Customers read-only (store_v2_customers_read_only)",
    "refunds": "Order Transactions modify (store_v2_transactions) or Orders modify (store_v2_orders)",
    "order changes": "Orders modify (store_v2_orders)",
    "discount codes": "Marketing modify (store_v2_marketing)",
    "store credit": "Customers modify (store_v2_customers)",
}


@dataclass(frozen=True)
class Report:
    status: int
    out: str
    err: str

    def line(self, feature: str) -> str:
        """The capability line of `feature` (exactly one)."""
        found = [line for line in self.out.splitlines() if line[9:].startswith(f"{feature}  ")]
        assert len(found) == 1, self.out
        return found[0]

    def label(self, feature: str) -> str:
        return self.line(feature).split()[0]


def check(
    server: SandboxServer,
    capsys: pytest.CaptureFixture[str],
    token: str,
    actions: frozenset[str] = ALL_ACTIONS,
) -> Report:
    environ = {
        "BIGCOMMERCE_STORE_HASH": server.store_hash,
        "BIGCOMMERCE_ACCESS_TOKEN": token,
        "BIGCOMMERCE_CLIENT_ID": "check-store-client",
        "BIGCOMMERCE_API_BASE": server.url,
        "ACTIONS_ENABLED": ",".join(sorted(actions)) or "none",
    }
    capsys.readouterr()
    with server.off_contract():  # the write probes' bodies are invalid on purpose
        status = main([], environ)
    captured = capsys.readouterr()
    return Report(status, captured.out, captured.err)


def store_state(server: SandboxServer) -> Any:
    store = server.store
    with store.lock:
        return copy.deepcopy(
            (
                store.info,
                store.catalog,
                store.customer_groups,
                store.customers,
                store.orders,
                store.shipments,
                store.refunds,
                store.promotions,
                store.coupon_codes,
            )
        )


def successful_writes(server: SandboxServer) -> list[str]:
    return [
        f"{record.method} {record.path} -> {record.status}"
        for record in server.requests.snapshot()
        if record.method != "GET" and record.status is not None and record.status < 300
    ]


def test_a_token_with_every_scope_is_ok_on_every_line_and_changes_nothing(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the demo store and its default token (every scope), every action enabled
    before = store_state(bc_sandbox)
    # When the store is checked
    report = check(bc_sandbox, capsys, "sandbox-token")
    # Then every capability is OK, the check passes, and nothing in the store changed
    assert report.status == 0, report.out
    assert [report.label(feature) for feature in FEATURES] == ["OK"] * len(FEATURES)
    assert "READY" in report.out and "WARNING" not in report.out
    assert store_state(bc_sandbox) == before
    assert successful_writes(bc_sandbox) == []
    writes = [r for r in bc_sandbox.requests.snapshot() if r.method != "GET"]
    assert {(r.method, r.api_path) for r in writes} == {
        ("POST", "/v3/orders/0/payment_actions/refund_quotes"),
        ("PUT", "/v2/orders/0"),
        ("POST", "/v3/promotions"),
        ("PUT", "/v3/customers"),
    }


@dataclass(frozen=True)
class Lack:
    removed: frozenset[str]
    """Scopes the token lacks (a modify scope also grants reading, so "none" removes both)."""
    features: frozenset[str]
    """Features that cannot work without them."""
    lookups_fail: bool = False
    """Lookups cannot work: the check fails whatever the actions."""
    failing_actions: frozenset[str] = frozenset()
    """Enabling any of these makes the check fail."""


LACKS = {
    "customers": Lack(
        frozenset({CUSTOMERS_READ, CUSTOMERS}),
        frozenset({"customer search", "customer groups", "store credit"}),
        lookups_fail=True,
    ),
    "customers-modify": Lack(
        frozenset({CUSTOMERS}), frozenset({"store credit"}), failing_actions=frozenset({"store_credit"})
    ),
    "orders-read": Lack(
        frozenset({ORDERS_READ, ORDERS}),
        frozenset({"orders", "shipments", "order changes"}),
        lookups_fail=True,
    ),
    "orders-modify": Lack(
        frozenset({ORDERS}),
        frozenset({"order changes"}),
        failing_actions=frozenset({"cancel", "staff_note", "shipping_address"}),
    ),
    # orders.v3 refund endpoints take "at least one of" store_v2_orders and store_v2_transactions.
    "transactions-modify-only": Lack(frozenset({TRANSACTIONS}), frozenset()),
    "transactions-and-orders-modify": Lack(
        frozenset({TRANSACTIONS, ORDERS}),
        frozenset({"refunds", "order changes"}),
        failing_actions=frozenset({"refund", "cancel", "staff_note", "shipping_address"}),
    ),
    "marketing-modify": Lack(
        frozenset({MARKETING}),
        frozenset({"discount codes"}),
        failing_actions=frozenset({"discount"}),
    ),
    "products": Lack(frozenset({PRODUCTS_READ, PRODUCTS}), frozenset({"product images"})),
    "information": Lack(
        frozenset({INFORMATION_READ, INFORMATION}),
        frozenset({"store information"}),
        failing_actions=frozenset({"discount", "store_credit", "shipping_address"}),
    ),
}


@pytest.fixture(params=sorted(LACKS), ids=sorted(LACKS))
def lack(request: pytest.FixtureRequest, bc_sandbox: SandboxServer) -> Iterator[Lack]:
    scenario = LACKS[request.param]
    bc_sandbox.add_token("limited", ALL_SCOPES - scenario.removed)
    yield scenario


def test_a_token_lacking_a_scope_names_its_features_and_fails_when_all_actions_are_enabled(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str], lack: Lack
) -> None:
    # Given a token lacking one scope, and every action enabled
    before = store_state(bc_sandbox)
    # When the store is checked
    report = check(bc_sandbox, capsys, "limited")
    # Then exactly the features needing that scope are not OK, each naming the scope
    for feature in FEATURES:
        if feature in lack.features:
            assert report.label(feature) in {"MISSING", "WARNING"}, report.out
            assert f"{SCOPE_OF[feature]}: missing" in report.line(feature)
        else:
            assert report.label(feature) == "OK", report.out
            assert f"{SCOPE_OF[feature]}: granted" in report.line(feature)
    # And it fails exactly when an enabled feature (lookups, or an action) needs the scope
    fails = lack.lookups_fail or bool(lack.failing_actions)
    assert report.status == (1 if fails else 0), report.out
    assert ("NOT READY" in report.out) == fails
    assert store_state(bc_sandbox) == before and successful_writes(bc_sandbox) == []


def test_a_token_lacking_a_scope_only_warns_when_the_actions_needing_it_are_disabled(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str], lack: Lack
) -> None:
    # Given a token lacking one scope, and only the actions that do not need it enabled
    actions = ALL_ACTIONS - lack.failing_actions
    # When the store is checked
    report = check(bc_sandbox, capsys, "limited", actions)
    # Then it fails only when lookups need the scope; otherwise the features are warnings
    assert report.status == (1 if lack.lookups_fail else 0), report.out
    for feature in lack.features:
        assert f"{SCOPE_OF[feature]}: missing" in report.line(feature)
        if not lack.lookups_fail:
            assert report.label(feature) == "WARNING", report.out


def test_without_a_refund_scope_and_refunds_enabled_it_names_refunds_and_the_scope_and_fails(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a token with Orders read-only and no Order Transactions scope (so no scope that refunds)
    bc_sandbox.add_token("no-refunds", ALL_SCOPES - {TRANSACTIONS, ORDERS})
    # When the store is checked with only refunds enabled
    report = check(bc_sandbox, capsys, "no-refunds", frozenset({"refund"}))
    # Then the refunds line is MISSING, names the transactions scope, and the check fails
    assert report.status == 1
    assert report.label("refunds") == "MISSING"
    assert "Order Transactions modify (store_v2_transactions)" in report.line("refunds")
    assert "NOT READY: refunds cannot work" in report.out
    # And with refunds (and cancel) disabled it passes with a warning
    relaxed = check(bc_sandbox, capsys, "no-refunds", frozenset({"discount"}))
    assert relaxed.status == 0 and relaxed.label("refunds") == "WARNING"


def test_a_token_without_any_scope_fails_and_suggests_checking_the_store_hash(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a token the store knows but with no scope at all, and no action enabled
    bc_sandbox.add_token("nothing", [])
    # When the store is checked
    report = check(bc_sandbox, capsys, "nothing", frozenset())
    # Then lookups' scopes are MISSING, the optional ones WARNING, and the store hash is suspected
    assert report.status == 1
    assert [report.label(feature) for feature in ("customer search", "orders")] == ["MISSING", "MISSING"]
    assert report.label("product images") == "WARNING" and report.label("refunds") == "WARNING"
    assert "Every probe was refused (403)" in report.out and "store hash" in report.out
    assert successful_writes(bc_sandbox) == []


def test_a_probe_bigcommerce_fails_is_unknown_and_fails_only_when_its_feature_is_enabled(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given BigCommerce failing (503) every promotion POST
    bc_sandbox.faults.add(r"^/v3/promotions$", 503, method="POST")
    # When the store is checked with discounts enabled
    report = check(bc_sandbox, capsys, "sandbox-token", frozenset({"discount"}))
    # Then the discount line is UNKNOWN (not OK, not "missing"), and the check fails
    assert report.status == 1
    assert report.label("discount codes") == "UNKNOWN"
    assert f"{SCOPE_OF['discount codes']}: unknown (BigCommerce failed (503)" in report.line("discount codes")
    # And with discounts disabled the same failure is only a warning
    relaxed = check(bc_sandbox, capsys, "sandbox-token", frozenset({"refund"}))
    assert relaxed.status == 0 and relaxed.label("discount codes") == "WARNING"


def test_a_bad_token_is_reported_once(bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a token the store does not know
    with bc_sandbox.off_contract():  # an unknown token is outside the spec's security requirement
        report = check(bc_sandbox, capsys, "not-a-token")
    # Then one sentence says so, no capability lines follow, and the check fails
    assert report.status == 1
    assert report.out.count("(401)") == 1 and "refused the access token" in report.out
    assert not any(line.startswith(("OK ", "MISSING ", "WARNING ")) for line in report.out.splitlines())
    assert len(bc_sandbox.requests.snapshot()) == 1


def test_a_bad_store_hash_is_reported_once(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a store hash no store has
    environ = {
        "BIGCOMMERCE_STORE_HASH": "nosuchstore",
        "BIGCOMMERCE_ACCESS_TOKEN": "sandbox-token",
        "BIGCOMMERCE_API_BASE": bc_sandbox.url,
    }
    # When the store is checked
    with bc_sandbox.off_contract():
        status = main([], environ)
    out = capsys.readouterr().out
    # Then one sentence names the store hash problem and the check fails
    assert status == 1
    assert out.count("(404)") == 1 and "No store answers to this store hash" in out
    assert len(bc_sandbox.requests.snapshot()) == 1


def test_bad_settings_are_reported_before_any_call(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an unknown action and no token
    environ = {"BIGCOMMERCE_STORE_HASH": "sandbox", "ACTIONS_ENABLED": "refund,teleport"}
    # When the store is checked
    status = main([], environ)
    # Then the missing token is named, nothing is called, and the check fails
    assert status == 1
    assert "BIGCOMMERCE_ACCESS_TOKEN" in capsys.readouterr().err
    assert bc_sandbox.requests.snapshot() == []
    # And with a token, the unknown action is named
    status = main([], {**environ, "BIGCOMMERCE_ACCESS_TOKEN": "sandbox-token"})
    assert status == 1 and "ACTIONS_ENABLED" in capsys.readouterr().err
    assert bc_sandbox.requests.snapshot() == []


def test_a_parameters_file_and_a_secret_file_are_checked_like_validate_config(
    bc_sandbox: SandboxServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given the parameters file make validate-config checks (cancel only) and a secret file whose
    # token lacks Orders modify
    bc_sandbox.add_token("no-cancel", ALL_SCOPES - {ORDERS})
    parameters = {
        "DEPLOYMENT_NAME": "check-store-test",
        "STORE_HASH": bc_sandbox.store_hash,
        "SECRET_NAME": "arn:aws:secretsmanager:us-east-1:123456789012:secret:gladly-bigcommerce/test",
        "BIGCOMMERCE_API_BASE": bc_sandbox.url,
        "ACTIONS_ENABLED": "cancel",
    }
    (tmp_path / "parameters.json").write_text(json.dumps(parameters), encoding="utf-8")
    secret = {"client_id": "client", "access_token": "no-cancel", "gladly_signing_key": "key"}
    (tmp_path / "secret.json").write_text(json.dumps(secret), encoding="utf-8")
    arguments = ["--parameters", str(tmp_path / "parameters.json"), "--secret", str(tmp_path / "secret.json")]
    # When the store is checked from the files
    with bc_sandbox.off_contract():
        status = main(arguments, {})
    out = capsys.readouterr().out
    # Then cancel is missing and the check fails
    assert status == 1
    assert "Actions enabled: cancel." in out
    assert "MISSING  order changes" in out and "Orders modify (store_v2_orders): missing" in out


def test_the_sandbox_command_line_serves_tokens_with_chosen_scopes() -> None:
    # Given the sandbox started with a full token and a token with Customers read-only only
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.sandbox",
            "--port",
            "0",
            "--token",
            "full",
            "--token",
            f"customers-only:{CUSTOMERS_READ}",
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[2]
        banner = [process.stdout.readline() for _ in range(3)]
        assert any(f"customers-only  ({CUSTOMERS_READ})" in line for line in banner), banner

        def status(token: str, path: str) -> int:
            headers = {"X-Auth-Token": token, "Accept": "application/json"}
            return requests.get(f"{url}/stores/sandbox{path}", headers=headers, timeout=5).status_code

        # Then each token gets exactly its scopes
        assert status("customers-only", "/v2/customer_groups") == 200
        assert status("customers-only", "/v2/store") == 403
        assert status("full", "/v2/store") == 200
        # And the store check run as a command reports the limited token's missing lookups scope
        environ = {
            "PATH": "/usr/bin:/bin",
            "BIGCOMMERCE_STORE_HASH": "sandbox",
            "BIGCOMMERCE_ACCESS_TOKEN": "customers-only",
            "BIGCOMMERCE_API_BASE": url,
        }
        checked = run_module("devtools.check_store", env=environ)
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "MISSING  orders" in checked.stdout and "OK       customer search" in checked.stdout
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_an_unknown_scope_on_the_sandbox_command_line_is_refused() -> None:
    result = run_module("devtools.sandbox", "--port", "0", "--token", "t:store_v2_everything", timeout=30)
    assert result.returncode == 2
    assert "unknown scope(s) store_v2_everything" in result.stderr


def test_the_readmes_try_it_on_the_sandbox_runs_make_sandbox_on_its_own_port_and_check_store_against_it(
    bc_sandbox_server: SandboxServer,
) -> None:
    # Given a sandbox already on a port (as make run's is on 3001), `make sandbox` there says so in a line
    taken = run_make("sandbox", f"SANDBOX_PORT={bc_sandbox_server.port}")
    assert taken.returncode != 0
    assert taken.stderr.startswith(
        f"make sandbox cannot start: port {bc_sandbox_server.port} (SANDBOX_PORT) is taken by a BigCommerce "
        "sandbox (another `make run`'s, or `make sandbox`). Stop it, or use free ports: SANDBOX_PORT="
    )
    assert "Traceback" not in taken.stderr
    # When `make sandbox` runs on a port of its own with the lookups-only token of docs/deploying.md, step 6
    lookups = f"lookups:{CUSTOMERS_READ},{ORDERS_READ}"
    arguments = ("sandbox", "SANDBOX_PORT=0", f"SANDBOX_ARGS=--token {lookups}")
    process = start_make(*arguments, env=os.environ, output=subprocess.PIPE)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().decode().split()[2]
        # Then `make check-store` against it, as docs/deploying.md says: lookups work, actions' scopes missing
        environ = {
            "PATH": os.environ["PATH"],
            "BIGCOMMERCE_API_BASE": url,
            "BIGCOMMERCE_STORE_HASH": "sandbox",
            "BIGCOMMERCE_ACCESS_TOKEN": "lookups",
        }
        checked = run_make("check-store", env=environ)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "OK       customer search" in checked.stdout and "OK       orders" in checked.stdout
        assert "WARNING  refunds" in checked.stdout
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
