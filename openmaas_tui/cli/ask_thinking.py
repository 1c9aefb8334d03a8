"""``openmaas ask --thinking-budget N``: the most tokens the model may think, sent as the
provider takes it (:mod:`openmaas_tui.core.models.thinking_budget`)."""

from __future__ import annotations

import argparse

from openmaas_tui.core.models.thinking_budget import with_thinking_budget
from openmaas_tui.core.types import ChatRequest

HELP = (
    "most tokens the model may think: Anthropic thinking.budget_tokens (1024 and up, below "
    "--max-tokens), Gemini 2.5 thinkingConfig.thinkingBudget (Pro 128..32768, Flash 0..24576, "
    "Flash-Lite 0 or 512..24576); OpenAI reasoning models and Gemini 3 take an effort "
    "instead: 0 minimal, up to 1024 low, up to 8192 medium, above that high"
)


def add_thinking_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--thinking-budget N`` (tokens, 0 or more)."""
    parser.add_argument(
        "--thinking-budget",
        type=int,
        dest="thinking_budget",
        metavar="N",
        help=HELP,
    )


def apply_thinking_budget(
    request: ChatRequest, args: argparse.Namespace, provider: str
) -> ChatRequest:
    """``request`` with ``--thinking-budget`` in the form the model takes, unchanged without it.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a budget out of the model's range (with the range).
    """
    budget = getattr(args, "thinking_budget", None)
    if budget is None:
        return request
    return with_thinking_budget(request, budget, provider)


__all__ = ["HELP", "add_thinking_argument", "apply_thinking_budget"]
