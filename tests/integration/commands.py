"""The project's commands run as a developer runs them, for the tests of what they print.

`make -s -o .venv/.installed <target>`: the environment is taken as it is, never reinstalled by a test;
`python -m <module>`: the same interpreter as the tests. Both in the repository, output captured, and
without the variables an outer `make` (`make test`) passes its children: a developer's shell has none,
and with them a make prints `make[1]: Entering directory ...` lines of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from devtools.template import REPOSITORY_ROOT

MAKE = ("make", "-s", "-o", ".venv/.installed")
OUTER_MAKE_VARIABLES = frozenset({"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"})
TIMEOUT_SECONDS = 120.0


def run_make(
    *arguments: str, env: Mapping[str, str] | None = None, timeout: float = TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[str]:
    """`make <arguments>` until it ends."""
    return _run([*MAKE, *arguments], env, timeout)


def run_module(
    module: str, *arguments: str, env: Mapping[str, str] | None = None, timeout: float = TIMEOUT_SECONDS
) -> subprocess.CompletedProcess[str]:
    """`python -m <module> <arguments>` until it ends."""
    return _run([sys.executable, "-m", module, *arguments], env, timeout)


def start_make(*arguments: str, env: Mapping[str, str], output: IO[bytes] | int) -> subprocess.Popen[bytes]:
    """`make <arguments>` in a process group of its own (signals reach make and its children, as a
    terminal's do), its output, standard error included, to `output`."""
    return subprocess.Popen(
        [*MAKE, *arguments],
        cwd=REPOSITORY_ROOT,
        env=_shell_environment(env),
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _shell_environment(env: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name not in OUTER_MAKE_VARIABLES}


def _run(
    command: list[str], env: Mapping[str, str] | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=Path(REPOSITORY_ROOT),
        env=_shell_environment(os.environ if env is None else env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
