"""Named presets (request parameters, system prompt, optionally a model) in ``presets.toml`` in
the config dir.

Example::

    [presets.terse]
    model = "gpt-4o-mini"          # optional: loading the preset selects it
    system = "Answer in one sentence."
    temperature = 0.2
    max_tokens = 256
    stop = ["END"]
    response_format = "json_schema"  # text | json_object | json_schema
    schema = '{"type": "object", "properties": {"answer": {"type": "string"}}}'
    stream = false

Every key but the table's name is optional; a missing one means the provider's default. The
schema is kept as JSON text (TOML has no null). Saving rewrites the file (comments are not
kept). A bad file is an INVALID_SETTINGS error naming the file and the line.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from openmaas_tui.core.config.numbers import as_float, is_number
from openmaas_tui.core.config.paths import Paths
from openmaas_tui.core.config.toml_file import invalid_setting, parse_toml, read_text
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.request_params import (
    RequestParams,
    check_count,
    check_effort,
    check_number,
    check_stop,
    parse_schema,
    schema_name,
)
from openmaas_tui.core.types import ResponseFormat

PRESETS_FILE = "presets.toml"
_NUMBERS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
_COUNTS = ("max_tokens", "seed", "thinking_budget")
_KEYS = frozenset(
    {*_NUMBERS, *_COUNTS, "model", "system", "stop", "reasoning_effort", "response_format"}
    | {"schema", "stream"}
)


@dataclass(frozen=True, slots=True)
class Preset:
    """A named set of parameters.

    Attributes:
        name: what the person called it.
        params: the parameters and system prompt.
        model: the model it selects when loaded, or None to keep the one shown.
    """

    name: str
    params: RequestParams
    model: str | None = None


def presets_path(paths: Paths) -> Path:
    """``presets.toml`` in the config dir."""
    return paths.config_dir / PRESETS_FILE


def _line_of(text: str, pattern: str, start: int = 0) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if number > start and re.search(pattern, line):
            return number
    return None


_invalid = invalid_setting


def _table_line(text: str, name: str) -> int | None:
    quoted = rf"(\"{re.escape(name)}\"|'{re.escape(name)}'|{re.escape(name)})"
    return _line_of(text, rf"^\s*\[\s*presets\s*\.\s*{quoted}\s*\]")


def load_presets(path: Path) -> dict[str, Preset]:
    """Every preset in ``path`` by name (none when the file does not exist).

    Raises:
        OpenMaaSError: INVALID_SETTINGS naming the file and line for an unreadable file, bytes
            that are not UTF-8, bad or too deeply nested TOML, an unknown key, a wrong type or
            a value out of range (NaN and infinity included).
    """
    text = read_text(path)
    if text is None:
        return {}
    data = parse_toml(path, text)
    tables = data.get("presets", {})
    unknown = set(data) - {"presets"}
    if unknown or not isinstance(tables, dict):
        key = sorted(unknown)[0] if unknown else "presets"
        raise _invalid(path, _line_of(text, rf"^\s*\[?{re.escape(key)}\b"), "only [presets.NAME]")
    return {name: _preset(path, text, name, table) for name, table in tables.items()}


def _preset(path: Path, text: str, name: str, table: Any) -> Preset:
    table_line = _table_line(text, name)
    if not isinstance(table, dict):
        raise _invalid(path, table_line, f"presets.{name} must be a table")

    def fail(key: str, what: str) -> OpenMaaSError:
        line = _line_of(text, rf"^\s*{re.escape(key)}\s*=", table_line or 0) or table_line
        return _invalid(path, line, f"[presets.{name}] {what}")

    for key in table:
        if key not in _KEYS:
            raise fail(key, f"unknown key {key!r}")
    values: dict[str, Any] = {}
    current = ""
    try:
        for current in _NUMBERS:
            if current in table:
                value = table[current]
                if not is_number(value):
                    raise ValueError(f"{current} must be a number")
                values[current] = check_number(current, as_float(value))
        for current in _COUNTS:
            if current in table:
                value = table[current]
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{current} must be a whole number")
                values[current] = check_count(current, value)
        current = "stop"
        stop = table.get("stop", [])
        if not isinstance(stop, list) or not all(isinstance(s, str) for s in stop):
            raise ValueError("stop must be a list of strings")
        values["stop"] = check_stop(stop)
        current = "reasoning_effort"
        if "reasoning_effort" in table:
            values["reasoning_effort"] = check_effort(str(table["reasoning_effort"]))
        current = "response_format"
        values["response_format"] = _response_format(table)
    except ValueError as exc:
        if current == "response_format" and "schema" in table and "schema" in str(exc):
            current = "schema"
        raise fail(current, str(exc)) from None
    for key in ("system", "model"):
        if not isinstance(table.get(key, ""), str):
            raise fail(key, f"{key} must be a string")
    stream = table.get("stream", True)
    if not isinstance(stream, bool):
        raise fail("stream", "stream must be true or false")
    params = RequestParams(system=table.get("system") or None, stream=stream, **values)
    return Preset(name, params, table.get("model") or None)


def _response_format(table: dict[str, Any]) -> ResponseFormat | None:
    kind = table.get("response_format", "text")
    if kind not in ("text", "json_object", "json_schema"):
        raise ValueError("response_format must be text, json_object or json_schema")
    if kind == "text":
        return None
    if kind == "json_object":
        return ResponseFormat("json_object")
    raw = table.get("schema")
    if not isinstance(raw, str):
        raise ValueError("json_schema needs schema = '…JSON Schema…'")
    schema = parse_schema(raw)
    return ResponseFormat("json_schema", schema, schema_name(schema))


def preset_table(preset: Preset) -> dict[str, Any]:
    """``preset`` as its TOML table: only what is set."""
    import json

    p = preset.params
    table: dict[str, Any] = {}
    if preset.model:
        table["model"] = preset.model
    if p.system:
        table["system"] = p.system
    for key in (*_NUMBERS, *_COUNTS, "reasoning_effort"):
        if getattr(p, key) is not None:
            table[key] = getattr(p, key)
    if p.stop:
        table["stop"] = list(p.stop)
    fmt = p.response_format
    if fmt is not None and fmt.is_json:
        table["response_format"] = fmt.kind
        if fmt.schema is not None:
            table["schema"] = json.dumps(fmt.schema)
    if not p.stream:
        table["stream"] = False
    return table


def _write(path: Path, presets: dict[str, Preset]) -> None:
    document = {"presets": {name: preset_table(p) for name, p in sorted(presets.items())}}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".presets-", suffix=".toml")
    try:
        with os.fdopen(fd, "wb") as handle:
            tomli_w.dump(document, handle)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def save_preset(path: Path, preset: Preset) -> None:
    """Add ``preset`` to ``path``, replacing one of the same name.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when the file exists but cannot be read; OSError
            when it cannot be written.
    """
    presets = load_presets(path)
    presets[preset.name] = preset
    _write(path, presets)


def delete_preset(path: Path, name: str) -> bool:
    """Remove preset ``name`` from ``path``.

    Returns:
        Whether there was one to remove.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when the file cannot be read.
    """
    presets = load_presets(path)
    if presets.pop(name, None) is None:
        return False
    _write(path, presets)
    return True


def find_preset(path: Path, name: str) -> Preset:
    """The preset called ``name``.

    Raises:
        OpenMaaSError: INVALID_SETTINGS for a bad file; INVALID_REQUEST naming the presets
            there are when none has that name.
    """
    presets = load_presets(path)
    if name in presets:
        return presets[name]
    known = ", ".join(sorted(presets)) or "none yet"
    raise OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"no preset named {name!r} in {path}",
        hint=f"presets there: {known} (save one from the playground's command palette)",
    )
