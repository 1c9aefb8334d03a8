"""Snapshots of the main screens at 80x24, 120x40 and 160x50: what a person sees on a small
terminal, a medium one and a large one (pytest-textual-snapshot). Update them with
``python -m pytest tests/ui/test_fit_snapshots.py --snapshot-update`` and look at each SVG
before committing.

Every picture is the same on every run: the demo model's answers are bundled text at $0 with
their timings set to round figures, the cost history is seeded on a fixed day in a fixed zone,
the prompt's cursor does not blink and the theme is the default one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.ui.screens import cost_screen
from openmaas_tui.ui.screens.cost_screen import CostTable
from tests.support.cost_history import TODAY, fixed_zone, seed
from tests.support.ui import open_costs, use_fast_demo
from tests.ui.test_compare_screen import _finished_demo_race
from tests.ui.test_snapshots import _demo_answer, _steady_cursor

SMALL = (80, 24)
MEDIUM = (120, 40)
LARGE = (160, 50)


@pytest.fixture
def fast_demo(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)


def _demo() -> Any:
    return build_app(["--demo", "--no-keyring"])


# -- the playground after one answer ----------------------------------------------------------


def test_main_80x24(snap_compare: Any, fast_demo: None) -> None:
    """80x24, the demo has answered "show me a table": no sessions sidebar and no parameter
    panel (folded away: ctrl+s and ctrl+o open them); the conversation has the whole width,
    scrolled to the end of the answer with its counters line `demo (offline) · TTFT 250 ms …`;
    the empty prompt, the estimate under it, the status line, and a compact footer ending with
    `f2 Keys f3 Compare f4 Costs` and `^p palette` at the right, nothing cut off."""
    assert snap_compare(_demo(), terminal_size=SMALL, run_before=_demo_answer)


def test_main_120x40(snap_compare: Any, fast_demo: None) -> None:
    """120x40, the same answer: the sessions sidebar on the left (the chat titled by the
    question, $0) and the parameter panel on the right, the conversation about 58 columns wide
    between them with the Markdown table whole; the footer compact with every key, `f4 Costs`
    included."""
    assert snap_compare(_demo(), terminal_size=MEDIUM, run_before=_demo_answer)


def test_main_160x50(snap_compare: Any, fast_demo: None) -> None:
    """160x50, the same answer: sidebar, conversation and parameter panel side by side as at
    120 columns but roomier; the footer in its full spacing with every key."""
    assert snap_compare(_demo(), terminal_size=LARGE, run_before=_demo_answer)


async def _sidebar_open(pilot: Pilot[None]) -> None:
    await _demo_answer(pilot)
    await pilot.press(*"draft")
    await pilot.press("ctrl+s")
    await pilot.pause()


def test_main_80x24_sessions_open(snap_compare: Any, fast_demo: None) -> None:
    """80x24 after typing `draft` and pressing ctrl+s: the sessions sidebar drawn over the left
    of the conversation (its border bright, the chat `show me a table` highlighted), the
    conversation still full width behind it, the prompt still holding `draft`; the footer shows
    the list's keys (n, r, d, /, p Playground only) first."""
    assert snap_compare(_demo(), terminal_size=SMALL, run_before=_sidebar_open)


# -- compare ------------------------------------------------------------------------------


def test_compare_80x24(snap_compare: Any, fast_demo: None) -> None:
    """80x24, two demo targets have answered "show me a table": the bar on two rows (model
    picker, temp, top_p, max tokens and Add; then the system prompt and `context (0)`), nothing
    cut off; two columns side by side, each about 38 columns wide with its counters (`TTFT 250
    ms` / `TTFT 400 ms`) and `done`; the summary table under them; the prompt; the footer with
    the column's keys (s, r, c, del) then `esc Stop/Back`."""
    assert snap_compare(_demo(), terminal_size=SMALL, run_before=_finished_demo_race)


