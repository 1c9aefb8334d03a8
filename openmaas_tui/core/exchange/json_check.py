"""Checking an answer that had to be JSON: does it parse, does it match the schema, was it cut
off?

A JSON-mode answer is only a success when it parses (and, with a schema, validates against it
with ``jsonschema``, https://python-jsonschema.readthedocs.io/). An answer that stopped at the
token limit (finish reason ``length``) is reported as truncated even when what arrived happens
to parse: the provider did not finish it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from openmaas_tui.core.types import FinishReason, ResponseFormat

Verdict = Literal["valid", "truncated", "invalid_json", "schema_violation"]


@dataclass(frozen=True, slots=True)
class JsonCheck:
    """What checking a JSON answer found.

    Attributes:
        verdict: ``valid``, ``truncated``, ``invalid_json`` or ``schema_violation``.
        message: one line for people, e.g. ``invalid JSON: Expecting ',' delimiter (line 1,
            col 9)`` or ``does not match the schema at $.n: 'x' is not of type 'integer'``.
        value: the parsed answer when it parsed, else None.
    """

    verdict: Verdict
    message: str
    value: Any = None

    @property
    def ok(self) -> bool:
        """Whether the answer is what was asked for."""
        return self.verdict == "valid"


def _path(parts: Any) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check_json_answer(text: str, fmt: ResponseFormat, finish: FinishReason | None) -> JsonCheck:
    """Check ``text`` against ``fmt`` (``json_object``: it must parse; ``json_schema``: it must
    also match ``fmt.schema``).

    Args:
        text: the whole answer.
        fmt: the response format the request carried.
        finish: why generation ended; ``length`` means truncated.
    """
    if finish is FinishReason.LENGTH:
        return JsonCheck(
            "truncated", "truncated JSON: the answer stopped at the token limit (max_tokens)"
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"(line {exc.lineno}, col {exc.colno})"
        return JsonCheck("invalid_json", f"invalid JSON: {exc.msg} {where}")
    if fmt.kind != "json_schema" or fmt.schema is None:
        return JsonCheck("valid", "valid JSON", value)
    from jsonschema import validators
    from jsonschema.exceptions import best_match

    validator = validators.validator_for(fmt.schema)(fmt.schema)
    error = best_match(validator.iter_errors(value))
    if error is not None:
        message = f"does not match the schema at {_path(error.absolute_path)}: {error.message}"
        return JsonCheck("schema_violation", message, value)
    return JsonCheck("valid", f"valid JSON, matches the schema {fmt.name!r}", value)
