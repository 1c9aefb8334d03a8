"""Prices: the shipped table, snapshot resolution, cost arithmetic, money format, overrides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import CATALOG, ModelInfo
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.pricing.price import Price, Tier
from openmaas_tui.core.pricing.prices import (
    FREE_PROVIDERS,
    PriceTable,
    cost_usd,
    load_price_table,
    shipped_pricing_file,
)
from openmaas_tui.core.types import Usage
from tests.support.recordings import expected

PAID = ("openai", "anthropic", "gemini")
PRICE_PAGES = {
    "openai": "https://developers.openai.com/api/docs/pricing",
    "anthropic": "https://www.anthropic.com/pricing#api",
    "gemini": "https://ai.google.dev/gemini-api/docs/pricing",
}


@pytest.fixture(scope="module")
def table() -> PriceTable:
    return PriceTable.load()


def _price(table: PriceTable, provider: str, model: str) -> Price:
    price = table.price(provider, model)
    assert price is not None, f"{provider}/{model} has no price"
    return price


# --- the shipped table ----------------------------------------------------------------------


def test_shipped_file_is_the_repository_pricing_toml() -> None:
    path = shipped_pricing_file()
    assert path.is_file()
    assert path.name == "pricing.toml"
    assert "[models." in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("info", [m for m in CATALOG if m.provider in PAID], ids=lambda m: m.ref)
def test_every_catalog_model_of_the_paid_providers_is_priced(
    table: PriceTable, info: ModelInfo
) -> None:
    price = _price(table, info.provider, info.id)
    assert price.input > 0
    assert price.output > 0
    assert price.source == PRICE_PAGES[info.provider]


def test_demo_has_an_entry_with_zeros(table: PriceTable) -> None:
    entry = table.entries["demo"]
    assert entry.provider == "demo"
    assert entry.price.is_free
    assert _price(table, "demo", "demo").is_free


def test_entries_are_sane(table: PriceTable) -> None:
    today = dt.date.today()
    assert len(table.entries) >= len([m for m in CATALOG if m.provider in PAID]) + 1
    for key, entry in table.entries.items():
        p = entry.price
        rates = [p.input, p.output, p.cached_input, p.cache_write]
        rates += [r for t in p.tiers for r in (t.input, t.output, t.cached_input, t.cache_write)]
        assert all(r is None or r >= 0 for r in rates), key
        assert p.source, key
        assert p.as_of is not None and dt.date(2025, 1, 1) <= p.as_of <= today, key
        if p.cached_input is not None:
            assert p.cached_input <= p.input, key
        for tier in p.tiers:
            assert tier.above_input_tokens > 0
            assert tier.input >= p.input and tier.output >= p.output, key


def test_long_context_tiers_are_present(table: PriceTable) -> None:
    for provider, model in [
        ("gemini", "gemini-2.5-pro"),
        ("gemini", "gemini-3-pro-preview"),
        ("anthropic", "claude-sonnet-4-5"),
    ]:
        (tier,) = _price(table, provider, model).tiers
        assert tier.above_input_tokens == 200_000


def test_anthropic_entries_carry_cache_write(table: PriceTable) -> None:
    for info in CATALOG:
        if info.provider == "anthropic":
            price = _price(table, "anthropic", info.id)
            assert price.cache_write is not None and price.cache_write > price.input


# --- resolution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("provider", "model", "family"),
    [
        ("openai", "gpt-4o-2024-08-06", "gpt-4o"),
        ("openai", "gpt-4o-2024-11-20", "gpt-4o"),
        ("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("openai", "gpt-4.1-2025-04-14", "gpt-4.1"),
        ("openai", "gpt-5-chat-latest", "gpt-5"),
        ("openai", "o3-2025-04-16", "o3"),
        ("openai", "o3-mini-2025-01-31", "o3-mini"),
        ("anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("anthropic", "claude-opus-4-1-20250805", "claude-opus-4-1"),
        ("anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4-0"),
        ("anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku-latest"),
        ("gemini", "gemini-2.0-flash-001", "gemini-2.0-flash"),
        ("gemini", "models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("openai", "GPT-4o", "gpt-4o"),
    ],
)
def test_snapshots_resolve_to_their_family(
    table: PriceTable, provider: str, model: str, family: str
) -> None:
    assert table.price(provider, model) == table.entries[family].price


def test_a_different_model_is_not_a_snapshot(table: PriceTable) -> None:
    assert _price(table, "openai", "o3-pro") != _price(table, "openai", "o3")


def test_a_snapshot_with_its_own_entry_keeps_it(table: PriceTable) -> None:
    own = _price(table, "openai", "gpt-4o-2024-05-13")
    assert (own.input, own.output) == (5.0, 15.0)
    assert own != _price(table, "openai", "gpt-4o")


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("openai", "o3-turbo"),  # not a snapshot of o3 and not in the table
        ("openai", "gpt-4o-2024"),
        ("anthropic", "gpt-4o"),  # right id, wrong provider
        ("groq", "llama-9-imaginary"),
        ("openrouter", "openai/gpt-4o"),
        ("labbox", "qwen2.5-7b"),  # custom endpoint: may be a paid service
    ],
)
def test_unknown_models_have_no_price(table: PriceTable, provider: str, model: str) -> None:
    assert table.price(provider, model) is None


@pytest.mark.parametrize("provider", sorted(FREE_PROVIDERS))
def test_local_providers_are_free_by_rule(table: PriceTable, provider: str) -> None:
    price = _price(table, provider, "llama3.2:latest")
    assert price.is_free
    assert cost_usd(price, Usage(1000, 1000)) == 0


# --- cost arithmetic -------------------------------------------------------------------------


def test_cost_plain(table: PriceTable) -> None:
    # gpt-4o: $2.50 in, $10 out per 1M
    cost = cost_usd(_price(table, "openai", "gpt-4o"), Usage(1000, 500))
    assert cost == pytest.approx(0.0075)


def test_cost_with_cached_input(table: PriceTable) -> None:
    # 600 uncached at $2.50 + 400 cached at $1.25 + 500 out at $10 = $0.007
    usage = Usage(input_tokens=1000, output_tokens=500, cached_input_tokens=400)
    assert cost_usd(_price(table, "openai", "gpt-4o"), usage) == pytest.approx(0.007)


def test_cached_input_without_its_own_rate_costs_input() -> None:
    price = Price(input=5.0, output=15.0)
    usage = Usage(input_tokens=1000, output_tokens=0, cached_input_tokens=500)
    assert cost_usd(price, usage) == pytest.approx(0.005)


def test_reasoning_tokens_are_part_of_output_and_not_charged_twice(table: PriceTable) -> None:
    # chat_json_o3_mini: 7 in, 87 out of which 64 reasoning; o3-mini $1.10 in, $4.40 out
    u = expected("openai/chat_json_o3_mini.json")["usage"]
    usage = Usage(u["input_tokens"], u["output_tokens"], u["cached_input_tokens"], 64)
    price = _price(table, "openai", "o3-mini")
    assert cost_usd(price, usage) == pytest.approx((7 * 1.1 + 87 * 4.4) / 1e6)
    assert cost_usd(price, usage) == cost_usd(price, Usage(7, 87, 0, None))


def test_anthropic_cache_read_from_a_recorded_stream(table: PriceTable) -> None:
    # stream_prompt_cache_max_tokens: input 12 + cache creation 248 + cache read 1830, 16 out.
    # Our convention folds all three into input_tokens; cache writes go at the input rate.
    u = expected("anthropic/stream_prompt_cache_max_tokens.sse")["usage"]
    usage = Usage(u["input_tokens"] + 248 + u["cached_input_tokens"], u["output_tokens"], 1830)
    price = _price(table, "anthropic", "claude-sonnet-4-5-20250929")
    assert cost_usd(price, usage) == pytest.approx((260 * 3.0 + 1830 * 0.3 + 16 * 15.0) / 1e6)


def test_long_context_tier_applies_to_every_token_past_the_threshold(table: PriceTable) -> None:
    price = _price(table, "gemini", "gemini-2.5-pro")  # $1.25/$10, above 200k: $2.50/$15
    at_limit = cost_usd(price, Usage(200_000, 1_000))
    past_limit = cost_usd(price, Usage(200_001, 1_000))
    assert at_limit == pytest.approx((200_000 * 1.25 + 1_000 * 10) / 1e6)
    assert past_limit == pytest.approx((200_001 * 2.5 + 1_000 * 15) / 1e6)
    cached = cost_usd(price, Usage(300_000, 0, cached_input_tokens=100_000))
    assert cached == pytest.approx((200_000 * 2.5 + 100_000 * 0.25) / 1e6)


def test_claude_sonnet_long_context_tier(table: PriceTable) -> None:
    price = _price(table, "anthropic", "claude-sonnet-4-5")
    assert cost_usd(price, Usage(250_000, 2_000)) == pytest.approx(1.545)


def test_highest_exceeded_tier_wins() -> None:
    price = Price(1.0, 2.0, tiers=(Tier(100, 3.0, 4.0), Tier(1_000, 5.0, 6.0)))
    assert price.rates_for(100).input == 1.0
    assert price.rates_for(101).input == 3.0
    assert price.rates_for(5_000).output == 6.0


@pytest.mark.parametrize(
    "usage", [Usage(None, 10), Usage(10, None), Usage()], ids=["no-input", "no-output", "none"]
)
def test_cost_is_unknown_without_counts(table: PriceTable, usage: Usage) -> None:
    assert cost_usd(_price(table, "openai", "gpt-4o"), usage) is None


def test_cost_is_unknown_without_a_price() -> None:
    assert cost_usd(None, Usage(10, 10)) is None


# --- money format ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("usd", "text"),
    [
        (None, "price unknown"),
        (float("nan"), "price unknown"),
        (0, "$0"),
        (0.0, "$0"),
        (1.234, "$1.23"),
        (1234.5, "$1,234.50"),
        (0.42, "$0.42"),
        (0.5, "$0.50"),
        (0.1234, "$0.12"),
        (0.012345, "$0.012"),
        (0.0042, "$0.0042"),
        (0.004, "$0.004"),
        (0.000015, "$0.000015"),
        (0.000001, "$0.000001"),
        (1e-9, "<$0.000001"),
        (0.999, "$1.00"),
        (-0.12, "-$0.12"),
    ],
)
def test_format_usd(usd: float | None, text: str) -> None:
    assert format_usd(usd) == text


# --- the user's override file ----------------------------------------------------------------

OVERRIDE = """\
[models."gpt-4o"]
provider = "openai"
input = 2.0
output = 8.0
source = "negotiated rate"
as_of = "2026-01-01"

