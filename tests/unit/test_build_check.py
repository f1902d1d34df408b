"""devtools/check_build.py on small synthetic `sam build` outputs, and the runtime pins it relies on.

The real build (`make build`, about a minute) runs the same checker on `.aws-sam/build`.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from devtools.check_build import MAGIC_312, UNCHECKED_HASH, check_build, main
from devtools.template import REPOSITORY_ROOT

TESTED = {"boto3": "1.44.8", "botocore": "1.44.8"}
TIMESTAMP = 0b00
CHECKED_HASH = 0b11


def _pyc(
    source: Path, *, tag: str = "cpython-312", magic: bytes = MAGIC_312, flags: int = UNCHECKED_HASH
) -> None:
    cache = source.parent / "__pycache__"
    cache.mkdir(exist_ok=True)
    # PEP 552 header (magic, flags, 8 bytes of hash or mtime+size), then the marshalled code (not read).
    (cache / f"{source.stem}.{tag}.pyc").write_bytes(magic + flags.to_bytes(4, "little") + bytes(8) + b"c")


def _module(path: Path, *, compiled: bool = True, **header: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("VALUE = 1\n", encoding="utf-8")
    if compiled:
        _pyc(path, **header)
    return path


def _build(root: Path, versions: dict[str, str] | None = None) -> Path:
    """A complete build: a layer with boto3/botocore and a package, and two functions."""
    site = root / "SharedLayer" / "python"
    for name, version in (versions or TESTED).items():
        (site / f"{name}-{version}.dist-info").mkdir(parents=True)
        _module(site / name / "__init__.py")
    _module(site / "gladly_bigcommerce" / "__init__.py")
    _module(site / "gladly_bigcommerce" / "bigcommerce" / "client.py")
    for function in ("LookupFunction", "RefundFunction"):
        _module(root / function / "app.py")
        _module(root / function / "__init__.py")
    return root


def test_a_build_with_bytecode_everywhere_and_the_tested_pair_passes(tmp_path: Path) -> None:
    # Given a build whose every module has its unchecked-hash pyc and whose layer has the tested pair
    build = _build(tmp_path)
    # When it is checked
    problems, counts = check_build(build, TESTED)
    # Then nothing is wrong, and every artifact's pycs are counted
    assert problems == []
    assert counts == {"SharedLayer": 4, "LookupFunction": 2, "RefundFunction": 2}


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        ("devtools/__init__.py", "SharedLayer/python/devtools: a development package ships"),
        ("gladly_bigcommerce/config.py", "gladly_bigcommerce/config.py: a development tool's module ships"),
        ("gladly_bigcommerce/settings/model.py", "settings/model.py: imports devtools.validate_config"),
    ],
    ids=["devtools-package", "tool-module", "import-of-devtools"],
)
def test_a_development_tool_in_the_layer_is_named(tmp_path: Path, planted: str, expected: str) -> None:
    # Given a build whose layer carries a development tool, or a module that imports one
    build = _build(tmp_path)
    source = _module(build / "SharedLayer" / "python" / planted)
    if "settings" in planted:
        source.write_text("from devtools.validate_config import main\n", encoding="utf-8")
    # When it is checked
    problems, _ = check_build(build, TESTED)
    # Then the tool is named, and the build fails
    assert any(expected in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("pyc", "expected"),
    [
        (
            {"compiled": False},
            "SharedLayer/python/gladly_bigcommerce/bigcommerce/client.py: no client.cpython-312.pyc",
        ),
        ({"tag": "cpython-311"}, "no client.cpython-312.pyc"),
        ({"magic": (3495).to_bytes(2, "little") + b"\r\n"}, "not compiled by the runtime's Python"),
        ({"flags": TIMESTAMP}, "not an unchecked-hash pyc"),
        ({"flags": CHECKED_HASH}, "not an unchecked-hash pyc"),
    ],
    ids=["missing", "other-python-tag", "other-python-magic", "timestamp", "checked-hash"],
)
def test_a_module_without_usable_bytecode_is_named(
    tmp_path: Path, pyc: dict[str, Any], expected: str
) -> None:
    # Given a build where one module of the layer lacks a usable pyc
    build = _build(tmp_path)
    client = build / "SharedLayer" / "python" / "gladly_bigcommerce" / "bigcommerce" / "client.py"
    for stale in (client.parent / "__pycache__").iterdir():
        stale.unlink()
    _module(client, **pyc)
    # When it is checked, then that module is named, and only it
    problems, _ = check_build(build, TESTED)
    assert len(problems) == 1
    assert expected in problems[0]


def test_a_function_module_without_bytecode_is_named(tmp_path: Path) -> None:
    build = _build(tmp_path)
    (build / "RefundFunction" / "__pycache__" / "app.cpython-312.pyc").unlink()
    problems, _ = check_build(build, TESTED)
    assert problems == ["RefundFunction/app.py: no app.cpython-312.pyc"]


def test_a_layer_without_boto3_or_with_another_botocore_fails(tmp_path: Path) -> None:
    # Given a layer that relies on Lambda's boto3 and ships a botocore other than the tested one
    build = _build(tmp_path, {"botocore": "1.40.0"})
    # When it is checked
    problems, _ = check_build(build, TESTED)
    # Then both are named
    assert problems == [
        "SharedLayer: boto3 is not in the layer (Lambda's own would run untested)",
        "SharedLayer: botocore 1.40.0 shipped, 1.44.8 tested",
    ]


def test_no_build_output_fails_with_the_command_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path)]) == 1
    assert "run `make build`" in capsys.readouterr().out


def test_the_cli_compares_with_the_environment_it_runs_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tests' environment has the pinned pair: a build of it passes, and says what it counted
    assert main([str(_build(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: bytecode for every module (SharedLayer 4 pyc, LookupFunction 2 pyc")
    assert "boto3 1.44.8 and botocore 1.44.8" in out


def _requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_the_layer_ships_exactly_the_runtime_pins_of_pyproject() -> None:
    # Given the runtime dependencies the tests install (pyproject) and the layer's requirements
    project = tomllib.loads((REPOSITORY_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    layer = _requirement_lines((REPOSITORY_ROOT / "shared" / "requirements.txt").read_text(encoding="utf-8"))
    # Then they are the same exact pins, boto3 and botocore and the SnapStart hooks among them
    assert sorted(project["dependencies"]) == sorted(layer)
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", pin) for pin in layer), layer
    names = {pin.partition("==")[0] for pin in layer}
    assert {"boto3", "botocore", "snapshot-restore-py"} <= names
    assert not any(dependency.startswith("boto3") for dependency in project["optional-dependencies"]["dev"])
