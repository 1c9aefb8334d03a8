"""The range each provider takes for each decimal request parameter, in one table.

A provider refuses a value outside its range with a 400; openMaaS refuses it first, saying the
range: the parameter panel marks the field and steps within it, ``openmaas ask`` and
``openmaas compare`` exit with INVALID_REQUEST. The ranges, from each provider's API reference
(read 2026-12):

- OpenAI https://platform.openai.com/docs/api-reference/chat/create: temperature 0–2, top_p
  0–1, presence and frequency penalties -2–2 (Azure OpenAI takes the same).
- Anthropic https://docs.anthropic.com/en/api/messages: temperature 0–1, top_p 0–1; no
  penalties.
- Gemini https://ai.google.dev/api/generate-content#generationconfig: temperature 0–2, topP
  0–1, presencePenalty and frequencyPenalty -2–2 (Vertex AI serves the same models).
- Mistral https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post:
  temperature 0–1.5, top_p 0–1, penalties -2–2.
- Cohere https://docs.cohere.com/reference/chat and
  https://docs.cohere.com/docs/predictable-outputs: temperature 0–1, p 0.01–0.99, penalties
  0–1.
- AWS Bedrock Converse
  https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html:
  temperature 0–1, topP 0–1; no penalties.
- Groq https://console.groq.com/docs/api-reference#chat-create, DeepSeek
  https://api-docs.deepseek.com/api/create-chat-completion and OpenRouter
  https://openrouter.ai/docs/api-reference/parameters: OpenAI's ranges.
- Cerebras https://inference-docs.cerebras.ai/api-reference/chat-completions: temperature
  0–1.5, top_p 0–1.
- Ollama https://github.com/ollama/ollama/blob/main/docs/modelfile.md documents no bounds; it,
  the OpenAI-compatible presets, custom endpoints and the offline demo get OpenAI's ranges
  (those of the protocol they speak, for an endpoint speaking another).

A parameter a provider does not take at all is not here but in the model's capabilities
(:mod:`.capabilities`), which drop it with a note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_kinds import WireProtocol
from openmaas_tui.core.models.provider_specs import SPECS

DECIMALS = ("temperature", "top_p", "presence_penalty", "frequency_penalty")
"""The decimal request parameters whose range differs by provider."""


@dataclass(frozen=True, slots=True)
class Bounds:
    """An inclusive range of a decimal parameter.

    Attributes:
        low: the least value taken.
        high: the greatest value taken.
    """

    low: float
    high: float

    def holds(self, value: float) -> bool:
        """Whether ``value`` is a finite number in the range."""
        return math.isfinite(value) and self.low <= value <= self.high

    def clamp(self, value: float) -> float:
        """``value`` brought into the range."""
        return min(self.high, max(self.low, value))

    @property
    def text(self) -> str:
        """The range as people read it: ``0–1``, ``-2–2``."""
        return f"{self.low:g}–{self.high:g}"


_OPENAI_BOUNDS = {
    "temperature": Bounds(0.0, 2.0),
    "top_p": Bounds(0.0, 1.0),
    "presence_penalty": Bounds(-2.0, 2.0),
    "frequency_penalty": Bounds(-2.0, 2.0),
}


@dataclass(frozen=True, slots=True)
class ParamRanges:
    """One provider's ranges.

    Attributes:
        label: whose ranges these are, as people name it (``Anthropic``).
        source: the API reference page they come from.
        bounds: each decimal parameter's range, by name; a name left out takes OpenAI's.
    """

    label: str
    source: str
    bounds: Mapping[str, Bounds] = field(default_factory=dict)

    def of(self, name: str) -> Bounds:
        """The range of decimal parameter ``name`` (one of :data:`DECIMALS`).

        Raises:
            KeyError: ``name`` is not a decimal parameter.
        """
        return self.bounds.get(name) or _OPENAI_BOUNDS[name]

    def problem(self, name: str, value: float) -> str | None:
        """What is wrong with ``value`` for ``name`` (``temperature must be between 0 and 1
        for Anthropic``), or None when it is in range."""
        bounds = self.of(name)
        if bounds.holds(value):
            return None
        return f"{name} must be between {bounds.low:g} and {bounds.high:g} for {self.label}"


def _ranges(label: str, source: str, **bounds: tuple[float, float]) -> ParamRanges:
    return ParamRanges(label, source, {name: Bounds(*pair) for name, pair in bounds.items()})


_OPENAI = _ranges("OpenAI", "https://platform.openai.com/docs/api-reference/chat/create")
_OPENAI_COMPATIBLE = _ranges("OpenAI-compatible servers", _OPENAI.source)
_ANTHROPIC = _ranges(
    "Anthropic", "https://docs.anthropic.com/en/api/messages", temperature=(0.0, 1.0)
)
_GEMINI = _ranges("Gemini", "https://ai.google.dev/api/generate-content#generationconfig")
_MISTRAL = _ranges("Mistral", "https://docs.mistral.ai/api/", temperature=(0.0, 1.5))
_COHERE = _ranges(
    "Cohere",
    "https://docs.cohere.com/reference/chat",
    temperature=(0.0, 1.0),
    top_p=(0.01, 0.99),
    presence_penalty=(0.0, 1.0),
    frequency_penalty=(0.0, 1.0),
)
_BEDROCK = _ranges(
    "AWS Bedrock",
    "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html",
    temperature=(0.0, 1.0),
)
_OLLAMA = _ranges("Ollama", "https://github.com/ollama/ollama/blob/main/docs/modelfile.md")

RANGES_BY_PROVIDER: Mapping[str, ParamRanges] = MappingProxyType(
    {
        "openai": _OPENAI,
        "azure": _ranges("Azure OpenAI", _OPENAI.source),
        "anthropic": _ANTHROPIC,
        "gemini": _GEMINI,
        "vertex": _ranges("Vertex AI", _GEMINI.source),
        "bedrock": _BEDROCK,
        "ollama": _OLLAMA,
        "groq": _ranges("Groq", "https://console.groq.com/docs/api-reference#chat-create"),
        "deepseek": _ranges("DeepSeek", "https://api-docs.deepseek.com/api/create-chat-completion"),
        "openrouter": _ranges("OpenRouter", "https://openrouter.ai/docs/api-reference/parameters"),
        "mistral": _MISTRAL,
        "cohere": _COHERE,
        "cerebras": _ranges(
            "Cerebras",
            "https://inference-docs.cerebras.ai/api-reference/chat-completions",
            temperature=(0.0, 1.5),
        ),
    }
)
"""The built-in providers' ranges by provider id; the others go by their protocol
(:data:`RANGES_BY_PROTOCOL`)."""

RANGES_BY_PROTOCOL: Mapping[WireProtocol, ParamRanges] = MappingProxyType(
    {
        WireProtocol.ANTHROPIC: _ANTHROPIC,
        WireProtocol.GEMINI: _GEMINI,
        WireProtocol.VERTEX: _GEMINI,
        WireProtocol.BEDROCK: _BEDROCK,
        WireProtocol.OLLAMA: _OLLAMA,
        WireProtocol.MISTRAL: _MISTRAL,
        WireProtocol.COHERE: _COHERE,
    }
)
"""The ranges of a provider without its own entry (a preset, a custom endpoint, the demo), by
the protocol it speaks; OpenAI's (named as OpenAI-compatible servers') for the OpenAI
protocols."""


def ranges_for(provider: str, protocol: WireProtocol | None = None) -> ParamRanges:
    """The ranges ``provider`` takes: its own, else those of ``protocol``, else OpenAI's (the
    widest, which every OpenAI-compatible server takes; named ``OpenAI-compatible servers``)."""
    own = RANGES_BY_PROVIDER.get(provider)
    if own is not None:
        return own
    if protocol is not None and protocol in RANGES_BY_PROTOCOL:
        return RANGES_BY_PROTOCOL[protocol]
    return _OPENAI_COMPATIBLE


class SpeaksProtocol(Protocol):
    """A custom endpoint as :func:`provider_ranges` reads it (``config.toml``'s
    :class:`~openmaas_tui.core.config.endpoint.Endpoint` is one)."""

    @property
    def protocol(self) -> WireProtocol: ...


def provider_ranges(
    provider: str, endpoints: Mapping[str, SpeaksProtocol] | None = None
) -> ParamRanges:
    """The ranges of ``provider``: a built-in's (:func:`ranges_for` with its spec's protocol),
    or a custom endpoint's of ``endpoints`` by the protocol it speaks."""
    endpoint = (endpoints or {}).get(provider)
    if endpoint is not None:
        return ranges_for(provider, endpoint.protocol)
    spec = SPECS.get(provider)
    return ranges_for(provider, spec.protocol if spec is not None else None)


