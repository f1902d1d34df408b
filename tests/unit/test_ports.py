"""devtools/ports.py: a port taken is found before anything starts, and said with what holds it.

Every server here is real and on 127.0.0.1: a listening socket that answers nothing, and the sandbox
(the local gateway: tests/integration/test_gateway.py and test_gateway_info.py).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from devtools import ports
from devtools.sandbox import SandboxServer


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port held by a program that accepts connections and never answers (not HTTP at all)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((ports.LOOPBACK, 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_a_taken_port_is_found_and_a_free_one_is_not(silent_listener: int) -> None:
    assert not ports.is_free(silent_listener)
    assert ports.taken({"GATEWAY_PORT": silent_listener, "SANDBOX_PORT": 0}) == {
        "GATEWAY_PORT": silent_listener
    }
    with pytest.raises(ports.PortInUse) as raised:
        ports.listen(ports.LOOPBACK, silent_listener)
    assert raised.value.port == silent_listener
    assert ports.is_free(0)  # any free port: always


def test_a_program_that_does_not_answer_http_is_another_program(silent_listener: int) -> None:
    assert ports.holder(silent_listener) == "another program (it does not answer HTTP)"


def test_a_sandbox_is_told_by_its_server_header_without_changing_it() -> None:
    with SandboxServer() as sandbox:
        before = sandbox.requests.snapshot()
        assert ports.holder(sandbox.port) == "a BigCommerce sandbox (another `make run`'s, or `make sandbox`)"
        # the probe (HEAD /) reached no BigCommerce route: nothing in the sandbox's request log
        assert sandbox.requests.snapshot() == before


def test_the_message_is_one_line_with_the_port_its_variable_what_holds_it_and_free_ports(
    silent_listener: int,
) -> None:
    wanted = {"GATEWAY_PORT": silent_listener, "SANDBOX_PORT": 0}
    message = ports.busy_message("make run", {"GATEWAY_PORT": silent_listener}, wanted)
    assert "\n" not in message
    assert message.startswith(
        f"make run cannot start: port {silent_listener} (GATEWAY_PORT) is taken by another program "
        "(it does not answer HTTP). Stop it, or use free ports: GATEWAY_PORT="
    )
    suggested = int(message.rsplit("GATEWAY_PORT=", 1)[1].split()[0])
    assert suggested != silent_listener and ports.is_free(suggested)
    assert message.endswith(" make run")


@pytest.mark.parametrize("value", ["abc", "3000x", "70000", "-1", "\uff13\uff10\uff10\uff10"])
def test_a_port_setting_that_is_no_port_ends_with_one_sentence(value: str) -> None:
    with pytest.raises(SystemExit) as raised:
        ports.port_setting({"GATEWAY_PORT": value}, "GATEWAY_PORT", 3000)
    assert str(raised.value) == (
        f"GATEWAY_PORT={value} is not a port number: give one from 1 to 65535 (0: any free)."
    )
    assert ports.port_setting({}, "GATEWAY_PORT", 3000) == 3000


def test_a_port_only_the_administrator_may_listen_on_is_said_in_one_line() -> None:
    message = ports.denied_message("make run", {"GATEWAY_PORT": 80, "SANDBOX_PORT": 3001})
    assert message == (
        "make run cannot start: this user may not listen on port 80 (GATEWAY_PORT): choose ports from "
        "1024 up with GATEWAY_PORT and SANDBOX_PORT"
    )
