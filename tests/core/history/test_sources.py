"""Schema 7: where each session came from, kept and filled in.

A version-6 history with every kind of session (a playground chat, one ``ask`` began, a
playground chat ``ask --session`` went on with, an import, a compare "carry on") migrates with
nothing lost and each one's source found from what the history already knew; each writer sets
its source from then on; and the sessions list reads one source page by page.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history import listing
from openmaas_tui.core.history.ledger import NewSpend, SpendSource, spend_entries
from openmaas_tui.core.history.schema import SCHEMA_VERSION, migrate
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role, Usage

_SESSION = (
    "INSERT INTO sessions (id, title, title_is_custom, created_at, updated_at, params, imported) "
    "VALUES (?, ?, 0, ?, ?, '{}', ?)"
)
_MESSAGE = (
    "INSERT INTO messages (session_id, position, role, content, model, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_SPEND = (
    "INSERT INTO spend_ledger (answer_key, ended_at, source, model, billed, session_id, "
    "compare_run_id) VALUES (?, ?, ?, ?, 1, ?, ?)"
)


def _version_6(path: Path) -> None:
    """A history as schema 6 left it, with one session of each kind (and a compare run)."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=6)
    conn.execute("BEGIN")
    sessions = [
        ("play", "a playground chat", 10, 0),
        ("asked", "an ask", 20, 0),
        ("went-on", "continued by ask", 30, 0),
        ("imported", "an import", 40, 1),
        ("carried", "carried on from compare", 60, 1),
        ("old", "before the ledger", 5, 0),
    ]
    for sid, title, at, imported in sessions:
        conn.execute(_SESSION, (sid, title, at, at, imported))
    for sid, model, at in [
        ("play", "gpt-4o", 10),
        ("asked", "gpt-4o", 20),
        ("went-on", "gpt-4o", 30),
        ("imported", "gpt-4o", 40),
        ("carried", "claude-sonnet-4-5", 60),
        ("old", "gpt-4o", 5),
    ]:
        prompt = "race this" if sid in ("carried", "imported") else f"hello {sid}"
        conn.execute(_MESSAGE, (sid, 0, "user", prompt, None, at))
        conn.execute(_MESSAGE, (sid, 1, "assistant", "an answer", model, at + 1))
    conn.execute(
        "INSERT INTO compare_runs (id, created_at, updated_at, prompt, target_count, run_json) "
        "VALUES ('run', 50, 50, 'race this', 2, '{}')"
    )
    for position, model in enumerate(["claude-sonnet-4-5", "gpt-4o-mini"]):
        conn.execute(
            "INSERT INTO compare_targets (run_id, position, label, model, status) "
            "VALUES ('run', ?, ?, ?, 'done')",
            (position, model, model),
        )
    # the ledger as the faces wrote it: 'old' was filled in by schema 3 (source history)
    spend = [
        ("message:old", 6, "history", "gpt-4o", "old", None),
        ("message:play", 11, "playground", "gpt-4o", "play", None),
        ("message:asked", 21, "ask", "gpt-4o", "asked", None),
        ("message:went-on", 31, "playground", "gpt-4o", "went-on", None),
        ("message:went-on-2", 32, "ask", "gpt-4o", "went-on", None),
        ("compare:run:0", 51, "compare", "claude-sonnet-4-5", None, "run"),
        ("gw-1", 70, "gateway", "gpt-4o", None, None),
    ]
    for row in spend:
        conn.execute(_SPEND, row)
    conn.execute("COMMIT")
    conn.close()


