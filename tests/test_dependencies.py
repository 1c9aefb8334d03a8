"""The package's dependencies are honest: every third-party package the code in
``openmaas_tui/`` imports is declared in ``pyproject.toml``, every declared one is imported, the
installed versions (the ones the tests run against) fall in the declared ranges, and the package
never imports the repository's test, benchmark or maintainer code."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "openmaas_tui"
NOT_IN_THE_WHEEL = {"tests", "bench", "scripts"}


def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_modules() -> Iterator[tuple[str, Path]]:
    """The top-level module of every absolute import in the package (lazy and type-only
    imports included), with the file it is in."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name.partition(".")[0], path
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield node.module.partition(".")[0], path


def _third_party() -> dict[str, set[Path]]:
    found: dict[str, set[Path]] = {}
    for module, path in _imported_modules():
        if module in sys.stdlib_module_names or module in ("__future__", "openmaas_tui"):
            continue
        found.setdefault(module, set()).add(path.relative_to(ROOT))
    return found


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    return {_normal(r.name): r for r in requirements}


def test_the_parser_sees_the_imports_it_must() -> None:
    found = _third_party()
    assert {"textual", "rich", "httpx", "markdown_it", "certifi"} <= set(found)
    assert Path("openmaas_tui/ui/markdown/lines.py") in found["markdown_it"]


def test_the_package_never_imports_tests_benchmarks_or_scripts() -> None:
    wrong = {m: sorted(map(str, p)) for m, p in _third_party().items() if m in NOT_IN_THE_WHEEL}
    assert wrong == {}


def test_every_imported_package_is_declared_and_every_declared_one_imported() -> None:
    distributions = metadata.packages_distributions()
    declared = _declared()
    used: set[str] = set()
    for module, paths in sorted(_third_party().items()):
        names = {_normal(d) for d in distributions.get(module, [])}
        assert names, f"{module} (imported in {sorted(map(str, paths))}) is not installed"
        assert names & set(declared), (
            f"{module} is imported in {sorted(map(str, paths))} but none of {sorted(names)} "
            "is in pyproject.toml's dependencies"
        )
        used |= names & set(declared)
    assert set(declared) - used == set(), "declared but never imported by the package"


def test_the_installed_versions_are_in_the_declared_ranges() -> None:
    for name, requirement in _declared().items():
        installed = metadata.version(name)
        assert requirement.specifier.contains(installed, prereleases=True), (
            f"{name} {installed} is installed but pyproject.toml says {requirement}"
        )


def test_textual_and_rich_are_pinned_to_one_series() -> None:
    """A new Textual or Rich changes what the screen looks like: an upgrade is a snapshot
    review, not something a fresh install does on its own."""
    declared = _declared()
    for name in ("textual", "rich"):
        assert any(spec.operator == "<" for spec in declared[name].specifier), name
