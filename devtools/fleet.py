"""`CONTAINERS=N make run`: each function in N worker processes, handed requests in turn.

On Lambda every concurrent container of a function has its own memory: what one container keeps
(settings, store information, images, profiles read while the quota was spent) the others do not
see, while DynamoDB is one for all. In one local process every request shares one memory, so a
cache looks better than it will be. A `Fleet` gives each function N workers (`devtools/fleet_worker.py`),
each a process of its own that imports the real handler once (its cold start) and answers
invocations; the gateway hands a function's requests to its workers in turn (round robin). They
reach moto over HTTP, so DynamoDB is shared, and write their logs to the gateway's own output.

Each worker position (`_Slot`) keeps one loopback socket for its life, created here and handed to
each worker it runs: a request sent while a worker is being replaced waits in the socket's queue for
the next one. A worker that ends (killed, crashed) is said in one line and replaced at once; the
invocation it was running is answered 502, as API Gateway answers a failed invocation. A worker
that does not answer within its function's Timeout (and a grace) is taken for stuck, ended and
replaced, as Lambda restarts a timed-out container: no request waits longer than that.

Workers run in a session of their own, so a terminal's Ctrl-C reaches the gateway alone, which
then stops them (they also end by themselves when the gateway's end of their control pipe closes,
whatever ended it): Ctrl-C stops everything without a traceback.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from typing import IO, Any

from devtools.lambda_local import Invocation
from devtools.ports import LOOPBACK, listen
from devtools.template import FunctionSpec

MAX_CONTAINERS = 16
"""The most worker processes per function `make run` starts (five functions: 80 processes)."""
START_SECONDS = 120.0
"""How long every worker may take to import its handler at the fleet's start (all at once)."""
GRACE_SECONDS = 2.0
"""Past its function's Timeout, how much longer a worker's answer is waited for before it is taken
for stuck: the worker itself answers a handler that ran past the Timeout as a failure."""
STOP_SECONDS = 5.0
READY = "ready"


class FleetError(Exception):
    """The fleet could not start: a worker failed to import its handler, or took too long."""


def containers_setting(environ: Mapping[str, str]) -> int:
    """CONTAINERS (default 1), or one line (SystemExit) saying what it takes."""
    value = environ.get("CONTAINERS", "").strip() or "1"
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_CONTAINERS:
        raise SystemExit(
            f"CONTAINERS={value} is not a number of containers: give a whole number from 1 to "
            f"{MAX_CONTAINERS} (worker processes per function; 1, the default, runs them in make run's "
            "process)."
        )
    return int(value)


def answer_wait(spec: FunctionSpec) -> float:
    """Seconds a worker's answer is waited for: past it, the worker is taken for stuck."""
    return spec.timeout_seconds + GRACE_SECONDS


def _spec_argument(spec: FunctionSpec) -> str:
    """What a worker needs of its function's spec, as the JSON argument of its command line."""
    return json.dumps(
        {
            "logical_id": spec.logical_id,
            "code_uri": str(spec.code_uri),
            "handler": spec.handler,
            "timeout_seconds": spec.timeout_seconds,
            "memory_mb": spec.memory_mb,
        }
    )


