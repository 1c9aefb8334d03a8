"""The request parameters a person sets (what the panel shows and a preset stores), their ranges,
and the :class:`ChatRequest` they make.

Ranges follow the widest provider reference: temperature 0–2 and the penalties -2–2 (OpenAI,
https://platform.openai.com/docs/api-reference/chat/create), top_p 0–1, counts at least 1
(``max_tokens``) or 0 (``thinking_budget``: 0 turns Gemini Flash thinking off): what any request
may carry. Each provider's own, narrower ranges (Anthropic's temperature 0–1) are in
:mod:`.param_ranges`, held to by the panel, ``ask`` and ``compare``; limits that depend on other
values (Anthropic's thinking budget of at least 1024, below ``max_tokens``) are the provider's
to refuse, shown as its INVALID_REQUEST.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.config.text import MAX_NESTING, depth
from openmaas_tui.core.types import (
    REASONING_EFFORTS,
    ChatRequest,
    Message,
    ResponseFormat,
    ToolChoice,
    ToolDefinition,
)

RANGES: dict[str, tuple[float, float]] = {
    "temperature": (0.0, 2.0),
    "top_p": (0.0, 1.0),
    "presence_penalty": (-2.0, 2.0),
    "frequency_penalty": (-2.0, 2.0),
}
"""Inclusive bounds of the decimal parameters."""

COUNT_MINIMUM: dict[str, int] = {"max_tokens": 1, "thinking_budget": 0, "seed": 0}
"""The least value of each whole-number parameter."""

COUNT_MAXIMUM: dict[str, int] = {"max_tokens": 2**31 - 1, "thinking_budget": 2**31 - 1}
COUNT_MAXIMUM["seed"] = 2**63 - 1
"""The greatest value of each whole-number parameter: token counts fit a signed 32-bit integer
(the widest any provider takes), a seed a signed 64-bit one (what SQLite stores)."""

MAX_STOP_SEQUENCES = 4
"""OpenAI takes up to 4 stop sequences, Gemini 5, Anthropic more: 4 fits them all."""

_SCHEMA_NAME = re.compile(r"[^a-zA-Z0-9_-]+")


def check_number(name: str, value: float) -> float:
    """``value`` if it lies in ``name``'s range (:data:`RANGES`).

    Raises:
        ValueError: naming the field and its range (``temperature must be between 0 and 2``).
    """
    low, high = RANGES[name]
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{name} must be between {low:g} and {high:g}")
    return value


def check_count(name: str, value: int) -> int:
    """``value`` if it lies between ``name``'s minimum (:data:`COUNT_MINIMUM`) and maximum
    (:data:`COUNT_MAXIMUM`).

    Raises:
        ValueError: ``max_tokens must be a whole number of at least 1`` (or ``at most …``).
    """
    low = COUNT_MINIMUM[name]
    if value < low:
        raise ValueError(f"{name} must be a whole number of at least {low}")
    if value > COUNT_MAXIMUM[name]:
        raise ValueError(f"{name} must be a whole number of at most {COUNT_MAXIMUM[name]}")
    return value


def check_effort(value: str) -> str:
    """``value`` if it is a reasoning effort (:data:`REASONING_EFFORTS`).

    Raises:
        ValueError: naming the efforts there are.
    """
    if value not in REASONING_EFFORTS:
        raise ValueError(f"reasoning_effort must be one of {', '.join(REASONING_EFFORTS)}")
    return value


def check_stop(values: Sequence[str]) -> tuple[str, ...]:
    """``values`` as a tuple, if there are at most :data:`MAX_STOP_SEQUENCES` non-empty ones.

    Raises:
        ValueError: too many, or an empty one.
    """
    if len(values) > MAX_STOP_SEQUENCES:
        raise ValueError(f"stop takes at most {MAX_STOP_SEQUENCES} sequences")
    if any(not v for v in values):
        raise ValueError("stop sequences cannot be empty")
    return tuple(values)


def parse_schema(text: str) -> dict[str, Any]:
    """A JSON Schema from its text: valid JSON, an object, and a valid schema (checked with
    ``jsonschema``'s meta-schema for the schema's ``$schema``, Draft 2020-12 by default).

    Raises:
        ValueError: saying what is wrong, with the line and column for bad JSON; NaN and
            Infinity (not JSON) and nesting deeper than
            :data:`~openmaas_tui.core.config.text.MAX_NESTING` are refused.
    """
    from jsonschema import exceptions, validators  # imported when first needed: ~50 ms

    try:
        schema = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = f"(line {exc.lineno}, col {exc.colno})"
        raise ValueError(f"schema is not JSON: {exc.msg} {where}") from None
    except RecursionError:
        raise ValueError(f"schema nests deeper than {MAX_NESTING} levels") from None
    if depth(schema) > MAX_NESTING:
        raise ValueError(f"schema nests deeper than {MAX_NESTING} levels")
    if not isinstance(schema, dict):
        raise ValueError("schema must be a JSON object")
    try:
        validators.validator_for(schema).check_schema(schema)
    except exceptions.SchemaError as exc:
        raise ValueError(f"schema is not a valid JSON Schema: {exc.message}") from None
    return schema


def _no_constant(name: str) -> Any:
    raise ValueError(f"schema is not JSON: {name} is not a JSON number")


def schema_name(schema: dict[str, Any]) -> str:
    """The name OpenAI wants for a schema (``^[a-zA-Z0-9_-]{1,64}$``): its ``title`` made to
    fit, or ``answer``."""
    title = schema.get("title")
    name = _SCHEMA_NAME.sub("_", title).strip("_")[:64] if isinstance(title, str) else ""
    return name or "answer"


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestParams:
    """What a person sets for the next request; None means the provider's default.

    Attributes:
        system: the system prompt.
        temperature: 0–2.
        top_p: 0–1.
        max_tokens: most output tokens, at least 1.
        stop: up to four stop sequences.
        seed: sampling seed.
        presence_penalty: -2–2.
        frequency_penalty: -2–2.
        reasoning_effort: one of :data:`~openmaas_tui.core.types.REASONING_EFFORTS`.
        thinking_budget: most thinking tokens, at least 0.
        response_format: the answer's required shape; None is free text.
        stream: stream the answer (True) or ask for it whole.
        tools: the functions the model may call (none: no tools are sent).
        tool_choice: whether and which tool the model must call; None is the provider's
            default (auto when tools are given).
    """

    system: str | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    stop: tuple[str, ...] = ()
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    reasoning_effort: str | None = None
    thinking_budget: int | None = None
    response_format: ResponseFormat | None = None
    stream: bool = True
    tools: tuple[ToolDefinition, ...] = ()
    tool_choice: ToolChoice | None = None

    def request(self, model: str, messages: Sequence[Message]) -> ChatRequest:
        """The request for ``model`` (the id its provider knows) carrying these parameters."""
        return ChatRequest(
            model=model,
            messages=tuple(messages),
            system=self.system,
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
            stop=self.stop,
            seed=self.seed,
            stream=self.stream,
            presence_penalty=self.presence_penalty,
            frequency_penalty=self.frequency_penalty,
            reasoning_effort=self.reasoning_effort,
            thinking_budget=self.thinking_budget,
            response_format=self.response_format,
            tools=self.tools,
            tool_choice=self.tool_choice if self.tools else None,
        )

    def request_params(self) -> RequestParams:
        """These parameters alone (a subclass's extra fields, such as a model, left out)."""
        names = RequestParams.__dataclass_fields__
        return RequestParams(**{name: getattr(self, name) for name in names})
