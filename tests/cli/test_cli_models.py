"""``openmaas models --json``: every catalog model with its provider, prices and context window
under stable field names, documented in ``--help``."""

from __future__ import annotations

import json

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.models.catalog import CATALOG
from openmaas_tui.core.models.listing import FIELDS


def _models(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["--no-keyring", "models", "--json"])
    out, _err = capsys.readouterr()
    assert code == 0
    data: dict[str, object] = json.loads(out)
    return data


def test_every_model_carries_the_same_fields(capsys: pytest.CaptureFixture[str]) -> None:
    data = _models(capsys)
    assert data["schema_version"] == 1 and data["errors"] == []
    models = data["models"]
    assert isinstance(models, list) and len(models) == len(CATALOG)
    for model in models:
        assert list(model) == list(FIELDS)


def test_a_priced_model_says_its_prices_date_and_window(
    capsys: pytest.CaptureFixture[str],
) -> None:
    models = _models(capsys)["models"]
    assert isinstance(models, list)
    sonnet = next(m for m in models if m["ref"] == "anthropic/claude-sonnet-4-5")
    assert sonnet["provider"] == "anthropic" and sonnet["id"] == "claude-sonnet-4-5"
    assert sonnet["context_window"] == 200_000 and sonnet["max_output_tokens"] == 64_000
    assert sonnet["input_usd_per_mtok"] == 3.0 and sonnet["output_usd_per_mtok"] == 15.0
    assert sonnet["cached_input_usd_per_mtok"] == 0.3
    assert len(sonnet["price_as_of"]) == len("2026-10-14")
    assert sonnet["price_source"].startswith("https://")
    demo = next(m for m in models if m["ref"] == "demo/demo")
    assert (demo["input_usd_per_mtok"], demo["output_usd_per_mtok"]) == (0.0, 0.0)


def test_help_lists_the_fields(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["models", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--json" in out
    for field in FIELDS:
        assert field in out
