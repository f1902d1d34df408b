"""The cold path in `make bench`: the handlers' imports and a whole cold process, from the code as it
ships, and a DETAILED lookup's own processing with BigCommerce's answers replayed from memory.

What Lambda runs is the layer and the functions `make build` makes (build.mk): the runtime
dependencies and the shared package with bytecode compiled beforehand, unchecked-hash, for every
module, on a read-only file system. `make build` targets arm64 Lambda, so its layer cannot be
imported here: `layer_layout` lays out the same packages from this virtual environment instead (a
copy of the runtime dependencies of `shared/requirements.txt` and the shared package, without any
bytecode, and each function's `app.py`), and `compile_layout` compiles it as build.mk does.

- `import_times`: each function's handler imported in a fresh interpreter from that layout, without
  site-packages, before and after it is compiled.
- `cold_process_seconds`: a fresh interpreter (`bench/cold_lookup.py`, no site-packages) imports the
  lookup handler from the compiled layout and answers one DETAILED lookup: interpreter start to the
  answer, the import and the first answer apart.

The cold process used to import the shared package from the checkout (`shared/`), whose bytecode is
whatever earlier runs left there: none in a fresh clone, and none ever where PYTHONDONTWRITEBYTECODE
is set (compiling it cost the cold process about 65 ms, a quarter of the warm median); timestamp
pycs that the next checkout of a file makes stale. From the compiled layout, it times what ships,
the same in a fresh clone and in a warm checkout.
- `processing_ms`: a DETAILED lookup's own work, BigCommerce's answers replayed from memory
  (recorded once from the sandbox), the handler called with a signed event: what is left is ours.
"""

from __future__ import annotations

import cProfile
import importlib.metadata
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from packaging.requirements import Requirement

from bench.stack import DETAILED, FUNCTIONS, ROOT, signed_event
from gladly_bigcommerce.bigcommerce import http as bigcommerce_http


@dataclass(frozen=True)
class Layout:
    """A layer-like layout: `python` holds the packages (the layer's `python/`), `root / <function>`
    each function's `app.py`."""

    root: Path
    python: Path

    def function(self, name: str) -> Path:
        return self.root / name


@dataclass(frozen=True)
class ColdProcess:
    seconds: float  # interpreter start to the answer
    import_seconds: float  # of which importing the handler module
    handler_seconds: float  # and answering (credentials, store information, the lookup)


# --- the layout --------------------------------------------------------------------------------------


def runtime_distributions() -> list[importlib.metadata.Distribution]:
    """The distributions `shared/requirements.txt` needs at run time, with their dependencies."""
    wanted = [Requirement(line) for line in (ROOT / "shared" / "requirements.txt").read_text().splitlines()]
    found: dict[str, importlib.metadata.Distribution] = {}
    while wanted:
        requirement = wanted.pop()
        name = requirement.name.lower().replace("_", "-")
        if name in found or (requirement.marker and not requirement.marker.evaluate({"extra": ""})):
            continue
        distribution = importlib.metadata.distribution(requirement.name)
        found[name] = distribution
        wanted += [Requirement(text) for text in distribution.requires or []]
    return list(found.values())


def layer_layout(target: Path) -> Layout:
    """A copy of the runtime dependencies and the shared package under `target/python`, and each
    function's `app.py` under `target/<function>`, without any bytecode."""
    python = target / "python"
    for distribution in runtime_distributions():
        for file in distribution.files or []:
            source = Path(str(distribution.locate_file(file))).resolve()
            if "__pycache__" in file.parts or file.suffix == ".pyc" or not source.is_file():
                continue
            try:
                relative = source.relative_to(Path(str(distribution.locate_file(""))).resolve())
            except ValueError:
                continue  # scripts installed outside site-packages
            destination = python / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
    shutil.copytree(
        ROOT / "shared" / "gladly_bigcommerce",
        python / "gladly_bigcommerce",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    for function in FUNCTIONS:
        (target / function).mkdir()
        shutil.copyfile(ROOT / "functions" / function / "app.py", target / function / "app.py")
    return Layout(target, python)


def compile_layout(layout: Layout) -> None:
    """Bytecode for every module of the layout, as build.mk compiles the layer and the functions."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(layout.root)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextmanager
def temporary_layout() -> Iterator[Layout]:
    with tempfile.TemporaryDirectory(prefix="bench-layer-") as directory:
        yield layer_layout(Path(directory))


# --- import times ------------------------------------------------------------------------------------


def import_seconds(layout: Layout, function: str) -> float:
    """Seconds to `import app` in a fresh interpreter without site-packages: only the layout's code."""
    code = "import time; t = time.perf_counter(); import app; print(time.perf_counter() - t)"
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(layout.function(function)), str(layout.python)]),
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's file system is read-only
    }
    child = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        cwd=layout.function(function),
        check=False,
    )
    if child.returncode != 0:
        raise SystemExit(f"importing {function}'s handler failed:\n{child.stderr[-2000:]}")
    return float(child.stdout.strip().splitlines()[-1])


