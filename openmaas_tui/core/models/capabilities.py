"""Which request parameters each model takes, and dropping the others before a request is sent.

A model's :attr:`~openmaas_tui.core.models.catalog.ModelInfo.params` names the parameters it
accepts, from this module's vocabulary (:data:`ALL_PARAMS`). Sources, read 2025-11:

- OpenAI https://platform.openai.com/docs/api-reference/chat/create and
  https://platform.openai.com/docs/guides/reasoning: reasoning models (o-series, GPT-5) take
  ``reasoning_effort`` and ``max_completion_tokens`` and refuse temperature, top_p, the
  penalties and (o3, o4-mini) ``stop``; GPT-5 adds the ``minimal`` effort.
- Anthropic https://docs.anthropic.com/en/api/messages and
  https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking: no seed, penalties or
  JSON modes; extended thinking (``budget_tokens`` at least 1024, below ``max_tokens``) on
  Claude 3.7 and 4.x, and it is not compatible with ``temperature`` changes, nor ``top_p`` below
  0.95.
- Gemini https://ai.google.dev/api/generate-content#generationconfig and
  https://ai.google.dev/gemini-api/docs/thinking: ``thinkingBudget`` on 2.5, ``thinkingLevel``
  (low, high) on 3; the penalties are refused by 2.5 and later ("Penalty is not enabled").
- Mistral https://docs.mistral.ai/api/ and https://docs.mistral.ai/capabilities/reasoning/:
  every common parameter (the seed is sent as ``random_seed``); ``reasoning_effort`` on the
  models with adjustable reasoning (Mistral Small 4: ``none`` or ``high``, of which ``high`` is
  ours); Magistral always reasons and takes no effort.
- Cohere https://docs.cohere.com/reference/chat and https://docs.cohere.com/docs/reasoning:
  every common parameter (top_p is sent as ``p``, stop as ``stop_sequences``); the reasoning
  model takes a thinking ``token_budget`` (0 turns thinking off), not an effort.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from openmaas_tui.core.types import ChatRequest

COMMON_PARAMS = frozenset(
    {
        "temperature",
        "top_p",
        "max_tokens",
        "stop",
        "seed",
        "presence_penalty",
        "frequency_penalty",
        "json_object",
        "json_schema",
    }
)
"""The OpenAI Chat Completions set most compatible servers take: what a model the catalog
does not know (local and custom models) is assumed to take."""

ALL_PARAMS = COMMON_PARAMS | {"reasoning_effort", "thinking_budget"}
"""Every parameter name a model may take. ``json_object`` and ``json_schema`` stand for the
two JSON response formats."""

OPENAI_REASONING_PARAMS = frozenset(
    {"max_tokens", "seed", "reasoning_effort", "json_object", "json_schema"}
)
RESPONSES_PARAMS = frozenset(
    {"temperature", "top_p", "max_tokens", "reasoning_effort", "json_object", "json_schema"}
)
"""What OpenAI's Responses API takes at all (https://platform.openai.com/docs/api-reference/
responses/create, read 2026-05): no ``stop``, ``seed`` or penalties. A model asked through
Responses takes the part of its own parameters in this set."""
CLAUDE_PARAMS = frozenset({"temperature", "top_p", "max_tokens", "stop"})
CLAUDE_THINKING_PARAMS = CLAUDE_PARAMS | {"thinking_budget"}
GEMINI_PARAMS = frozenset(
    {"temperature", "top_p", "max_tokens", "stop", "seed", "json_object", "json_schema"}
)
GEMINI_THINKING_PARAMS = GEMINI_PARAMS | {"thinking_budget"}
GEMINI_3_PARAMS = GEMINI_PARAMS | {"reasoning_effort"}

MISTRAL_PARAMS = COMMON_PARAMS
MISTRAL_REASONING_PARAMS = COMMON_PARAMS | {"reasoning_effort"}
COHERE_PARAMS = COMMON_PARAMS
COHERE_THINKING_PARAMS = COMMON_PARAMS | {"thinking_budget"}

O_SERIES_EFFORTS = ("low", "medium", "high")
MISTRAL_EFFORTS = ("high",)
GPT5_EFFORTS = ("minimal", "low", "medium", "high")
CODEX_EFFORTS = ("low", "medium", "high")
PRO_EFFORTS = ("high",)
"""gpt-5-pro reasons at ``high`` only (https://platform.openai.com/docs/models/gpt-5-pro)."""
GEMINI_3_EFFORTS = ("low", "high")

MIN_THINKING_TOP_P = 0.95
"""The lowest ``top_p`` Anthropic accepts with extended thinking."""

_NUMBERS = ("temperature", "top_p", "max_tokens", "seed", "presence_penalty", "frequency_penalty")
_LABELS = {
    "thinking_budget": "thinking budget",
    "reasoning_effort": "reasoning effort",
    "response_format": "JSON output",
}


def label(param: str) -> str:
    """How ``param`` is named to people (``thinking budget``, ``top_p``)."""
    return _LABELS.get(param, param)


def why_not(param: str, model: str, provider: str) -> str:
    """Why ``model`` (at ``provider``) has no use for ``param``, as a tooltip says it."""
    if provider == "demo":
        return f"the offline demo answers canned text: it ignores {label(param)}"
    return f"{label(param)} is not supported by {model}"


class TakesParams(Protocol):
    """What :func:`applicable` reads of a model; the catalog's
    :class:`~openmaas_tui.core.models.catalog.ModelInfo` is one (the catalog imports this
    module, so this module names the shape instead of importing it)."""

    @property
    def id(self) -> str: ...

    @property
    def provider(self) -> str: ...

    @property
    def params(self) -> frozenset[str]: ...

    @property
    def efforts(self) -> tuple[str, ...]: ...

    @property
    def temperature_or_top_p(self) -> bool: ...

    @property
    def tools(self) -> bool: ...


def applicable(request: ChatRequest, info: TakesParams) -> tuple[ChatRequest, list[str]]:
    """Drop the parameters ``info`` does not accept.

    Returns:
        The request without them, and one note per dropped parameter
        (e.g. ``"temperature is not supported by o3-mini; not sent"``).
    """
    changes: dict[str, object] = {}
    notes: list[str] = []

    def drop(param: str, empty: object, why: str) -> None:
        changes[param] = empty
        notes.append(why)

    for param in (*_NUMBERS, "thinking_budget"):
        if getattr(request, param) is not None and param not in info.params:
            drop(param, None, f"{label(param)} is not supported by {info.id}; not sent")
    if request.stop and "stop" not in info.params:
        drop("stop", (), f"stop sequences are not supported by {info.id}; not sent")
    effort = request.reasoning_effort
    if effort is not None and "reasoning_effort" not in info.params:
        drop("reasoning_effort", None, f"reasoning effort is not supported by {info.id}; not sent")
    elif effort is not None and info.efforts and effort not in info.efforts:
        offered = ", ".join(info.efforts)
        drop("reasoning_effort", None, f"{info.id} takes effort {offered}, not {effort}; not sent")
    fmt = request.json_mode
    if fmt is not None and fmt.kind not in info.params:
        drop("response_format", None, f"{fmt.kind} output is not supported by {info.id}; not sent")
    temperature = changes.get("temperature", request.temperature)
    top_p = changes.get("top_p", request.top_p)
    if info.temperature_or_top_p and temperature is not None and top_p is not None:
        drop("top_p", None, f"{info.id} takes temperature or top_p, not both; top_p not sent")
    if request.tools and not info.tools:
        drop("tools", (), f"tools are not supported by {info.id}; not sent")
        changes["tool_choice"] = None
    elif request.tool_choice is not None and request.tools and info.provider == "ollama":
        drop("tool_choice", None, "Ollama takes no tool choice (the model decides); not sent")
    budget = changes.get("thinking_budget", request.thinking_budget)
    if budget is not None and info.provider == "anthropic":
        if temperature is not None:
            drop("temperature", None, "temperature does not go with extended thinking; not sent")
        top_p = changes.get("top_p", top_p)
        if isinstance(top_p, float) and top_p < MIN_THINKING_TOP_P:
            drop("top_p", None, "extended thinking takes top_p of 0.95 or more; top_p not sent")
    return (replace(request, **changes) if changes else request), notes  # type: ignore[arg-type]
