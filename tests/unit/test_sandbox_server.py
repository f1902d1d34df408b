"""The server's life cycle and knobs, and the command line."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
import requests

from devtools.sandbox import ORDERS_READ, SandboxServer, seed

HEADERS = {"X-Auth-Token": "sandbox-token", "Accept": "application/json"}


def test_a_server_starts_on_a_free_port_and_stops() -> None:
    server = SandboxServer(seed=None)
    with pytest.raises(RuntimeError):
        _ = server.url
    with server:
        assert server.port > 0
        response = requests.get(f"{server.api_base}/v3/customers", headers=HEADERS, timeout=5)
        assert response.status_code == 200 and response.json()["data"] == []
    server.stop()  # stopping twice is harmless
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{server.port}/stores/sandbox/v2/time", headers=HEADERS, timeout=1)


def test_reset_restores_every_knob_and_the_seed() -> None:
    with SandboxServer(tokens={"t": [ORDERS_READ]}, quota=10) as server:
        requests.get(f"{server.api_base}/v2/time", headers={"X-Auth-Token": "t"}, timeout=5)
        server.latency = 1.0
        server.faults.add("", 500)
        server.rate_limit.configure(quota=1)
        server.add_token("extra", [])
        server.refund_processing_seconds = 3
        server.store.orders.clear()
        server.reset()
        assert (
            server.latency,
            len(server.faults),
            len(server.requests),
            server.refund_processing_seconds,
        ) == (0, 0, 0, 0)
        assert (server.rate_limit.quota, set(server.tokens)) == (10, {"t"})
        assert seed.UNSHIPPED_ORDER_ID in server.store.orders
        server.reset(seed=None)
        assert server.store.orders == {}


def test_reset_cuts_a_waiting_request_short_before_clearing() -> None:
    with SandboxServer(seed=None) as server:
        # Given a request held by a 10 s latency (longer than its client's 5 s timeout)
        server.latency = 10
        pause = server.pause
        waiting = threading.Event()

        def signalled_pause(seconds: float) -> None:
            if seconds > 0:
                waiting.set()
            pause(seconds)

        server.pause = signalled_pause  # type: ignore[method-assign]
        answers: list[int] = []
        client = threading.Thread(
            target=lambda: answers.append(
                requests.get(f"{server.api_base}/v2/time", headers=HEADERS, timeout=5).status_code
            )
        )
        client.start()
        assert waiting.wait(timeout=5)
        # When the sandbox is reset
        server.reset()
        # Then the held request was answered (not timed out by its client): the pause was cut short
        client.join(timeout=5)
        assert not client.is_alive()
        assert answers == [200]


def test_the_command_line_serves_the_demo_store() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.sandbox", "--port", "0", "--token", "cli-token", "--quota", "7"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        url = first_line.split()[2]
        response = requests.get(
            f"{url}/stores/sandbox/v3/customers",
            params={"email:in": seed.MARTHA_EMAIL},
            headers={"X-Auth-Token": "cli-token", "Accept": "application/json"},
            timeout=5,
        )
        assert response.status_code == 200 and response.json()["data"][0]["id"] == seed.MARTHA_CUSTOMER_ID
        assert response.headers["X-Rate-Limit-Requests-Quota"] == "7"
    finally:
        process.terminate()
        process.wait(timeout=5)
