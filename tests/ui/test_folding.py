"""The playground on a narrow terminal: the side panels fold away and open over the conversation
on their keys, the focus goes in and comes back, nothing typed is lost, and resizing across a
breakpoint folds or unfolds them; the footer keeps the keys used most."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.model_dialog import ModelPickerDialog
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.session_list import SessionList
from tests.support.ui import demo_playground, screen_lines, settle

SMALL = (80, 24)
LARGE = (160, 50)


def _shown(app: PlaygroundApp) -> dict[str, bool]:
    """Whether each side panel is drawn at all."""
    screen = app.playground
    return {"sidebar": screen.sidebar.display, "params": screen.params.display}


def _focused(app: PlaygroundApp) -> Widget | None:
    """The focused widget (a call, so that no earlier check narrows its type)."""
    return app.focused


def _inside(app: PlaygroundApp, panel: object) -> bool:
    focused = app.focused
    return focused is not None and (focused is panel or panel in focused.ancestors)


async def _type(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)
    await pilot.pause()


async def test_at_80x24_the_panels_fold_and_open_on_their_keys(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.playground
        assert screen.has_class("-narrow")
        assert _shown(app) == {"sidebar": False, "params": False}
        conversation = screen.query_one("#conversation")
        assert conversation.size.width == SMALL[0]
        await _type(pilot, "half a thought")

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert _shown(app) == {"sidebar": True, "params": False}
        assert isinstance(_focused(app), SessionList)
        assert conversation.size.width == SMALL[0]  # drawn over it, not beside it
        await pilot.press("escape")
        await pilot.pause()
        assert _shown(app) == {"sidebar": False, "params": False}
        assert _focused(app) is screen.prompt

        await pilot.press("ctrl+o")
        await pilot.pause()
        assert _shown(app) == {"sidebar": False, "params": True}
        assert _inside(app, screen.params)
        await pilot.press("escape")
        await pilot.pause()
        assert _shown(app) == {"sidebar": False, "params": False}
        assert _focused(app) is screen.prompt

        await pilot.press("ctrl+l")  # the model picker: a dialog of its own, panels folded
        await pilot.pause()
        assert isinstance(app.screen, ModelPickerDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ModelPickerDialog) and _focused(app) is screen.prompt
        assert _shown(app) == {"sidebar": False, "params": False}
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert _shown(app)["params"] and _inside(app, screen.params)
        await pilot.press("ctrl+s")  # from one panel straight to the other
        await pilot.pause()
        assert _shown(app) == {"sidebar": True, "params": False}
        await pilot.press("escape")
        await pilot.pause()
        assert _focused(app) is screen.prompt
        assert screen.prompt.text == "half a thought"


async def test_ctrl_b_and_the_search_key_open_the_folded_sidebar(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.playground
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert _shown(app)["sidebar"] and _inside(app, screen.sidebar)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not _shown(app)["sidebar"] and _focused(app) is screen.prompt
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert _shown(app)["sidebar"] and _focused(app) is screen.sidebar.search


async def test_the_focus_comes_back_to_where_it_was(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.playground
        await pilot.press("ctrl+t")  # the messages
        await pilot.pause()
        messages = app.focused
        assert messages is not None and messages is not screen.prompt
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert _focused(app) is messages
        assert not _shown(app)["params"]


async def test_at_160x50_the_panels_are_in_place(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        screen = app.playground
        assert screen.has_class("-wide")
        assert _shown(app) == {"sidebar": True, "params": True}
        conversation = screen.query_one("#conversation")
        assert conversation.size.width < LARGE[0] - 60
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert _shown(app) == {"sidebar": True, "params": True}
        assert _focused(app) is screen.prompt
        await pilot.press("ctrl+b")  # hides the sidebar where it is in place
        await pilot.pause()
        assert _shown(app) == {"sidebar": False, "params": True}


async def test_between_100_and_120_columns_only_the_sessions_fold(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        assert app.playground.has_class("-medium")
        assert _shown(app) == {"sidebar": False, "params": True}


async def test_resizing_across_the_breakpoints(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        screen = app.playground
        await _type(pilot, "kept")
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        # The focus was in the parameters: they stay in sight, now over the conversation.
        assert _shown(app) == {"sidebar": False, "params": True}
        assert screen.params.styles.dock == "right"
        await pilot.press("escape")
        await pilot.pause()
        assert _shown(app) == {"sidebar": False, "params": False}
        assert _focused(app) is screen.prompt
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        assert _shown(app) == {"sidebar": True, "params": True}
        assert isinstance(screen.params, ParamsPanel) and screen.params.styles.dock != "right"
        assert screen.prompt.text == "kept"


async def test_a_resize_behind_another_screen_is_seen_on_coming_back(
    isolated_home: Path,
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=LARGE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.playground
        assert app.playground.has_class("-narrow")
        assert _shown(app) == {"sidebar": False, "params": False}


async def test_the_footer_keeps_f2_f3_f4_at_80_columns(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        footer = app.playground.query_one(FittingFooter)
        assert footer.compact
        last = screen_lines(app)[-1]
        for shown in ("esc Stop", "^n New", "^s Sessions", "^o Params", "f2 Keys"):
            assert shown in last
        assert "f3 Compare" in last and "f4 Costs" in last and "^p palette" in last
        assert "Quit" not in last  # ctrl+q still quits; the palette lists it
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        await pilot.pause()
        last = screen_lines(app)[-1]
        assert not footer.compact
        assert "^q Quit" in last and "^n New chat" in last and "f4 Costs" in last


async def test_compare_stacks_its_bar_at_80_columns(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-narrow")
        target = screen.query_one("#compare-target")
        shared = screen.query_one("#compare-shared")
        assert shared.region.y > target.region.y
        for widget in (*target.children, *shared.children):
            assert widget.region.right <= SMALL[0], widget.id
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        assert screen.has_class("-wide")
        assert shared.region.y == target.region.y
