"""The spend ledger: what was spent stays spent. Deleting a chat, regenerating an answer or
finishing it twice changes nothing; an import adds nothing; compare lanes count; the ledger
refuses changes; an upgraded history is filled once from what it already held."""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.cost_report import cost_report
from openmaas_tui.core.history.ledger import SpendSource, spend_entries
from openmaas_tui.core.history.owners import owners_folder
from openmaas_tui.core.history.recorder import compare_recorders
from openmaas_tui.core.history.schema import migrate
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.export import session_json
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.types import Role, Usage
from openmaas_tui.services import Services, open_services
from tests.support.cost_history import TODAY, SettableClock, add_answer, fixed_zone
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with fixed_zone("UTC0"):
        opened = Store(tmp_path / "history.db", clock=SettableClock())
        yield opened
        opened.close()


def _spent(store: Store) -> tuple[int, float]:
    """How many answers the report counts over all time, and their known cost (USD)."""
    total = cost_report(store, today=TODAY).all_time
    return total.answers, round(total.cost_usd, 6)


def _answer(store: Store, session_id: str, cost: float) -> int:
    return add_answer(
        store,
        SettableClock(),
        session_id,
        time.time(),
        provider="openai",
        model="gpt-4o",
        usage=Usage(10, 5),
        cost_usd=cost,
    )


def test_deleting_a_chat_keeps_its_spend(store: Store) -> None:
    session = store.create_session().id
    _answer(store, session, 0.25)
    _answer(store, session, 0.5)
    store.delete_session(session)
    assert store.list_sessions() == []
    assert _spent(store) == (2, 0.75)
    assert {e.session_id for e in store.read(spend_entries)} == {session}


def test_regenerate_and_edit_and_resend_count_every_answer(store: Store) -> None:
    session = store.create_session().id
    first = _answer(store, session, 0.25)
    position = store.get_message(first).position  # type: ignore[union-attr]
    store.truncate_from(session, position)  # regenerate: the old answer goes
    second = store.add_message(session, Role.ASSISTANT, "again", provider="openai", model="m")
    store.finish_message(second, AnswerRecord("again", usage=Usage(10, 5), cost_usd=0.5))
    store.clear_session(session)  # edit and resend from the first question
    _answer(store, session, 1.0)
    assert second > first  # ids are never handed out twice
    assert _spent(store) == (3, 1.75)


def test_message_ids_are_never_reused_after_the_newest_is_deleted(store: Store) -> None:
    session = store.create_session().id
    newest = store.add_message(session, Role.USER, "a question")
    store.delete_message(newest)
    assert store.add_message(session, Role.USER, "another") > newest


def test_an_answer_finished_twice_is_counted_once(store: Store) -> None:
    session = store.create_session().id
    answer = _answer(store, session, 0.25)
    store.finish_message(answer, AnswerRecord("an answer", usage=Usage(10, 5), cost_usd=0.25))
    assert _spent(store) == (1, 0.25)


def test_an_answer_whose_row_is_gone_still_counts(store: Store) -> None:
    """Another process deleted the chat (or regenerated) while this one was still answering."""
    session = store.create_session().id
    answer = store.add_message(session, Role.ASSISTANT, state=MessageState.STREAMING)
    store.delete_session(session)
    record = AnswerRecord("late", usage=Usage(3, 4), cost_usd=0.125, provider="p", model="m")
    store.finish_message(answer, record, source=SpendSource.ASK, session_id=session)
    [entry] = store.read(spend_entries)
    assert (entry.source, entry.session_id, entry.message_id) == (SpendSource.ASK, session, answer)
    assert (entry.provider, entry.model, entry.cost_usd) == ("p", "m", 0.125)


def test_the_ledger_refuses_updates_and_deletes(store: Store) -> None:
    _answer(store, store.create_session().id, 0.25)
    for change in ("UPDATE spend_ledger SET cost_usd = 0", "DELETE FROM spend_ledger"):

        def run(conn: sqlite3.Connection, sql: str = change) -> None:
            conn.execute(sql)

        with pytest.raises(OpenMaaSError) as caught:
            store.write(run)
        assert caught.value.code == ErrorCode.STORAGE_FAILED
        assert "append-only" in caught.value.message
    assert _spent(store) == (1, 0.25)


def test_an_import_is_marked_and_its_spend_not_counted_again(store: Store) -> None:
    session = store.create_session().id
    _answer(store, session, 0.25)
    stored = store.get_session(session)
    assert stored is not None and not stored.imported
    exported = json.dumps(session_json(stored, store.messages(session)))
    imported_id = store.import_session(*parse_session_json(exported, source="test"))
    imported = store.get_session(imported_id)
    assert imported is not None and imported.imported
    assert imported.totals.cost_usd == 0.25  # the session's own line still shows its answers
    assert _spent(store) == (1, 0.25)