def _how_it_ended(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with status {returncode}"


class _Worker:
    """One worker process, started on its slot's socket, until it ends or is stopped."""

    def __init__(
        self,
        spec: FunctionSpec,
        listener: socket.socket,
        environment: Mapping[str, str],
        output: IO[Any] | None = None,
    ) -> None:
        status_read, status_write = os.pipe()  # the worker writes "ready", or why it could not start
        control_read, control_write = os.pipe()  # the gateway's end closing ends the worker
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "devtools.fleet_worker",
                    _spec_argument(spec),
                    str(listener.fileno()),
                    str(status_write),
                    str(control_read),
                ],
                env={**environment, "PYTHONUNBUFFERED": "1"},  # its log lines in order with the others
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                pass_fds=(listener.fileno(), status_write, control_read),
                start_new_session=True,  # a terminal's Ctrl-C is the gateway's to handle
            )
        except BaseException:
            for descriptor in (status_read, control_write):
                os.close(descriptor)
            raise
        finally:
            os.close(status_write)
            os.close(control_read)
        self._control: int | None = control_write
        self._status = status_read
        self.started = threading.Event()
        self.problem: str | None = None
        """Why it could not start (set with `started`); None once it serves."""

    @property
    def pid(self) -> int:
        return self.process.pid

    def read_status(self) -> None:
        """Wait for the worker's first word: "ready", or what stopped it (its end: what it printed)."""
        with os.fdopen(self._status, "r", encoding="utf-8", errors="replace") as status:
            line = status.readline().strip()
        if line != READY:
            self.problem = line or "it ended before it could serve (its output is above)"
        self.started.set()

    def ask_to_end(self) -> None:
        """Close the gateway's end of its control pipe: the worker ends itself."""
        if self._control is not None:
            os.close(self._control)
            self._control = None

    def stop(self) -> None:
        """Ask it to end, then make sure it has (killed when it has not in STOP_SECONDS)."""
        self.ask_to_end()
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class _Slot:
    """One of a function's N worker positions: its socket, its current worker, its replacements."""

    def __init__(self, fleet: Fleet, spec: FunctionSpec, number: int) -> None:
        self._fleet = fleet
        self.spec = spec
        self.number = number
        self.listener = listen(LOOPBACK, 0)
        self.port: int = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self.worker = self._start_worker()

    def _start_worker(self) -> _Worker:
        worker = _Worker(self.spec, self.listener, self._fleet.environment, self._fleet.output)
        threading.Thread(target=self._watch, args=(worker,), name=f"fleet-{self.label}", daemon=True).start()
        return worker

    @property
    def label(self) -> str:
        return f"{self.spec.logical_id} container {self.number}/{self._fleet.count}"

    def _watch(self, worker: _Worker) -> None:
        """Say when the worker ends, and start another in its place (unless the fleet is stopping)."""
        worker.read_status()
        returncode = worker.process.wait()
        if self._fleet.stopping:
            return
        if worker.problem is not None:
            # It never served: starting it again would fail again. The next request asks anew.
            self._fleet.say(f"{self.label} (pid {worker.pid}) could not start: {worker.problem}")
            return
        with self._lock:
            if self.worker is worker and not self._fleet.stopping:
                self.worker = self._start_worker()
                replacement = f"; started pid {self.worker.pid} in its place"
            else:
                replacement = ""
        self._fleet.say(f"{self.label} (pid {worker.pid}) {_how_it_ended(returncode)}{replacement}")

    def current(self) -> _Worker:
        """The slot's worker, a new one when the last could not start."""
        with self._lock:
            if self.worker.problem is not None and self.worker.process.poll() is not None:
                self.worker = self._start_worker()
            return self.worker

    def replace_stuck(self, worker: _Worker) -> None:
        """End a worker that did not answer in time (its watcher starts the next one)."""
        self._fleet.say(f"{self.label} (pid {worker.pid}) did not answer in time: ending it")
        worker.process.kill()

    def invoke(self, event: Mapping[str, Any]) -> Invocation:
        worker = self.current()
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=answer_wait(self.spec))
        try:
            connection.request(
                "POST",
                "/invoke",
                body=json.dumps(event).encode("utf-8"),
                headers={"Content-Type": "application/json"},
            )
            answer = json.loads(connection.getresponse().read())
        except TimeoutError:
            self.replace_stuck(worker)
            return Invocation(failure=f"ran past its {self.spec.timeout_seconds} s Timeout ({self.label})")
        except (OSError, http.client.HTTPException, ValueError):
            return Invocation(failure=f"ended during the invocation ({self.label}, pid {worker.pid})")
        finally:
            connection.close()
        container = f"{self.number}/{self._fleet.count} pid {answer.get('pid')}"
        failure = answer.get("failure")
        if failure is not None:
            failure = f"{failure} ({self.label}, pid {answer.get('pid')})"
        return Invocation(answer.get("result"), failure, container)

    def ask_to_end(self) -> None:
        with self._lock:  # after `stopping` is set: no replacement starts once this has run
            self.worker.ask_to_end()

    def close(self) -> None:
        with self._lock:
            worker = self.worker
        worker.stop()
        self.listener.close()


class Fleet:
    """N worker processes per function; `invoke` hands a function's events to them in turn."""

    def __init__(
        self,
        specs: Sequence[FunctionSpec],
        count: int,
        environment: Mapping[str, str],
        output: IO[Any] | None = None,
    ) -> None:
        if not 1 <= count <= MAX_CONTAINERS:
            raise ValueError(f"a fleet has 1 to {MAX_CONTAINERS} containers per function, not {count}")
        self.specs = list(specs)
        self.count = count
        self.environment = dict(environment)
        self.output = output
        """Where the workers write (standard output and error); None: where this process does."""
        self.stopping = False
        self._slots: dict[str, list[_Slot]] = {}
        self._turns: dict[str, itertools.count[int]] = {}
        self._turn_lock = threading.Lock()

    def start(self) -> Fleet:
        """Start every worker at once, and wait until each has imported its handler."""
        try:
            for spec in self.specs:
                slots = self._slots.setdefault(spec.logical_id, [])  # filled as they start: all stop
                for number in range(1, self.count + 1):
                    slots.append(_Slot(self, spec, number))
                self._turns[spec.logical_id] = itertools.count()
            deadline = time.monotonic() + START_SECONDS
            for slot in self.slots():
                if not slot.worker.started.wait(max(0.0, deadline - time.monotonic())):
                    raise FleetError(f"{slot.label} did not import its handler in {START_SECONDS:.0f} s")
                if slot.worker.problem is not None:
                    raise FleetError(f"{slot.label} could not start: {slot.worker.problem}")
        except BaseException:
            self.stop()
            raise
        return self

    def slots(self) -> list[_Slot]:
        return [slot for slots in self._slots.values() for slot in slots]

    def pids(self) -> list[int]:
        """Every worker's process id (tests, and the banner's count)."""
        return [slot.worker.pid for slot in self.slots()]

    def invoke(self, function_id: str, event: Mapping[str, Any]) -> Invocation:
        with self._turn_lock:
            turn = next(self._turns[function_id])
        return self._slots[function_id][turn % self.count].invoke(event)

    def say(self, message: str) -> None:
        print(f"[local-gateway] {message}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        """Stop every worker (each ends itself when its control pipe closes; killed if it does not)."""
        self.stopping = True
        for slot in self.slots():
            slot.ask_to_end()  # all at once: then each is waited for
        for slot in self.slots():
            slot.close()
