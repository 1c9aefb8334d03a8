"""The history store: sessions, messages, totals, deletion and truncation, search, cost views."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.search import fts_query
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import FinishReason, Role, Usage


class Clock:
    """Seconds since the epoch, one second further at each reading."""

    def __init__(self, start: float = 1_767_268_800.0) -> None:  # 2026-01-01 12:00 UTC
        self._ticks = itertools.count()
        self.start = start

    def __call__(self) -> float:
        return self.start + next(self._ticks)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.db", clock=Clock())
    yield s
    s.close()


def _exchange(store: Store, session_id: str, question: str, answer: str, **final: Any) -> int:
    """A question and its answer: ``answer`` flushed while streaming, then finished with a
    record of ``final``'s fields (its text ``answer`` unless ``final`` says otherwise)."""
    store.add_message(session_id, Role.USER, question)
    answer_id = store.add_message(
        session_id, Role.ASSISTANT, state=MessageState.STREAMING, provider="openai", model="m"
    )
    store.update_streaming(answer_id, answer)
    store.finish_message(answer_id, AnswerRecord(**{"text": answer, **final}))
    return answer_id


def test_a_session_lists_with_its_title_from_the_first_user_message(store: Store) -> None:
    session = store.create_session(provider="openai", model="gpt-4o-mini", params={"top_p": 0.5})
    store.add_message(
        session.id, Role.USER, "What is   the capital\nof France, in one word please?"
    )
    store.add_message(session.id, Role.USER, "Second question")
    [listed] = store.list_sessions()
    assert listed.id == session.id
    assert listed.title == "What is the capital of France, in one w…"
    assert listed.params == {"top_p": 0.5}
    assert (listed.provider, listed.model) == ("openai", "gpt-4o-mini")
    assert listed.message_count == 2
    assert listed.updated_at > listed.created_at


def test_sessions_are_listed_by_last_activity(store: Store) -> None:
    first = store.create_session()
    second = store.create_session()
    assert [s.id for s in store.list_sessions()] == [second.id, first.id]
    store.add_message(first.id, Role.USER, "back to the first")
    assert [s.id for s in store.list_sessions()] == [first.id, second.id]
    assert [s.id for s in store.list_sessions(limit=1)] == [first.id]


def test_a_renamed_session_keeps_its_title(store: Store) -> None:
    session = store.create_session()
    store.rename_session(session.id, "My title")
    store.add_message(session.id, Role.USER, "hello")
    got = store.get_session(session.id)
    assert got is not None and got.title == "My title" and got.title_is_custom


def test_an_answer_is_recorded_with_every_final_field(store: Store) -> None:
    session = store.create_session()
    answer_id = _exchange(
        store,
        session.id,
        "hi",
        "partial",
        text="Hello there",
        reasoning="thinking…",
        usage=Usage(12, 34, 5, 6),
        cost_usd=0.0012,
        estimated=True,
        ttft_ms=123.4,
        duration_ms=567.8,
        finish_reason=FinishReason.STOP,
        finish_reason_raw="end_turn",
    )
    message = store.get_message(answer_id)
    assert message is not None
    assert (message.content, message.reasoning) == ("Hello there", "thinking…")
    assert message.usage == Usage(12, 34, 5, 6)
    assert (message.cost_usd, message.cost_estimated) == (0.0012, True)
    assert (message.ttft_ms, message.duration_ms) == (123.4, 567.8)
    assert (message.finish_reason, message.finish_reason_raw) == ("stop", "end_turn")
    assert message.state is MessageState.COMPLETE
    assert (message.provider, message.model, message.position) == ("openai", "m", 1)
    totals = store.list_sessions()[0].totals
    assert (totals.input_tokens, totals.output_tokens) == (12, 34)
    assert (totals.cached_input_tokens, totals.reasoning_tokens) == (5, 6)
    assert totals.cost_text == "≈$0.0012"


def test_finishing_writes_the_final_text_over_what_was_flushed(store: Store) -> None:
    session = store.create_session()
    answer_id = _exchange(
        store, session.id, "hi", "so far", text="so far, and more", state=MessageState.STOPPED
    )
    message = store.get_message(answer_id)
    assert message is not None and message.content == "so far, and more"
    assert message.state is MessageState.STOPPED


def test_an_answer_without_a_price_makes_the_cost_unknown(store: Store) -> None:
    session = store.create_session()
    _exchange(store, session.id, "a", "b", usage=Usage(1, 2), cost_usd=0.5)
    assert store.list_sessions()[0].totals.cost_text == "$0.50"
    _exchange(store, session.id, "c", "d", usage=Usage(1, 2), cost_usd=None)
    assert store.list_sessions()[0].totals.cost_text == "price unknown"


def test_an_empty_failed_answer_costs_nothing(store: Store) -> None:
    session = store.create_session()
    _exchange(store, session.id, "a", "", state=MessageState.ERROR, error_code="AUTH_FAILED")
    totals = store.list_sessions()[0].totals
    assert totals.cost_known and totals.cost_text == "$0"


