"""What a message would cost before it is sent: input tokens, input cost, context-window fill,
the CONTEXT_TOO_LONG check and the session spending limit. Plain data, no Textual.

Every count says what it is (:class:`CountKind`): ``exact`` (the provider's reported usage),
``provider`` (the provider's own count before sending: Anthropic ``count_tokens``, Gemini
``countTokens``) or ``local`` (tiktoken here, shown with ``≈``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import cost_usd
from openmaas_tui.core.tokens.count import count_messages
from openmaas_tui.core.types import Message, Usage


class CountKind(StrEnum):
    """Where a token count comes from."""

    EXACT = "exact"
    """The provider's reported usage of a request it answered."""
    PROVIDER = "provider"
    """The provider's count of a request not yet sent (count_tokens / countTokens)."""
    LOCAL = "local"
    """Counted here with tiktoken: an estimate for every model not on OpenAI's tokenizers."""


def format_count(tokens: int, kind: CountKind) -> str:
    """``1,234`` (exact), ``1,234 (provider count)`` or ``≈1,234`` (local estimate)."""
    if kind is CountKind.LOCAL:
        return f"≈{tokens:,}"
    if kind is CountKind.PROVIDER:
        return f"{tokens:,} (provider count)"
    return f"{tokens:,}"


def short_tokens(tokens: int) -> str:
    """A compact count for the window gauge: ``850``, ``12.4k``, ``128k``, ``1.05M``."""
    if tokens < 1000:
        return str(tokens)
    if tokens < 1_000_000:
        value = tokens / 1000
        return f"{value:.1f}k".replace(".0k", "k") if value < 100 else f"{value:.0f}k"
    return f"{tokens / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"


def window_fill(tokens: int, window: int | None) -> str:
    """``12.4k / 128k``, or just ``12.4k`` when the model's context window is unknown."""
    if window is None:
        return short_tokens(tokens)
    return f"{short_tokens(tokens)} / {short_tokens(window)}"


def prices_as_of(price: Price | None) -> str:
    """``prices as of 2026-10-14`` (the date the price was checked), or ``""`` when unknown or
    free (a local or demo model has no price that can go stale)."""
    if price is None or price.as_of is None or (price.input == 0 and price.output == 0):
        return ""
    return f"prices as of {price.as_of.isoformat()}"


@dataclass(frozen=True, slots=True)
class Estimate:
    """The input side of a request about to be sent.

    Attributes:
        input_tokens: prompt tokens (chat-format overhead included).
        kind: where the count comes from.
        window: the model's context window in tokens, or None when unknown.
        price: the model's price, or None when unknown.
    """

    input_tokens: int
    kind: CountKind
    window: int | None
    price: Price | None

    @property
    def input_cost_usd(self) -> float | None:
        """What the input tokens cost (USD, at the tier the prompt length selects), or None
        when the price is unknown."""
        return cost_usd(self.price, Usage(self.input_tokens, 0))

    @property
    def fits(self) -> bool:
        """False when the prompt alone fills the context window (no room for an answer)."""
        return self.window is None or self.input_tokens < self.window

    def text(self) -> str:
        """``≈1,234 in · ≈$0.0031 · 1.2k / 128k``: the count, the input cost (``price
        unknown`` when unpriced, never $0) and the window fill."""
        mark = "≈" if self.kind is CountKind.LOCAL else ""
        cost = self.input_cost_usd
        cost_text = format_usd(cost) if not cost else f"{mark}{format_usd(cost)}"
        return " · ".join(
            (
                f"{format_count(self.input_tokens, self.kind)} in",
                cost_text,
                window_fill(self.input_tokens, self.window),
            )
        )


def estimate_input(
    messages: Sequence[Message],
    system: str | None,
    provider: str,
    model: str,
    *,
    window: int | None,
    price: Price | None,
) -> Estimate:
    """A local estimate (tiktoken, chat overhead included) of a request's input.

    Encoding a long conversation takes milliseconds to seconds: call it off the UI thread.
    """
    tokens = count_messages(messages, system, provider, model)
    return Estimate(tokens, CountKind.LOCAL, window, price)


def too_long(estimate: Estimate, model_label: str) -> OpenMaaSError | None:
    """CONTEXT_TOO_LONG when ``estimate`` does not fit the model's window, else None."""
    if estimate.fits or estimate.window is None:
        return None
    return OpenMaaSError(
        ErrorCode.CONTEXT_TOO_LONG,
        f"this message and the session's context come to "
        f"{format_count(estimate.input_tokens, estimate.kind)} tokens; {model_label} accepts "
        f"{estimate.window:,} in all (prompt and answer)",
        hint="shorten the message, start a new chat (ctrl+n) or pick a model with a larger "
        "window (ctrl+l); nothing was sent",
    )


def crosses_limit(spent_usd: float, next_usd: float | None, limit_usd: float | None) -> bool:
    """Whether sending something that costs ``next_usd`` takes a session that has spent
    ``spent_usd`` past ``limit_usd`` (False without a limit or a known cost)."""
    if limit_usd is None or next_usd is None:
        return False
    return spent_usd + next_usd > limit_usd
