"""The cost screen through the Pilot: f4 opens it over a seeded history file; it shows the
period totals, the per-day chart, the per-model table (sorted by cost, re-sorted from the
keyboard) and the per-source table (the gateway's clients apart), an empty state for an empty
history, a warning when the history is in memory, and `r` reads the history again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Static

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.cost_report import DayCost
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.totals import Totals
from openmaas_tui.core.types import Usage
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens import cost_screen
from openmaas_tui.ui.screens.cost_screen import CostScreen, CostTable
from openmaas_tui.ui.widgets.cost_chart import CostChart, chart_text
from openmaas_tui.ui.widgets.source_cost_table import SourceCostTable
from tests.support.cost_history import (
    TODAY,
    SettableClock,
    add_answer,
    fixed_zone,
    local_ts,
    seed,
    seed_with_gateway,
)
from tests.support.ui import open_costs, settle

SIZE = (120, 45)


@pytest.fixture
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC and today is :data:`TODAY`."""
    monkeypatch.setattr(cost_screen, "today", lambda: TODAY)
    with fixed_zone("UTC0"):
        yield


@pytest.fixture
def history(fixed_day: None) -> Path:
    """The seeded history file where the app looks for it."""
    path = resolve_paths().history_db
    seed(path).close()
    return path


def _text(screen: CostScreen, selector: str) -> str:
    content = screen.query_one(selector, Static).content
    return content.plain if isinstance(content, Text) else str(content)


def _row(table: CostTable | SourceCostTable, index: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(index)]


async def test_f4_shows_totals_chart_and_models(history: Path) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        assert screen.report is not None and not screen.report.empty
        assert not screen.has_class("-empty")
        assert _text(screen, "#costs-period-0").splitlines() == [
            "≈$0.75 + 1 answer with unknown price",
            "4 answers",
            "1,300 in · 640 out",
        ]
        assert screen.query_one("#costs-period-0").border_title == "Today"
        assert _text(screen, "#costs-period-1").startswith("≈$1.75 + 1 answer")
        assert _text(screen, "#costs-period-2").startswith("≈$3.75 + 1 answer")
        assert _text(screen, "#costs-period-3").startswith("≈$7.75 + 1 answer")
        chart = screen.query_one(CostChart)
        assert len(chart.days) == 30 and chart.days[-1].day == TODAY
        drawn = chart.render()
        assert isinstance(drawn, Text)
        assert drawn.plain.startswith("$2.00 ┤") and "Mar 14" in drawn.plain
        table = screen.query_one(CostTable)
        assert table.has_focus
        assert table.rows_shown == [
            ("openai", "gpt-4o"),
            ("anthropic", "claude-sonnet-4-5"),
            ("mylab", "llama-70b"),
        ]
        assert _row(table, 0) == ["openai", "gpt-4o", "$5.50", "4", "3,010", "200", "1,510", "300"]
        assert _row(table, 1)[2] == "≈$2.25"
        assert _row(table, 2)[2] == "price unknown (1 answer)"
        assert not screen.query_one("#costs-problem").has_class("-shown")


async def test_the_source_table_shows_each_face_and_gateway_client(fixed_day: None) -> None:
    answer = AnswerRecord("hi", usage=Usage(1200, 3400), cost_usd=9.5)
    clients = ["OpenAI/Python", "bad\x1b]0;title\x07/1"]
    seed_with_gateway(resolve_paths().history_db, answer, clients)
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        table = screen.query_one(SourceCostTable)
        assert table.border_title == "By source · all time"
        assert table.row_count == 3
        assert _row(table, 0)[:6] == ["gateway", "OpenAI/Python", "$9.50", "1", "1,200", "3,400"]
        assert "\x1b" not in _row(table, 1)[1] and "\x07" not in _row(table, 1)[1]
        assert _row(table, 2)[:4] == [
            "playground",
            "–",
            "≈$7.75 + 1 answer with unknown price",
            "7",
        ]


