"""Opening the history: migrations, WAL, interrupted answers, and files that must not be touched."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role


def _v1_file(path: Path) -> None:
    """A history written by the first schema only, as an old release would have left it."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    now = time.time()
    conn.execute(
        "INSERT INTO sessions VALUES ('a' || hex(randomblob(15)), 'Old chat', 0, ?, ?, "
        "'openai', 'gpt-4o', '{}')",
        (now, now),
    )
    (session_id,) = conn.execute("SELECT id FROM sessions").fetchone()
    conn.execute(
        "INSERT INTO messages (session_id, position, role, content, created_at) "
        "VALUES (?, 0, 'user', 'an old question about penguins', ?)",
        (session_id, now),
    )
    conn.close()


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_a_new_file_gets_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "history.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    assert user_version(conn) == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_first_schema_file_opens_with_its_data_and_search(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    _v1_file(path)
    store = Store(path)
    [session] = store.list_sessions()
    assert session.title == "Old chat" and session.model == "gpt-4o"
    assert [m.content for m in store.messages(session.id)] == ["an old question about penguins"]
    assert [h.session_id for h in store.search("penguin")] == [session.id]
    store.add_message(session.id, Role.ASSISTANT, "a new answer")
    store.close()
    assert user_version(sqlite3.connect(path)) == SCHEMA_VERSION


def test_streaming_answers_become_interrupted_at_open(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    store = Store(path)
    session = store.create_session()
    store.add_message(session.id, Role.USER, "question")
    answer = store.add_message(session.id, Role.ASSISTANT, state=MessageState.STREAMING)
    store.update_streaming(answer, "half an ans")
    store.close()
    again = Store(path)
    assert again.recovered == 1
    message = again.get_message(answer)
    assert message is not None
    assert (message.state, message.content) == (MessageState.INTERRUPTED, "half an ans")
    again.close()
    assert Store(path).recovered == 0


def _assert_storage_failed(path: Path, exc: OpenMaaSError) -> None:
    assert exc.code == ErrorCode.STORAGE_FAILED
    assert str(path) in exc.message
    assert exc.hint and "untouched" in exc.hint


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    garbage = b"this is not SQLite at all\n" * 200
    path.write_bytes(garbage)
    with pytest.raises(OpenMaaSError) as caught:
        Store(path)
    _assert_storage_failed(path, caught.value)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def test_a_damaged_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    store = Store(path)
    session = store.create_session()
    for i in range(300):
        store.add_message(session.id, Role.USER, f"message {i} " + "x" * 200)
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    data[3 * page : 6 * page] = b"\xa5" * (3 * page)  # overwrite b-tree pages, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(OpenMaaSError) as caught:
        Store(path)
    _assert_storage_failed(path, caught.value)
    assert path.read_bytes() == bytes(data)


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(OpenMaaSError) as caught:
        Store(path)
    _assert_storage_failed(path, caught.value)
    assert "newer" in caught.value.message
    assert path.read_bytes() == before


def test_an_unwritable_folder_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    path = blocker / "history.db"
    with pytest.raises(OpenMaaSError) as caught:
        Store(path)
    _assert_storage_failed(path, caught.value)
    assert blocker.read_text() == "a file where the data folder should be"


def test_a_folder_in_place_of_the_file_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    path.mkdir()
    with pytest.raises(OpenMaaSError) as caught:
        Store(path)
    _assert_storage_failed(path, caught.value)


def test_a_memory_store_works_and_keeps_nothing() -> None:
    store = Store(":memory:")
    session = store.create_session()
    store.add_message(session.id, Role.USER, "hello")
    assert store.in_memory and store.search("hello")[0].session_id == session.id
    store.close()


def test_a_clean_file_at_the_current_schema_is_not_scanned(tmp_path: Path) -> None:
    from openmaas_tui.core.history.opening import _needs_scan
    from openmaas_tui.core.history.schema import SCHEMA_VERSION

    path = tmp_path / "history.db"
    Store(path).close()
    assert not _needs_scan(path, SCHEMA_VERSION)  # closed cleanly: no whole-file read
    assert _needs_scan(path, SCHEMA_VERSION - 1)  # a migration is about to rewrite it
    path.with_name(path.name + "-wal").write_bytes(b"x" * 32)  # a process died mid-write
    assert _needs_scan(path, SCHEMA_VERSION)
