"""Three things an 80-column terminal cut: the welcome named a quit key the narrow footer does
not show, the keys screen's columns ran past the edge, and the cost chart's last date lost its
last character."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.cost_report import DayCost
from openmaas_tui.core.totals import Totals
from openmaas_tui.ui.screens import cost_screen
from openmaas_tui.ui.screens.keys_screen import KeysScreen, env_text
from openmaas_tui.ui.widgets.cost_chart import CostChart, chart_text
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.widgets.welcome import Welcome
from tests.support.cost_history import TODAY, fixed_zone, seed
from tests.support.ui import demo_playground, open_costs, region_text, screen_lines, settle

SMALL = (80, 24)


async def test_the_welcome_names_keys_the_narrow_footer_shows(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        welcome = app.query_one(Welcome).source
        footer = region_text(app, app.playground.query_one(FittingFooter))
        assert "ctrl+q" not in welcome and "^q" not in footer
        assert "*ctrl+p* every command, quitting too" in welcome and "^p" in footer


def test_environment_variables_in_short_on_a_narrow_terminal() -> None:
    names = ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "OPENAI_API_VERSION")
    assert env_text(names, narrow=True) == "AZURE_OPENAI_API_KEY +2"
    assert env_text(names, narrow=False) == ", ".join(names)
    assert env_text(("GROQ_API_KEY",), narrow=True) == "GROQ_API_KEY"
    assert env_text((), narrow=True) == "—"


async def test_the_keys_screen_fits_80_columns_and_widens_again(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        table = screen.query_one(DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        header = next(line for line in screen_lines(app) if "provider" in line)
        assert "environment" in header and "test" in header
        assert "AZURE_OPENAI_API_KEY +2" in "\n".join(screen_lines(app))
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        assert "AZURE_OPENAI_API_KEY, AZURE_OPENAI_AD_TOKEN" in "\n".join(screen_lines(app))


def _month(day: date) -> str:
    return f"{day:%b} {day.day}"


def test_the_last_date_ends_at_the_edge_when_the_room_is_short() -> None:
    today = date(2026, 3, 14)
    days = [
        DayCost(today - timedelta(days=29 - i), Totals(1, 1, 0, cost_usd=2.0)) for i in range(30)
    ]
    wide = chart_text(days, height=1, per_day=2).plain.splitlines()[-1]
    assert wide.rstrip().endswith("Mar 14") and len(wide.rstrip()) == 72
    for max_width in (70, 71, 72):
        line = chart_text(days, height=1, per_day=2, max_width=max_width).plain.splitlines()[-1]
        assert line.rstrip().endswith("Mar 14") and len(line.rstrip()) <= max_width
        assert "Mar 7" in line  # the others where they were


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cost_screen, "today", lambda: TODAY)
    with fixed_zone("UTC0"):
        seed(resolve_paths().history_db).close()
        yield


async def test_the_cost_chart_shows_todays_date_whole_at_80_columns(
    isolated_home: Path, seeded: None
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_costs(pilot)
        chart = screen.query_one(CostChart)
        chart.scroll_visible(animate=False)
        await pilot.pause()
        first = _month(TODAY - timedelta(days=28))  # the first date labelled
        dates = next(line for line in screen_lines(app) if first in line)
        inside = dates[: dates.rindex("│")]  # the chart's own cells, not the scroll bar's
        assert inside.rstrip().endswith(_month(TODAY)), dates
