"""Settings from ``config.toml``: default model, timeouts, the playground's theme, custom
endpoints and where built-in providers live.

Example::

    default_model = "gpt-4o-mini"
    read_timeout_s = 120           # seconds without a byte before STREAM_TIMEOUT (--timeout)
    theme = "nord"                 # a Textual theme: ctrl+p "Change theme" lists them

    [endpoints.lmstudio]
    base_url = "http://localhost:1234/v1"
    api_key_env = "LMSTUDIO_KEY"   # optional: the variable holding this endpoint's key

    [endpoints.corp-claude]
    provider = "anthropic"         # the protocol it speaks; OpenAI-compatible when absent
    base_url = "https://llm-proxy.example.com/anthropic"

    [providers.bedrock]            # see provider_options.py
    region = "eu-west-1"

Models of an endpoint are addressed as ``NAME/model`` (``lmstudio/qwen2.5-7b``). No secret
belongs in this file; keys live in the OS keyring or in memory
(:mod:`openmaas_tui.core.credentials.keys`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.config.numbers import check_decimal
from openmaas_tui.core.config.provider_options import parse_provider_options
from openmaas_tui.core.config.toml_file import invalid_setting, parse_toml, read_text
from openmaas_tui.core.models.provider_specs import SPECS, WireProtocol

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")

LIMITS: dict[str, tuple[float, float]] = {
    "connect_timeout_s": (0.001, 3600.0),
    "read_timeout_s": (0.001, 86400.0),
    "demo_tokens_per_s": (1.0, 1_000_000.0),
}
"""Inclusive bounds of the numeric settings: seconds for timeouts (an hour to connect, a day
between two bytes), tokens per second for the demo model."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything ``config.toml`` can set; every field has a working default."""

    default_model: str = "demo"
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 120.0
    """Seconds a provider may send nothing (before the first token or between two) before the
    answer fails with STREAM_TIMEOUT, "no data from PROVIDER for N s (read_timeout_s)". A
    positive number; generous by default because reasoning models think before answering.
    ``--timeout SECONDS`` on ``ask`` and ``compare`` overrides it for one run."""
    demo_tokens_per_s: float = 60.0
    theme: str | None = None
    """The playground's Textual theme (``nord``, ``textual-light``, ...), or None for Textual's
    default. Only its type is checked here; the app refuses a name it does not know."""
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    providers: dict[str, dict[str, str]] = field(default_factory=dict)
    """``[providers.NAME]`` tables: a built-in provider's ``base_url`` and the non-secret
    parts of its credentials (see :mod:`~openmaas_tui.core.config.provider_options`)."""


def _line_of(text: str, pattern: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(pattern, line):
            return number
    return None


_invalid = invalid_setting


def load_settings(path: Path) -> Settings:
    """Read settings from ``path``; a missing file gives the defaults.

    Raises:
        OpenMaaSError: INVALID_SETTINGS naming the file and line for an unreadable file, bytes
            that are not UTF-8, bad or too deeply nested TOML, unknown keys, wrong types, and
            numbers that are not finite or outside :data:`LIMITS`.
    """
    text = read_text(path)
    if text is None:
        return Settings()
    return _parse(path, text, parse_toml(path, text))


def _number(path: Path, text: str, data: dict[str, Any], key: str, default: float) -> float:
    low, high = LIMITS[key]
    try:
        return check_decimal(key, data.get(key, default), low, high)
    except ValueError:
        line = _line_of(text, rf"^\s*{key}\s*=")
        what = f"{key} must be a positive number, {low:g} to {high:g}"
        raise _invalid(path, line, what) from None


def _parse(path: Path, text: str, data: dict[str, Any]) -> Settings:
    known = {"default_model", "connect_timeout_s", "read_timeout_s", "demo_tokens_per_s"}
    known |= {"endpoints", "theme", "providers"}
    for key in data:
        if key not in known:
            raise _invalid(path, _line_of(text, rf"^\s*\[?{re.escape(key)}\b"), f"unknown {key!r}")
    default_model = data.get("default_model", "demo")
    if not isinstance(default_model, str) or not default_model:
        raise _invalid(path, _line_of(text, r"^\s*default_model\s*="), "default_model: a string")
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        raise _invalid(path, _line_of(text, r"^\s*theme\s*="), "theme: a theme's name")
    endpoints: dict[str, Endpoint] = {}
    raw_endpoints = data.get("endpoints", {})
    if not isinstance(raw_endpoints, dict):
        raise _invalid(path, _line_of(text, r"^\s*endpoints\s*="), "endpoints must be tables")
    for name, table in raw_endpoints.items():
        line = _line_of(text, rf"^\s*\[endpoints\.{re.escape(name)}\]")
        if not _NAME.match(name):
            raise _invalid(path, line, f"endpoint name {name!r}: use a-z, 0-9, - and _")
        if name in SPECS and not SPECS[name].preset:
            raise _invalid(path, line, f"endpoint name {name!r} is a built-in provider; rename it")
        if not isinstance(table, dict):
            raise _invalid(path, line, f"[endpoints.{name}] must be a table")
        unknown = set(table) - {"base_url", "api_key_env", "provider"}
        if unknown:
            raise _invalid(path, line, f"[endpoints.{name}]: unknown {sorted(unknown)}")
        base_url = table.get("base_url")
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise _invalid(path, line, f'[endpoints.{name}] needs base_url = "http(s)://…"')
        key_env = table.get("api_key_env")
        if key_env is not None and not isinstance(key_env, str):
            raise _invalid(path, line, f"[endpoints.{name}] api_key_env must be a string")
        protocol = table.get("provider", WireProtocol.OPENAI_CHAT.value)
        if protocol not in {p.value for p in WireProtocol}:
            raise _invalid(
                path,
                line,
                f"[endpoints.{name}] provider must be one of "
                + ", ".join(sorted(p.value for p in WireProtocol)),
            )
        endpoints[name] = Endpoint(name, base_url.rstrip("/"), key_env, WireProtocol(protocol))
    providers = parse_provider_options(
        data.get("providers", {}),
        lambda pattern, what: _invalid(path, _line_of(text, pattern), what),
    )
    return Settings(
        default_model=default_model,
        connect_timeout_s=_number(path, text, data, "connect_timeout_s", 10.0),
        read_timeout_s=_number(path, text, data, "read_timeout_s", 120.0),
        demo_tokens_per_s=_number(path, text, data, "demo_tokens_per_s", 60.0),
        theme=theme.strip() if theme is not None else None,
        endpoints=endpoints,
        providers=providers,
    )


__all__ = ["Settings", "load_settings"]
