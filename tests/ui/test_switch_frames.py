"""A switch of chat is drawn whole, and a key meant for another widget draws nothing on its way
through the prompt.

Each frame the screen draws while ctrl+n starts a chat or a chat opens from the list shows one
chat: the pane, the parameter panel's title and the sidebar's highlight never disagree (a frame
with the new pane under the old highlight was drawn whenever the list took longer than a tick
of the update timer to redraw). And ctrl+n pressed in the prompt while its cursor blinks off does
not show the cursor again first: that frame held the new chat's frame back until the next tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher, pane_id
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList
from tests.support.ui import ask, demo_playground, settle, wait_until

SIZE = (120, 40)
SLOW_LIST_S = 0.1
"""How long the sidebar takes to redraw in these tests: six ticks of the update timer."""


def shown_chats(app: PlaygroundApp) -> tuple[str, str, str]:
    """The chat the pane, the panel's title and the sidebar's highlight each show (titles)."""
    playground = app.playground
    pane = app.query_one(ChatSwitcher).current or ""
    by_pane = next((s.title for s in playground.book.sessions if pane_id(s) == pane), f"? {pane}")
    listing = app.query_one(SessionList)
    row = listing.rows.get(listing.index) if listing.index is not None else None
    panel = str(app.query_one(ParamsPanel).border_title).removeprefix("Parameters · ")
    return by_pane, panel, row.title if row is not None else "?"


def slow_sidebar(app: PlaygroundApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sidebar's redraw after a switch take :data:`SLOW_LIST_S` (a big history on a
    busy machine)."""
    selection = app.playground.selection

    def slowed(redraw: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def slow() -> None:
            await asyncio.sleep(SLOW_LIST_S)
            await redraw()

        return slow

    monkeypatch.setattr(selection, "_refresh", slowed(selection._refresh))
    monkeypatch.setattr(selection, "_highlight", slowed(selection._highlight))


def record_frames(
    app: PlaygroundApp, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[str, str, str]]:
    """What each frame drawn from now on shows (:func:`shown_chats`)."""
    frames: list[tuple[str, str, str]] = []
    draw = Screen._compositor_refresh

    def recorded(screen: Screen[Any]) -> None:
        draw(screen)
        if screen is app.screen:
            frames.append(shown_chats(app))

    monkeypatch.setattr(Screen, "_compositor_refresh", recorded)
    return frames


async def test_every_frame_of_a_new_chat_and_of_an_opened_one_shows_one_chat(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "the first question")
        await settle(pilot)
        slow_sidebar(app, monkeypatch)
        frames = record_frames(app, monkeypatch)
        await pilot.press("ctrl+n")
        await wait_until(
            pilot,
            lambda: shown_chats(app) == ("New chat",) * 3,
            what="the new chat shown everywhere",
        )
        await pilot.pause(0.05)
        new_chat = list(frames)
        await pilot.press("ctrl+s", "down")  # the highlight moves alone while browsing
        await pilot.pause(0.05)
        frames.clear()
        await pilot.press("enter")  # the first chat, from the list
        await wait_until(
            pilot,
            lambda: shown_chats(app) == ("the first question",) * 3,
            what="the first chat shown everywhere",
        )
        await pilot.pause(0.05)
        opened = list(frames)
    assert ("New chat",) * 3 in new_chat and ("the first question",) * 3 in opened
    torn = [frame for frame in new_chat if len(set(frame)) != 1]
    torn += [frame for frame in opened if frame[0] != frame[1]]  # the pane and the panel
    assert not torn, f"frames showing two chats at once: {torn}"


async def test_a_key_for_the_screen_leaves_the_prompts_cursor_as_it_was(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        prompt = app.query_one(PromptArea)
        await ask(pilot, "the first question")
        await settle(pilot)
        shown: list[str] = []  # the keys that showed the blinking cursor again
        key = ""
        restart = prompt._restart_blink

        def restarted() -> None:
            shown.append(key)
            restart()

        monkeypatch.setattr(prompt, "_restart_blink", restarted)
        for key in ("ctrl+n", "left", "x"):  # the screen's key, then the text area's own
            await pilot.press(key)
            await pilot.pause()
        assert app.playground.current.title == "New chat" and prompt.text == "x"
        assert "ctrl+n" not in shown and {"left", "x"} <= set(shown)
