"""`make run`'s StopSignal: Ctrl-C and SIGTERM stop the wait whichever thread the kernel hands them to.

A process-directed signal may be delivered to any thread that does not block it; Python runs its
handlers only in the main thread, and only when that thread runs bytecode again. `make run`'s main
thread sits in `os.read` while the gateway, the sandbox and moto serve from their own threads, so a
signal delivered to one of those threads must still wake it (CI once waited 30 s for a Ctrl-C).
The child below sends the signal to one of its own threads once the main thread is blocked reading
the pipe (it watches the main thread's kernel wait channel in /proc), so the case is made every run.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from devtools.template import REPOSITORY_ROOT

CHILD = """
import signal
import threading

from devtools.run import StopSignal

stop = StopSignal()
main_thread = threading.get_native_id()


def signal_this_thread_once_the_main_thread_waits() -> None:
    wait_channel = f"/proc/self/task/{main_thread}/wchan"
    while "pipe_read" not in open(wait_channel).read():
        threading.Event().wait(0.01)
    signal.pthread_kill(threading.get_ident(), signal.{name})


threading.Thread(target=signal_this_thread_once_the_main_thread_waits, daemon=True).start()
stop.wait()
stop.close()
print("stopped")
"""


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM"])
def test_a_signal_delivered_to_another_thread_ends_the_wait(name: str) -> None:
    # Given `make run`'s stop wait in a child's main thread, and a signal sent to another of its threads
    # When the main thread is blocked on the pipe and the other thread gets the signal
    child = subprocess.run(
        [sys.executable, "-c", CHILD.replace("{name}", name)],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    # Then the wait ended: the child stopped cleanly, neither killed by the signal nor interrupted
    assert (child.returncode, child.stdout.strip(), child.stderr) == (0, "stopped", "")
