"""The models as ``openmaas models --json`` prints them: one flat object per model, with stable
field names (documented in :data:`FIELDS`; a field is added, never renamed or retyped)."""

from __future__ import annotations

from typing import Any

from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.pricing.price import Price

FIELDS: dict[str, str] = {
    "provider": "the provider's name (``openmaas keys``, ``--provider``)",
    "id": "the model id its provider knows",
    "ref": "provider/id, the unambiguous name for -m",
    "context_window": "prompt + output tokens the model accepts, or null when unknown",
    "max_output_tokens": "the most output tokens per answer, or null when unknown",
    "input_usd_per_mtok": "USD per 1M uncached input tokens, or null when the price is unknown",
    "output_usd_per_mtok": "USD per 1M output tokens (reasoning included), or null",
    "cached_input_usd_per_mtok": "USD per 1M input tokens read from cache, or null",
    "price_as_of": "the date the price was read (YYYY-MM-DD), or null",
    "price_source": "the provider's price page, or null",
    "vision": "accepts images",
    "reasoning": "thinks before answering",
    "tools": "takes tool definitions",
}
"""Every field of a model's object, in order, with what it holds."""

SCHEMA_VERSION = 1
"""The version of the ``--json`` shape; raised only if a field ever changes meaning."""


def model_json(info: ModelInfo, price: Price | None) -> dict[str, Any]:
    """``info`` and its ``price`` as one object with the fields of :data:`FIELDS`."""
    cached = None
    if price is not None:
        cached = price.cached_input if price.cached_input is not None else price.input
    return {
        "provider": info.provider,
        "id": info.id,
        "ref": info.ref,
        "context_window": info.context_window,
        "max_output_tokens": info.max_output_tokens,
        "input_usd_per_mtok": price.input if price is not None else None,
        "output_usd_per_mtok": price.output if price is not None else None,
        "cached_input_usd_per_mtok": cached,
        "price_as_of": price.as_of.isoformat() if price and price.as_of else None,
        "price_source": price.source or None if price is not None else None,
        "vision": info.vision,
        "reasoning": info.reasoning,
        "tools": info.tools,
    }


def fields_help() -> str:
    """The fields as ``--help`` lists them: ``provider, id, ref, …``."""
    return ", ".join(FIELDS)


__all__ = ["FIELDS", "SCHEMA_VERSION", "fields_help", "model_json"]
