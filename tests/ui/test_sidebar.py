"""The sessions sidebar driven from the keyboard: create, rename, search, delete, switch."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import ContentSwitcher

from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog, RenameDialog
from openmaas_tui.ui.widgets.chat_pane import ChatPane
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.session_search import SessionSearch
from tests.support.ui import ask, demo_playground, listed_titles

SIZE = (160, 50)


async def _three_chats(app: PlaygroundApp, pilot: Pilot[None]) -> None:
    """Three chats: "show me a table", "write some code", "hello there" (the current one)."""
    await ask(pilot, "show me a table")
    for text in ("write some code", "hello there"):
        await pilot.press("ctrl+n")
        await pilot.pause()
        await ask(pilot, text)


async def test_new_chats_are_listed_newest_first_and_enter_switches(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _three_chats(app, pilot)
        assert listed_titles(app) == ["hello there", "write some code", "show me a table"]
        await pilot.press("ctrl+s", "down", "down", "enter")
        await pilot.pause()
        assert app.playground.current.title == "show me a table"
        assert app.query_one(ContentSwitcher).current == f"chat-{app.playground.current.id}"
        assert isinstance(app.focused, PromptArea)
        # `n` in the list starts a new chat too; an empty one is not duplicated.
        await pilot.press("ctrl+s", "n")
        await pilot.pause()
        assert len(app.playground.sessions) == 4 and app.playground.current.messages == []
        await pilot.press("ctrl+s", "n")
        await pilot.pause()
        assert len(app.playground.sessions) == 4


async def test_rename_from_the_list_and_escape_keeps_the_title(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "show me a table")
        await pilot.press("ctrl+s", "r")
        await pilot.pause()
        assert isinstance(app.screen, RenameDialog)
        await pilot.press(*"[b]Tables[/b]", "enter")  # typing replaces the selected title
        await pilot.pause()
        assert app.playground.current.title == "[b]Tables[/b]"
        assert listed_titles(app) == ["[b]Tables[/b]"]
        title_line = app.query_one(SessionList).render_line(0).text
        assert title_line.strip() == "[b]Tables[/b]"  # shown as typed, not as markup
        assert isinstance(app.focused, SessionList)
        await pilot.press("r", *"something else", "escape")
        await pilot.pause()
        assert app.playground.current.title == "[b]Tables[/b]"
        # A later message does not rename a renamed chat.
        await pilot.press("escape")
        await ask(pilot, "hello")
        assert app.playground.current.title == "[b]Tables[/b]"


async def test_search_filters_by_title_and_by_message_text(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _three_chats(app, pilot)
        await pilot.press("ctrl+f")
        assert isinstance(app.focused, SessionSearch)
        await pilot.press(*"WRITE SOME")  # a title, any case
        await pilot.pause()
        assert listed_titles(app) == ["write some code"]
        await pilot.press(*["backspace"] * 10, *"algorithm")  # only in the table answer's text
        await pilot.pause()
        assert listed_titles(app) == ["show me a table"]
        assert "Algorithm" not in app.playground.sessions[0].title
        await pilot.press("enter")  # to the results, the filter kept
        await pilot.pause()
        assert isinstance(app.focused, SessionList)
        await pilot.press("enter")
        await pilot.pause()
        assert app.playground.current.title == "show me a table"
        await pilot.press("ctrl+f", *"no such words")
        await pilot.pause()
        assert listed_titles(app) == []
        await pilot.press("escape")  # clears the search and goes back to the list
        await pilot.pause()
        assert app.query_one(SessionSearch).value == ""
        assert isinstance(app.focused, SessionList)
        assert len(listed_titles(app)) == 3


async def test_slash_in_the_list_opens_the_search(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s", "slash")
        await pilot.pause()
        assert isinstance(app.focused, SessionSearch)


async def test_delete_asks_first_and_keeps_the_chat_on_no(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _three_chats(app, pilot)
        await pilot.press("ctrl+s", "down", "d")  # "write some code"
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "write some code" in app.screen.question and "2 messages" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert len(app.playground.sessions) == 3 and isinstance(app.focused, SessionList)
        await pilot.press("delete", "escape")
        await pilot.pause()
        assert len(app.playground.sessions) == 3
        await pilot.press("d", "y")
        await pilot.pause()
        assert listed_titles(app) == ["hello there", "show me a table"]
        assert len(app.query(ChatPane)) == 2
        assert (
            app.playground.current.title == "hello there"
        )  # the current chat was not the one deleted
        assert isinstance(app.focused, SessionList)


async def test_deleting_the_last_chat_leaves_a_new_one(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "hello")
        await pilot.press("ctrl+s", "d", "y")
        await pilot.pause()
        assert len(app.playground.sessions) == 1 and app.playground.current.messages == []
        assert listed_titles(app) == ["New chat"]