def test_a_version_6_history_migrates_with_each_session_s_source_found(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    _version_6(path)
    store = Store(path)
    try:
        version = store.read(lambda c: c.execute("PRAGMA user_version").fetchone()[0])
        assert version == SCHEMA_VERSION >= 7
        sources = {s.id: s.source for s in store.list_sessions()}
        assert sources == {
            "play": SessionSource.PLAYGROUND,
            "asked": SessionSource.ASK,
            "went-on": SessionSource.PLAYGROUND,  # started in the playground
            "imported": SessionSource.IMPORT,  # its prompt raced, but after its import
            "carried": SessionSource.COMPARE,
            "old": SessionSource.PLAYGROUND,
        }
        # nothing lost: every session with both its messages, every ledger row as it was
        assert all(s.message_count == 2 for s in store.list_sessions())
        entries = store.read(spend_entries)
        assert [e.answer_key for e in entries][-1] == "gw-1" and len(entries) == 7
        assert {(e.client, e.status) for e in entries} == {(None, None)}
        imported = {s.id for s in store.list_sessions() if s.imported}
        assert imported == {"imported", "carried"}
    finally:
        store.close()


def test_the_ledger_keeps_a_gateway_answer_s_client_and_status(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    try:
        record = AnswerRecord("hi", usage=Usage(3, 2), cost_usd=0.001, model="gpt-4o")
        store.add_spends(
            [NewSpend(record, SpendSource.GATEWAY, client="OpenAI/Python", status=200)]
        )
        store.add_spends([NewSpend(record, SpendSource.COMPARE)])
        gateway, lane = store.read(spend_entries)
        assert (gateway.client, gateway.status) == ("OpenAI/Python", 200)
        assert (lane.client, lane.status) == (None, None)
    finally:
        store.close()


def test_each_writer_s_source_is_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    try:
        play = store.create_session(model="gpt-4o")
        asked = store.create_session(model="gpt-4o", source=SessionSource.ASK)
        assert (play.source, asked.source) == (SessionSource.PLAYGROUND, SessionSource.ASK)
        head = store.get_session(play.id)
        assert head is not None
        imported = store.import_session(head, [])
        carried = store.import_session(head, [], source=SessionSource.COMPARE)
        got = {s.id: s.source for s in store.list_sessions()}
        assert got == {
            play.id: SessionSource.PLAYGROUND,
            asked.id: SessionSource.ASK,
            imported: SessionSource.IMPORT,
            carried: SessionSource.COMPARE,
        }
        only = store.list_sessions(source=SessionSource.ASK)
        assert [s.id for s in only] == [asked.id]
    finally:
        store.close()


def test_the_list_of_one_source_pages_and_places_by_it(tmp_path: Path) -> None:
    clock = iter(float(t) for t in range(1, 10_000))
    store = Store(tmp_path / "h.db", clock=lambda: next(clock))
    try:
        made = []
        for i in range(12):
            source = SessionSource.ASK if i % 3 == 0 else SessionSource.PLAYGROUND
            made.append(store.create_session(title=f"chat {i}", source=source))
        playground = [s.id for s in reversed(made) if s.source is SessionSource.PLAYGROUND]
        mine = SessionSource.PLAYGROUND
        assert listing.count(store, source=mine) == 8 and listing.count(store) == 12
        first = listing.page(store, limit=5, source=mine)
        rest = listing.page(store, after=first[-1].key, limit=5, source=mine)
        assert [r.session.id for r in first + rest] == playground
        back = listing.page(store, before=rest[0].key, limit=2, source=mine)
        assert [r.session.id for r in back] == playground[3:5]
        jump = listing.page_at(store, 6, limit=5, source=mine, total=8)
        assert [r.session.id for r in jump] == playground[6:]
        assert listing.position(store, playground[2], source=mine) == 2
        assert listing.position(store, made[0].id, source=mine) is None  # an ask
        assert listing.position(store, made[0].id) == 11
        assert listing.newer(store, made[5].updated_at, source=mine) == 4
        searched = listing.page(store, text="chat", source=SessionSource.ASK)
        assert {r.session.id for r in searched} == {made[i].id for i in (0, 3, 6, 9)}
    finally:
        store.close()


def test_an_answer_finished_keeps_the_session_source(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    try:
        session = store.create_session(model="gpt-4o", source=SessionSource.ASK)
        store.add_message(session.id, Role.USER, "hi")
        answer = store.add_message(session.id, Role.ASSISTANT, state=MessageState.STREAMING)
        store.finish_message(answer, AnswerRecord(text="hello"))
        got = store.get_session(session.id)
        assert got is not None and got.source is SessionSource.ASK and got.message_count == 2
    finally:
        store.close()


def test_every_source_can_be_stored(tmp_path: Path) -> None:
    """The column's CHECK (schema 7) takes every value of the enum."""
    store = Store(tmp_path / "h.db")
    try:
        for source in SessionSource:
            store.create_session(source=source)
        assert {s.source for s in store.list_sessions()} == set(SessionSource)
    finally:
        store.close()