def test_messages_page_in_position_order(store: Store) -> None:
    session = store.create_session()
    for i in range(10):
        store.add_message(session.id, Role.USER if i % 2 == 0 else Role.ASSISTANT, f"m{i}")
    assert store.count_messages(session.id) == 10
    assert [m.content for m in store.messages(session.id, limit=3)] == ["m0", "m1", "m2"]
    assert [m.content for m in store.messages(session.id, offset=8)] == ["m8", "m9"]
    assert [m.position for m in store.messages(session.id)] == list(range(10))


def test_truncate_from_removes_that_message_and_later_ones(store: Store) -> None:
    session = store.create_session()
    for i in range(5):
        store.add_message(session.id, Role.USER, f"m{i}")
    assert store.truncate_from(session.id, 2) == 3
    assert [m.content for m in store.messages(session.id)] == ["m0", "m1"]
    store.add_message(session.id, Role.USER, "again")
    assert [m.position for m in store.messages(session.id)] == [0, 1, 2]
    assert store.search("m3") == []


def test_editing_the_first_message_retitles_the_session(store: Store) -> None:
    session = store.create_session()
    store.add_message(session.id, Role.USER, "first version")
    store.truncate_from(session.id, 0)
    store.add_message(session.id, Role.USER, "second version")
    got = store.get_session(session.id)
    assert got is not None and got.title == "second version"


def test_delete_message_and_clear_session(store: Store) -> None:
    session = store.create_session()
    ids = [store.add_message(session.id, Role.USER, f"word{i}") for i in range(3)]
    store.delete_message(ids[1])
    assert [m.content for m in store.messages(session.id)] == ["word0", "word2"]
    assert store.get_message(ids[1]) is None
    assert store.clear_session(session.id) == 2
    assert store.count_messages(session.id) == 0
    assert store.get_session(session.id) is not None
    assert store.search("word2") == []


def test_delete_session_removes_its_messages_and_index_entries(store: Store) -> None:
    keep, gone = store.create_session(), store.create_session()
    store.add_message(keep.id, Role.USER, "shared word kept")
    store.add_message(gone.id, Role.USER, "shared word deleted")
    store.delete_session(gone.id)
    assert store.get_session(gone.id) is None
    assert store.count_messages(gone.id) == 0
    assert [h.session_id for h in store.search("shared")] == [keep.id]


def test_resolve_id_accepts_a_unique_prefix(store: Store) -> None:
    session = store.create_session()
    assert store.resolve_id(session.id[:6]) == session.id
    assert store.resolve_id(session.id.upper()[:8]) == session.id
    with pytest.raises(OpenMaaSError) as caught:
        store.resolve_id("zz")
    assert caught.value.code == ErrorCode.INVALID_REQUEST
    with pytest.raises(OpenMaaSError):
        store.resolve_id("")


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("hello", '"hello"*'),
        ("hello wor", '"hello" "wor"*'),
        ('say "hi"', '"say" """hi"""*'),
        ("c++ ???", '"c++"*'),
        ("?? !!", None),
        ("", None),
    ],
)
def test_fts_query_quotes_every_word(typed: str, query: str | None) -> None:
    assert fts_query(typed) == query


def test_search_finds_titles_and_messages_with_any_characters(store: Store) -> None:
    a = store.create_session()
    store.add_message(a.id, Role.USER, "Templates in C++")
    store.add_message(a.id, Role.ASSISTANT, 'Use "typename" AND NOT class; see café (x*y) -- ok')
    b = store.create_session()
    store.add_message(b.id, Role.USER, "Rust traits")
    assert [h.session_id for h in store.search("templ")] == [a.id]
    assert store.search("templ")[0].message_id is None  # the title matched
    for typed in ['"typename', "AND NOT", "cafe", "CAFÉ", "(x*y)", "see caf", "-- ok", "NEAR("]:
        hits = store.search(typed)
        assert [h.session_id for h in hits] == ([] if typed == "NEAR(" else [a.id]), typed
    hit = store.search("typename")[0]
    assert hit.snippet.startswith('Use "«typename»"') and hit.message_id is not None
    assert store.search("rust")[0].session_id == b.id
    assert store.search("***") == []
    assert store.search("templates rust") == []


def test_search_follows_renames_and_streaming_updates(store: Store) -> None:
    session = store.create_session()
    store.rename_session(session.id, "Quarterly numbers")
    assert [h.session_id for h in store.search("quarter")] == [session.id]
    answer = store.add_message(session.id, Role.ASSISTANT, state=MessageState.STREAMING)
    store.update_streaming(answer, "early words")
    store.update_streaming(answer, "early words and later ones")
    assert store.search("later")[0].message_id == answer
    store.rename_session(session.id, "Other")
    assert [h.title for h in store.search("quarter")] == []


def test_search_without_snippets_finds_the_same_sessions(store: Store) -> None:
    session = store.create_session()
    store.add_message(session.id, Role.USER, "hello")
    store.add_message(session.id, Role.ASSISTANT, "a word about gardens")
    [hit] = store.search("garden", snippets=False)
    assert (hit.session_id, hit.snippet) == (session.id, "")
    assert hit.message_id == store.messages(session.id)[1].id
