"""`GET /__gateway/info` of the local gateway: which deployment and sandbox it serves, to this machine's
tools only (devtools/gateway_info.py). `make replay RESET=1` resets the sandbox it names; `make run`
tells another `make run` by it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import requests

from devtools import gateway_info, ports
from devtools.gateway import LocalGateway
from devtools.sandbox import SandboxServer


def test_the_gateway_names_its_stage_and_the_sandbox_behind_it(
    gateway: LocalGateway, bc_sandbox_server: SandboxServer
) -> None:
    answer = requests.get(gateway_info.site_of(gateway.url) + gateway_info.INFO_PATH, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json() == {
        "service": gateway_info.SERVICE,
        "stageUrl": gateway.url,
        "sandboxUrl": bc_sandbox_server.url,
        "storeHash": "sandbox",
        "deploymentName": "local",
    }
    assert gateway_info.ask(gateway.url) == answer.json()


def test_it_answers_only_on_the_gateways_own_address_and_only_get(gateway: LocalGateway) -> None:
    url = gateway_info.site_of(gateway.url) + gateway_info.INFO_PATH
    port = urlsplit(gateway.url).port
    # A DNS-rebinding page reaches 127.0.0.1 under its own host name: refused
    assert requests.get(url, headers={"Host": f"attacker.example:{port}"}, timeout=10).status_code == 403
    # A script of another site: refused
    assert requests.get(url, headers={"Origin": "http://attacker.example"}, timeout=10).status_code == 403
    # localhost is this machine too
    assert requests.get(url, headers={"Host": f"localhost:{port}"}, timeout=10).status_code == 200
    assert requests.post(url, timeout=10).status_code == 405


@contextmanager
def another_web_server(directory: Path) -> Iterator[str]:
    """A web server that is no local gateway (as a deployed API is not): its URL, with a stage path."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/prod"
    finally:
        server.shutdown()
        server.server_close()


def test_what_is_not_a_local_gateway_has_no_info(tmp_path: Path) -> None:
    # Another web server is no gateway, and nothing answers on port 9
    with another_web_server(tmp_path) as url:
        assert gateway_info.ask(url) is None
    assert gateway_info.ask("http://127.0.0.1:9/prod") is None


def test_a_port_a_gateway_holds_is_said_to_be_another_make_runs(gateway: LocalGateway) -> None:
    port = urlsplit(gateway.url).port
    assert port is not None
    assert ports.holder(port) == "another `make run` (its local gateway answers there)"
