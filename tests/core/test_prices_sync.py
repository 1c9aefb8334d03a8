"""The shipped pricing.toml against genai-prices: every entry equal to what that data says (or a
hand entry with a reason), costs equal to genai-prices' own arithmetic, the catalog covered, and
``openmaas prices sync`` regenerating the very same file."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from genai_prices import Usage as GenaiUsage
from genai_prices.data import providers as genai_providers

from openmaas_tui.cli.main import main
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import CATALOG, DEFAULT_MODELS, PROVIDERS
from openmaas_tui.core.pricing.generate import SyncedEntry, load_extras
from openmaas_tui.core.pricing.prices import FREE_PROVIDERS, Price, PriceTable, cost_usd
from openmaas_tui.core.pricing.sync import (
    GENAI_PROVIDERS,
    LEFT_OUT,
    data_date,
    generate,
    synced_entries,
)
from openmaas_tui.core.types import Usage


@pytest.fixture(scope="module")
def table() -> PriceTable:
    return PriceTable.load()


@pytest.fixture(scope="module")
def synced() -> dict[str, SyncedEntry]:
    return {s.entry.key: s for s in synced_entries()}


def test_shipped_file_is_exactly_what_sync_generates() -> None:
    from openmaas_tui.core.pricing.prices import shipped_pricing_file

    assert shipped_pricing_file().read_text(encoding="utf-8") == generate(), (
        "pricing.toml is stale or was edited by hand: run `openmaas prices sync`"
    )


def test_every_shipped_entry_is_genai_prices_or_an_explained_hand_entry(
    table: PriceTable, synced: dict[str, SyncedEntry]
) -> None:
    extras = load_extras()
    for key, entry in table.entries.items():
        if key in extras.entries:
            hand, reason = extras.entries[key]
            assert reason.strip(), key
            assert entry == hand, key
            continue
        assert key in synced, f"{key} is neither from genai-prices nor a hand entry"
        assert entry == synced[key].entry, f"{key} differs from genai-prices"


def test_hand_entries_are_only_for_what_genai_prices_lacks(
    synced: dict[str, SyncedEntry],
) -> None:
    priced = {(s.entry.provider, s.entry.model) for s in synced.values()}
    for key, (entry, _) in load_extras().entries.items():
        assert (entry.provider, entry.model) not in priced, f"{key} is in genai-prices now"


def _genai_model(provider: str, model: str):  # type: ignore[no-untyped-def]
    wanted = GENAI_PROVIDERS[provider]
    (genai,) = [p for p in genai_providers if p.id == wanted]
    (found,) = [m for m in genai.models if m.id.lower() == model]
    return genai, found


def _usages(price: Price) -> list[tuple[int, int, int, int]]:
    """(input, cached, cache_write, output) cases: small, cached, written, past every tier."""
    cases = [(1_000, 0, 0, 500), (10_000, 4_000, 0, 300), (5_000, 1_000, 2_000, 100)]
    cases += [(t.above_input_tokens + 1, 1_000, 500, 2_000) for t in price.tiers]
    cases += [(t.above_input_tokens, 0, 0, 10) for t in price.tiers]  # at the threshold: base
    return cases


def test_costs_equal_genai_prices_arithmetic_for_every_synced_entry(
    synced: dict[str, SyncedEntry],
) -> None:
    when = datetime.combine(data_date(), time(12, 0), tzinfo=UTC)
    checked = 0
    for s in synced.values():
        price = s.entry.price
        genai_provider, model = _genai_model(s.entry.provider, s.entry.model)
        for inp, cached, written, out in _usages(price):
            if written and price.cache_write is None:
                continue  # genai-prices would charge those at input too, but not say so
            theirs = model.calc_price(
                GenaiUsage(
                    input_tokens=inp,
                    cache_read_tokens=cached if price.cached_input is not None else None,
                    cache_write_tokens=written or None,
                    output_tokens=out,
                ),
                genai_provider,
                genai_request_timestamp=when,
            ).total_price
            ours = cost_usd(price, Usage(inp, out, cached), cache_write_tokens=written)
            assert ours is not None
            assert Decimal(repr(ours)).quantize(Decimal("1e-12")) == theirs.quantize(
                Decimal("1e-12")
            ), (s.entry.key, inp, cached, written, out)
            checked += 1
    assert checked > 500


def test_scope_every_catalog_provider_is_synced_or_left_out_with_a_reason() -> None:
    for name in PROVIDERS:
        assert (name in GENAI_PROVIDERS) != (name in LEFT_OUT), name
    assert all(why.strip() for why in LEFT_OUT.values())


def test_every_catalog_and_default_model_is_priced_or_explicitly_unpriced(
    table: PriceTable,
) -> None:
    unpriced = load_extras().unpriced
    named = {(m.provider, m.id) for m in CATALOG} | set(DEFAULT_MODELS.items())
    for provider, model in sorted(named):
        ref = f"{provider}/{model}"
        price = table.price(provider, model)
        if ref in unpriced:
            assert price is None, f"{ref} is listed as unpriced but has a price"
            assert unpriced[ref].strip()
        else:
            assert price is not None, f"{ref}: no price and not listed as unpriced"
            assert price.is_free == (provider in FREE_PROVIDERS), ref


def test_catalog_models_of_paid_providers_have_source_and_as_of(table: PriceTable) -> None:
    for info in CATALOG:
        if info.provider in FREE_PROVIDERS:
            continue
        price = table.price(info.provider, info.id)
        assert price is not None and price.source.startswith("https://"), info.ref
        assert price.as_of is not None and price.as_of <= data_date(), info.ref


def test_long_context_tiers_come_through(synced: dict[str, SyncedEntry]) -> None:
    tiers = synced["gemini-2.5-pro"].entry.price.tiers
    assert [(t.above_input_tokens, t.input, t.output, t.cached_input) for t in tiers] == [
        (200_000, 2.5, 15.0, 0.25)
    ]
    assert synced["claude-sonnet-4-5"].entry.price.tiers[0].cache_write == 7.5


def test_resellers_are_keyed_by_provider_and_model(synced: dict[str, SyncedEntry]) -> None:
    entry = synced["groq/llama-3.1-8b-instant"].entry
    assert (entry.provider, entry.model) == ("groq", "llama-3.1-8b-instant")
    assert all(s.entry.provider in GENAI_PROVIDERS for s in synced.values())


def test_generation_is_deterministic() -> None:
    assert generate() == generate()


# --- hand entries file and the command -------------------------------------------------------


def test_a_hand_entry_without_a_reason_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "extra.toml"
    path.write_text('[models.x]\nprovider = "demo"\ninput = 0\noutput = 0\n', encoding="utf-8")
    with pytest.raises(OpenMaaSError) as caught:
        load_extras(path)
    assert caught.value.code is ErrorCode.INVALID_SETTINGS
    assert "reason" in caught.value.message and str(path) in caught.value.message


def test_sync_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pricing.toml"
    assert main(["prices", "sync", "--check", "-o", str(out)]) == 1  # missing: stale
    assert main(["prices", "sync", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == generate()
    assert main(["prices", "sync", "--check", "-o", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("input = 2.5", "input = 2.4", 1))
    assert main(["prices", "sync", "--check", "-o", str(out)]) == 1
    assert "openmaas prices sync" in capsys.readouterr().err


def test_sync_without_genai_prices_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "genai_prices", None)
    monkeypatch.setitem(sys.modules, "genai_prices.data", None)
    assert main(["prices", "sync", "-o", str(tmp_path / "p.toml")]) == 1
    err = capsys.readouterr().err
    assert "genai-prices is not installed" in err and "pip install genai-prices" in err
    assert not (tmp_path / "p.toml").exists()
