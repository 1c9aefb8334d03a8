"""What the model picker shows for each model: its price (USD per 1M input / output tokens), its
context window and whether its provider's key is present, never anything of the key itself.

A model's facts (where it routes, its price, its window) do not change while the app runs, so
:class:`PickerFacts` finds each once and keeps it: a catalog of thousands of discovered models
costs its lookups on the first opening only. Whether a key is present is asked afresh each time
(:func:`key_states`, blocking: it may read the OS keyring), once per provider, not per model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.models.choices import ModelChoices
from openmaas_tui.core.models.provider_specs import CredentialKind
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import PriceTable


class KeyState(StrEnum):
    """Whether a provider can be asked with the keys at hand, as the picker says it."""

    PRESENT = "✓ key"
    """A key (or every part a request needs first) is set: keyring, memory or environment."""
    MISSING = "✗ no key"
    """The provider needs a key and none is set: asking it fails with MISSING_KEY."""
    OPTIONAL = "– optional"
    """A key is sent when there is one and never required (custom endpoints)."""
    NOT_NEEDED = "– none needed"
    """A local server or the offline demo."""
    UNKNOWN = "…"
    """Not read yet (the keyring is being asked)."""


@dataclass(frozen=True, slots=True)
class PickerRow:
    """One model as the picker lists it.

    Attributes:
        spec: the picker's value: the spec that routes to the model.
        label: how the model is named (``provider/id``, ``demo (offline)``).
        provider: the provider it routes to, or None when it routes nowhere.
        price: its price (USD per 1M tokens), or None when unknown.
        context_window: prompt + output tokens it accepts, or None when unknown.
        key: whether its provider's key is present.
    """

    spec: str
    label: str
    provider: str | None
    price: Price | None
    context_window: int | None
    key: KeyState

    @property
    def haystack(self) -> str:
        """What a search matches against, lower case: the label, the spec and the provider."""
        return f"{self.label} {self.spec} {self.provider or ''}".lower()


def rate_text(usd_per_mtok: float) -> str:
    """A rate in USD per 1M tokens, short: ``$0``, ``$3``, ``$0.15``, ``$2.50``, ``$0.075``
    (up to four decimals, at least two)."""
    if usd_per_mtok == 0:
        return "$0"
    if usd_per_mtok >= 1 and usd_per_mtok == int(usd_per_mtok):
        return f"${usd_per_mtok:,.0f}"
    whole, _, fraction = f"{usd_per_mtok:,.4f}".rstrip("0").partition(".")
    return f"${whole}.{fraction.ljust(2, '0')}"


def price_text(price: Price | None) -> str:
    """``$3 / $15`` (input / output, USD per 1M tokens), ``free`` for $0 both, ``price ?``."""
    if price is None:
        return "price ?"
    if price.input == 0 and price.output == 0:
        return "free"
    return f"{rate_text(price.input)} / {rate_text(price.output)}"


def context_text(tokens: int | None) -> str:
    """A context window, short: ``200k``, ``1M``, ``1.05M``, ``8,192``, ``ctx ?``."""
    if tokens is None:
        return "ctx ?"
    if tokens >= 1_000_000:
        return f"{tokens / 1_000_000:.2f}".rstrip("0").rstrip(".") + "M"
    if tokens >= 10_000:
        return f"{tokens / 1000:.0f}k"
    return f"{tokens:,}"


def key_states(
    keys: KeyStore, providers: Iterable[tuple[str, CredentialKind]]
) -> dict[str, KeyState]:
    """Whether each provider's key is present (blocking: may read the OS keyring; call it from
    a thread): for a provider signed with more than a key, whether it can sign a request
    (:meth:`~openmaas_tui.core.credentials.keys.KeyStore.can_authenticate`). Only presence is
    read: no part of a key leaves this function.

    Args:
        keys: the run's keys.
        providers: ``(name, credential kind)`` of every provider and custom endpoint.

    Returns:
        The state of each provider by name; ``demo`` is :attr:`KeyState.NOT_NEEDED`.
    """
    states = {"demo": KeyState.NOT_NEEDED}
    for name, kind in providers:
        if kind is CredentialKind.NONE:
            states[name] = KeyState.NOT_NEEDED
        elif kind is CredentialKind.OPTIONAL_KEY:
            present = not keys.credentials(name).empty
            states[name] = KeyState.PRESENT if present else KeyState.OPTIONAL
        else:  # a part with a default (Vertex AI's location, a region) is not a credential
            present = keys.can_authenticate(name)
            states[name] = KeyState.PRESENT if present else KeyState.MISSING
    return states


class PickerFacts:
    """Each listed model's route, price and context window, found once and kept.

    Args:
        choices: the picker's list (and how it routes a spec).
        prices: the price table.
    """

    def __init__(self, choices: ModelChoices, prices: PriceTable) -> None:
        self._choices = choices
        self._prices = prices
        self._facts: dict[str, tuple[str | None, Price | None, int | None]] = {}

    def rows(
        self, pairs: Sequence[tuple[str, str]], keys: Mapping[str, KeyState]
    ) -> list[PickerRow]:
        """The picker's rows for ``pairs`` (``(label, spec)``, in order), with the key states
        ``keys`` (a provider missing from it is :attr:`KeyState.UNKNOWN`)."""
        rows = []
        for label, spec in pairs:
            provider, price, window = self._facts_of(spec)
            key = keys.get(provider, KeyState.UNKNOWN) if provider else KeyState.UNKNOWN
            rows.append(PickerRow(spec, label, provider, price, window, key))
        return rows

    def _facts_of(self, spec: str) -> tuple[str | None, Price | None, int | None]:
        found = self._facts.get(spec)
        if found is None:
            info = self._choices.info(spec)
            if info is None:
                found = (None, None, None)
            else:
                price = self._prices.price(info.provider, info.id)
                found = (info.provider, price, info.context_window)
            self._facts[spec] = found
        return found
