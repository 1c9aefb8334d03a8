"""Export and import: the JSON round trip is identical, Markdown matches its golden file, and a
broken file names the field at fault."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.export import session_json, session_markdown
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.types import FinishReason, Role, Usage
from tests.core.history.test_store import Clock

GOLDEN = Path(__file__).parent / "golden" / "session.md"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.db", clock=Clock())
    yield s
    s.close()


def fill(store: Store) -> str:
    """A session with every kind of message: answers with usage and cost, reasoning, an
    estimate, an unknown price, a stopped and a failed answer, an attachment, odd text."""
    session = store.create_session(provider="anthropic", model="claude-sonnet-4-5")
    store.set_defaults(
        session.id, provider="anthropic", model="claude-sonnet-4-5", params={"temperature": 0.2}
    )
    store.add_message(
        session.id,
        Role.USER,
        "Explain `asyncio.gather` in two lines.",
        attachments=[{"type": "image", "media_type": "image/png", "path": "diagram.png"}],
        params={"temperature": 0.2},
    )
    a1 = store.add_message(
        session.id, Role.ASSISTANT, provider="anthropic", model="claude-sonnet-4-5",
        state=MessageState.STREAMING, params={"temperature": 0.2},
    )  # fmt: skip
    store.finish_message(
        a1,
        AnswerRecord(
            "It runs awaitables **concurrently**\nand returns their results in order.",
            reasoning="The user wants brevity.",
            usage=Usage(1200, 48, 1000, 12),
            cost_usd=0.00123,
            ttft_ms=412.6,
            duration_ms=1530.2,
            finish_reason=FinishReason.STOP,
            finish_reason_raw="end_turn",
        ),
    )
    store.add_message(session.id, Role.USER, 'And "TaskGroup"? ünïcödé ✓')
    a2 = store.add_message(session.id, Role.ASSISTANT, provider="openai", model="gpt-4o-mini")
    store.finish_message(
        a2,
        AnswerRecord(
            "Partly",
            usage=Usage(30, 2),
            cost_usd=0.0000042,
            estimated=True,
            state=MessageState.STOPPED,
        ),
    )
    a3 = store.add_message(session.id, Role.ASSISTANT, provider="custom", model="mystery")
    store.finish_message(
        a3, AnswerRecord("No price for me", usage=Usage(5, 5), finish_reason=FinishReason.LENGTH)
    )
    a4 = store.add_message(session.id, Role.ASSISTANT, provider="openai", model="gpt-4o")
    store.finish_message(
        a4,
        AnswerRecord(
            state=MessageState.ERROR, error_code="RATE_LIMITED", error_message="slow down"
        ),
    )
    return session.id


def _export(store: Store, session_id: str) -> dict[str, Any]:
    session = store.get_session(session_id)
    assert session is not None
    return session_json(session, store.messages(session_id))


def _without_ids(data: dict[str, Any]) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    data["session"].pop("id")
    for message in data["messages"]:
        message.pop("id")
    return data


def test_json_export_then_import_is_identical(store: Store, tmp_path: Path) -> None:
    session_id = fill(store)
    exported = _export(store, session_id)
    text = json.dumps(exported, ensure_ascii=False, indent=2)
    other = Store(tmp_path / "other.db")
    new_id = other.import_session(*parse_session_json(text, source="x.json"))
    assert new_id != session_id
    again = _export(other, new_id)
    assert _without_ids(again) == _without_ids(exported)
    assert len(again["messages"]) == 6
    assert other.search("TaskGroup")[0].session_id == new_id
    before = store.get_session(session_id)
    after = other.get_session(new_id)
    assert before is not None and after is not None and before.totals == after.totals
    other.close()


def test_json_export_holds_every_field(store: Store) -> None:
    exported = _export(store, fill(store))
    assert exported["format"] == "openmaas-session" and exported["schema_version"] == 1
    first_answer = exported["messages"][1]
    assert first_answer["cached_input_tokens"] == 1000
    assert first_answer["finish_reason_raw"] == "end_turn"
    assert first_answer["reasoning"] == "The user wants brevity."
    assert exported["messages"][0]["attachments"][0]["path"] == "diagram.png"
    assert exported["session"]["params"] == {"temperature": 0.2}
    assert exported["messages"][-1]["state"] == "error"


def test_markdown_matches_the_golden_file(store: Store) -> None:
    session_id = fill(store)
    session = store.get_session(session_id)
    assert session is not None
    text = session_markdown(session, store.messages(session_id)).replace(session_id, "SESSION")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def _valid() -> dict[str, Any]:
    return {
        "format": "openmaas-session",
        "schema_version": 1,
        "session": {"title": "t", "created_at": 1.0, "updated_at": 2.0, "params": {}},
        "messages": [{"position": 0, "role": "user", "content": "hi", "created_at": 1}],
    }


def test_a_minimal_file_imports_with_defaults() -> None:
    session, [message] = parse_session_json(json.dumps(_valid()))
    assert session.title == "t" and not session.title_is_custom and session.provider is None
    assert message.state is MessageState.COMPLETE and message.created_at == 1.0
    assert message.attachments == () and message.cost_usd is None


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(schema_version=99), "schema_version"),
        (lambda d: d.update(format="other"), "format"),
        (lambda d: d.pop("messages"), "messages"),
        (lambda d: d["session"].pop("title"), "session.title: missing"),
        (lambda d: d["session"].update(created_at="yesterday"), "session.created_at"),
        (lambda d: d["messages"][0].update(role="bot"), "messages[0].role"),
        (lambda d: d["messages"][0].update(state="done"), "messages[0].state"),
        (lambda d: d["messages"][0].update(input_tokens=True), "messages[0].input_tokens"),
        (lambda d: d["messages"][0].update(attachments=["x"]), "messages[0].attachments[0]"),
        (lambda d: d["messages"].append(dict(d["messages"][0])), "messages[1].position"),
    ],
)
def test_a_broken_file_names_the_field(change: Any, where: str) -> None:
    data = _valid()
    change(data)
    with pytest.raises(OpenMaaSError) as caught:
        parse_session_json(json.dumps(data), source="chat.json")
    assert caught.value.code == ErrorCode.INVALID_REQUEST
    assert caught.value.message.startswith("chat.json: ")
    assert where in caught.value.message


def test_text_that_is_not_json_says_where() -> None:
    with pytest.raises(OpenMaaSError) as caught:
        parse_session_json("{\n  oops", source="chat.json")
    assert "chat.json: line 2" in caught.value.message