async def test_the_table_sorts_from_the_keyboard(history: Path) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        table = screen.query_one(CostTable)
        await pilot.press("i")  # cheapest first: the unknown price before $2.25
        assert table.rows_shown[0] == ("mylab", "llama-70b")
        await pilot.press("o")  # cost -> answers: most first
        assert (table.order, table.descending) == ("answers", True)
        assert table.rows_shown[0] == ("openai", "gpt-4o")
        assert _row(table, 0)[3] == "4"
        await pilot.press(*"ooooo")  # input, cached, output, reasoning, provider: A to Z
        assert (table.order, table.descending) == ("provider", False)
        assert [p for p, _ in table.rows_shown] == ["anthropic", "mylab", "openai"]
        table.sort_by("reasoning")
        assert table.rows_shown[0] == ("openai", "gpt-4o")


async def test_an_empty_history_explains_what_will_appear(fixed_day: None) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        assert screen.report is not None and screen.report.empty
        assert screen.has_class("-empty")
        text = _text(screen, "#costs-empty")
        assert "No answers in the history yet" in text
        assert "openmaas ask" in text and "playground" in text
        assert not screen.query_one(CostTable).display
        await pilot.press("escape")
        assert not isinstance(app.screen, CostScreen)


async def test_r_reads_the_history_again(history: Path) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_costs(pilot)
        clock = SettableClock()
        other = Store(history, clock=clock)  # another process, say `openmaas ask`
        sid = other.create_session().id
        add_answer(
            other, clock, sid, local_ts(TODAY, 15), provider="openai", model="gpt-4o",
            usage=Usage(10, 10), cost_usd=0.25,
        )  # fmt: skip
        other.close()
        await pilot.press("r")
        await settle(pilot)
        assert _text(screen, "#costs-period-0").startswith("≈$1.00 + 1 answer")


async def test_a_history_in_memory_is_said_at_the_top(fixed_day: None, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"not a database" * 100)
    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    async with app.run_test(size=SIZE) as pilot:
        app.services.use_history(await AsyncStore.open_or_memory(damaged))
        screen = await open_costs(pilot)
        banner = screen.query_one("#costs-problem")
        assert banner.has_class("-shown")
        assert "in memory" in _text(screen, "#costs-problem")


async def test_the_palette_offers_the_cost_history_only_on_the_playground(
    fixed_day: None,
) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Cost history" in titles
        screen = await open_costs(pilot)
        assert "Cost history" not in [c.title for c in app.get_system_commands(screen)]
        assert app.check_action("costs", ()) is False  # f4 again does not stack a second one


def _days(*costs: float | None) -> list[DayCost]:
    """Days ending on TODAY; None is a day with one answer of unknown price."""
    start = TODAY - timedelta(days=len(costs) - 1)
    return [
        DayCost(
            start + timedelta(days=i),
            Totals(1, 0, 1) if c is None else Totals(1, 1, 0, cost_usd=c),
        )
        for i, c in enumerate(costs)
    ]


def test_the_chart_stands_on_zero_with_the_top_value_and_dates_labelled() -> None:
    text = chart_text(_days(0.5, 1.0, 0.0, None), height=2, per_day=3).plain
    lines = [line.rstrip() for line in text.splitlines()]
    assert lines == [
        "$1.00 ┤    ██",
        "      │ ██ ██",  # the cheapest day still shows: the baseline is $0, not the lowest day
        "   $0 └──────────?─",  # the ? under the 4th day, whose answer has no price
        "                 Mar 14",  # today's label starts under today's bar
    ]


def test_a_chart_without_cost_has_no_top_label_and_no_bars() -> None:
    lines = chart_text(_days(0.0, 0.0), height=1).plain.splitlines()
    assert lines[:2] == ["   │    ", "$0 └────"]
    assert chart_text(_days(0.0, 0.000001), height=1).plain.splitlines()[0].endswith("█")
