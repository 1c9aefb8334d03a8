"""The compare screen's keys with a column focused: only the column's own letters act on it
(``s``, ``r``, ``c``, ``t``; ``del`` removes), every other letter goes to the prompt with the
focus, and ``escape`` goes back to the prompt before it leaves the screen."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from textual.app import App
from textual.widget import Widget

from openmaas_tui.cli.main import build_app
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.widgets.prompt import PromptArea
from tests.support.ui import MessageTrail, use_fast_demo
from tests.ui.test_compare_screen import _finished, _finished_demo_race

SIZE = (160, 45)
COLUMN_LETTERS = set("srct")
"""The letters a column binds (stop, rerun, continue, reasoning)."""


@pytest.fixture
def fast_demo(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)


def _focused(app: App[None]) -> Widget | None:
    """The focused widget (read afresh: a key may have moved the focus)."""
    return app.focused


def _requests(trail: MessageTrail) -> list[tuple[str, str]]:
    """The columns' requests in the trail so far, as (action, text); the trail starts afresh."""
    found = [(m.action, m.text) for m in trail.messages if isinstance(m, CompareColumn.Requested)]
    trail.take()
    return found


async def test_letters_typed_in_a_column_go_to_the_prompt(fast_demo: None) -> None:
    app = build_app(["--demo", "--no-keyring"])
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        assert isinstance(app, PlaygroundApp)
        await pilot.press("f3", "ctrl+t")  # opened by the app: its messages are in the trail
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await pilot.press(*"hi", "enter")
        await _finished(pilot, screen)
        assert screen.run is not None
        prompt = screen.query_one("#compare-prompt", PromptArea)
        first, second = screen.columns
        assert app.focused is first
        prompt.text = ""
        trail.take()
        await pilot.press(*"x y")  # x removed a column before; now the prompt gets it all
        await pilot.pause()
        assert screen.columns == [first, second]
        assert _focused(app) is prompt and prompt.text == "x y"
        assert _requests(trail) == [("type", "x")]  # the rest was typed into the prompt

        for letter in sorted(set(string.ascii_lowercase) - COLUMN_LETTERS):
            prompt.text = ""
            second.focus()
            await pilot.press(letter)
            await pilot.pause()
            assert _focused(app) is prompt, letter
            assert prompt.text == letter
            assert _requests(trail) == [("type", letter)]
        assert screen.columns == [first, second]
        assert all(str(lane.status) == "done" for lane in screen.run.lanes)


async def test_escape_goes_back_to_the_prompt_then_leaves(fast_demo: None) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        await _finished_demo_race(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        prompt = screen.query_one("#compare-prompt", PromptArea)
        assert isinstance(app.focused, CompareColumn)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and _focused(app) is prompt
        await pilot.press("f4", "escape")  # from the summary too
        await pilot.pause()
        assert app.screen is screen and _focused(app) is prompt
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.playground


async def test_only_del_removes_a_column(fast_demo: None) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        await _finished_demo_race(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        first, second = screen.columns
        second.focus()
        await pilot.press("x")  # goes to the prompt
        await pilot.pause()
        assert screen.columns == [first, second]
        second.focus()
        await pilot.press("delete")
        await pilot.pause()
        assert screen.columns == [first]
        assert "1 target: add another with ctrl+t" in str(
            screen.query_one("#compare-hint").render()
        )
