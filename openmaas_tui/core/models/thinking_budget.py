"""A thinking budget in tokens, sent in each provider's own form.

- Anthropic (and Claude on Bedrock and Vertex): ``thinking.budget_tokens``, at least 1,024 and
  below ``max_tokens`` (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
- Gemini 2.5: ``generationConfig.thinkingConfig.thinkingBudget``; Pro takes 128 to 32,768
  (thinking cannot be turned off), Flash 0 to 24,576, Flash-Lite 512 to 24,576 or 0 (0 turns
  thinking off) (https://ai.google.dev/gemini-api/docs/thinking#set-budget).
- Models that take a reasoning effort instead (OpenAI's o-series and GPT-5 through
  ``reasoning_effort`` / ``reasoning.effort``, Gemini 3's ``thinkingLevel``): the budget maps
  to the effort whose documented budget first covers it, by Google's published equivalence of
  the two (``low`` = 1,024, ``medium`` = 8,192, ``high`` = 24,576 tokens;
  https://ai.google.dev/gemini-api/docs/openai#thinking): 0 is ``minimal`` where the model
  offers it, up to 1,024 ``low``, up to 8,192 ``medium``, above that ``high``; an effort the
  model does not offer becomes the nearest one it does. The budget goes from 0 to the model's
  output limit.

Any other model keeps the budget in the request, and
:func:`~openmaas_tui.core.models.capabilities.applicable` drops it with a note.
"""

from __future__ import annotations

from dataclasses import replace

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.types import ChatRequest

ANTHROPIC_MIN_BUDGET = 1024
"""Anthropic's smallest ``budget_tokens``."""

LARGEST = 2**31 - 1
"""The largest budget a request may carry where nothing narrower is known."""

GEMINI_RANGES: tuple[tuple[str, int, int], ...] = (
    ("gemini-2.5-flash-lite", 512, 24_576),
    ("gemini-2.5-flash", 0, 24_576),
    ("gemini-2.5-pro", 128, 32_768),
)
"""Gemini 2.5 ``thinkingBudget`` ranges by model family (first prefix that matches), tokens."""

EFFORT_BUDGETS: tuple[tuple[str, int], ...] = (("low", 1_024), ("medium", 8_192), ("high", 24_576))
"""Each effort's documented budget in tokens (Google's OpenAI-compatibility equivalence)."""

_ORDER = ("minimal", "low", "medium", "high")


def effort_for(budget: int, offered: tuple[str, ...] = ()) -> str:
    """The effort a budget of ``budget`` tokens maps to, among ``offered`` (least first; any
    effort when empty): see the module docstring."""
    if budget == 0:
        wanted = "minimal"
    else:
        wanted = next((e for e, most in EFFORT_BUDGETS if budget <= most), "high")
    if not offered or wanted in offered:
        return wanted
    rank = _ORDER.index(wanted)
    return min(offered, key=lambda e: (abs(_ORDER.index(e) - rank), -_ORDER.index(e)))


def budget_range(request: ChatRequest, provider: str, info: ModelInfo | None) -> tuple[int, int]:
    """The smallest and largest budget (tokens) ``info`` takes, for ``request``."""
    model = info.id if info is not None else request.model
    output = info.max_output_tokens if info is not None else None
    if info is not None and "thinking_budget" not in info.params:
        return 0, output or LARGEST
    if provider == "anthropic" or "claude" in model:
        most = (request.max_tokens or output or LARGEST + 1) - 1
        return ANTHROPIC_MIN_BUDGET, most
    for prefix, least, most in GEMINI_RANGES:
        if model.startswith(prefix) or f"/{prefix}" in model:
            return (0 if prefix.endswith("lite") else least), most
    return 0, output or LARGEST


def with_thinking_budget(request: ChatRequest, budget: int, provider: str) -> ChatRequest:
    """``request`` asking for a thinking budget of ``budget`` tokens in the form the model
    takes: the budget itself, or the reasoning effort it maps to.

    Raises:
        OpenMaaSError: INVALID_REQUEST when ``budget`` is outside the model's range (the
            message gives the range; Flash-Lite's 1 to 511 is outside too).
    """
    info = find_model(provider, request.model)
    least, most = budget_range(request, provider, info)
    lite = info is not None and info.id.startswith("gemini-2.5-flash-lite")
    if not least <= budget <= most or (lite and 0 < budget < 512):
        shown = "0 or 512 … 24,576" if lite else f"{least:,} … {most:,}"
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"a thinking budget of {budget:,} tokens is out of range for {request.model}: {shown}",
            provider=provider,
            hint="give --thinking-budget within that range"
            + (" (and below --max-tokens)" if provider == "anthropic" else ""),
        )
    if info is not None and "thinking_budget" not in info.params:
        if "reasoning_effort" in info.params:
            effort = effort_for(budget, info.efforts)
            return replace(request, thinking_budget=None, reasoning_effort=effort)
    return replace(request, thinking_budget=budget)


__all__ = [
    "ANTHROPIC_MIN_BUDGET",
    "EFFORT_BUDGETS",
    "GEMINI_RANGES",
    "budget_range",
    "effort_for",
    "with_thinking_budget",
]
