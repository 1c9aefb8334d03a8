"""The engine imports without Textual: every module under core/, providers/ and gateway/, each
in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import openmaas_tui.core
import openmaas_tui.gateway
import openmaas_tui.providers


def _modules() -> list[str]:
    names = []
    for package in (openmaas_tui.core, openmaas_tui.providers, openmaas_tui.gateway):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            names.append(info.name)
    return names


def test_there_are_modules_to_check() -> None:
    assert "openmaas_tui.core.types" in _modules()
    assert "openmaas_tui.providers.base" in _modules()


@pytest.mark.parametrize("module", _modules())
def test_module_imports_without_textual(module: str) -> None:
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} pulled in Textual: {result.stdout}{result.stderr}"
