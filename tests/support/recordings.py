"""Helpers shared by the adapter tests: fixtures by name, their expectations, a running server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import FIXTURES

OPENAI_COMPATIBLE = (
    "openai",
    "groq",
    "deepseek",
    "openrouter",
    "huggingface",
    "cerebras",
    "crusoe",
    "snowflake",
    "ollama",
    "zai",
)
"""Fixture folders recorded from servers that speak OpenAI Chat Completions."""


def fixture_path(name: str) -> Path:
    """``tests/fixtures/<name>`` (e.g. ``anthropic/stream_text.sse``)."""
    return FIXTURES / name


def expected(name: str) -> dict[str, Any]:
    """The ``expected`` block of a fixture's meta."""
    meta_path = FIXTURES / (name.rsplit(".", 1)[0] + ".meta.json")
    result: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))["expected"]
    return result


def fixtures_of(provider: str, wire_formats: set[str]) -> list[str]:
    """Names of the fixtures under ``provider/`` whose meta ``wire_format`` is in the set."""
    names = []
    for meta_path in sorted((FIXTURES / provider).glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("wire_format") in wire_formats:
            base = meta_path.name.removesuffix(".meta.json")
            body = next(p for p in meta_path.parent.glob(base + ".*") if p != meta_path)
            names.append(f"{provider}/{body.name}")
    return names
