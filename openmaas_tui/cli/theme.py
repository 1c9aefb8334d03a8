"""The ``theme`` of ``config.toml`` applied to the playground when it is built.

The core only checks that ``theme`` is a name (it knows nothing of Textual); whether the name
is a theme is known here, where the app is: the built-in Textual themes and any the app
registers.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.app import App

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError


def _line_of_theme(config_file: Path) -> int | None:
    try:
        text = config_file.read_text(encoding="utf-8")
    except OSError:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(r"\s*theme\s*=", line):
            return number
    return None


def apply_theme(app: App[None], name: str | None, config_file: Path) -> None:
    """Start ``app`` in the theme called ``name`` (None: leave Textual's default).

    Args:
        app: the app, not yet running.
        name: the ``theme`` setting.
        config_file: the ``config.toml`` it came from, named in the error.

    Raises:
        OpenMaaSError: INVALID_SETTINGS naming the file (and line) and the known themes when
            ``name`` is not one of the app's themes.
    """
    if name is None:
        return
    known = sorted(app.available_themes)
    if name not in known:
        line = _line_of_theme(config_file)
        where = f"{config_file}:{line}" if line else str(config_file)
        raise OpenMaaSError(
            ErrorCode.INVALID_SETTINGS,
            f"{where}: unknown theme {name!r}; the known themes are {', '.join(known)}",
            hint=f"set theme to one of them in {config_file}, or remove the line",
        )
    app.theme = name
