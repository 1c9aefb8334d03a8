"""Price entries from pydantic's ``genai-prices`` data, for :mod:`scripts.sync_prices`.

genai-prices (https://github.com/pydantic/genai-prices, MIT) records the published prices of
many providers, with history, long-context tiers and cache prices. Only maintainers need it,
to regenerate the repository's ``pricing.toml`` (``pip install -e '.[test]'`` brings the
version the file is checked against); openMaaS never needs it at run time.

What is generated:

- every token-priced model (USD per 1M input and output tokens) of each provider in
  :data:`GENAI_PROVIDERS` (the providers of :data:`~openmaas_tui.core.models.provider_specs.SPECS`
  that genai-prices knows); OpenRouter is left out (:data:`LEFT_OUT`): about a thousand models
  whose prices change weekly, and its own usage reports carry the cost;
- standard-tier prices (no batch, flex or priority variant) in force at noon UTC on the
  data's date (:func:`data_date`): that picks the current price of a model whose price changed,
  and the daytime price of DeepSeek's off-peak scheme;
- ``cached_input`` from genai-prices' cache-read price, ``cache_write`` from its (5-minute)
  cache-write price; the 1-hour cache-write, audio, image and web-search prices are not kept;
- long-context tiers: every threshold at which any of those four rates changes;
- ``source``: the provider's first price page in genai-prices; ``as_of``: the latest date on
  which genai-prices says the model's (else its provider's) prices were checked or verified,
  else the data's date.

Hand entries for what genai-prices lacks (the demo model) and the models deliberately left
unpriced live in ``pricing_extra.toml`` beside this script, each with a ``reason``.
The output depends only on the genai-prices version and that file, so it is deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib import metadata
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.pricing.price import Price, PriceEntry, Tier
from scripts.price_render import SyncedEntry

GENAI_PROVIDERS: dict[str, str] = {
    "openai": "openai",
    "azure": "azure",
    "anthropic": "anthropic",
    "gemini": "google",
    "groq": "groq",
    "deepseek": "deepseek",
    "mistral": "mistral",
    "cohere": "cohere",
    "cerebras": "cerebras",
    "together": "together",
    "xai": "x-ai",
    "fireworks": "fireworks",
    "vertex": "google",
    "bedrock": "aws",
}
"""Our provider name -> genai-prices' provider id, for every provider whose models are synced."""

LEFT_OUT: dict[str, str] = {
    "openrouter": "about a thousand resold models whose prices change weekly; OpenRouter "
    "reports each answer's cost itself",
    "ollama": "runs locally: free by rule (core.pricing.FREE_PROVIDERS)",
    "vllm": "runs locally: free by rule (core.pricing.FREE_PROVIDERS)",
    "llamacpp": "runs locally: free by rule (core.pricing.FREE_PROVIDERS)",
    "lmstudio": "runs locally: free by rule (core.pricing.FREE_PROVIDERS)",
    "perplexity": "Sonar models add a per-request search fee by search context size, which a "
    "per-token price cannot hold; unpriced rather than under-priced",
    "huggingface": "the router resells each model at the price of the inference provider it "
    "picks per request; unpriced rather than guessed",
    "demo": "offline demo: a hand entry in pricing_extra.toml",
}
"""Catalog providers not synced from genai-prices, and why."""

ONLY_PREFIXES: dict[str, tuple[str, ...]] = {
    "gemini": ("gemini-", "gemma-"),
    "vertex": ("gemini-",),
}
"""Model id prefixes kept for providers whose genai-prices list holds more than our endpoint
serves (Google's covers Vertex AI too, with Claude and Llama models)."""

SOURCES: dict[str, str] = {
    "vertex": "https://cloud.google.com/vertex-ai/generative-ai/pricing",
}
"""The price page cited for providers whose genai-prices entry lists another one first
(Google's lists the Gemini API's page, then Vertex AI's)."""

BEDROCK_GEOGRAPHIES = ("us", "eu", "apac", "au", "jp", "us-gov", "in")
"""Cross-region inference profile prefixes of Bedrock model ids
(https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html)."""

OWN_NAMES = frozenset({"openai", "anthropic", "gemini"})
"""Providers whose entries are keyed by the bare model id (they own those names); the other
providers' keys are ``provider/model`` so that ids shared between resellers never collide."""


_RATE_KEYS = (
    ("input", "input_mtok"),
    ("output", "output_mtok"),
    ("cached_input", "cache_read_mtok"),
    ("cache_write", "cache_write_mtok"),
)
_CHECKED = re.compile(r"(?:verified on|checked|as of)\s+(\d{4}-\d{2}-\d{2})", re.IGNORECASE)


def genai_prices_module() -> Any:
    """Import genai-prices' bundled data.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when genai-prices is not installed.
    """
    try:
        from genai_prices import data
    except ImportError:
        raise OpenMaaSError(
            ErrorCode.INVALID_SETTINGS,
            "genai-prices is not installed; it is needed only to regenerate pricing.toml",
            hint="pip install -e '.[test]' (it pins the genai-prices version pricing.toml uses)",
        ) from None
    return data


