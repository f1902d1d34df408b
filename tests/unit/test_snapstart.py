"""The SnapStart hooks (snapstart.py), run as Lambda runs them: from snapshot_restore_py's registry.

Lambda runs the before-snapshot hooks in reverse order of registration and the after-restore hooks in
order; ``_snapshot`` and ``_restore`` do the same here. A "restored copy" is a forked process: like
two containers resumed from one snapshot, both start from the same memory.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS
from pydantic import BaseModel
from snapshot_restore_py import get_after_restore, get_before_snapshot

from devtools.aws import LocalResources
from devtools.template import REPOSITORY_ROOT
from gladly_bigcommerce.actions.discount.terms import new_code
from gladly_bigcommerce.actions.machinery import context
from gladly_bigcommerce.actions.machinery.tokens import FormSubject, FormTokens
from gladly_bigcommerce.bigcommerce.client import BigCommerceClient
from gladly_bigcommerce.edge import runtime as edge_runtime
from gladly_bigcommerce.edge import snapstart

SECRET = {
    "client_id": "client-id-123456",
    "access_token": "token-before-rotation",
    "gladly_signing_key": "k" * 32,
}


def _snapshot() -> None:
    for hook, args, kwargs in reversed(get_before_snapshot()):
        hook(*args, **kwargs)


def _restore() -> None:
    for hook, args, kwargs in get_after_restore():
        hook(*args, **kwargs)


@pytest.fixture
def fresh_container(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No settings read and no Powertools provider yet, as in a container that has just started."""
    monkeypatch.setenv("DEPLOYMENT_NAME", "snapstart-test")
    monkeypatch.setenv("STORE_HASH", "abc123")
    edge_runtime.reset_runtime()
    parameters.clear_caches()
    yield
    edge_runtime.reset_runtime()
    parameters.clear_caches()