def test_a_dead_stores_answer_is_interrupted_and_counted_a_live_ones_is_left(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.db"
    writer = Store(path)
    session = writer.create_session().id
    answer = writer.add_message(session, Role.ASSISTANT, state=MessageState.STREAMING)
    writer.update_streaming(answer, "half an ans")
    other = Store(path)
    assert other.recovered == 0
    assert other.get_message(answer).state is MessageState.STREAMING  # type: ignore[union-attr]
    other.close()
    writer.close()  # gone without finishing: as if killed
    assert not any(owners_folder(path).iterdir())  # each store took its lock file with it
    after = Store(path)
    try:
        assert after.recovered == 1
        assert after.get_message(answer).state is MessageState.INTERRUPTED  # type: ignore[union-attr]
        [entry] = after.read(spend_entries)
    finally:
        after.close()
    assert (entry.source, entry.billed, entry.cost_usd) == (SpendSource.HISTORY, True, None)


def test_a_dead_owners_leftover_lock_file_is_swept(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    Store(path).close()
    leftover = owners_folder(path) / ("ab" * 16)
    leftover.touch()  # a process killed without a streaming answer
    store = Store(path)
    assert not leftover.exists()
    assert [p.name for p in owners_folder(path).iterdir()] == [store.owner]
    store.close()


def _v2_file(path: Path) -> None:
    """A history of schema 2 with answers (one priced, one empty failed, one still streaming
    when its process died) and a compare run of two targets."""
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=2) == 2
    at = time.time()
    conn.execute(
        "INSERT INTO sessions VALUES ('s1', 'Old chat', 0, :at, :at, 'openai', 'gpt-4o', '{}')",
        {"at": at},
    )
    answers = [
        (0, "user", "a question", None, None, "complete"),
        (1, "assistant", "an answer", 0.5, 7, "complete"),
        (2, "assistant", "", None, None, "error"),
        (3, "assistant", "half", None, None, "streaming"),
    ]
    for position, role, content, cost, out, state in answers:
        conn.execute(
            "INSERT INTO messages (session_id, position, role, content, provider, model, "
            "created_at, output_tokens, cost_usd, state) VALUES ('s1', :position, :role, "
            ":content, 'openai', 'gpt-4o', :at, :out, :cost, :state)",
            {"position": position, "role": role, "content": content, "at": at, "out": out,
             "cost": cost, "state": state},
        )  # fmt: skip
    conn.execute(
        "INSERT INTO compare_runs (id, created_at, updated_at, prompt, target_count, run_json) "
        "VALUES ('r1', :at, :at, 'race', 2, '{}')",
        {"at": at},
    )
    for position, status, cost in ((0, "done", 0.25), (1, "error", 0.0)):
        conn.execute(
            "INSERT INTO compare_targets (run_id, position, label, provider, model, status, "
            "cost_usd) VALUES ('r1', :position, 'm', 'anthropic', 'm', :status, :cost)",
            {"position": position, "status": status, "cost": cost},
        )
    conn.close()


def test_an_upgraded_history_is_filled_once_from_its_answers_and_compares(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.db"
    _v2_file(path)
    store = Store(path)
    store.close()
    store = Store(path)  # opening again adds nothing
    try:
        entries = store.read(spend_entries)
        report = cost_report(store).all_time
    finally:
        store.close()
    assert sorted((e.answer_key, e.source, e.billed, e.cost_usd) for e in entries) == [
        ("compare:r1:0", SpendSource.COMPARE, True, 0.25),
        ("compare:r1:1", SpendSource.COMPARE, False, 0.0),
        ("message:2", SpendSource.HISTORY, True, 0.5),
        ("message:3", SpendSource.HISTORY, False, None),
        ("message:4", SpendSource.HISTORY, True, None),  # its process was gone: interrupted
    ]
    assert (report.answers, report.priced, report.unknown) == (5, 3, 1)
    assert report.cost_usd == 0.75


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def test_every_compare_lane_and_rerun_is_counted(services: Services) -> None:
    servers = [
        ReplayServer(fixture_reply(fixture_path("anthropic/stream_text.sse"))),
        ReplayServer(fixture_reply(fixture_path("openai/error_429_rate_limit.json"))),
    ]
    for s in servers:
        await s.start()
    ticks = itertools.count(0.0, 0.25)
    run = CompareRun(
        services.providers,
        services.prices,
        [
            CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=servers[0].url),
            CompareTarget("gpt-4o-mini", provider="openai", base_url=servers[1].url),
        ],
        "Two names for a pet pelican",
        clock=lambda: next(ticks),
        recorders=compare_recorders(services.history),
    )
    try:
        run.start()
        await run.wait()
        run.rerun(0)
        await run.wait()
    finally:
        for s in servers:
            await s.stop()
    history = await services.history()
    entries = await history.call(Store.read, spend_entries)
    assert [(e.source, e.compare_run_id) for e in entries] == [(SpendSource.COMPARE, run.id)] * 3
    answered = [e for e in entries if e.model == "claude-sonnet-4-5"]
    limited = [e for e in entries if e.model == "gpt-4o-mini"]
    assert len(answered) == 2 and all(e.billed and e.cost_usd for e in answered)
    assert [(e.billed, e.cost_usd) for e in limited] == [(False, 0.0)]
    report = (await history.call(cost_report)).all_time
    assert report.answers == 3
    assert report.cost_usd == pytest.approx(sum(e.cost_usd or 0.0 for e in entries))
