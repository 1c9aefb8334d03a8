"""The playground's history on disk: conversations survive a restart, every change to them is
saved, search goes through the full-text index, an answer cut by a killed process comes back
interrupted and can be asked again, and a damaged file leaves the app working in memory."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from textual.pilot import Pilot

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.types import Role, Usage
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog, RenameDialog
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.message_view import FinishedAnswer
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_search import SessionSearch
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    ask,
    demo_playground,
    listed_items,
    listed_sessions,
    listed_titles,
    replay_playground,
    settle,
    submit,
    wait_until,
)

SIZE = (160, 50)


async def _open(app: PlaygroundApp, pilot: Pilot[None], title: str) -> None:
    def listed() -> list[Session]:
        return [s for s in listed_sessions(app) if s.title == title]

    await wait_until(pilot, listed, what=f"{title!r} listed")  # the history opens after mount
    session = listed()[0]
    await app.playground.session_ops.open(session)
    await pilot.pause()


def _stored(title: str) -> list[tuple[str, str, MessageState]]:
    store = Store(resolve_paths().history_db)
    try:
        session = next(s for s in store.list_sessions() if s.title == title)
        return [(str(m.role), m.content, m.state) for m in store.messages(session.id)]
    finally:
        store.close()


async def test_a_conversation_survives_a_restart(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("anthropic/stream_text.sse"))
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "name two pelicans")
        await ask(pilot, "two more")
        answer = app.playground.current.messages[-1].text
        before = listed_items(app)[0]
    assert before == "name two pelicans\n$0.0004 · claude-sonnet-4-5"

    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # A fresh chat on top; the stored one below it with its title, cost and model.
        items = listed_items(app)
        assert len(items) == 2 and items[0].startswith("New chat\n$0") and items[1] == before
        assert not app.playground.current.messages
        await pilot.press("ctrl+s", "down", "enter")
        await pilot.pause()
        session = app.playground.current
        assert session.title == "name two pelicans"
        assert [m.text for m in session.messages][::2] == ["name two pelicans", "two more"]
        assert session.messages[-1].text == answer and session.messages[-1].model
        assert (session.totals.input_tokens, session.totals.output_tokens) == (34, 20)
        assert len(app.playground.pane().query(FinishedAnswer)) == 2
        # The next question carries the stored turns as context.
        await ask(pilot, "and one more")
        sent = server.last.json() if server.last else {}
        assert [m["content"] for m in sent["messages"]][::2] == [
            "name two pelicans",
            "two more",
            "and one more",
        ]
    assert len(_stored("name two pelicans")) == 6


async def test_rename_delete_edit_and_clear_are_saved(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        for text in ("show me a table", "write some code", "hello there"):
            await pilot.press("ctrl+n")
            await ask(pilot, text)
        await ask(pilot, "show me a list")
        # Rename "write some code".
        await pilot.press("ctrl+s", "down", "r")
        await pilot.pause()
        assert isinstance(app.screen, RenameDialog)
        await pilot.press(*"code please", "enter")  # typing replaces the title
        await pilot.pause()
        # Delete "show me a table".
        await pilot.press("ctrl+s", "down", "down", "delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        # Edit "hello there"'s second message and resend from there.
        await app.playground.session_ops.open(
            next(s for s in app.playground.sessions if s.title == "hello there")
        )
        app.playground.conversation.edit(app.playground.current.messages[2])
        app.query_one("#prompt", PromptArea).clear()
        await ask(pilot, "write some code")
        # Clear the renamed one.
        await _open(app, pilot, "code please")
        await app.playground.conversation.clear_session(app.playground.current)
        await pilot.pause()
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert sorted(listed_titles(app)) == ["New chat", "code please", "hello there"]
        await _open(app, pilot, "hello there")
        assert [m.text for m in app.playground.current.messages][::2] == [
            "hello there",
            "write some code",
        ]
        await _open(app, pilot, "code please")
        assert app.playground.current.messages == []
    assert [c for _, c, _ in _stored("hello there")][::2] == ["hello there", "write some code"]


async def test_search_finds_stored_sessions_by_their_text(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "show me a table")
        await pilot.press("ctrl+n")
        await ask(pilot, "write some code")
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert all(not s.messages for s in app.playground.sessions)
        # "Algorithm" is only in the table answer, which is not loaded: the index finds it.
        await pilot.press("ctrl+f", *"algorith")
        await pilot.pause()
        assert listed_titles(app) == ["show me a table"]
        assert all(not s.messages for s in app.playground.sessions)
        app.query_one(SessionSearch).value = ""
        await pilot.pause()
        assert listed_titles(app) == ["New chat", "write some code", "show me a table"]
        assert isinstance(app.focused, SessionSearch)


async def test_an_interrupted_answer_shows_so_and_can_be_regenerated(isolated_home: Path) -> None:
    demo_playground(isolated_home)  # writes the fast demo config
    store = Store(resolve_paths().history_db)
    session = store.create_session(provider="demo", model="demo")
    store.add_message(session.id, Role.USER, "show me a table", provider="demo", model="demo")
    store.add_message(
        session.id,
        Role.ASSISTANT,
        "| Algo",
        provider="demo",
        model="demo",
        state=MessageState.STREAMING,
    )
    store.close()  # left streaming, as a killed process leaves it
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, "show me a table")
        answer = app.playground.current.messages[-1]
        assert answer.interrupted and answer.text == "| Algo"
        widget = app.playground.pane().query(FinishedAnswer).last()
        assert "interrupted" in widget.lines[-1].text
        await pilot.press("ctrl+r")
        await pilot.pause()
        await settle(pilot)
        again = app.playground.current.messages[-1]
        assert not again.interrupted and "| Algorithm |" in again.text
        assert len(app.playground.current.messages) == 2
    stored = _stored("show me a table")
    assert [(role, state) for role, _, state in stored] == [
        ("user", MessageState.COMPLETE),
        ("assistant", MessageState.COMPLETE),
    ]
    assert "| Algorithm |" in stored[1][1]


async def test_a_damaged_history_is_said_and_left_alone(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    db = resolve_paths().history_db
    db.parent.mkdir(parents=True, exist_ok=True)
    damaged = b"this is not a database" * 100
    db.write_bytes(damaged)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        notes = [n for n in app._notifications if n.severity == "error"]
        assert len(notes) == 1
        assert "STORAGE_FAILED" in notes[0].message and str(db) in notes[0].message
        await ask(pilot, "show me a table")
        assert "| Algorithm |" in app.playground.current.messages[-1].text
        assert len([n for n in app._notifications if n.severity == "error"]) == 1
    assert db.read_bytes() == damaged


async def test_continuing_a_compare_answer_is_saved_with_its_cost(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await app.playground.session_ops.adopt(
            "gpt-4o-mini", "which is faster?", "the second", Usage(12, 3), 0.0025
        )
        await pilot.pause()
    store = Store(resolve_paths().history_db)
    try:
        (session,) = store.list_sessions()
        messages = store.messages(session.id)
    finally:
        store.close()
    assert (session.title, session.provider, session.model) == (
        "which is faster?",
        "openai",
        "gpt-4o-mini",
    )
    assert session.totals.cost_usd == 0.0025
    assert [(m.content, m.input_tokens, m.output_tokens) for m in messages] == [
        ("which is faster?", None, None),
        ("the second", 12, 3),
    ]


async def test_the_question_and_the_streaming_answer_are_on_disk_mid_stream(
    server: ReplayServer,
) -> None:
    pieces = [f"word{i} " for i in range(60)]
    server.default = openai_stream_reply(pieces, chunk_delay_s=0.05)
    app = replay_playground(server)
    db = resolve_paths().history_db

    def on_disk() -> list[tuple[str, str, str]]:
        # Read-only and without Store: opening a Store would mark the answer interrupted.
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            rows = conn.execute("SELECT role, content, state FROM messages ORDER BY position")
            return [(str(r), str(c), str(s)) for r, c, s in rows]

    def flushed() -> bool:
        """The answer's row holds its first words (the history may still be being made)."""
        try:
            rows = on_disk()
        except sqlite3.Error:
            return False
        return len(rows) == 2 and rows[1][1].startswith("word0 word1 ")

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"count", "enter")
        await wait_until(pilot, flushed, what="a first flush of the answer", step_s=0.05)
        # The question was committed before the request left.
        assert on_disk()[0] == ("user", "count", "complete")
        (_, (role, partial, state)) = on_disk()
        assert (role, state) == ("assistant", "streaming")
        assert partial.startswith("word0 word1 ") and len(partial) < len("".join(pieces))
        await settle(pilot)
    assert on_disk()[1] == ("assistant", "".join(pieces), "complete")