def test_importing_the_handlers_registers_the_hooks_and_runs_nothing() -> None:
    # Given a fresh interpreter outside Lambda (nobody runs snapshot_restore_py's registry)
    script = """
import json
import functions.lookup.app, functions.auto_link.app, functions.refund.app
import functions.cancel.app, functions.discount.app, functions.staff_note.app
import functions.store_credit.app, functions.shipping_address.app
from aws_lambda_powertools.utilities.parameters.base import DEFAULT_PROVIDERS
from snapshot_restore_py import get_after_restore, get_before_snapshot
from gladly_bigcommerce.edge import runtime as edge_runtime
print(json.dumps({
    "before": [f"{hook.__module__}.{hook.__name__}" for hook, _, _ in get_before_snapshot()],
    "after": [f"{hook.__module__}.{hook.__name__}" for hook, _, _ in get_after_restore()],
    "providers": sorted(DEFAULT_PROVIDERS),
    "settings_read": edge_runtime._runtime is not None,
}))
"""
    # When every handler is imported
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY_ROOT,
        env=environment | {"PYTHONPATH": f"{REPOSITORY_ROOT}{os.pathsep}{REPOSITORY_ROOT / 'shared'}"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    state = json.loads(completed.stdout.strip().splitlines()[-1])
    # Then each hook is registered once, and none has run: importing changes nothing locally
    assert state == {
        "before": ["gladly_bigcommerce.edge.snapstart.warm"],
        "after": ["gladly_bigcommerce.edge.snapstart.refresh"],
        "providers": [],
        "settings_read": False,
    }


def test_before_the_snapshot_settings_models_and_the_secrets_client_are_ready_without_a_request(
    fresh_container: None, aws_env: LocalResources
) -> None:
    # When Lambda takes the snapshot
    _snapshot()
    # Then the settings are read, and the secrets client exists with nothing fetched through it
    assert edge_runtime.current_runtime().settings().name == "snapstart-test"
    provider = DEFAULT_PROVIDERS["secrets"]
    assert provider.store == {}
    # And every model of the package's loaded modules has its validator built
    assert _models_complete()


def _models_complete() -> bool:
    models = [
        value
        for name, module in list(sys.modules.items())
        if module is not None and name.startswith("gladly_bigcommerce")
        for value in list(vars(module).values())
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == name
    ]
    return bool(models) and all(model.__pydantic_complete__ for model in models)


def test_a_warm_up_step_that_fails_costs_speed_not_the_init(
    fresh_container: None, aws_env: LocalResources, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a deployment whose settings are broken (the handler will answer 503 naming them)
    monkeypatch.delenv("STORE_HASH")
    # When Lambda takes the snapshot
    _snapshot()
    # Then the hook did not raise, and the steps that do not need the settings were done
    assert "secrets" in DEFAULT_PROVIDERS
    assert _models_complete()


def test_after_restore_the_credentials_are_read_again_from_secrets_manager(
    fresh_container: None, aws_env: LocalResources, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a container that read its secret before it was rotated (the Powertools cache keeps it 300 s)
    secrets_manager = aws_env.aws.client("secretsmanager")
    name = f"gladly/snapstart-{os.getpid()}-{datetime.now(UTC).timestamp()}"
    secrets_manager.create_secret(Name=name, SecretString=json.dumps(SECRET))
    monkeypatch.setenv("SECRET_NAME", name)
    _snapshot()
    warmed = DEFAULT_PROVIDERS["secrets"]
    runtime = edge_runtime.current_runtime()
    assert runtime.secret().access_token.get_secret_value() == "token-before-rotation"
    assert DEFAULT_PROVIDERS["secrets"] is warmed and warmed.store  # the snapshot's client read it
    secrets_manager.put_secret_value(
        SecretId=name, SecretString=json.dumps({**SECRET, "access_token": "token-after-rotation"})
    )
    assert runtime.secret().access_token.get_secret_value() == "token-before-rotation"
    # When the container is restored
    _restore()
    # Then the next request reads the secret again
    assert runtime.secret().access_token.get_secret_value() == "token-after-rotation"


class _KeepAliveStore(BaseHTTPRequestHandler):
    """Answers every customer search with no customer, over keep-alive; notes each request's client port."""

    protocol_version = "HTTP/1.1"
    ports: list[int]

    def do_GET(self) -> None:
        self.ports.append(self.client_address[1])
        body = json.dumps(
            {"data": [], "meta": {"pagination": {"total": 0, "count": 0, "per_page": 1, "current_page": 1}}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        # DynamoDB's JSON protocol: an empty object is a GetItem that found nothing.
        self.ports.append(self.client_address[1])
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def keep_alive_store() -> Iterator[tuple[str, list[int]]]:
    ports: list[int] = []
    handler = type("Handler", (_KeepAliveStore,), {"ports": ports})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", ports
    server.shutdown()
    server.server_close()


def test_after_restore_the_bigcommerce_client_opens_a_new_connection(
    keep_alive_store: tuple[str, list[int]],
) -> None:
    # Given a client that has a pooled keep-alive connection to the store
    api_base, ports = keep_alive_store
    client = BigCommerceClient("abc123", "token-abcdef", api_base=api_base)
    client.get_customer(1)
    client.get_customer(2)
    assert ports[0] == ports[1]  # the pool reuses the connection
    # When the container is restored
    _restore()
    client.get_customer(3)
    # Then the next call goes out on a new connection, not on a socket of the snapshot
    assert ports[2] != ports[0]
    client.close()


def test_copies_restored_from_one_snapshot_draw_different_tokens_codes_and_jitter(
    fresh_container: None,
) -> None:
    # Given one warmed process (the snapshot)
    _snapshot()
    tokens = FormTokens.of("k" * 32, deployment_name="snapstart-test", store_hash="abc123")
    subject = FormSubject("refund", 100, None)
    now = datetime(2026, 1, 1, tzinfo=UTC)

    snapshot_state = random.getstate()

    def restored_copy() -> dict[str, Any]:
        # CPython re-seeds `random` in a forked child; a restored snapshot gets no such help, so the copy
        # starts from the generator's state exactly as the snapshot holds it.
        random.setstate(snapshot_state)
        inherited = random.random()
        _restore()
        return {
            "inherited": inherited,
            "jitter": random.random(),
            "token": str(tokens.issue(subject, now=now)),
            "code": new_code(),
        }

    # When two copies resume from it
    first, second = _in_forked_process(restored_copy), _in_forked_process(restored_copy)
    # Then without the hook they would draw the same numbers; after it, nothing they generate is shared
    assert first["inherited"] == second["inherited"]
    assert first["jitter"] != second["jitter"]
    assert first["token"] != second["token"]
    assert first["code"] != second["code"]


def _in_forked_process(work: Any) -> dict[str, Any]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: report and leave without running pytest's teardown
        status = 1
        try:
            os.close(read_end)
            os.write(write_end, json.dumps(work()).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        output = reader.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    result: dict[str, Any] = json.loads(output)
    return result


def test_the_hooks_module_is_the_one_registered() -> None:
    assert (snapstart.warm, (), {}) in get_before_snapshot()
    assert (snapstart.refresh, (), {}) in get_after_restore()


def test_after_restore_the_actions_dynamodb_client_opens_a_new_connection(
    keep_alive_store: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the actions' DynamoDB client with a pooled keep-alive connection
    endpoint, ports = keep_alive_store
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local-testing",
        aws_secret_access_key="local-testing",
    )
    monkeypatch.setattr(context._clients, "_dynamodb", dynamodb)

    def get_item() -> None:
        dynamodb.get_item(TableName="locks", Key={"pk": {"S": "order#1"}})

    get_item()
    get_item()
    assert ports[0] == ports[1]
    # When the container is restored
    _restore()
    get_item()
    # Then the client is still usable, on a new connection
    assert ports[2] != ports[0]
