"""Summary rankings and ordering, and the run's JSON and Markdown exports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openmaas_tui.core.compare.export import export_run, run_json, run_markdown
from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.compare.summary import Row, Summary, _best
from openmaas_tui.services import Services, open_services
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply


def _row(index: int, **kw: object) -> Row:
    base: dict[str, object] = {
        "index": index,
        "label": f"m{index}",
        "provider": "p",
        "model": f"m{index}",
        "status": "done",
        "error_code": None,
        "ttft_ms": 100.0,
        "duration_ms": 1000.0,
        "input_tokens": 10,
        "output_tokens": 100,
        "estimated": False,
        "tokens_per_s": 50.0,
        "cost_usd": 0.01,
    }
    base.update(kw)
    return Row(**base)  # type: ignore[arg-type]


def test_winners_are_among_finished_rows_and_ties_win_nothing() -> None:
    rows = [
        _row(0, cost_usd=0.002, ttft_ms=300.0, tokens_per_s=90.0),
        _row(1, cost_usd=0.001, ttft_ms=50.0, status="error", error_code="RATE_LIMITED"),
        _row(2, cost_usd=0.003, ttft_ms=200.0, tokens_per_s=120.0),
        _row(3, cost_usd=None, ttft_ms=None, tokens_per_s=None, status="stopped"),
    ]
    assert _best(rows, lambda r: r.cost_usd, lowest=True) == 0
    assert _best(rows, lambda r: r.ttft_ms, lowest=True) == 2
    assert _best(rows, lambda r: r.tokens_per_s, lowest=False) == 2
    free = [_row(0, cost_usd=0.0), _row(1, cost_usd=0.0)]
    assert _best(free, lambda r: r.cost_usd, lowest=True) is None


def _ttft_winner(a: float, b: float) -> int | None:
    return _best([_row(0, ttft_ms=a), _row(1, ttft_ms=b)], lambda r: r.ttft_ms, True, ms=True)


def _rate_winner(a: float, b: float) -> int | None:
    rows = [_row(0, tokens_per_s=a), _row(1, tokens_per_s=b)]
    return _best(rows, lambda r: r.tokens_per_s, lowest=False)


def _cost_winner(a: float, b: float) -> int | None:
    return _best([_row(0, cost_usd=a), _row(1, cost_usd=b)], lambda r: r.cost_usd, lowest=True)


def test_a_ttft_lead_wins_only_beyond_10_ms_and_5_percent() -> None:
    assert _ttft_winner(100.0, 110.0) is None  # 10 ms is not more than 10 ms
    assert _ttft_winner(100.0, 110.5) == 0  # 10.5 ms and 9.5%
    assert _ttft_winner(950.0, 1000.0) is None  # 50 ms, but exactly 5% of 1000
    assert _ttft_winner(1000.0, 949.0) == 1  # 51 ms, 5.1%
    assert _ttft_winner(20.0, 29.0) is None  # 45%, but 9 ms: jitter


def test_a_rate_or_cost_lead_wins_only_beyond_5_percent() -> None:
    assert _rate_winner(100.0, 95.0) is None  # exactly 5% of 100
    assert _rate_winner(94.9, 100.0) == 1
    assert _cost_winner(0.0100, 0.0105) is None  # 4.8% of 0.0105
    assert _cost_winner(0.0110, 0.0100) == 1  # 9.1%
    assert _cost_winner(0.0, 0.0) is None  # all free: nobody is the cheapest


def test_the_lead_is_over_the_runner_up_not_the_last() -> None:
    rows = (
        _row(0, ttft_ms=100.0, tokens_per_s=50.0),
        _row(1, ttft_ms=104.0, tokens_per_s=80.0),
        _row(2, ttft_ms=900.0, tokens_per_s=81.0),
    )
    summary = summarize_rows(rows)
    assert summary.fastest_ttft is None and summary.highest_rate is None
    assert summary.marks(0) == summary.marks(2) == []


def summarize_rows(rows: tuple[Row, ...]) -> Summary:
    return Summary(
        rows,
        cheapest=_best(rows, lambda r: r.cost_usd, lowest=True),
        fastest_ttft=_best(rows, lambda r: r.ttft_ms, lowest=True, ms=True),
        highest_rate=_best(rows, lambda r: r.tokens_per_s, lowest=False),
    )


def test_sorting_puts_unfinished_rows_last_whatever_the_key() -> None:
    rows = (
        _row(0, duration_ms=900.0, tokens_per_s=10.0, cost_usd=0.5),
        _row(1, duration_ms=100.0, status="error", error_code="AUTH_FAILED", cost_usd=None),
        _row(2, duration_ms=500.0, tokens_per_s=None, cost_usd=0.1),
        _row(3, duration_ms=700.0, tokens_per_s=80.0, cost_usd=None),
    )
    summary = Summary(rows, cheapest=2, fastest_ttft=None, highest_rate=3)
    assert [r.index for r in summary.sorted_by("total")] == [2, 3, 0, 1]
    assert [r.index for r in summary.sorted_by("tok/s")] == [3, 0, 2, 1]
    assert [r.index for r in summary.sorted_by("cost")] == [2, 0, 3, 1]
    assert [r.index for r in summary.sorted_by("order")] == [0, 1, 2, 3]
    assert summary.marks(2) == ["cheapest"] and summary.marks(3) == ["highest tok/s"]
    with pytest.raises(KeyError):
        summary.sorted_by("nonsense")


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def test_exports_carry_every_target_and_the_winners(
    services: Services, server: ReplayServer, tmp_path: Path
) -> None:
    server.default = openai_stream_reply([" one", " two", " three"], input_tokens=7)
    run = CompareRun(
        services.providers,
        services.prices,
        [
            CompareTarget("gpt-4o-mini", provider="openai", base_url=server.url),
            CompareTarget("gpt-4o-mini", provider="openai", base_url=server.url, temperature=1.2),
            CompareTarget("nonexistent-model-xyz", provider="anthropic"),
        ],
        "count to three",
        system="be brief",
    )
    run.start()
    await run.wait()
    data = run_json(run)
    assert json.loads(json.dumps(data)) == data  # plain data, storable as is
    assert data["system"] == "be brief" and data["context_messages"] == 0
    first, second, third = data["targets"]
    assert first["text"] == second["text"] == " one two three"
    assert first["usage"]["input_tokens"] == 7 and first["usage"]["output_tokens"] == 3
    assert first["cost_usd"] is not None
    assert third["error"]["code"] == "MISSING_KEY" and third["text"] == ""
    assert data["setup"][1]["temperature"] == 1.2
    assert data["setup"][1]["label"] == "gpt-4o-mini · t=1.2"
    assert data["summary"]["order"][-1] == 2 and data["summary"]["failed"] == 1
    markdown = run_markdown(run)
    assert "## 2. gpt-4o-mini · t=1.2" in markdown and "**MISSING_KEY**" in markdown
    assert markdown.count(" one two three") == 2
    saved = export_run(run, tmp_path / "out" / "run.json")
    assert json.loads(saved.read_text(encoding="utf-8"))["targets"][0]["model"] == "gpt-4o-mini"
    assert export_run(run, tmp_path / "run.md").read_text(encoding="utf-8") == markdown


async def test_each_target_keeps_where_it_was_asked_without_credentials(
    services: Services,
) -> None:
    run = CompareRun(
        services.providers,
        services.prices,
        [
            CompareTarget(
                "llama3", provider="openai", base_url="https://me:s3cret@llm.lan:8443/v1?key=k9"
            ),
            CompareTarget("gpt-4o-mini", provider="openai"),
        ],
        "hi",
    )
    data = run_json(run)
    assert [s["base_url"] for s in data["setup"]] == ["https://llm.lan:8443/v1", None]
    text = json.dumps(data)
    assert "s3cret" not in text and "k9" not in text
