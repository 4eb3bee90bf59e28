"""The layout stays readable: a package per responsibility, no import cycles, tests that mirror the
package, and no development tool inside what `pip install` ships."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "newscrawl"
# what may sit loose at the package's top level: the item, the settings, the console command
TOP_LEVEL = {"__init__.py", "items.py", "settings.py", "cli.py"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(path: Path, lazy: bool) -> set[str]:
    """The newscrawl modules a module imports (at its top level, or anywhere when `lazy`)."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree) if lazy else tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found & MODULES.keys()


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_sits_loose_at_the_top_level() -> None:
    loose = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py"} - TOP_LEVEL
    assert not loose, f"put these in the package that owns them: {sorted(loose)}"


def test_no_import_cycles_even_through_imports_inside_functions() -> None:
    for lazy in (False, True):
        graph = {name: imports(path, lazy) - {name} for name, path in MODULES.items()}
        assert cycles(graph) == [], "lazy" if lazy else "top-level"


def test_tests_mirror_the_packages() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    missing = {name for name in packages if not list((REPO / "tests" / name).glob("test_*.py"))}
    assert not missing, f"no tests/<package>/ for {sorted(missing)}"


def test_development_tools_are_not_in_the_package() -> None:
    text = "\n".join(path.read_text("utf-8") for path in PACKAGE.rglob("*.py"))
    for tool in ("tools.", "benchmarks.", "tests.", "../shared"):
        assert f"from {tool}" not in text and f"import {tool}" not in text, tool
    assert "/work/" not in text  # no path of one machine