async def test_a_stopped_answer_is_saved_as_stopped_with_what_arrived(
    server: ReplayServer,
) -> None:
    pieces = [f"word{i} " for i in range(400)]
    server.default = openai_stream_reply(pieces, chunk_delay_s=0.01)
    app = replay_playground(server)
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "count")
        view = app.query_one(AnswerView)
        await wait_until(pilot, lambda: "word3 " in view.completion().text, what="word3")
        await pilot.press("escape")
        await settle(pilot)
        partial = view.completion().text
        assert view.record is not None and view.record.stopped
    assert len(partial) < len("".join(pieces))
    assert _stored("count") == [
        ("user", "count", MessageState.COMPLETE),
        ("assistant", partial, MessageState.STOPPED),
    ]


async def test_a_long_stored_session_opens_from_its_end_and_reads_the_rest_after(
    isolated_home: Path,
) -> None:
    demo_playground(isolated_home)
    store = Store(resolve_paths().history_db)
    session = store.create_session(provider="demo", model="demo")
    for i in range(300):
        store.add_message(session.id, Role.USER, f"question {i}")
        store.add_message(session.id, Role.ASSISTANT, f"answer {i}", provider="demo")
    store.close()
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot, "question 0")
        await settle(pilot)
        opened = app.playground.current
        assert opened.loaded and [m.text for m in opened.messages[:2]] == ["question 0", "answer 0"]
        assert len(opened.messages) == 600
        pane = app.playground.pane()
        # The earlier messages are read after the last ones are shown: wait until the pane
        # counts them (a pane that never does fails here).
        await wait_until(
            pilot,
            lambda: pane.hidden + len(pane.message_widgets()) == 600,
            what="every earlier message counted as hidden",
        )
        shown = len(pane.message_widgets())
        assert pane.hidden == 600 - shown
        assert f"{600 - shown:,} earlier messages" in str(pane.query_one(".earlier").render())
        await pane.show_earlier()
        await pilot.pause()
        assert pane.hidden < 600 - shown
        await ask(pilot, "show me a table")
        assert len(app.playground.current.context()) == 602
