"""The rooms of the shared package and which way their imports run (docs/architecture.md).

Read from the source with `ast` (every import counts, those only made for type checking too): the HTTP
edge depends on the logic, never the reverse; BigCommerce's room knows nothing of the lookups, the
actions or the edge; the Gladly protocol room stands on its own; the actions never reach into the
lookups (a lookup asks the actions which buttons to show, `actions/declare.py`); nothing that ships
imports a development tool. And no module of the shipped package, the tools or the bench is over 500
lines.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SHARED = REPOSITORY / "shared"
PACKAGE = "gladly_bigcommerce"
MAX_MODULE_LINES = 500


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def shared_modules() -> Iterator[tuple[str, Path]]:
    for path in sorted((SHARED / PACKAGE).rglob("*.py")):
        yield module_name(path, SHARED), path


def imports_of(module: str, path: Path) -> set[str]:
    """Every module ``module`` imports (relative imports resolved), names imported from a package
    counted as the submodules they may be."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


def room(module: str) -> str:
    """``gladly_bigcommerce.edge.handler`` -> ``edge``; a top-level module is its own room."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def within(module: str, rooms: set[str]) -> bool:
    return module.startswith(PACKAGE + ".") and room(module) in rooms


def offending_imports(importers: set[str], forbidden: set[str]) -> list[str]:
    return [
        f"{module} imports {imported}"
        for module, path in shared_modules()
        if room(module) in importers
        for imported in sorted(imports_of(module, path))
        if within(imported, forbidden)
    ]


ROOMS = {room(module) for module, _ in shared_modules()} - {""}


def test_the_package_has_the_rooms_the_architecture_names() -> None:
    assert {"edge", "settings", "gladly", "bigcommerce", "lookup", "actions"} <= ROOMS


def test_nothing_outside_the_edge_imports_the_edge() -> None:
    assert offending_imports(ROOMS - {"edge"} | {""}, {"edge"}) == []


def test_bigcommerce_knows_nothing_of_lookups_actions_or_the_edge() -> None:
    assert offending_imports({"bigcommerce"}, {"lookup", "actions", "edge", "settings"}) == []


def test_the_gladly_protocol_stands_on_its_own() -> None:
    assert offending_imports({"gladly"}, ROOMS - {"gladly"}) == []


def test_the_actions_never_reach_into_the_lookups() -> None:
    assert offending_imports({"actions"}, {"lookup"}) == []


def test_the_action_machinery_knows_no_action() -> None:
    machinery = [
        f"{module} imports {imported}"
        for module, path in shared_modules()
        if module.startswith(f"{PACKAGE}.actions.machinery")
        for imported in sorted(imports_of(module, path))
        if imported.startswith(f"{PACKAGE}.actions.")
        and not imported.startswith(f"{PACKAGE}.actions.machinery")
    ]
    assert machinery == []


def test_nothing_that_ships_imports_a_development_tool() -> None:
    shipped = [
        *shared_modules(),
        *((f"functions.{p.parent.name}", p) for p in REPOSITORY.glob("functions/*/*.py")),
    ]
    offending = [
        f"{module} imports {imported}"
        for module, path in shipped
        for imported in imports_of(module, path)
        if imported == "devtools" or imported.startswith(("devtools.", "tests.", "bench."))
    ]
    assert offending == []


def test_the_functions_are_thin_and_import_only_the_edge_and_what_they_serve() -> None:
    for app in sorted(REPOSITORY.glob("functions/*/app.py")):
        ours = {imported for imported in imports_of("app", app) if imported.startswith(PACKAGE + ".")}
        assert any(room(imported) == "edge" for imported in ours), app
        assert len(app.read_text(encoding="utf-8").splitlines()) <= 15, app


def test_the_import_reading_sees_a_forbidden_import(tmp_path: Path) -> None:
    # Given a module of the lookup room that imports the edge
    module = tmp_path / "lookup_module.py"
    module.write_text("from gladly_bigcommerce.edge.handler import Dependencies\nfrom . import calls\n")
    # Then the reading names the edge module (and resolves the relative import)
    found = imports_of("gladly_bigcommerce.lookup.lookup_module", module)
    assert within("gladly_bigcommerce.edge.handler", {"edge"})
    assert "gladly_bigcommerce.edge.handler" in found and "gladly_bigcommerce.lookup.calls" in found


@pytest.mark.parametrize("folder", ["shared", "devtools", "bench", "functions"])
def test_no_module_is_over_500_lines(folder: str) -> None:
    too_long = {
        str(path.relative_to(REPOSITORY)): lines
        for path in sorted((REPOSITORY / folder).rglob("*.py"))
        if "__pycache__" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert too_long == {}