class HasDecimals(Protocol):
    """What :func:`check_ranges` reads: a ``ChatRequest`` or ``RequestParams`` is one."""

    @property
    def temperature(self) -> float | None: ...

    @property
    def top_p(self) -> float | None: ...

    @property
    def presence_penalty(self) -> float | None: ...

    @property
    def frequency_penalty(self) -> float | None: ...


def range_problems(values: HasDecimals, ranges: ParamRanges) -> list[str]:
    """One message per decimal parameter of ``values`` outside ``ranges`` (unset ones pass)."""
    found = []
    for name in DECIMALS:
        value = getattr(values, name)
        said = None if value is None else ranges.problem(name, value)
        if said is not None:
            found.append(said)
    return found


def check_ranges(values: HasDecimals, ranges: ParamRanges, *, model: str = "") -> None:
    """Refuse ``values`` when a decimal parameter lies outside ``ranges``.

    Args:
        values: the request or parameters about to be sent.
        ranges: the ranges of the provider they go to (:func:`ranges_for`).
        model: the model they are for, named in the error.

    Raises:
        OpenMaaSError: INVALID_REQUEST naming each parameter and its range
            (``temperature must be between 0 and 1 for Anthropic``), with the reference page.
    """
    found = range_problems(values, ranges)
    if found:
        where = f" ({model})" if model else ""
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            "; ".join(found) + where,
            hint=f"use a value in range; {ranges.label}'s reference: {ranges.source}",
        )


__all__ = [
    "DECIMALS",
    "RANGES_BY_PROTOCOL",
    "RANGES_BY_PROVIDER",
    "Bounds",
    "ParamRanges",
    "check_ranges",
    "provider_ranges",
    "range_problems",
    "ranges_for",
]
