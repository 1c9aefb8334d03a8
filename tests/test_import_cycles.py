"""No module of the package imports itself back, however indirectly.

The graph is read from the source with :mod:`ast`, not by importing: every ``import`` and
``from … import`` of an ``openmaas_tui`` module counts, wherever it stands, including those under
``if TYPE_CHECKING:`` (a cycle hidden from the interpreter is still one for the reader) and
those inside functions (imported late, but imported). An edge goes to the most specific module
named: ``from openmaas_tui.cli import ask`` is an edge to ``openmaas_tui.cli.ask``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import openmaas_tui

PACKAGE = "openmaas_tui"
ROOT = Path(openmaas_tui.__file__).parent

Graph = dict[str, set[str]]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module a ``from`` import names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imported(tree: ast.AST, module: str, is_package: bool, known: set[str]) -> Iterator[str]:
    """Every module of the package that ``tree`` imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name
                while name and name not in known:
                    name = name.rpartition(".")[0]
                if name:
                    yield name
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node, module, is_package)
            if source != PACKAGE and not source.startswith(PACKAGE + "."):
                continue
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    yield f"{source}.{alias.name}"  # a submodule: ``from pkg import mod``
                elif source in known:
                    yield source


def import_graph() -> Graph:
    """Module -> the package's modules it imports (itself excluded)."""
    modules = _modules()
    known = set(modules)
    graph: Graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        graph[name] = set(_imported(tree, name, is_package, known)) - {name}
    return graph


def tangles(graph: Graph) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan): every module in
    one imports every other, through the others."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def find_cycles(graph: Graph) -> list[list[str]]:
    """One cycle per tangle, written as the path that closes it: ``[a, b, c, a]``."""
    return [path_through(graph, component) for component in tangles(graph)]


def path_through(graph: Graph, component: set[str]) -> list[str]:
    """A shortest cycle inside ``component``, from its first module back to it."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def test_the_graph_sees_the_package() -> None:
    graph = import_graph()
    assert "openmaas_tui.ui.app" in graph
    assert "openmaas_tui.core.errors" in graph["openmaas_tui.cli.main"]
    assert "openmaas_tui.cli.ask" in graph["openmaas_tui.cli.main"]  # from pkg import module


def test_a_cycle_is_found_and_named() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_type_checking_imports_count(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from openmaas_tui.ui.app import PlaygroundApp\n"
    )
    tree = ast.parse(source)
    known = {"openmaas_tui.ui.app", "openmaas_tui.ui.widgets.x"}
    found = set(_imported(tree, "openmaas_tui.ui.widgets.x", False, known))
    assert found == {"openmaas_tui.ui.app"}


def test_no_import_cycles() -> None:
    graph = import_graph()
    found = []
    for component in tangles(graph):
        cycle = path_through(graph, component)
        others = sorted(component - set(cycle))
        also = f"\n    (also in this tangle: {', '.join(others)})" if others else ""
        found.append("  " + " -> ".join(cycle) + also)
    assert not found, "import cycles:\n" + "\n".join(found)