def test_compare_120x40(snap_compare: Any, fast_demo: None) -> None:
    """120x40, the same race: the bar on one row (model picker, overrides, Add, system prompt,
    context), two columns of about 58 columns with the Markdown table whole, and the summary
    table with `fastest TTFT` and `highest tok/s` on the first row."""
    assert snap_compare(_demo(), terminal_size=MEDIUM, run_before=_finished_demo_race)


def test_compare_160x50(snap_compare: Any, fast_demo: None) -> None:
    """160x50, the same race: as at 120 columns, roomier; the footer in its full spacing."""
    assert snap_compare(_demo(), terminal_size=LARGE, run_before=_finished_demo_race)


# -- keys -----------------------------------------------------------------------------------


@pytest.fixture
def openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-1a2b")


async def _keys_screen(pilot: Pilot[None]) -> None:
    await _steady_cursor(pilot)
    await pilot.press("f2")
    await pilot.pause()


def test_keys_80x24(snap_compare: Any, openai_env: None) -> None:
    """80x24, the keys screen (f2) with an OpenAI key from the environment: the backend line
    wrapped on two lines, not cut; the table with provider, key (`sk-…1a2b` for OpenAI, `none`
    for the others), from (`env`), the environment variables in short (the first and how many
    more: `AZURE_OPENAI_API_KEY +2`) and the test column, every column whole within the width;
    the help line; the footer esc/a/d/t and the palette."""
    app = build_app(["--no-keyring"])
    assert snap_compare(app, terminal_size=SMALL, run_before=_keys_screen)


def test_keys_120x40(snap_compare: Any, openai_env: None) -> None:
    """120x40, the keys screen: every provider on its row with every environment variable in
    full, the backend line on one row, the help line under the table."""
    app = build_app(["--no-keyring"])
    assert snap_compare(app, terminal_size=MEDIUM, run_before=_keys_screen)


def test_keys_160x50(snap_compare: Any, openai_env: None) -> None:
    """160x50, the keys screen: as at 120 columns, with room to spare."""
    app = build_app(["--no-keyring"])
    assert snap_compare(app, terminal_size=LARGE, run_before=_keys_screen)


# -- costs ------------------------------------------------------------------------------------


async def _costs(pilot: Pilot[None]) -> None:
    """Open the cost screen with the model table focused and scrolled into view: the focus
    scrolls it there after a refresh (animated), or not at all when the app runs headless
    beside other tests, so the scroll is asked for here too, without animation."""
    await open_costs(pilot)
    table = pilot.app.focused
    assert isinstance(table, CostTable)
    table.scroll_visible(animate=False)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(cost_screen, "today", lambda: TODAY)
    with fixed_zone("UTC0"):
        seed(resolve_paths().history_db).close()
        yield


def test_costs_80x24(snap_compare: Any, seeded: None) -> None:
    """80x24, the cost screen (f4) on 2026-03-14 over the seeded history: the four period
    boxes in a row (Today, Last 7 days, Last 30 days, All time, ≈$0.75 … ≈$7.75), the chart
    of the last 30 days and the model table under it, the screen scrolled so that the focused
    table shows whole (the boxes' first lines above the top, the source table below the
    bottom); the chart's dates on one line, today's `Mar 14` whole at the right edge; the
    footer with o, i, esc and r."""
    assert snap_compare(_demo(), terminal_size=SMALL, run_before=_costs)


def test_costs_120x40(snap_compare: Any, seeded: None) -> None:
    """120x40, the same report: the period boxes, the chart with `$2.00` at the top of its
    axis and bars on Mar 4, Mar 11 and today, the model table costliest first, and the source
    table (playground, 7 answers) under it."""
    assert snap_compare(_demo(), terminal_size=MEDIUM, run_before=_costs)


def test_costs_160x50(snap_compare: Any, seeded: None) -> None:
    """160x50, the same report with room to spare: wider bars, every row of the model table
    and the source table."""
    assert snap_compare(_demo(), terminal_size=LARGE, run_before=_costs)
