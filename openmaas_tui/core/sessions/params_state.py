"""What the parameter panel holds and checks, free of Textual.

:class:`Params` is what the panel shows, as the next request should carry it. :data:`FIELDS`
lists the typed fields (numbers and stop sequences), each with a parser that reads an input's
text (blank means the provider's default, None; a value out of range raises
:class:`ValueError` with the message the panel shows) and, for numbers, a step for the arrow
keys; :func:`read_fields` reads them all. The model picker's list is
:class:`~openmaas_tui.core.models.choices.ModelChoices`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.models.param_ranges import DECIMALS, ParamRanges
from openmaas_tui.core.models.request_params import (
    COUNT_MINIMUM,
    RANGES,
    RequestParams,
    check_count,
    check_number,
    check_stop,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Params(RequestParams):
    """What the panel shows, as the next request should carry it: the model and every
    :class:`~openmaas_tui.core.models.request_params.RequestParams` field (a field that is invalid,
    or disabled because the model does not take it, reads as None).

    Attributes:
        model: the model spec, as :meth:`Providers.target` routes it (``gpt-4o``,
            ``ollama/llama3.2``, ``NAME/model``, ``demo``).
    """

    model: str


def _decimal(name: str) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        if not text.strip():
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        return check_number(name, value)

    return parse


def _count(name: str) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        if not text.strip():
            return None
        try:
            value = int(text)
        except ValueError:
            raise ValueError(
                f"{name} must be a whole number of at least {COUNT_MINIMUM[name]}"
            ) from None
        return check_count(name, value)

    return parse


_ESCAPES = {"n": "\n", "t": "\t", ",": ",", "\\": "\\"}


def parse_stop(text: str) -> tuple[str, ...]:
    """Stop sequences from one line: separated by commas, spaces around each trimmed; ``\\n``,
    ``\\t``, ``\\,`` and ``\\\\`` stand for a newline, a tab, a comma and a backslash.

    Raises:
        ValueError: more than four, or an empty one between two commas.
    """
    if not text.strip():
        return ()
    items: list[str] = []
    current: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "\\")
            current.append(_ESCAPES.get(following, "\\" + following))
        elif char == ",":
            items.append("".join(current).strip(" "))
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip(" "))
    return check_stop(items)


def format_stop(stop: tuple[str, ...]) -> str:
    """The line :func:`parse_stop` reads back as ``stop``."""

    def escape(item: str) -> str:
        item = item.replace("\\", "\\\\").replace(",", "\\,")
        return item.replace("\n", "\\n").replace("\t", "\\t")

    return ", ".join(escape(item) for item in stop)


Step = Callable[[float | None, int], float]
"""From the current value (None: the provider's default) and a direction (+1 / -1), the next."""


def decimal_step(name: str, step: float, start: float) -> Step:
    """Steps of ``step`` from ``start`` (the usual default), kept in ``name``'s range."""
    low, high = RANGES[name]

    def next_value(value: float | None, direction: int) -> float:
        base = start if value is None else value
        moved = round((round(base / step) + direction) * step, 6)
        return min(high, max(low, moved))

    return next_value


def doubling_step(name: str, start: int) -> Step:
    """Powers of two: up to the next one above, down to the next one below (0 below 1 where
    the range allows it); from the default, ``start`` doubled or halved."""
    low = COUNT_MINIMUM[name]

    def next_value(value: float | None, direction: int) -> float:
        base = start if value is None else int(value)
        if base < 1:
            return max(low, 1) if direction > 0 else low
        exponent = math.log2(base)
        if direction > 0:
            return float(2 ** (math.floor(exponent) + 1))
        moved = 2.0 ** (math.ceil(exponent) - 1)
        return moved if moved >= 1 and base > 1 else low

    return next_value


def unit_step(name: str) -> Step:
    """Steps of one from 0, never below ``name``'s minimum."""
    low = COUNT_MINIMUM[name]

    def next_value(value: float | None, direction: int) -> float:
        return max(low, (0 if value is None else int(value)) + direction)

    return next_value


@dataclass(frozen=True, slots=True)
class ParamField:
    """One typed parameter: its input's id, label, placeholder, parser and step.

    Attributes:
        name: the :class:`Params` attribute it sets, also its input's id and the capability
            the model must have (:mod:`openmaas_tui.core.models.capabilities`).
        placeholder: shown while the input is empty.
        input_type: the input's type (``"number"``, ``"integer"`` or ``"text"``).
        parse: reads the input's text: None (or ``()``) when blank, else the value; raises
            :class:`ValueError` with a message naming the field when no request may carry it.
        step: the next value for the arrow keys, or None for text.
        label: the short label shown beside the input.
        tooltip: what the field does.
    """

    name: str
    placeholder: str
    input_type: str
    parse: Callable[[str], Any]
    step: Step | None = None
    label: str = ""
    tooltip: str = ""

    @property
    def shown_label(self) -> str:
        """The label shown: :attr:`label`, else the name."""
        return self.label or self.name

    def format(self, value: float) -> str:
        """``value`` as its input shows it (``0.7``, ``1024``)."""
        if self.input_type == "integer":
            return str(int(value))
        return f"{round(value, 6):g}"


_KEYS = "←/→ or -/+ step · ctrl+t resets"

FIELDS = (
    ParamField(
        "temperature",
        "default · 0–2",
        "number",
        _decimal("temperature"),
        decimal_step("temperature", 0.1, 1.0),
        tooltip=f"Sampling temperature 0–2. {_KEYS}",
    ),
    ParamField(
        "top_p",
        "default · 0–1",
        "number",
        _decimal("top_p"),
        decimal_step("top_p", 0.1, 1.0),
        tooltip=f"Nucleus sampling mass 0–1. {_KEYS}",
    ),
    ParamField(
        "max_tokens",
        "default",
        "integer",
        _count("max_tokens"),
        doubling_step("max_tokens", 1024),
        tooltip=f"Most output tokens; steps double. {_KEYS}",
    ),
    ParamField(
        "presence_penalty",
        "default · ±2",
        "number",
        _decimal("presence_penalty"),
        decimal_step("presence_penalty", 0.1, 0.0),
        label="presence",
        tooltip=f"Presence penalty -2–2: favours new topics. {_KEYS}",
    ),
    ParamField(
        "frequency_penalty",
        "default · ±2",
        "number",
        _decimal("frequency_penalty"),
        decimal_step("frequency_penalty", 0.1, 0.0),
        label="frequency",
        tooltip=f"Frequency penalty -2–2: discourages repeats. {_KEYS}",
    ),
    ParamField(
        "seed",
        "random",
        "integer",
        _count("seed"),
        unit_step("seed"),
        tooltip=f"Sampling seed, for repeatable answers where supported. {_KEYS}",
    ),
    ParamField(
        "thinking_budget",
        "default",
        "integer",
        _count("thinking_budget"),
        doubling_step("thinking_budget", 1024),
        label="thinking",
        tooltip="Most thinking tokens (Claude: at least 1024 and below max_tokens; "
        f"Gemini 2.5: 0 turns thinking off). {_KEYS}",
    ),
    ParamField(
        "stop",
        "none · a, b, \\n",
        "text",
        parse_stop,
        tooltip="Up to 4 stop sequences, comma-separated; \\n is a newline, \\, a comma",
    ),
)
"""The typed fields, in the panel's order. Empty means the provider's default."""

FIELD_BY_NAME = {field.name: field for field in FIELDS}


def parse_in(field: ParamField, text: str, ranges: ParamRanges | None = None) -> Any:
    """``field``'s value from ``text``, as :attr:`ParamField.parse` reads it; a decimal is held
    to ``ranges`` (the provider's, :mod:`~openmaas_tui.core.models.param_ranges`) when given.

    Raises:
        ValueError: what is wrong, naming the range and whose it is
            (``temperature must be between 0 and 1 for Anthropic``).
    """
    if ranges is None or field.name not in DECIMALS or not text.strip():
        return field.parse(text)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    said = ranges.problem(field.name, value)
    if said is not None:
        raise ValueError(said)
    return value


def read_fields(
    texts: Mapping[str, str], ranges: ParamRanges | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Read every field of :data:`FIELDS` from its text.

    Args:
        texts: each field's text, by field name; a field left out reads as blank.
        ranges: the provider's ranges the decimals are held to (:func:`parse_in`); None for
            the widest (:data:`~openmaas_tui.core.models.request_params.RANGES`).

    Returns:
        Each field's value by name (None, or ``()`` for stop, when blank or invalid), and one
        message per invalid field, in the panel's order.
    """
    values: dict[str, Any] = {}
    errors: list[str] = []
    for field in FIELDS:
        try:
            values[field.name] = parse_in(field, texts.get(field.name, ""), ranges)
        except ValueError as exc:
            values[field.name] = () if field.name == "stop" else None
            errors.append(str(exc))
    return values, errors


def summary(params: RequestParams) -> str:
    """The values set, in a few characters each, for a one-line view of the panel
    (``t0.7 · p0.9 · 256 tok · json schema · no stream``); ``defaults`` when none are."""
    parts: list[str] = []
    for name, short in (("temperature", "t"), ("top_p", "p"), ("presence_penalty", "pres")):
        value = getattr(params, name)
        if value is not None:
            parts.append(f"{short}{value:g}")
    if params.frequency_penalty is not None:
        parts.append(f"freq{params.frequency_penalty:g}")
    if params.max_tokens is not None:
        parts.append(f"{params.max_tokens} tok")
    if params.seed is not None:
        parts.append(f"seed {params.seed}")
    if params.stop:
        parts.append(f"{len(params.stop)} stop")
    if params.reasoning_effort is not None:
        parts.append(f"effort {params.reasoning_effort}")
    if params.thinking_budget is not None:
        parts.append(f"think {params.thinking_budget}")
    fmt = params.response_format
    if fmt is not None and fmt.is_json:
        parts.append("json schema" if fmt.kind == "json_schema" else "json")
    if not params.stream:
        parts.append("no stream")
    return " · ".join(parts) or "defaults"
