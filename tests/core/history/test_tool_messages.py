"""Tool calls on answers and tool results in the history: stored and read back, exported to
JSON and imported exactly, migrated into from a schema-3 file, and back as request context."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.schema import MIGRATIONS, migrate, user_version
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.export import session_json, session_markdown
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.types import FinishReason, Message, Role, ToolCall

CALLS = (
    ToolCall("get_weather", '{"city": "Paris"}', "call_1"),
    ToolCall("get_weather", '{"city": "Lyon"}', "call_2", signature="c2lnbmF0dXJl"),
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.db")
    yield s
    s.close()


def _conversation(store: Store) -> str:
    session = store.create_session(provider="openai", model="m").id
    store.add_message(session, Role.USER, "Weather in Paris and Lyon?")
    answer = store.add_message(session, Role.ASSISTANT, state=MessageState.STREAMING)
    record = AnswerRecord(text="", tool_calls=CALLS, finish_reason=FinishReason.TOOL_CALLS)
    store.finish_message(answer, record)
    store.add_message(session, Role.TOOL, "sunny", tool_call_id="call_1", tool_name="get_weather")
    store.add_message(
        session,
        Role.TOOL,
        "no such city",
        tool_call_id="call_2",
        tool_name="get_weather",
        is_error=True,
    )
    return session


def test_calls_and_results_are_stored_and_read_back(store: Store) -> None:
    session = _conversation(store)
    user, answer, first, second = store.messages(session)
    assert answer.tool_calls == CALLS and answer.finish_reason == "tool_calls"
    assert (first.role, first.content, first.tool_call_id, first.tool_name, first.is_error) == (
        Role.TOOL,
        "sunny",
        "call_1",
        "get_weather",
        False,
    )
    assert second.is_error and user.tool_calls == ()
    assert [m.to_message() for m in (answer, first, second)] == [
        Message.assistant("", CALLS),
        Message.tool_result("call_1", "get_weather", "sunny"),
        Message.tool_result("call_2", "get_weather", "no such city", is_error=True),
    ]


def test_json_export_and_import_keep_them_exactly(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    text = json.dumps(exported)
    assert exported["messages"][1]["tool_calls"][1] == {
        "id": "call_2",
        "name": "get_weather",
        "arguments": '{"city": "Lyon"}',
        "signature": "c2lnbmF0dXJl",
    }
    imported_id = store.import_session(*parse_session_json(text, source="chat.json"))
    imported = store.get_session(imported_id)
    assert imported is not None
    again = session_json(imported, store.messages(imported_id))
    strip = ("id",)
    for ours, theirs in zip(exported["messages"], again["messages"], strict=True):
        assert {k: v for k, v in ours.items() if k not in strip} == {
            k: v for k, v in theirs.items() if k not in strip
        }
    markdown = session_markdown(stored, store.messages(session))
    assert "Tool call `get_weather` (call_1)" in markdown
    assert "## Tool result (get_weather, call_2)" in markdown


def test_a_bad_tool_call_in_an_import_names_where(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    exported["messages"][1]["tool_calls"][0] = {"name": 3}
    with pytest.raises(OpenMaaSError) as caught:
        parse_session_json(json.dumps(exported), source="chat.json")
    assert caught.value.code is ErrorCode.INVALID_REQUEST or caught.value.code
    assert "messages[1].tool_calls[0]" in caught.value.message


def test_a_schema_3_file_migrates_and_takes_tool_messages(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrate(conn, target=3)
    conn.execute(
        "INSERT INTO sessions (id, title, title_is_custom, created_at, updated_at, params) "
        "VALUES ('s', 't', 0, 1, 1, '{}')"
    )
    conn.execute(
        "INSERT INTO messages (session_id, position, role, content, created_at) "
        "VALUES ('s', 0, 'user', 'penguins', 1)"
    )
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):  # schema 3 knows no tool role
        conn.execute(
            "INSERT INTO messages (session_id, position, role, content, created_at) "
            "VALUES ('s', 1, 'tool', 'x', 1)"
        )
    conn.close()
    store = Store(path)
    try:
        [old] = store.messages("s")
        assert replace(old, id=0) == replace(old, id=0, tool_calls=(), is_error=False)
        store.add_message("s", Role.TOOL, "ok", tool_call_id="c", tool_name="f")
        assert [m.role for m in store.messages("s")] == [Role.USER, Role.TOOL]
        assert [h.session_id for h in store.search("penguins")] == ["s"]  # FTS kept
    finally:
        store.close()
    check = sqlite3.connect(path)
    assert user_version(check) == len(MIGRATIONS)
    check.close()
