"""The sidebar over a long history (2,000 stored sessions): it holds a bounded window of rows
and no widget per session, reaches the oldest session with `end`, finds one by search and
puts a new chat on top, highlighted."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history import listing as listing_queries
from openmaas_tui.core.sessions.listed import WINDOW
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.session_search import SessionSearch
from tests.support.seed import seed, title
from tests.support.ui import (
    ask,
    demo_playground,
    listed_titles,
    region_text,
    settle,
    use_fast_demo,
    wait_until,
)

SIZE = (160, 50)
COUNT = 2_000


def _seeded(home: Path) -> PlaygroundApp:
    use_fast_demo(home)
    seed(resolve_paths().history_db, COUNT)
    return demo_playground(home)


async def _listed(app: PlaygroundApp, pilot: Pilot[None]) -> SessionList:
    listing = app.query_one(SessionList)
    await wait_until(pilot, lambda: len(listing.rows) == COUNT + 1, what="the history listed")
    await settle(pilot)
    return listing


async def test_a_long_history_is_held_a_window_at_a_time(isolated_home: Path) -> None:
    app = _seeded(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        listing = await _listed(app, pilot)
        assert listed_titles(app)[:3] == ["New chat", title(COUNT - 1), title(COUNT - 2)]
        assert listing.rows.held <= WINDOW and not listing.children
        assert listing.virtual_size.height == 2 * (COUNT + 1)
        shown = region_text(app, listing)
        assert title(COUNT - 1) in shown and title(COUNT - 40) not in shown
        # To the end: the oldest session is drawn, still from a bounded window.
        await pilot.press("ctrl+s", "end")
        await settle(pilot)
        assert listing.index == COUNT
        assert title(0) in region_text(app, listing)
        assert listing.rows.held <= WINDOW
        # Page keys and home walk back without holding more.
        await pilot.press("pageup", "pageup", "up")
        await settle(pilot)
        assert listing.index is not None and listing.index < COUNT - 2
        assert listing.rows.get(listing.index) is not None
        await pilot.press("home")
        await settle(pilot)
        assert listing.index == 0 and title(COUNT - 1) in region_text(app, listing)
        assert listing.rows.held <= WINDOW
        # Enter on the oldest opens it, read from the store.
        await pilot.press("end", "enter")
        await settle(pilot)
        assert app.playground.current.title == title(0)
        assert [m.text for m in app.playground.current.messages] == ["question 0", "answer 0"]


async def test_search_finds_one_session_among_thousands(isolated_home: Path) -> None:
    app = _seeded(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        listing = await _listed(app, pilot)
        await pilot.press("ctrl+f", *"answer 1234")  # a message's words, not the title's
        await settle(pilot)
        assert listed_titles(app) == [title(1234)]
        assert isinstance(app.focused, SessionSearch)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.playground.current.title == title(1234)
        app.query_one(SessionSearch).value = ""
        await settle(pilot)
        assert len(listing.rows) == COUNT  # the empty chat of the start, left, is forgotten


async def test_a_new_chat_goes_on_top_highlighted(isolated_home: Path) -> None:
    app = _seeded(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        listing = await _listed(app, pilot)
        await pilot.press("ctrl+s", "end", "enter")  # the oldest, at the bottom
        await settle(pilot)
        assert app.playground.current.title == title(0)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert listing.index == 0 and listing.rows.get(0) is app.playground.current
        # the empty chat of the start was forgotten when it was left: one "New chat" only
        assert listed_titles(app)[:2] == ["New chat", title(COUNT - 1)]
        await ask(pilot, "hello there")  # the first message names it; it stays on top
        assert listed_titles(app)[:2] == ["hello there", title(COUNT - 1)]
        assert listing.index == 0 and len(listing.rows) == COUNT + 1
        assert "hello there" in region_text(app, listing).splitlines()[0]


async def test_opening_a_listed_chat_and_starting_one_read_nothing_of_the_list(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list is as shown when a chat is opened from it (leaving one that stays listed) or a
    new one starts: only the highlight moves (and a new chat goes on top), so neither waits
    for the history."""
    app = _seeded(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        listing = await _listed(app, pilot)
        await pilot.press("ctrl+s", "down", "enter")  # the empty start-up chat is dropped
        await settle(pilot)
        assert listed_titles(app)[:2] == [title(COUNT - 1), title(COUNT - 2)]
        reads: list[str] = []
        for name in ("count", "newer", "position", "page", "page_at"):
            real = getattr(listing_queries, name)

            def counted(*args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
                reads.append(_name)
                return _real(*args, **kw)

            monkeypatch.setattr(listing_queries, name, counted)
        await pilot.press("ctrl+s", "down", "enter")
        await settle(pilot)
        assert app.playground.current.title == title(COUNT - 2)
        assert listing.index == 1 and listing.current_index == 1
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert listed_titles(app)[:3] == ["New chat", title(COUNT - 1), title(COUNT - 2)]
        assert listing.index == 0 and listing.rows.get(0) is app.playground.current
        assert reads == []
        await pilot.press("ctrl+s", "down", "down", "enter")  # back to the chat opened
        await settle(pilot)
        assert app.playground.current.title == title(COUNT - 2) and listing.current_index == 1


async def test_no_frame_shows_rows_in_view_before_they_are_read(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A jump to rows the window does not hold (end, home) is drawn once they are read: a frame
    drawn while they were read showed them blank, and held back the frame with them a tick or
    two of the update timer. A read that takes too long is drawn blank after FrameHold's time,
    rather than freezing the screen."""
    from textual.screen import Screen

    from openmaas_tui.ui.widgets.session_list import READ_HOLD_S

    app = _seeded(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        listing = await _listed(app, pilot)
        blank: list[tuple[int, int]] = []  # (first row in view, rows of it not read) per frame
        frames = [0]
        draw = Screen._compositor_refresh

        def recorded(screen: Screen[Any]) -> None:
            draw(screen)
            frames[0] += 1
            first, last = listing._in_view()
            missing = [
                r for r in range(first, min(last, len(listing.rows))) if not listing.rows.get(r)
            ]
            if missing:
                blank.append((first, len(missing)))

        monkeypatch.setattr(Screen, "_compositor_refresh", recorded)
        await pilot.press("ctrl+s", "end")
        await wait_until(pilot, lambda: title(0) in region_text(app, listing), what="the end")
        await pilot.press("home")
        await wait_until(
            pilot, lambda: title(COUNT - 1) in region_text(app, listing), what="the top"
        )
        assert frames[0] and not blank, f"frames with blank rows: {blank}"
        # A read slower than the hold: the screen draws on meanwhile, then the rows.
        ensure = listing.rows.ensure

        async def slow(first: int, last: int) -> None:
            await asyncio.sleep(READ_HOLD_S * 4)
            await ensure(first, last)

        monkeypatch.setattr(listing.rows, "ensure", slow)
        drawn = frames[0]
        await pilot.press("end")
        await wait_until(pilot, lambda: bool(blank), what="a frame while the rows are read")
        assert frames[0] > drawn and not app._batch_count  # not frozen
        await wait_until(pilot, lambda: title(0) in region_text(app, listing), what="the end")
