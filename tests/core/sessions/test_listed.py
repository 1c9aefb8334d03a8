"""The sessions list held a window at a time: stored rows in order, unsaved sessions in their
places by activity, a bounded window whatever is asked for, and the row of a session."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.listed import WINDOW, ListedSessions
from tests.support.seed import START, seed, title

COUNT = 1_000


async def _listed(tmp_path: Path) -> tuple[ListedSessions, AsyncStore]:
    path = tmp_path / "history.db"
    seed(path, COUNT)
    store = await AsyncStore.open(path)
    book = SessionBook([Session(model="demo", updated_at=START + 60 * 500.5)])
    await book.attach(store, default_model="demo")
    return ListedSessions(book), store


def _title(session: Session | None) -> str | None:
    return None if session is None else session.title


async def test_rows_in_order_with_the_unsaved_in_place(tmp_path: Path) -> None:
    rows, store = await _listed(tmp_path)
    try:
        new = rows.book.sessions[0]
        assert await rows.refresh("", current=new) == 499  # 499 stored sessions are newer
        assert len(rows) == COUNT + 1
        assert _title(rows.get(498)) == title(501) and _title(rows.get(500)) == title(500)
        assert rows.get(499) is new
        assert rows.held <= WINDOW and rows.get(0) is None  # far from what was asked: not held
        assert _title(await rows.at(0)) == title(COUNT - 1)
        assert _title(await rows.at(COUNT)) == title(0)  # a jump to the end
        assert rows.held <= WINDOW
        for index in (0, 250, 499, 500, 750, COUNT):
            await rows.ensure(index, index + 20)
            assert rows.held <= WINDOW
            session = rows.get(index)
            assert session is not None and await rows.index_of(session) == index
        held = rows.held_sessions()
        assert len(held) == rows.held + (new in held)
    finally:
        await store.aclose()


async def test_a_search_lists_what_it_finds(tmp_path: Path) -> None:
    rows, store = await _listed(tmp_path)
    try:
        await rows.refresh("answer 999")  # the last word is a prefix: 999 only
        assert [s.title for s in rows.held_sessions()] == [title(999)]
        await rows.refresh("chat")  # every title, the unsaved "New chat" too
        assert len(rows) == COUNT + 1
        await rows.refresh("no such words")
        assert len(rows) == 0 and rows.held_sessions() == []
    finally:
        await store.aclose()


async def test_rows_drawn_while_a_search_is_read_are_the_old_or_the_new(tmp_path: Path) -> None:
    """The list is drawn (``get`` for every row in view) while a refresh awaits its reads: each
    row must be a session or None, never an error (an unsaved session filtered out while its
    old row number was still in place raised IndexError)."""
    rows, store = await _listed(tmp_path)
    try:
        await rows.refresh("")
        read = rows._read
        seen: list[object] = []

        async def drawn_meanwhile(*args: object, **kwargs: object) -> object:
            seen.extend(rows.get(i) for i in range(len(rows)))
            return await read(*args, **kwargs)  # type: ignore[arg-type]

        rows._read = drawn_meanwhile  # type: ignore[method-assign,assignment]
        await rows.refresh("answer 999")  # the unsaved "New chat" is not found any more
        assert seen and all(s is None or isinstance(s, Session) for s in seen)
        assert [s.title for s in rows.held_sessions()] == [title(999)]
    finally:
        await store.aclose()


async def test_a_chat_just_started_goes_first_without_reading_the_history(tmp_path: Path) -> None:
    rows, store = await _listed(tmp_path)
    try:
        await rows.refresh("")
        older = rows.get(3)
        assert older is not None and rows.held_index(older) == 3
        reads = store.call

        def refused(*args: object, **kwargs: object) -> object:
            raise AssertionError("the history was read")

        setattr(store, "call", refused)  # noqa: B010 (a plain assignment mistypes it)
        new = await rows.book.create("demo")
        assert rows.add_new(new) == 0 and rows.get(0) is new
        assert len(rows) == COUNT + 2
        assert rows.held_index(new) == 0 and rows.held_index(older) == 4  # one row down
        assert rows.add_new(new) is None  # listed already
        setattr(store, "call", reads)  # noqa: B010
        assert await rows.index_of(older) == 4 and await rows.refresh("") is None
        assert rows.get(0) is new  # what a full read finds too
    finally:
        await store.aclose()


async def test_a_chat_the_list_cannot_place_so_is_left_to_a_read(tmp_path: Path) -> None:
    rows, store = await _listed(tmp_path)
    try:
        await rows.refresh("answer 999")
        found_elsewhere = await rows.book.create("demo")  # "New chat" is not found by the search
        assert rows.add_new(found_elsewhere) is None and rows.held_index(found_elsewhere) is None
        await rows.refresh("")
        stale = Session(model="demo", updated_at=START)  # older than the newest row
        rows.book.sessions.append(stale)
        assert rows.add_new(stale) is None
    finally:
        await store.aclose()
