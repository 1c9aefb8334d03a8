"""The ``usage`` object of an OpenAI answer, with the cost added as OpenRouter adds it.

OpenAI's shape (https://platform.openai.com/docs/api-reference/chat/object): ``prompt_tokens``,
``completion_tokens``, ``total_tokens``, ``prompt_tokens_details.cached_tokens`` and
``completion_tokens_details.reasoning_tokens``. OpenRouter adds ``cost`` to the same object
(https://openrouter.ai/docs/use-cases/usage-accounting); here it is in USD, beside
``price_as_of``, the date the price was last checked (``YYYY-MM-DD``), both null when the
model's price is unknown.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openmaas_tui.core.types import Usage


def usage_object(usage: Usage | None, cost_usd: float | None, as_of: date | None) -> dict[str, Any]:
    """The ``usage`` object for ``usage`` (counts the provider did not give are 0)."""
    usage = usage or Usage()
    prompt = usage.input_tokens or 0
    completion = usage.output_tokens or 0
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": usage.cached_input_tokens or 0},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens or 0},
        "cost": None if cost_usd is None else round(cost_usd, 10),
        "price_as_of": as_of.isoformat() if as_of is not None else None,
    }