def import_times(layout: Layout, runs: int) -> dict[str, dict[str, float]]:
    """Per function: milliseconds to import its handler without bytecode and with it precompiled.
    The layout is compiled afterwards (`compile_layout`)."""
    figures: dict[str, dict[str, float]] = {function: {} for function in FUNCTIONS}
    for kind in ("no_bytecode", "bytecode"):
        if kind == "bytecode":
            compile_layout(layout)
        for function in FUNCTIONS:
            seconds = [import_seconds(layout, function) for _ in range(runs)]
            figures[function][kind] = round(statistics.median(seconds) * 1000, 1)
    return figures


# --- a cold process ----------------------------------------------------------------------------------


def cold_process_seconds(
    layout: Layout, environment: Mapping[str, str], event: Callable[[], Mapping[str, Any]], runs: int
) -> list[ColdProcess]:
    """Interpreter start to the first DETAILED answer, in fresh processes importing the lookup handler
    from the compiled `layout`, with the function's `environment`; `event()` signs the lookup anew."""
    child_environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "POWERTOOLS_"))},
        **environment,
        "PYTHONPATH": os.pathsep.join([str(layout.function("lookup")), str(layout.python)]),
        "PYTHONDONTWRITEBYTECODE": "1",  # Lambda's file system is read-only: what ships is compiled
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
    seconds = []
    for _ in range(runs):
        signed = json.dumps(event())
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-S", str(ROOT / "bench" / "cold_lookup.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_environment,
            cwd=tempfile.gettempdir(),
        )
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(signed)
        child.stdin.close()
        # Timed to the answer's line (the process's exit, a little later, is not Gladly's concern).
        answer: dict[str, Any] = {}
        for line in child.stdout:
            if line.startswith('{"statusCode"'):
                answer = json.loads(line)
                break
        elapsed = time.perf_counter() - started
        errors = child.stderr.read() if child.stderr else ""
        child.stdout.read()
        child.wait()
        if os.environ.get("BENCH_COLD_PROFILE"):
            print(errors, file=sys.stderr)
        if child.returncode != 0 or answer.get("statusCode") != 200:
            raise SystemExit(f"cold lookup failed: {answer}\n{errors[-2000:]}")
        if len(json.loads(answer["body"])["results"]) != 1:
            raise SystemExit(f"cold lookup found nobody: {answer['body'][:300]}")
        seconds.append(ColdProcess(elapsed, answer["import_s"], answer["handler_s"]))
    return seconds


# --- (c) our processing ------------------------------------------------------------------------------


class ReplaySession(requests.Session):
    """Records BigCommerce's answers, then gives them back from memory: a timing holds only our work."""

    def __init__(self) -> None:
        super().__init__()
        self.recording = True
        self._answers: dict[tuple[str, str, str], requests.Response] = {}
        self._lock = threading.Lock()

    def request(  # type: ignore[override]
        self, method: str, url: str, params: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> requests.Response:
        key = (method, url, json.dumps(sorted((params or {}).items())))
        if self.recording:
            response = super().request(method, url, params=params, **kwargs)
            with self._lock:
                self._answers[key] = response
            return response
        recorded = self._answers[key]
        replayed = requests.Response()
        replayed.status_code = recorded.status_code
        replayed._content = recorded.content
        replayed.headers = recorded.headers.copy()
        replayed.url = recorded.url
        return replayed


def processing_ms(stack_factory: Callable[[], Any], runs: int, profile: bool) -> float:
    """Milliseconds of our own work per DETAILED lookup (median), BigCommerce replayed from memory."""
    session = ReplaySession()
    pooled = bigcommerce_http._pooled_session
    bigcommerce_http._pooled_session = lambda pool_size: session  # the store's client is made below
    try:
        with stack_factory() as stack:
            for _ in range(3):  # the container's first lookup, then warm ones: every answer recorded
                event = signed_event(stack.gateway, DETAILED)
                assert stack.gateway.invoke(event).status == 200
            session.recording = False
            seconds = []
            profiler = cProfile.Profile() if profile else None
            for _ in range(runs):
                event = signed_event(stack.gateway, DETAILED)
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                answer = stack.gateway.invoke(event)
                if profiler is not None:
                    profiler.disable()
                seconds.append(time.perf_counter() - started)
                assert answer.status == 200 and len(answer.json()["results"]) == 1
            if profiler is not None:
                print_profile(profiler)
    finally:
        bigcommerce_http._pooled_session = pooled
    return round(statistics.median(seconds) * 1000, 2)


def print_profile(profiler: cProfile.Profile) -> None:
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
    print(text.getvalue(), file=sys.stderr)