def genai_prices_version() -> str:
    """The installed genai-prices version, e.g. ``0.2.3``."""
    genai_prices_module()
    return metadata.version("genai-prices")


def _providers() -> dict[str, Any]:
    return {p.id: p for p in genai_prices_module().providers}


def _checked_dates(*texts: str | None) -> list[date]:
    return [date.fromisoformat(d) for t in texts if t for d in _CHECKED.findall(t)]


def data_date(providers: Iterable[Any] | None = None) -> date:
    """The newest date on which genai-prices' data says any price was checked."""
    providers = list(providers if providers is not None else _providers().values())
    texts = [p.price_comments for p in providers]
    texts += [m.price_comments for p in providers for m in p.models]
    return max(_checked_dates(*texts))


def _as_float(value: Decimal) -> float:
    return float(value)


def _rate_at(value: Any, threshold: int) -> float | None:
    """A genai-prices rate (Decimal or TieredPrices) in force for prompts over ``threshold``."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return _as_float(value)
    rate = value.base
    for tier in value.tiers:
        if tier.start <= threshold:
            rate = tier.price
    return _as_float(rate)


def price_from_genai(model_price: Any, source: str, as_of: date) -> Price | None:
    """Our :class:`Price` from a genai-prices ``ModelPrice``; None unless it prices input and
    output tokens (embeddings, image and audio models)."""
    raw = {ours: getattr(model_price, theirs, None) for ours, theirs in _RATE_KEYS}
    if raw["input"] is None or raw["output"] is None:
        return None
    starts = sorted(
        {
            t.start
            for v in raw.values()
            if v is not None and not isinstance(v, Decimal)
            for t in v.tiers
        }
    )
    base = {k: _rate_at(v, 0) for k, v in raw.items()}
    tiers = tuple(
        Tier(
            start,
            _rate_at(raw["input"], start) or 0.0,
            _rate_at(raw["output"], start) or 0.0,
            _rate_at(raw["cached_input"], start),
            _rate_at(raw["cache_write"], start),
        )
        for start in starts
        if start > 0
    )
    return Price(
        base["input"] or 0.0,
        base["output"] or 0.0,
        base["cached_input"],
        base["cache_write"],
        tiers=tiers,
        source=source,
        as_of=as_of,
    )


def _equals(match: Any) -> Iterator[str]:
    """The ids a genai-prices match clause names: ``equals`` and ``starts_with`` values (a
    prefix becomes an alias, so its dated snapshots resolve too), inside ``or``."""
    for field in ("equals", "starts_with"):
        if isinstance(value := getattr(match, field, None), str):
            yield value
    for clause in getattr(match, "or_", ()):
        yield from _equals(clause)


def _model_price_at(model: Any, when: datetime) -> Any:
    return model.get_prices(when)


def _source(provider: Any, ours: str = "") -> str:
    if ours in SOURCES:
        return SOURCES[ours]
    urls = provider.pricing_urls or []
    return str(urls[0]) if urls else ""


def bedrock_names(model_id: str) -> set[str]:
    """The ids Bedrock calls a genai-prices model by: genai-prices' ``regional.X`` is ``X``
    and each geography's inference profile (``us.X``, ``eu.X``, …); a plain ``X`` has those
    profiles too; ``global.X`` is only itself."""
    if model_id.startswith("global."):
        return set()
    base = model_id.removeprefix("regional.")
    return {base, *(f"{geo}.{base}" for geo in BEDROCK_GEOGRAPHIES)}


def synced_entries() -> list[SyncedEntry]:
    """Every entry genai-prices gives for :data:`GENAI_PROVIDERS`, in file order.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when genai-prices is not installed.
    """
    providers = _providers()
    fallback = data_date(providers.values())
    when = datetime.combine(fallback, time(12, 0), tzinfo=UTC)
    out: list[SyncedEntry] = []
    for ours, theirs in GENAI_PROVIDERS.items():
        provider = providers[theirs]
        provider_dates = _checked_dates(provider.price_comments)
        found: list[tuple[str, Any, Price]] = []
        for model in provider.models:
            if not model.id.lower().startswith(ONLY_PREFIXES.get(ours, ("",))):
                continue
            dates = _checked_dates(model.price_comments) or provider_dates or [fallback]
            source = _source(provider, ours)
            price = price_from_genai(_model_price_at(model, when), source, max(dates))
            if price is not None:
                found.append((model.id.lower(), model, price))
        ids = {model_id for model_id, _, _ in found}
        for model_id, model, price in sorted(found, key=lambda f: f[0]):
            named = {a.lower() for a in _equals(model.match) if a[-1:].isalnum()}
            if ours == "bedrock":
                named |= bedrock_names(model_id)
            aliases = sorted(named - ids - {model_id})
            ids.update(aliases)  # the first entry (by id) to claim an alias keeps it
            key = model_id if ours in OWN_NAMES else f"{ours}/{model_id}"
            note = "deprecated by the provider; kept so that old sessions still show a cost"
            out.append(
                SyncedEntry(
                    PriceEntry(key, ours, model_id, tuple(aliases), price),
                    note if model.deprecated else "",
                )
            )
    return out
