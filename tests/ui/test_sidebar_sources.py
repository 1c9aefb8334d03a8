"""The sidebar says where each session came from and which chat streams: a session started by
``ask``, compare's "carry on" or an import is marked on its second line, `p` in the list shows
only the playground's chats (the footer and the sidebar's title say which are listed) and
all again, a chat streaming has a mark before its title, and empty "New chat" rows do not pile
up."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.sessions_sidebar import SessionsSidebar
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    ask,
    demo_playground,
    listed_items,
    listed_titles,
    new_answers,
    palette_hits,
    region_text,
    replay_playground,
    screen_lines,
    settle,
    submit,
    wait_until,
)

SIZE = (160, 50)
SEEDED = [
    ("from the playground", SessionSource.PLAYGROUND),
    ("asked from a shell", SessionSource.ASK),
    ("carried on from compare", SessionSource.COMPARE),
    ("brought in", SessionSource.IMPORT),
]


def _seed() -> None:
    clock = iter(float(t) for t in range(1_000, 2_000))
    store = Store(resolve_paths().history_db, clock=lambda: next(clock))
    try:
        for title, source in SEEDED:
            session = store.create_session(model="demo", provider="demo", source=source)
            store.add_message(session.id, Role.USER, title)
            store.rename_session(session.id, title)
    finally:
        store.close()


def _footer(app: PlaygroundApp) -> str:
    return screen_lines(app)[-1]


async def _all_listed(pilot: Pilot[None]) -> SessionList:
    listing = pilot.app.query_one(SessionList)
    await wait_until(pilot, lambda: len(listing.rows) == len(SEEDED) + 1, what="the history")
    await settle(pilot)
    return listing


async def test_sessions_are_marked_and_p_lists_only_the_playground_s(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    _seed()
    async with app.run_test(size=SIZE) as pilot:
        listing = await _all_listed(pilot)
        items = dict(item.split("\n") for item in listed_items(app))
        assert items["asked from a shell"].startswith("⌁ ask · ")
        assert items["carried on from compare"].startswith("⇄ cmp · ")
        assert items["brought in"].startswith("⤓ imp · ")
        assert items["from the playground"].startswith("$")  # the playground's have no mark
        shown = region_text(app, listing)
        assert "⌁ ask · " in shown and "⇄ cmp · " in shown
        sidebar = app.query_one(SessionsSidebar)
        assert sidebar.border_title == "Sessions"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "p Playground only" in _footer(app)

        await pilot.press("p")
        await settle(pilot)
        assert listed_titles(app) == ["New chat", "from the playground"]
        assert sidebar.border_title == "Sessions · playground"
        assert "p All chats" in _footer(app) and "Playground only" not in _footer(app)
        assert "asked from a shell" not in region_text(app, listing)
        assert listing.has_focus and listing.index == 0

        await pilot.press("p")
        await settle(pilot)
        assert len(listed_titles(app)) == len(SEEDED) + 1
        assert sidebar.border_title == "Sessions" and "p Playground only" in _footer(app)


async def test_the_palette_lists_the_playground_s_chats_only_and_all_again(
    isolated_home: Path,
) -> None:
    app = demo_playground(isolated_home)
    _seed()
    async with app.run_test(size=SIZE) as pilot:
        await _all_listed(pilot)
        await pilot.press("ctrl+p", *"Playground chats only")
        await wait_until(pilot, lambda: palette_hits(app), what="the command")
        await pilot.press("enter")
        await settle(pilot)
        assert listed_titles(app) == ["New chat", "from the playground"]
        await pilot.press("ctrl+p", *"All chats")
        await wait_until(pilot, lambda: palette_hits(app), what="the command")
        await pilot.press("enter")
        await settle(pilot)
        assert len(listed_titles(app)) == len(SEEDED) + 1


async def test_a_chat_streaming_is_marked_in_the_list(server: ReplayServer) -> None:
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        server.queue(openai_stream_reply([f"word{i} " for i in range(600)], chunk_delay_s=0.02))
        before = list(app.query(AnswerView))
        await submit(pilot, "chat a")
        await wait_until(pilot, lambda: new_answers(app, before), what="the answer")
        listing = app.query_one(SessionList)
        await wait_until(
            pilot, lambda: "● chat a" in region_text(app, listing), what="the streaming mark"
        )
        await pilot.press("ctrl+n")  # another chat: A's row keeps its mark
        await pilot.pause()
        await wait_until(pilot, lambda: "New chat" in region_text(app, listing), what="B listed")
        assert "● chat a" in region_text(app, listing)
        assert "● New chat" not in region_text(app, listing)
        await pilot.press("ctrl+g")  # stop every chat
        await wait_until(pilot, lambda: "●" not in region_text(app, listing), what="the mark gone")


async def test_empty_new_chats_do_not_pile_up(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n")  # on an empty chat: no other one
        await settle(pilot)
        assert listed_titles(app) == ["New chat"]
        await ask(pilot, "first question")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert listed_titles(app) == ["New chat", "first question"]
        await pilot.press("ctrl+s", "down", "enter")  # back to the first: the empty one goes
        await settle(pilot)
        assert app.playground.current.title == "first question"
        assert listed_titles(app) == ["first question"]
        assert len(app.playground.sessions) == 1
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert listed_titles(app) == ["New chat", "first question"]
