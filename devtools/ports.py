"""The local servers' ports: take one, or say in one line what holds it and which ports are free.

`make run` listens on 127.0.0.1 at GATEWAY_PORT (default 3000) and SANDBOX_PORT (default 3001), and
`make sandbox` at SANDBOX_PORT. A port already taken ends them with one line (`busy_message`): each
taken port with its variable, what probably holds it, and a command with free ports. What holds a port
is asked over HTTP without changing anything there: `HEAD /` (a BigCommerce sandbox names itself in
its `Server` header, answering 501 to a method it does not serve), then `GET /__gateway/info`, which
only `make run`'s local gateway answers (devtools/gateway_info.py).
"""

from __future__ import annotations

import errno
import http.client
import socket
from collections.abc import Mapping

LOOPBACK = "127.0.0.1"
DEFAULT_GATEWAY_PORT = 3000
DEFAULT_SANDBOX_PORT = 3001
LISTEN_BACKLOG = 128
PROBE_TIMEOUT_SECONDS = 1.0
SANDBOX_SERVER_HEADER = "BigCommerceSandbox/"
"""How the sandbox's answers start their `Server` header (devtools/sandbox/server.py `server_version`)."""
SUGGESTION_STEP = 100
"""Free ports are suggested this far above the taken ones (3100 and 3101 for 3000 and 3001)."""


class PortInUse(OSError):
    """The port is taken by another socket (EADDRINUSE)."""

    def __init__(self, port: int) -> None:
        super().__init__(errno.EADDRINUSE, f"port {port} is already in use")
        self.port = port


def listen(host: str, port: int) -> socket.socket:
    """A TCP socket listening on host:port, with SO_REUSEADDR as Python's HTTP servers set it (a port
    left in TIME_WAIT by a server that just stopped is free); `PortInUse` when another socket has it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(LISTEN_BACKLOG)
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(port) from None
        raise
    return listener


def is_free(port: int, host: str = LOOPBACK) -> bool:
    """Whether `port` can be listened on now (0, a port of the system's choosing, always can)."""
    if port == 0:
        return True
    try:
        listen(host, port).close()
    except PortInUse:
        return False
    return True


def port_setting(environ: Mapping[str, str], variable: str, default: int) -> int:
    """The port a variable sets (`default` when unset); one line (SystemExit) when it is not a port."""
    value = environ.get(variable, "").strip() or str(default)
    if not value.isascii() or not value.isdigit() or int(value) > 65535:
        raise SystemExit(f"{variable}={value} is not a port number: give one from 1 to 65535 (0: any free).")
    return int(value)


def taken(ports: Mapping[str, int], host: str = LOOPBACK) -> dict[str, int]:
    """The ports (by variable) another program holds."""
    return {variable: port for variable, port in ports.items() if not is_free(port, host)}


def holder(port: int, host: str = LOOPBACK) -> str:
    """What probably listens on `port`, in words, asked over HTTP without changing anything there."""
    connection = http.client.HTTPConnection(host, port, timeout=PROBE_TIMEOUT_SECONDS)
    try:
        connection.request("HEAD", "/")
        server = connection.getresponse().getheader("Server") or ""
    except (OSError, http.client.HTTPException):
        return "another program (it does not answer HTTP)"
    finally:
        connection.close()
    if server.startswith(SANDBOX_SERVER_HEADER):
        return "a BigCommerce sandbox (another `make run`'s, or `make sandbox`)"
    from devtools import gateway_info  # the gateway's own module: only when a port is taken

    if gateway_info.ask(f"http://{host}:{port}/") is not None:
        return "another `make run` (its local gateway answers there)"
    return f"another web server ({server})" if server else "another web server"


def free_alternatives(ports: Mapping[str, int], host: str = LOOPBACK) -> dict[str, int] | None:
    """The same ports moved up by a step at a time until all of them are free (None if none is found)."""
    for step in range(1, 20):
        moved = {variable: port + step * SUGGESTION_STEP for variable, port in ports.items()}
        if all(port <= 65535 and is_free(port, host) for port in moved.values()):
            return moved
    return None


def busy_message(command: str, busy: Mapping[str, int], wanted: Mapping[str, int]) -> str:
    """One line: which of the `wanted` ports are taken (`busy`), by what, and a command with free ones.

    `command` is the make target (`make run`); `wanted` every port it listens on, by variable.
    """
    held = "; ".join(f"port {port} ({name}) is taken by {holder(port)}" for name, port in busy.items())
    alternatives = free_alternatives({variable: port for variable, port in wanted.items() if port})
    if alternatives:
        settings = " ".join(f"{variable}={port}" for variable, port in alternatives.items())
        instead = f"or use free ports: {settings} {command}"
    else:
        instead = f"or choose free ports with {' and '.join(wanted)}"
    return f"{command} cannot start: {held}. Stop {'it' if len(busy) == 1 else 'them'}, {instead}"


def denied_message(command: str, wanted: Mapping[str, int]) -> str:
    """One line for ports the system lets only its administrator listen on (below 1024, mostly)."""
    low = ", ".join(f"{port} ({variable})" for variable, port in wanted.items() if 0 < port < 1024)
    return (
        f"{command} cannot start: this user may not listen on port {low or 'it was given'}: "
        f"choose ports from 1024 up with {' and '.join(wanted)}"
    )
