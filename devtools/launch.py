"""How `make run` and `make sandbox` start: Ctrl-C at any moment of their start-up ends them with one
line, never a traceback, and a port already taken is said in one line too.

    python -m devtools.launch run                    # make run (devtools/run.py)
    python -m devtools.launch sandbox [ARGS...]      # make sandbox: the sandbox alone on SANDBOX_PORT

Before they serve, both import a lot (moto, boto3, the handlers: seconds on a loaded machine), and
Python turns Ctrl-C into a KeyboardInterrupt wherever the main thread is. So this module imports
nothing heavy at its top and runs the whole start inside one handler; once `make run` is up, its own
StopSignal takes Ctrl-C over (devtools/run.py). `make sandbox` listens on SANDBOX_PORT (default 3001,
which `make run`'s sandbox has too: give another to run both); ARGS are the sandbox's options
(`--token`, `--sparse`, ... : `python -m devtools.sandbox --help`).
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Mapping, Sequence

INTERRUPTED = 130
"""The exit status of a process ended by Ctrl-C (128 + SIGINT), as a shell reports it."""


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] = os.environ) -> int:
    command, *arguments = list(sys.argv[1:] if argv is None else argv) or [""]
    try:
        if command == "run":
            from devtools import run

            return run.main(environ)
        if command == "sandbox":
            return sandbox(arguments, environ)
    except KeyboardInterrupt:
        print(f"\nmake {command}: stopped by Ctrl-C; nothing is left running.", file=sys.stderr)
        return INTERRUPTED
    print("usage: python -m devtools.launch run | sandbox [sandbox options]", file=sys.stderr)
    return 2


def sandbox(arguments: Sequence[str], environ: Mapping[str, str]) -> int:
    """`make sandbox`: the sandbox alone on SANDBOX_PORT, or one line when that port is taken."""
    from devtools import ports
    from devtools.sandbox.__main__ import main as sandbox_main

    wanted = {"SANDBOX_PORT": ports.port_setting(environ, "SANDBOX_PORT", ports.DEFAULT_SANDBOX_PORT)}
    try:
        busy = ports.taken(wanted)
        if not busy:
            sandbox_main(["--port", str(wanted["SANDBOX_PORT"]), *arguments])
            return 0
    except OSError as error:  # taken between the check and the sandbox's own bind, or not allowed
        if error.errno == errno.EACCES:
            print(ports.denied_message("make sandbox", wanted), file=sys.stderr)
            return 1
        if error.errno != errno.EADDRINUSE:
            raise
        busy = wanted
    print(ports.busy_message("make sandbox", busy, wanted), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
