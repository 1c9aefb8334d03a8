"""One chat is the current one: the sidebar highlights it, the conversation shows it, the
parameter panel names it and every action acts on it, whichever path made it current (opening
one from the list, ctrl+n, deleting the current one, compare's carry on, a restart)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog, RenameDialog
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList
from tests.support.ui import MessageTrail, ask, demo_playground, settle, wait_until

SIZE = (160, 50)


def highlighted_title(app: PlaygroundApp) -> str | None:
    """The title on the sidebar row drawn highlighted, or None when no row is."""
    rows = app.query_one(SessionList)
    if rows.index is None:
        return None
    session = rows.rows.get(rows.index)
    assert session is not None, "the highlighted row is not held"
    return session.title


def assert_one_chat(app: PlaygroundApp) -> None:
    """The highlighted row, the pane shown and the panel's title are all the current chat."""
    current = app.playground.current
    switcher = app.query_one(ChatSwitcher)
    assert switcher.current == f"chat-{current.id}"
    assert highlighted_title(app) == current.title
    assert app.query_one(SessionList).current_index == app.query_one(SessionList).index
    assert str(app.query_one(ParamsPanel).border_title).endswith(current.title)


async def _two_chats(pilot: Pilot[None]) -> None:
    """ "show me a table" (mentions algorithms), then "hello" (the current one)."""
    await ask(pilot, "show me a table")
    await pilot.press("ctrl+n")
    await pilot.pause()
    await ask(pilot, "hello")


async def test_ctrl_s_after_a_new_chat_highlights_the_chat_the_keys_act_on(
    isolated_home: Path,
) -> None:
    """The bug: with a search that does not find the new chat, ctrl+s highlighted another
    chat, and `r` renamed that one."""
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats(pilot)
        await pilot.press("ctrl+f", *"algorith", "enter", "enter")  # open the table chat
        await settle(pilot)
        assert app.playground.current.title == "show me a table"
        await pilot.press("ctrl+n")
        await ask(pilot, "a third chat")
        assert app.playground.current.title == "a third chat"
        assert highlighted_title(app) != "show me a table"  # not another chat's row
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert_one_chat(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RenameDialog)
        assert app.screen.query_one(Input).value == "a third chat"


async def test_enter_opens_the_highlighted_chat_and_leaving_the_list_returns_to_the_current(
    isolated_home: Path,
) -> None:
    app = demo_playground(isolated_home)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        await _two_chats(pilot)
        assert_one_chat(app)
        await pilot.press("ctrl+s", "down")
        await pilot.pause()
        assert highlighted_title(app) == "show me a table"  # the cursor, while in the list
        await pilot.press("escape")  # back to the prompt: the highlight follows the chat shown
        await pilot.pause()
        assert isinstance(app.focused, PromptArea)
        assert_one_chat(app)
        assert app.playground.current.title == "hello"
        trail.take()
        await pilot.press("ctrl+s", "down", "enter")
        await settle(pilot)
        assert "SessionList.Opened" in trail.names()
        assert app.playground.current.title == "show me a table"
        assert_one_chat(app)


async def test_ctrl_n_and_n_make_the_new_chat_current(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "show me a table")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.playground.current.title == "New chat"
        assert_one_chat(app)
        await ask(pilot, "hello")
        await pilot.press("ctrl+s", "n")
        await settle(pilot)
        assert app.playground.current.messages == []
        assert_one_chat(app)


async def test_deleting_the_current_chat_makes_the_one_below_current(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        await _two_chats(pilot)
        await pilot.press("ctrl+s", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "hello" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert "SessionList.DeleteRequested" in trail.names()
        assert app.playground.current.title == "show me a table"
        assert_one_chat(app)


async def test_a_chat_deleted_below_the_current_one_leaves_the_highlight_on_it(
    isolated_home: Path,
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats(pilot)
        await pilot.press("ctrl+s", "down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "table" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert app.playground.current.title == "hello"
        assert_one_chat(app)


async def test_carrying_on_from_compare_makes_that_chat_current(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        await _two_chats(pilot)
        screen = CompareScreen(
            app.services, targets=[CompareTarget("demo"), CompareTarget("demo", temperature=1.2)]
        )
        await app.push_screen(screen)
        await pilot.press(*"carry this on", "enter")
        await wait_until(pilot, lambda: screen.run is not None and screen.run.finished)
        await settle(pilot)
        screen.columns[1].focus()
        await pilot.press("c")
        await settle(pilot)
        assert "CompareScreen.ChatContinued" in trail.names()
        assert app.screen is app.playground
        assert app.playground.current.title == "carry this on"
        assert_one_chat(app)
        await pilot.press("ctrl+s", "r")
        await pilot.pause()
        assert isinstance(app.screen, RenameDialog)
        assert app.screen.query_one(Input).value == "carry this on"


async def test_after_a_restart_the_new_chat_is_current_and_opening_a_stored_one_works(
    isolated_home: Path,
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats(pilot)
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(app.query_one(SessionList).rows) == 3)
        await settle(pilot)
        assert app.playground.current.title == "New chat"
        assert_one_chat(app)
        await pilot.press("ctrl+s", "end", "enter")
        await settle(pilot)
        assert app.playground.current.title == "show me a table"
        assert_one_chat(app)


async def test_an_answer_ending_elsewhere_leaves_the_moved_highlight_where_it_is(
    isolated_home: Path,
) -> None:
    """A list read again while the person has moved the highlight keeps it on their row."""
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats(pilot)
        await pilot.press("ctrl+s", "down")
        await pilot.pause()
        await app.playground.refresh_sessions()  # what an answer ending in any chat does
        await pilot.pause()
        assert highlighted_title(app) == "show me a table"
        assert app.playground.current.title == "hello"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RenameDialog)
        assert app.screen.query_one(Input).value == "show me a table"
