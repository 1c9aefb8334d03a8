"""Settings the playground remembers by writing them into ``config.toml``: the theme chosen
from the command palette, so the next start opens in it.

The file is a person's own, with their comments and layout: only the one top-level line is
replaced (or added before the first table), never the whole file rewritten. A file that does not
parse is left alone, and so is one the edit would not leave saying exactly the new value.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import tomli_w

from openmaas_tui.core.config.toml_file import invalid_setting, parse_toml, read_text

_TABLE = re.compile(r"\s*\[")


def _key_line(key: str) -> re.Pattern[str]:
    return re.compile(rf"\s*{re.escape(key)}\s*=")


def with_top_level(text: str, key: str, value: str) -> str:
    """``text`` (a TOML document) with top-level ``key`` set to the string ``value``: its line
    replaced where there is one before the first table, else a line added there."""
    line = tomli_w.dumps({key: value})
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    end = len(lines)
    for index, current in enumerate(lines):
        if _TABLE.match(current):
            end = index
            break
        if _key_line(key).match(current):
            return "".join([*lines[:index], line, *lines[index + 1 :]])
    spacer = ["\n"] if end < len(lines) else []
    return "".join([*lines[:end], line, *spacer, *lines[end:]])


def remember_theme(path: Path, name: str) -> None:
    """Write ``theme = "name"`` into the ``config.toml`` at ``path`` (made when missing), the
    rest of the file kept as it is.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when the file cannot be read or parsed (it is left as
            it is), or when the edit would not read back as ``name``.
        OSError: when it cannot be written.
    """
    text = read_text(path) or ""
    if text:
        parse_toml(path, text)
    edited = with_top_level(text, "theme", name)
    if parse_toml(path, edited).get("theme") != name:
        raise invalid_setting(path, None, "the theme line could not be written; set it by hand")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(edited)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


__all__ = ["remember_theme", "with_top_level"]
