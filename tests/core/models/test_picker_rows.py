"""The model picker's rows: prices and windows written short, whether a provider's key is
present (and nothing of the key), and each model's facts found once however often the rows
are asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.models.choices import ModelChoices
from openmaas_tui.core.models.picker_rows import (
    KeyState,
    PickerFacts,
    context_text,
    key_states,
    price_text,
    rate_text,
)
from openmaas_tui.core.models.provider_specs import SPECS, CredentialKind
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import PriceTable

FAKE_KEY = "sk-FAKE-0123456789abcdef"


@pytest.mark.parametrize(
    ("usd", "shown"),
    [(0, "$0"), (3, "$3"), (15, "$15"), (0.15, "$0.15"), (2.5, "$2.50"), (0.075, "$0.075"),
     (1.1, "$1.10"), (1000, "$1,000")],
)  # fmt: skip
def test_rates_are_short(usd: float, shown: str) -> None:
    assert rate_text(usd) == shown


def test_prices_and_windows() -> None:
    assert price_text(Price(2.5, 10.0)) == "$2.50 / $10"
    assert price_text(Price(0.0, 0.0)) == "free"
    assert price_text(None) == "price ?"
    assert [context_text(n) for n in (None, 8192, 128_000, 1_000_000, 1_048_576)] == [
        "ctx ?",
        "8,192",
        "128k",
        "1M",
        "1.05M",
    ]


def _providers(keys: KeyStore) -> list[tuple[str, CredentialKind]]:
    return [(name, spec.credential) for name, spec in SPECS.items()]


def test_key_states_say_only_whether_a_key_is_there(tmp_path: Path) -> None:
    keys = KeyStore(
        {"mine": Endpoint("mine", base_url="http://127.0.0.1:9/v1")},
        environ={"ANTHROPIC_API_KEY": FAKE_KEY, "AWS_REGION": "us-east-1", "HOME": str(tmp_path)},
        use_keyring=False,
    )
    keys.set("openai", FAKE_KEY, persist=False)
    states = key_states(keys, [*_providers(keys), ("mine", CredentialKind.OPTIONAL_KEY)])
    assert states["openai"] is KeyState.PRESENT  # in memory
    assert states["anthropic"] is KeyState.PRESENT  # from the environment
    assert states["gemini"] is KeyState.MISSING
    # a default location or a region alone signs nothing
    assert states["vertex"] is KeyState.MISSING
    assert states["bedrock"] is KeyState.MISSING
    assert states["ollama"] is KeyState.NOT_NEEDED
    assert states["demo"] is KeyState.NOT_NEEDED
    assert states["mine"] is KeyState.OPTIONAL
    shown = " ".join(str(s) for s in states.values()) + repr(states)
    assert FAKE_KEY not in shown and "sk-" not in shown


class CountingPrices(PriceTable):
    """A price table that counts the lookups."""

    def __init__(self, table: PriceTable) -> None:
        super().__init__(table.entries)
        self.lookups = 0

    def price(self, provider: str, model: str) -> Price | None:
        self.lookups += 1
        return super().price(provider, model)


def test_rows_carry_price_window_and_key_and_facts_are_found_once() -> None:
    choices = ModelChoices(dict)
    prices = CountingPrices(PriceTable.load())
    facts = PickerFacts(choices, prices)
    pairs = [*choices.pairs, ("nowhere", "unknown-model-xyz")]
    rows = facts.rows(pairs, {})
    by_spec = {row.spec: row for row in rows}
    mini = by_spec["gpt-4o-mini"]
    assert mini.provider == "openai" and mini.context_window == 128_000
    assert mini.price == prices.price("openai", "gpt-4o-mini")
    assert mini.key is KeyState.UNKNOWN  # the keys not read yet
    assert by_spec["demo"].price is not None and price_text(by_spec["demo"].price) == "free"
    assert [row.spec for row in rows] == [spec for _, spec in pairs]
    looked_up = prices.lookups
    assert looked_up >= len(choices) - 1

    again = facts.rows(pairs, {"openai": KeyState.PRESENT, "demo": KeyState.NOT_NEEDED})
    assert prices.lookups == looked_up  # found once
    again_by_spec = {row.spec: row for row in again}
    assert again_by_spec["gpt-4o-mini"].key is KeyState.PRESENT
    assert again_by_spec["claude-sonnet-4-5"].key is KeyState.UNKNOWN
    assert "gpt-4o-mini" in again_by_spec["gpt-4o-mini"].haystack
