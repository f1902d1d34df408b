"""One worker of a `CONTAINERS=N make run` fleet (devtools/fleet.py): one function's container.

    python -m devtools.fleet_worker SPEC_JSON LISTENER_FD STATUS_FD CONTROL_FD

Started by the fleet with the deployment's environment: imports the function's real handler (its
cold start), says "ready" on STATUS_FD (or why it could not start), then answers invocations on the
loopback socket LISTENER_FD: `POST /invoke` with a proxy event as JSON, answered
`{"pid": ..., "result": <the handler's return value>}` or `{"pid": ..., "failure": "<why>"}`.
Invocations run in threads, as the local gateway runs them in its own process. The handler's log
lines go to the inherited standard output, as in Lambda. The worker ends when the gateway's end of
CONTROL_FD closes (the gateway stops it, or has ended itself) and ignores Ctrl-C, which is the
gateway's to handle: it never leaves a traceback behind.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from devtools.lambda_local import Invocation, LambdaHandler, load_handler, run_handler
from devtools.template import FunctionSpec


def _end_when_closed(control: int) -> None:
    """Block until the gateway's end of the control pipe closes, then end at once."""
    try:
        os.read(control, 1)
    finally:
        os._exit(0)


def _spec(argument: str) -> FunctionSpec:
    fields = json.loads(argument)
    return FunctionSpec(
        logical_id=fields["logical_id"],
        code_uri=Path(fields["code_uri"]),
        handler=fields["handler"],
        timeout_seconds=int(fields["timeout_seconds"]),
        memory_mb=int(fields["memory_mb"]),
        environment={},
    )


def encoded(invocation: Invocation) -> bytes:
    """The answer to the gateway: the handler's return value must travel as JSON, as Lambda's does."""
    answer: dict[str, Any] = {"pid": os.getpid()}
    if invocation.failure is not None:
        answer["failure"] = invocation.failure
        return json.dumps(answer).encode("utf-8")
    try:
        return json.dumps({**answer, "result": invocation.result}).encode("utf-8")
    except (TypeError, ValueError):
        answer["failure"] = "returned a value that is not JSON (Lambda cannot serialize it)"
        return json.dumps(answer).encode("utf-8")


class _Invocations(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _WorkerServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        event = json.loads(self.rfile.read(length))
        body = encoded(run_handler(self.server.handler, self.server.spec, event))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the gateway writes one line per request already."""


class _WorkerServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, listener: socket.socket, spec: FunctionSpec, handler: LambdaHandler) -> None:
        super().__init__(listener.getsockname(), _Invocations, bind_and_activate=False)
        self.socket.close()  # the one made by the constructor: the fleet's socket serves instead
        self.socket = listener
        self.spec = spec
        self.handler = handler


def _say(status: int, line: str) -> None:
    """The worker's first word to the fleet; a fleet that has gone away ends the worker quietly."""
    try:
        os.write(status, (line.replace("\n", " ") + "\n").encode("utf-8"))
        os.close(status)
    except OSError:
        os._exit(0)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the gateway's: it stops the workers
    argument, listener_fd, status_fd, control_fd = argv
    threading.Thread(target=_end_when_closed, args=(int(control_fd),), daemon=True).start()
    status = int(status_fd)
    spec = _spec(argument)
    try:
        handler = load_handler(spec)
    except Exception as error:
        traceback.print_exc()
        _say(status, f"importing its handler failed: {type(error).__name__}: {error}")
        return 1
    server = _WorkerServer(socket.socket(fileno=int(listener_fd)), spec, handler)
    _say(status, "ready")
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
