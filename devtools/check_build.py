"""Check what `sam build` produced ships what was tested (`make build` runs it).

    python -m devtools.check_build [.aws-sam/build]

Fails (exit 1, one line per problem) unless:
- every ``.py`` of the layer (``SharedLayer/python``) and of each function has its bytecode beside it,
  ``__pycache__/<name>.cpython-312.pyc``, made by CPython 3.12 (its magic number) with
  ``--invalidation-mode unchecked-hash`` (Lambda's file system is read-only: a pyc that is missing,
  or that Python would check against the source, costs every cold start);
- the layer holds boto3 and botocore, in the versions installed in the environment running this check
  (the tests' ``.venv``), so Lambda's own, older boto3 never runs on top of our botocore;
- no development tool ships: the layer and the functions hold no ``devtools`` (or ``tests``, ``bench``)
  package, no module of theirs imports one, and the shared package holds none of the tools' modules
  (the ``validate-config`` CLI and the template.yaml reading live in ``devtools/``).
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

LAYER = "SharedLayer"
CACHE_TAG = "cpython-312"
# importlib.util.MAGIC_NUMBER of CPython 3.12 (3531): the check may run under another Python.
MAGIC_312 = (3531).to_bytes(2, "little") + b"\r\n"
# PEP 552 flags word: bit 0 = hash-based, bit 1 = check the source. Unchecked hash: 0b01.
UNCHECKED_HASH = 0b01
SHIPPED_PAIR = ("boto3", "botocore")
DEVELOPMENT_PACKAGES = ("devtools", "tests", "bench")
# Modules the shared package once held that belong to the tools: their return would ship a CLI again.
TOOL_MODULES = ("config.py", "store_check.py", "validate_config.py", "template.py")


def bytecode_problems(
    root: Path, *, shown_from: Path | None = None, magic: bytes = MAGIC_312, cache_tag: str = CACHE_TAG
) -> list[str]:
    """Every ``.py`` under ``root`` without an unchecked-hash pyc of ``cache_tag`` (and ``magic``);
    paths are shown relative to ``shown_from`` (default ``root``)."""
    base = shown_from or root
    problems: list[str] = []
    for source in sorted(root.rglob("*.py")):
        compiled = source.parent / "__pycache__" / f"{source.stem}.{cache_tag}.pyc"
        if not compiled.is_file():
            problems.append(f"{source.relative_to(base)}: no {compiled.name}")
            continue
        header = compiled.read_bytes()[:8]
        if header[:4] != magic:
            problems.append(f"{compiled.relative_to(base)}: not compiled by the runtime's Python")
        elif int.from_bytes(header[4:8], "little") != UNCHECKED_HASH:
            problems.append(f"{compiled.relative_to(base)}: not an unchecked-hash pyc")
    return problems


def shipped_versions(site: Path) -> dict[str, str]:
    """Distribution name -> version, from the ``*.dist-info`` directories of ``site``."""
    versions: dict[str, str] = {}
    for info in site.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        versions[name.lower().replace("_", "-")] = version
    return versions


def version_problems(site: Path, tested: Mapping[str, str]) -> list[str]:
    """boto3/botocore missing from the layer, or not the versions the tests ran."""
    shipped = shipped_versions(site)
    problems: list[str] = []
    for name in SHIPPED_PAIR:
        if name not in shipped:
            problems.append(f"{LAYER}: {name} is not in the layer (Lambda's own would run untested)")
        elif shipped[name] != tested[name]:
            problems.append(f"{LAYER}: {name} {shipped[name]} shipped, {tested[name]} tested")
    return problems


def development_problems(artifact: Path, *, shown_from: Path) -> list[str]:
    """Development tools in an artifact (the layer's ``python`` directory, or a function): a package of
    theirs, a module that imports one, or a tool's module inside the shared package."""
    problems = [
        f"{(artifact / name).relative_to(shown_from)}: a development package ships"
        for name in DEVELOPMENT_PACKAGES
        if (artifact / name).exists()
    ]
    package = artifact / "gladly_bigcommerce"
    problems += [
        f"{(package / name).relative_to(shown_from)}: a development tool's module ships"
        for name in TOOL_MODULES
        if (package / name).exists()
    ]
    for source in sorted(artifact.rglob("*.py")):
        if source.is_relative_to(artifact / "gladly_bigcommerce") or source.parent == artifact:
            for imported in _imports(source):
                if imported.split(".")[0] in DEVELOPMENT_PACKAGES:
                    problems.append(f"{source.relative_to(shown_from)}: imports {imported}")
    return problems


def _imports(source: Path) -> list[str]:
    tree = ast.parse(source.read_bytes())
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def check_build(build_dir: Path, tested: Mapping[str, str]) -> tuple[list[str], dict[str, int]]:
    """The problems of a ``sam build`` output, and the pyc count of each artifact."""
    layer_site = build_dir / LAYER / "python"
    if not layer_site.is_dir():
        return [f"{layer_site}: no layer here; run `make build`"], {}
    functions = sorted(
        path for path in build_dir.iterdir() if path.is_dir() and path.name.endswith("Function")
    )
    artifacts = [layer_site, *functions]
    if len(artifacts) == 1:
        return [f"{build_dir}: no function artifacts"], {}
    problems: list[str] = []
    counts: dict[str, int] = {}
    for artifact in artifacts:
        problems += bytecode_problems(artifact, shown_from=build_dir)
        problems += development_problems(artifact, shown_from=build_dir)
        counts[artifact.relative_to(build_dir).parts[0]] = sum(
            1 for _ in artifact.rglob(f"*.{CACHE_TAG}.pyc")
        )
    problems += version_problems(layer_site, tested)
    return problems, counts


def tested_versions() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in SHIPPED_PAIR}


def _size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.check_build", description=__doc__.split("\n")[0]
    )
    parser.add_argument("build_dir", nargs="?", type=Path, default=Path(".aws-sam/build"))
    arguments = parser.parse_args(argv)
    tested = tested_versions()
    problems, counts = check_build(arguments.build_dir, tested)
    if problems:
        print(f"The build does not ship what was tested ({len(problems)} problem(s)):")
        for problem in problems:
            print(f"  {problem}")
        return 1
    layer_mb = _size(arguments.build_dir / LAYER) / 1_000_000
    pycs = ", ".join(f"{name} {count} pyc" for name, count in counts.items())
    print(
        f"OK: bytecode for every module ({pycs}); no development tool ships; "
        f"layer {layer_mb:.1f} MB with boto3 {tested['boto3']} and botocore {tested['botocore']}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
