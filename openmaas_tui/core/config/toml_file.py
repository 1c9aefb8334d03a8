"""Reading a TOML file of ours (``config.toml``, ``presets.toml``, ``pricing.toml``) so that
every fault is one INVALID_SETTINGS error naming the file and, where known, the line: missing
read rights, bytes that are not UTF-8, bad TOML, and nesting too deep for the parser.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import tomli

from openmaas_tui.core.config.text import MAX_NESTING, NotText, decode_utf8, depth
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

_LINE = re.compile(r"at line (\d+)")


def invalid_setting(path: Path, line: int | None, what: str) -> OpenMaaSError:
    """INVALID_SETTINGS saying ``PATH:LINE: what`` and to fix or remove that line."""
    where = f"{path}:{line}" if line else str(path)
    return OpenMaaSError(
        ErrorCode.INVALID_SETTINGS, f"{where}: {what}", hint=f"fix or remove that line of {path}"
    )


def read_text(path: Path) -> str | None:
    """The text of ``path``, or None when it does not exist.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when it cannot be read or is not UTF-8 (naming the line).
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise invalid_setting(path, None, f"cannot be read ({exc.strerror})") from None
    try:
        return decode_utf8(data)
    except NotText as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise invalid_setting(path, int(found[1]) if found else None, str(exc)) from None


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """The TOML document ``text`` (read from ``path``, named in errors).

    Raises:
        OpenMaaSError: INVALID_SETTINGS for bad TOML (with its line) or nesting deeper than
            :data:`~openmaas_tui.core.config.text.MAX_NESTING`.
    """
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        found = _LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        raise invalid_setting(path, line, f"not valid TOML: {exc}") from None
    except RecursionError:
        data = None
    if data is None or depth(data) > MAX_NESTING:
        raise invalid_setting(path, None, f"nests tables or arrays deeper than {MAX_NESTING}")
    return data
