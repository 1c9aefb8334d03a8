"""``openmaas sessions costs``: the cost report of the history as Rich tables or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from openmaas_tui.cli import costs
from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.types import Usage
from tests.support.cost_history import TODAY, fixed_zone, seed, seed_with_gateway


@pytest.fixture
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(costs, "today", lambda: TODAY)
    with fixed_zone("UTC0"):
        yield


@pytest.fixture
def seeded(fixed_day: None) -> None:
    seed(resolve_paths().history_db).close()


@pytest.fixture
def with_gateway(fixed_day: None) -> None:
    """The seeded history and two answers through the gateway, one from an escape-laden
    client name (as a tampered history could hold)."""
    answer = AnswerRecord("hi", usage=Usage(12, 34), cost_usd=0.125)
    seed_with_gateway(resolve_paths().history_db, answer, ["OpenAI/Python", "evil\x1b[31m/1"])


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--no-keyring", "sessions", "costs", *argv])
    return code, capsys.readouterr().out


def test_json_has_periods_days_and_models(seeded: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(["--json", "--days", "4"], capsys)
    assert code == 0
    report = json.loads(out)
    assert report["today"] == "2026-03-14" and report["days_are"] == "local"
    today = report["periods"]["Today"]
    assert today["cost_usd"] == pytest.approx(0.75)
    assert (today["answers"], today["unknown_price_answers"], today["cost_estimated"]) == (
        4,
        1,
        True,
    )
    assert [d["day"] for d in report["days"]] == [
        "2026-03-11",
        "2026-03-12",
        "2026-03-13",
        "2026-03-14",
    ]
    assert report["days"][0]["reasoning_tokens"] == 300
    gpt = report["models"][0]
    assert (gpt["provider"], gpt["model"], gpt["cached_input_tokens"]) == ("openai", "gpt-4o", 200)
    assert report["models"][-1]["cost_usd"] == 0.0
    assert report["models"][-1]["unknown_price_answers"] == 1


def test_tables_show_known_costs_and_unpriced_answers(
    seeded: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "130")
    code, out = _run([], capsys)
    assert code == 0
    assert "≈$7.75" in out and "per day, last 30 days (local time)" in out
    assert "2026-03-04" in out and "2026-02-02" not in out  # 40 days ago: all time only
    model_line = next(line for line in out.splitlines() if "llama-70b" in line)
    assert "price unknown" in model_line and "$0" not in model_line
    assert "reasoning" in out and "unpriced" in out


def test_an_empty_history_says_how_to_fill_it(
    fixed_day: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run([], capsys)
    assert code == 0
    assert "no answers in the history yet" in out and "openmaas ask" in out


def test_json_has_each_source_and_gateway_client(
    with_gateway: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _run(["--json"], capsys)
    assert code == 0
    sources = {(s["source"], s["client"]): s for s in json.loads(out)["sources"]}
    assert set(sources) == {
        ("playground", None),
        ("gateway", "OpenAI/Python"),
        ("gateway", "evil\x1b[31m/1"),
    }
    gateway = sources["gateway", "OpenAI/Python"]
    assert (gateway["answers"], gateway["input_tokens"], gateway["output_tokens"]) == (1, 12, 34)
    assert gateway["cost_usd"] == pytest.approx(0.125)
    assert "\x1b" not in out  # escaped in the JSON text


def test_the_source_table_names_the_gateways_clients_safely(
    with_gateway: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "130")
    code, out = _run([], capsys)
    assert code == 0 and "per source, all time" in out
    line = next(line for line in out.splitlines() if "OpenAI/Python" in line)
    assert "gateway" in line and "$0.12" in line
    assert "playground" in out
    assert "\x1b" not in out
