"""Signed and redacted reasoning blocks in the history: stored with their answer (schema 6),
read back as request context, exported to JSON and imported exactly, shown in Markdown as a
collapsed block, and migrated into from a schema-4 file."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.schema import migrate
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.sessions.export import session_json, session_markdown
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.types import FinishReason, Message, Role, ToolCall, Usage

BLOCKS = (
    ReasoningBlock(
        "The user wants the weather; a tool knows.", "EqEECkYICxgCKkAo3UA4", origin="anthropic"
    ),
    ReasoningBlock(redacted="RXRrRUNrZ0lCeEFCR0FJ", origin="anthropic"),
)
CALL = ToolCall("get_weather", '{"city": "Paris"}', "toolu_1")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.db")
    yield s
    s.close()


def _conversation(store: Store) -> str:
    session = store.create_session(provider="anthropic", model="claude-sonnet-4-5").id
    store.add_message(session, Role.USER, "Weather in Paris?")
    answer = store.add_message(session, Role.ASSISTANT, state=MessageState.STREAMING)
    record = AnswerRecord(
        text="Let me look.",
        reasoning="The user wants the weather; a tool knows.[redacted thinking]\n",
        tool_calls=(CALL,),
        usage=Usage(20, 90, 0, 60),
        finish_reason=FinishReason.TOOL_CALLS,
        reasoning_blocks=BLOCKS,
    )
    store.finish_message(answer, record)
    store.add_message(session, Role.TOOL, "sunny", tool_call_id="toolu_1", tool_name="get_weather")
    return session


def test_blocks_are_stored_and_go_back_as_context(store: Store) -> None:
    session = _conversation(store)
    user, answer, result = store.messages(session)
    assert answer.reasoning_blocks == BLOCKS and user.reasoning_blocks == ()
    assert answer.reasoning_tokens == 60
    assert answer.to_message() == Message.assistant("Let me look.", (CALL,), BLOCKS)
    assert result.to_message().reasoning_blocks == ()


def test_json_export_and_import_keep_them_exactly(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    assert exported["messages"][1]["reasoning_blocks"] == [
        {"text": BLOCKS[0].text, "signature": BLOCKS[0].signature, "origin": "anthropic"},
        {"text": "", "redacted": BLOCKS[1].redacted, "origin": "anthropic"},
    ]
    assert exported["messages"][1]["reasoning"].endswith("[redacted thinking]\n")
    assert "reasoning_blocks" not in exported["messages"][0]  # none: older exports unchanged
    imported_id = store.import_session(*parse_session_json(json.dumps(exported), source="x"))
    imported = store.get_session(imported_id)
    assert imported is not None
    again = session_json(imported, store.messages(imported_id))
    for ours, theirs in zip(exported["messages"], again["messages"], strict=True):
        assert {k: v for k, v in ours.items() if k != "id"} == {
            k: v for k, v in theirs.items() if k != "id"
        }


def test_markdown_shows_the_reasoning_collapsed_above_the_answer(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    markdown = session_markdown(stored, store.messages(session))
    head = markdown.index("<details><summary>Reasoning</summary>")
    assert head < markdown.index("[redacted thinking]") < markdown.index("</details>")
    assert markdown.index("</details>") < markdown.index("Let me look.")
    assert "EqEECkYICxgCKkAo3UA4" not in markdown  # signatures are for the provider only


def test_a_bad_block_in_an_import_names_where(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    exported["messages"][1]["reasoning_blocks"][1] = {"text": "", "redacted": 7}
    with pytest.raises(OpenMaaSError) as caught:
        parse_session_json(json.dumps(exported), source="chat.json")
    assert "messages[1].reasoning_blocks[1]" in caught.value.message


def test_a_schema_4_file_migrates_to_take_blocks(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrate(conn, target=4)
    conn.execute(
        "INSERT INTO sessions (id, title, title_is_custom, created_at, updated_at, params) "
        "VALUES ('s', 't', 0, 1, 1, '{}')"
    )
    conn.execute(
        "INSERT INTO messages (session_id, position, role, content, created_at) "
        "VALUES ('s', 0, 'assistant', 'old answer', 1)"
    )
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        [old] = store.messages("s")
        assert old.reasoning_blocks == () and old.content == "old answer"
        answer = store.add_message("s", Role.ASSISTANT, state=MessageState.STREAMING)
        store.finish_message(answer, AnswerRecord(text="new", reasoning_blocks=BLOCKS))
        assert store.messages("s")[1].reasoning_blocks == BLOCKS
    finally:
        store.close()
