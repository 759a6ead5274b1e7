"""The project's import structure: apps import downwards only, and the pure packages
import neither Django nor any app.

Every import counts, also those inside functions; tests, migrations, demo loaders and
management commands are left out (they may reach across apps to build data).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SATSA = Path(__file__).resolve().parents[2]
PURE = {"economics", "rules", "evaluation"}
LEFT_OUT_DIRS = {"tests", "migrations", "management"}
LEFT_OUT_FILES = {"demo.py", "conftest.py"}


def _modules_imported(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def _app_imports() -> dict[str, dict[str, set[str]]]:
    """app -> imported app -> the files that import it."""
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in SATSA.rglob("*.py"):
        rel = path.relative_to(SATSA)
        if len(rel.parts) < 2 or LEFT_OUT_DIRS & set(rel.parts) or path.name in LEFT_OUT_FILES:
            continue
        app = rel.parts[0]
        for module in _modules_imported(path):
            parts = module.split(".")
            if parts[0] == "satsa" and len(parts) > 1 and parts[1] != app:
                graph[app][parts[1]].add(str(rel))
            elif parts[0] == "django":
                graph[app]["django"].add(str(rel))
    return graph


def _cycle(graph: dict[str, dict[str, set[str]]]) -> list[str] | None:
    """One cycle among the apps, or None when the imports form a DAG."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(app: str) -> list[str] | None:
        state[app] = 1
        stack.append(app)
        for other in sorted(graph.get(app, {})):
            if other == "django":
                continue
            if state.get(other) == 1:
                return [*stack[stack.index(other) :], other]
            if other not in state and (found := visit(other)):
                return found
        stack.pop()
        state[app] = 2
        return None

    for app in sorted(graph):
        if app not in state and (found := visit(app)):
            return found
    return None


def test_the_apps_import_each_other_without_a_cycle() -> None:
    graph = _app_imports()
    cycle = _cycle(graph)
    where = []
    if cycle:
        for a, b in zip(cycle, cycle[1:], strict=False):
            where.append(f"{a} -> {b}: {sorted(graph[a][b])}")
    assert cycle is None, "import cycle between apps:\n" + "\n".join(where)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b": {"a.py"}}, "b": {"c": {"b.py"}}, "c": {"a": {"c.py"}}}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b": {"a.py"}}, "b": {}}) is None


def test_the_pure_packages_import_neither_django_nor_an_app() -> None:
    graph = _app_imports()
    for package in PURE:
        reached = set(graph.get(package, {})) - PURE
        assert not reached, f"{package} imports {sorted(reached)}: {dict(graph[package])}"


def test_the_decisions_are_the_top_floor_below_the_portfolio() -> None:
    graph = _app_imports()
    importers = {app for app, imported in graph.items() if "decisions" in imported}
    assert importers <= {"portfolio"}, importers
