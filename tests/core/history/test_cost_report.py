"""The cost report: periods, local day boundaries, per-day window, per-model and per-source
totals, unknown prices counted apart, estimates marked, cached and reasoning tokens summed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.cost_report import SourceCost, build_report, cost_report
from openmaas_tui.core.history.ledger import NewSpend, SpendSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.totals import Totals
from openmaas_tui.core.types import Usage
from tests.support.cost_history import TODAY, SettableClock, add_answer, fixed_zone, local_ts, seed


@pytest.fixture
def utc() -> Iterator[None]:
    with fixed_zone("UTC0"):
        yield


@pytest.fixture
def seeded(tmp_path: Path, utc: None) -> Iterator[Store]:
    store = seed(tmp_path / "history.db")
    yield store
    store.close()


def test_periods_sum_known_costs_and_count_unknown_prices_apart(seeded: Store) -> None:
    report = cost_report(seeded, today=TODAY)
    periods = dict(report.periods)
    assert list(periods) == ["Today", "Last 7 days", "Last 30 days", "All time"]
    today = periods["Today"]
    assert (today.answers, today.priced, today.unknown) == (4, 2, 1)
    assert today.cost_usd == pytest.approx(0.75)
    assert today.estimated
    assert today.breakdown_text == "≈$0.75 + 1 answer with unknown price"
    assert periods["Last 7 days"].cost_usd == pytest.approx(1.75)
    assert periods["Last 30 days"].cost_usd == pytest.approx(3.75)
    assert periods["All time"].cost_usd == pytest.approx(7.75)
    assert periods["All time"].answers == 7
    assert report.all_time is periods["All time"]
    assert not report.empty


def test_tokens_sum_cached_and_reasoning(seeded: Store) -> None:
    week = dict(cost_report(seeded, today=TODAY).periods)["Last 7 days"]
    assert week.input_tokens == 1000 + 300 + 2000
    assert week.output_tokens == 500 + 100 + 40 + 1000
    assert week.cached_input_tokens == 200
    assert week.reasoning_tokens == 300


def test_the_day_window_ends_today_oldest_first_with_empty_days(seeded: Store) -> None:
    report = cost_report(seeded, today=TODAY, days=30)
    assert len(report.days) == 30
    assert report.days[-1].day == TODAY
    assert report.days[0].day == TODAY - timedelta(days=29)
    costs = {d.day: d.totals.cost_usd for d in report.days if d.totals.answers}
    assert costs == pytest.approx(
        {
            TODAY: 0.75,
            TODAY - timedelta(days=3): 1.0,
            TODAY - timedelta(days=10): 2.0,
        }
    )
    assert report.days[-2].totals == Totals()
    assert len(cost_report(seeded, today=TODAY, days=7).days) == 7


def test_models_over_all_time_costliest_first(seeded: Store) -> None:
    models = cost_report(seeded, today=TODAY).models
    assert [(m.provider, m.model) for m in models] == [
        ("openai", "gpt-4o"),
        ("anthropic", "claude-sonnet-4-5"),
        ("mylab", "llama-70b"),
    ]
    gpt, claude, llama = (m.totals for m in models)
    assert (gpt.answers, gpt.estimated) == (4, False)
    assert gpt.cost_usd == pytest.approx(5.5)
    assert (
        gpt.breakdown_text == "$5.50"
    )  # its empty failed answer costs nothing, and is not unknown
    assert claude.breakdown_text == "≈$2.25"
    assert (llama.priced, llama.unknown) == (0, 1)
    assert llama.breakdown_text == "price unknown (1 answer)"


def test_local_days_decide_which_day_an_answer_belongs_to(tmp_path: Path) -> None:
    with fixed_zone("XYZ-02"):  # UTC+2: 23:30 UTC on the 13th is 01:30 on the 14th
        clock = SettableClock()
        store = Store(tmp_path / "h.db", clock=clock)
        sid = store.create_session().id
        just_after = local_ts(TODAY, 0, 30)
        just_before = local_ts(TODAY, 0, 0) - 1
        add_answer(store, clock, sid, just_after, provider="p", model="m", cost_usd=1.0)
        add_answer(store, clock, sid, just_before, provider="p", model="m", cost_usd=2.0)
        report = cost_report(store, today=TODAY, days=2)
        store.close()
    assert [(d.day, d.totals.cost_usd) for d in report.days] == [
        (TODAY - timedelta(days=1), 2.0),
        (TODAY, 1.0),
    ]
    assert dict(report.periods)["Today"].cost_usd == 1.0


def test_answers_after_today_count_in_all_time_only(tmp_path: Path, utc: None) -> None:
    clock = SettableClock()
    store = Store(tmp_path / "h.db", clock=clock)
    sid = store.create_session().id
    tomorrow = local_ts(TODAY + timedelta(days=1))
    add_answer(store, clock, sid, tomorrow, provider="p", model="m", cost_usd=1.0)
    periods = dict(cost_report(store, today=TODAY).periods)
    store.close()
    assert periods["Today"].answers == 0
    assert periods["Last 30 days"].answers == 0
    assert periods["All time"].cost_usd == 1.0


def test_an_empty_history_is_an_empty_report(tmp_path: Path) -> None:
    store = Store(":memory:")
    report = cost_report(store, today=TODAY, days=3)
    store.close()
    assert report.empty
    assert [d.totals for d in report.days] == [Totals()] * 3
    assert report.models == ()
    assert report.all_time.breakdown_text == "$0"


def test_unknown_models_and_providers_are_kept_as_none(tmp_path: Path, utc: None) -> None:
    clock = SettableClock()
    store = Store(":memory:", clock=clock)
    sid = store.create_session().id
    add_answer(store, clock, sid, clock.now, provider=None, model=None, usage=Usage(5, 5))
    [model] = cost_report(store, today=TODAY).models
    store.close()
    assert (model.provider, model.model, model.totals.unknown) == (None, None, 1)


@pytest.mark.parametrize(
    ("totals", "text"),
    [
        (Totals(), "$0"),
        (Totals(answers=1, priced=1, cost_usd=0.0042), "$0.0042"),
        (Totals(answers=1, priced=1, cost_usd=0.0042, estimated=True), "≈$0.0042"),
        (Totals(answers=3, priced=1, unknown=2, cost_usd=1.234), "$1.23 + 2 answers with"
         " unknown price"),
        (Totals(answers=1, priced=1, unknown=0, cost_usd=0.0), "$0"),
        (Totals(answers=2, priced=1, unknown=1, cost_usd=0.0), "$0 + 1 answer with unknown"
         " price"),
        (Totals(answers=1200, unknown=1200), "price unknown (1,200 answers)"),
    ],
)  # fmt: skip
def test_cost_text(totals: Totals, text: str) -> None:
    assert totals.breakdown_text == text


def test_totals_add_up_field_by_field() -> None:
    a = Totals(1, 1, 0, 10, 20, 5, 2, 0.5, False)
    b = Totals(2, 1, 1, 1, 2, 0, 1, 0.25, True)
    assert a + b == Totals(3, 2, 1, 11, 22, 5, 3, 0.75, True)


def test_build_report_takes_at_least_one_day() -> None:
    report = build_report([], today=TODAY, days=0)
    assert [d.day for d in report.days] == [TODAY]
    assert report.today == TODAY == date(2026, 3, 14)


def test_a_failing_query_is_storage_failed(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("SELECT * FROM no_such_table")

    with pytest.raises(OpenMaaSError) as caught:
        store.read(broken)
    store.close()
    assert caught.value.code == ErrorCode.STORAGE_FAILED


def _spend(cost: float | None, tokens: int = 10) -> AnswerRecord:
    return AnswerRecord("an answer", usage=Usage(tokens, tokens), cost_usd=cost)


def test_sources_split_the_gateways_spend_by_client_costliest_first(seeded: Store) -> None:
    seeded.add_spends(
        [
            NewSpend(_spend(3.0), SpendSource.GATEWAY, client="OpenAI/Python"),
            NewSpend(_spend(1.0), SpendSource.GATEWAY, client="OpenAI/Python"),
            NewSpend(_spend(None), SpendSource.GATEWAY, client="curl/8.5.0"),
            NewSpend(_spend(0.5), SpendSource.GATEWAY),
            NewSpend(_spend(0.25, 7), SpendSource.COMPARE),
        ]
    )
    report = cost_report(seeded, today=TODAY)
    assert [(s.source, s.client) for s in report.sources] == [
        ("playground", None),  # the seeded chats: $7.75
        ("gateway", "OpenAI/Python"),
        ("gateway", None),
        ("compare", None),
        ("gateway", "curl/8.5.0"),  # no known cost, one answer with an unknown price
    ]
    by = {(s.source, s.client): s.totals for s in report.sources}
    assert by["gateway", "OpenAI/Python"].cost_usd == pytest.approx(4.0)
    assert by["gateway", "OpenAI/Python"].answers == 2
    assert by["gateway", "OpenAI/Python"].input_tokens == 20
    assert by["gateway", "curl/8.5.0"].unknown == 1
    assert by["compare", None].output_tokens == 7
    assert sum(s.totals.answers for s in report.sources) == report.all_time.answers


def test_build_report_orders_the_sources_it_is_given() -> None:
    cheap = SourceCost("ask", None, Totals(answers=1, priced=1, cost_usd=0.1))
    dear = SourceCost("gateway", "llm/0.19", Totals(answers=1, priced=1, cost_usd=2.0))
    report = build_report([], today=TODAY, sources=[cheap, dear])
    assert report.sources == (dear, cheap)
    assert build_report([], today=TODAY).sources == ()
