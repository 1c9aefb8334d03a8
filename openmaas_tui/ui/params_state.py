"""What the parameter panel holds and checks, free of Textual.

:class:`Params` is what the panel shows, as the next request should carry it. :data:`FIELDS`
lists the numeric fields (temperature 0–2, top_p 0–1, max_tokens at least 1), each with a parser
that reads an input's text: blank means the provider's default (None), and a value out of range
raises :class:`ValueError` with the message the panel shows; :func:`read_fields` reads them all.
:class:`ModelChoices` is the model picker's list, and names each model's limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.catalog import CATALOG, ModelInfo, model_info, route
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.settings import Endpoint

DEMO_LABEL = "demo (offline)"


@dataclass(frozen=True, slots=True)
class Params:
    """What the panel shows, as the next request should carry it.

    Attributes:
        model: the model spec, as :meth:`Providers.target` routes it (``gpt-4o``,
            ``ollama/llama3.2``, ``NAME/model``, ``demo``).
        temperature: 0–2, or None for the provider's default (also when the field is invalid).
        top_p: 0–1, or None likewise.
        max_tokens: at least 1, or None likewise.
        system: the system prompt, or None when it is blank.
    """

    model: str
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    system: str | None = None


def _number(name: str, low: float, high: float) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        if not text.strip():
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"{name} must be between {low:g} and {high:g}")
        return value

    return parse


def _count(name: str, low: int) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        if not text.strip():
            return None
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if value < low:
            raise ValueError(f"{name} must be a whole number of at least {low}")
        return value

    return parse


@dataclass(frozen=True, slots=True)
class ParamField:
    """One numeric parameter: its input's id, label, placeholder and parser.

    Attributes:
        name: the :class:`Params` attribute it sets, also its input's id and label.
        placeholder: shown while the input is empty.
        input_type: the input's type (``"number"`` or ``"integer"``).
        parse: reads the input's text: None when blank, else the value; raises
            :class:`ValueError` with a message naming the field when no request may carry it.
    """

    name: str
    placeholder: str
    input_type: str
    parse: Callable[[str], Any]


FIELDS = (
    ParamField("temperature", "default · 0–2", "number", _number("temperature", 0, 2)),
    ParamField("top_p", "default · 0–1", "number", _number("top_p", 0, 1)),
    ParamField("max_tokens", "default", "integer", _count("max_tokens", 1)),
)
"""The numeric fields, in the panel's order. Empty means the provider's default."""


def read_fields(texts: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Read every field of :data:`FIELDS` from its text.

    Args:
        texts: each field's text, by field name.

    Returns:
        Each field's value by name (None when blank or invalid), and one message per invalid
        field, in the panel's order.
    """
    values: dict[str, Any] = {}
    errors: list[str] = []
    for field in FIELDS:
        try:
            values[field.name] = field.parse(texts[field.name])
        except ValueError as exc:
            values[field.name] = None
            errors.append(str(exc))
    return values, errors


class ModelChoices:
    """The model picker's options, ``spec -> label`` in order: the demo, the catalog, then the
    models added later (by :meth:`add` or :meth:`option_for`).

    Args:
        endpoints: the custom endpoints to route with, read at each call (the panel knows
            them only once it finds its providers).
    """

    def __init__(self, endpoints: Callable[[], dict[str, Endpoint]]) -> None:
        self._endpoints = endpoints
        self._options: dict[str, str] = {"demo": DEMO_LABEL}
        for info in CATALOG:
            if info.provider != "demo":
                self._options[self.spec_of(info)] = info.ref

    def __len__(self) -> int:
        return len(self._options)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The ``(label, spec)`` pairs, in order."""
        return [(label, spec) for spec, label in self._options.items()]

    def add(self, info: ModelInfo) -> bool:
        """Add a discovered model (labelled ``provider/id``) unless its spec is listed.

        Returns:
            Whether it was added.
        """
        spec = self.spec_of(info)
        if spec in self._options:
            return False
        self._options[spec] = info.ref
        return True

    def spec_of(self, info: ModelInfo) -> str:
        """The spec that routes to ``info``: its bare id when the id alone routes there
        (``gpt-4o``), else ``provider/id``; ``demo`` for the demo."""
        if info.provider == "demo":
            return "demo"
        try:
            if route(info.id, endpoints=self._endpoints()).provider == info.provider:
                return info.id
        except OpenMaaSError:
            pass
        return info.ref

    def option_for(self, spec: str) -> str:
        """The picker's value for ``spec``: itself when listed; else the listed value routed
        to the same place (``openai/gpt-4o`` is ``gpt-4o``); else ``spec``, added."""
        if spec in self._options:
            return spec
        wanted = self._ref(spec)
        for value in self._options:
            if wanted is not None and self._ref(value) == wanted:
                return value
        self._options[spec] = DEMO_LABEL if spec == "demo" else spec
        return spec

    def limits_text(self, spec: str) -> str:
        """``ctx 200k · out 64k`` for ``spec``'s model, ``?`` for a limit not known, or
        ``limits unknown`` when neither is (or ``spec`` routes nowhere)."""
        try:
            info = model_info(route(spec, endpoints=self._endpoints()))
        except OpenMaaSError:
            return "limits unknown"
        if info.context_window is None and info.max_output_tokens is None:
            return "limits unknown"
        return f"ctx {_tokens(info.context_window)} · out {_tokens(info.max_output_tokens)}"

    def _ref(self, spec: str) -> str | None:
        try:
            return route(spec, endpoints=self._endpoints()).ref
        except OpenMaaSError:
            return None


def _tokens(count: int | None) -> str:
    if count is None:
        return "?"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    return f"{count / 1000:.0f}k" if count >= 1000 else str(count)
