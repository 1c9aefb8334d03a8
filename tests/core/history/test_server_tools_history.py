"""Tools a provider ran itself in the history: kept with their answer in the ``tool_calls``
column (marked ``server``, so no schema change), read back apart from the tool calls to answer,
never sent back as context, exported and imported exactly, and mapped onto the session's
message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.export import session_json
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.sessions.store_map import answer_record, message_from_stored
from openmaas_tui.core.types import FinishReason, Message, Role, ToolCall, Usage

SERVER = (
    ServerToolCall(
        "srvtoolu_1",
        "web_search",
        '{"query": "weather Paris"}',
        "Météo <https://m.fr>",
        "completed",
    ),
    ServerToolCall("srvtoolu_2", "code_execution", '{"code": "print(1)"}'),
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
        text="Searching, then asking.",
        tool_calls=(CALL,),
        usage=Usage(20, 90),
        finish_reason=FinishReason.TOOL_CALLS,
        server_tools=SERVER,
    )
    store.finish_message(answer, record)
    return session


def test_server_tools_are_stored_beside_the_calls_and_never_sent_back(store: Store) -> None:
    session = _conversation(store)
    user, answer = store.messages(session)
    assert answer.server_tools == SERVER and user.server_tools == ()
    assert answer.tool_calls == (CALL,)  # the server's entries are not calls to answer
    assert answer.to_message() == Message.assistant("Searching, then asking.", (CALL,))
    mapped = message_from_stored(answer)
    assert mapped.server_tools == SERVER
    assert answer_record(mapped).server_tools == SERVER


def test_json_export_and_import_keep_them_exactly(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    assert exported["messages"][1]["server_tools"] == [t.as_dict() for t in SERVER]
    assert exported["messages"][1]["tool_calls"] == [CALL.as_dict()]
    assert "server_tools" not in exported["messages"][0]  # none: older exports unchanged
    imported_id = store.import_session(*parse_session_json(json.dumps(exported), source="x"))
    imported = store.get_session(imported_id)
    assert imported is not None
    again = session_json(imported, store.messages(imported_id))
    for ours, theirs in zip(exported["messages"], again["messages"], strict=True):
        assert {k: v for k, v in ours.items() if k != "id"} == {
            k: v for k, v in theirs.items() if k != "id"
        }
    assert store.messages(imported_id)[1].server_tools == SERVER


def test_a_bad_server_tool_in_an_import_names_where(store: Store) -> None:
    session = _conversation(store)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    exported["messages"][1]["server_tools"][0] = {"id": "s", "name": 3, "input": ""}
    with pytest.raises(OpenMaaSError) as caught:
        parse_session_json(json.dumps(exported), source="chat.json")
    assert "messages[1].server_tools[0]" in caught.value.message
