"""A model's price: rates in USD per 1M tokens, long-prompt tiers, where and when it was read.

The shapes only; :mod:`openmaas_tui.core.pricing.prices` holds the table and the cost of a usage,
and :mod:`openmaas_tui.core.pricing.reading` reads ``pricing.toml`` into these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Tier:
    """Rates in force when a request's prompt holds more than ``above_input_tokens`` tokens.

    Attributes:
        above_input_tokens: the prompt length (input tokens, cached included) past which
            these rates apply to every token of the request.
        input: USD per 1M uncached input tokens.
        output: USD per 1M output tokens (reasoning included).
        cached_input: USD per 1M input tokens read from cache; None means ``input``.
        cache_write: USD per 1M input tokens written to cache; None when not charged apart.
    """

    above_input_tokens: int
    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None


@dataclass(frozen=True, slots=True)
class Price:
    """A model's price, all rates in USD per 1M tokens.

    Attributes:
        input: uncached input (prompt) tokens.
        output: output tokens, reasoning/thinking tokens included.
        cached_input: input tokens read from the provider's cache; None means ``input``.
        cache_write: input tokens written to the cache (Anthropic), or None.
        tiers: long-prompt rates, by ascending ``above_input_tokens``.
        source: the provider's price page (or a note such as "runs locally").
        as_of: when the price was last checked, or None when not said (user entries).
    """

    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None
    tiers: tuple[Tier, ...] = ()
    source: str = ""
    as_of: date | None = None

    @property
    def is_free(self) -> bool:
        """True when every rate is zero (local and demo models)."""
        rates = (self.input, self.output, self.cached_input or 0.0, self.cache_write or 0.0)
        return all(r == 0 for r in rates) and all(
            t.input == 0 and t.output == 0 and not t.cached_input for t in self.tiers
        )

    def rates_for(self, input_tokens: int) -> Tier:
        """The rates in force for a request whose prompt holds ``input_tokens`` tokens.

        The highest tier whose threshold the prompt exceeds wins; below every tier the base
        rates apply (returned as a tier with ``above_input_tokens=0``).
        """
        chosen = Tier(0, self.input, self.output, self.cached_input, self.cache_write)
        for tier in self.tiers:
            if input_tokens > tier.above_input_tokens:
                chosen = tier
        return chosen


@dataclass(frozen=True, slots=True)
class PriceEntry:
    """One ``[models."KEY"]`` table of a pricing file.

    Attributes:
        key: the table's key.
        provider: the provider it prices the model at.
        model: the model id (the ``model`` field, else the key).
        aliases: other ids of the same model.
        price: the rates, source and date.
    """

    key: str
    provider: str
    model: str
    aliases: tuple[str, ...]
    price: Price