[models."qwen-at-home"]
provider = "labbox"
model = "qwen2.5-7b-instruct"
input = 0.01
output = 0.02
"""


def test_user_override_replaces_and_adds(isolated_home: Path) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "pricing.toml").write_text(OVERRIDE, encoding="utf-8")
    table = load_price_table()
    gpt4o = _price(table, "openai", "gpt-4o-2024-08-06")
    assert (gpt4o.input, gpt4o.output, gpt4o.cached_input) == (2.0, 8.0, None)
    assert gpt4o.source == "negotiated rate"
    assert gpt4o.as_of == dt.date(2026, 1, 1)
    assert _price(table, "labbox", "qwen2.5-7b-instruct").input == 0.01
    assert _price(table, "openai", "gpt-4o-mini").input == 0.15  # untouched entries stay
    assert len(table.entries) == len(PriceTable.load().entries) + 1


def test_missing_override_is_fine(isolated_home: Path) -> None:
    assert not (isolated_home / "pricing.toml").exists()
    assert load_price_table().entries.keys() == PriceTable.load().entries.keys()


_BROKEN: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "negative": ('[models."x"]\nprovider = "openai"\ninput = -1\noutput = 2\n', 3, ("input",)),
    "unknown-field": (
        '[models."x"]\nprovider = "openai"\ninput = 1\noutput = 2\nouput = 3\n',
        5,
        ("ouput",),
    ),
    "no-provider": ('\n\n[models."x"]\ninput = 1\noutput = 2\n', 3, ("provider",)),
    "no-output": ('[models."x"]\nprovider = "openai"\ninput = 1\n', 1, ("output",)),
    "bad-toml": ('[models."x"]\nprovider = "openai"\ninput = = 1\n', 3, ("TOML",)),
    "bad-date": (
        '[models.x]\nprovider = "o"\ninput = 1\noutput = 1\nas_of = "soon"\n',
        5,
        ("as_of",),
    ),
    "bad-tier": (
        '[models."x"]\nprovider = "gemini"\ninput = 1\noutput = 2\n\n'
        '[[models."x".tiers]]\nabove_input_tokens = 10\ninput = 2\noutput = 3\n\n'
        '[[models."x".tiers]]\nabove_input_tokens = 0\ninput = 2\noutput = 3\n',
        12,
        ("above_input_tokens",),
    ),
    "top-level": ('currency = "EUR"\n', 1, ("currency",)),
}


@pytest.mark.parametrize("case", sorted(_BROKEN))
def test_broken_override_names_file_and_line(isolated_home: Path, case: str) -> None:
    text, line, words = _BROKEN[case]
    isolated_home.mkdir(parents=True, exist_ok=True)
    path = isolated_home / "pricing.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OpenMaaSError) as caught:
        load_price_table()
    err = caught.value
    assert err.code is ErrorCode.INVALID_SETTINGS
    assert f"{path}:{line}:" in err.message
    for word in words:
        assert word in err.message
    assert err.hint and str(path) in err.hint
    if case != "bad-toml" and case != "top-level":
        assert '[models."x"]' in err.message
