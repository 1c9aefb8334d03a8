"""The async store: calls run on one worker thread, the recorder flushes by time, the fallback
keeps a run going in memory."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import FinishReason, Role, Usage


async def test_every_call_runs_on_one_worker_thread(tmp_path: Path) -> None:
    store = await AsyncStore.open(tmp_path / "history.db")
    threads = {
        await store.call(lambda _s: threading.get_ident()),
        await store.call(lambda _s: threading.get_ident()),
    }
    assert len(threads) == 1 and threading.get_ident() not in threads
    session = await store.call(Store.create_session, model="demo")
    await store.call(Store.add_message, session.id, Role.USER, "hello")
    assert [s.title for s in await store.call(Store.list_sessions)] == ["hello"]
    assert await store.call(Store.count_messages, session.id) == 1
    await store.aclose()


async def test_calls_run_in_the_order_they_were_made_on_one_thread(tmp_path: Path) -> None:
    store = await AsyncStore.open(tmp_path / "history.db")
    session = await store.call(Store.create_session)
    seen: list[tuple[int, int]] = []

    def add(s: Store, i: int) -> int:
        seen.append((i, threading.get_ident()))
        return s.add_message(session.id, Role.USER, f"message {i}")

    ids = await asyncio.gather(*(store.call(add, i) for i in range(20)))
    assert [i for i, _ in seen] == list(range(20))
    assert len({thread for _, thread in seen}) == 1
    messages = await store.call(Store.messages, session.id)
    assert [m.content for m in messages] == [f"message {i}" for i in range(20)]
    assert [m.id for m in messages] == ids
    await store.aclose()


async def test_an_error_on_the_worker_comes_back_as_the_same_error(tmp_path: Path) -> None:
    store = await AsyncStore.open(tmp_path / "history.db")
    raised = OpenMaaSError(ErrorCode.RATE_LIMITED, "from the worker")

    def fail(_s: Store) -> None:
        raise raised

    with pytest.raises(OpenMaaSError) as caught:
        await store.call(fail)
    assert caught.value is raised
    with pytest.raises(OpenMaaSError) as caught:
        await store.call(Store.resolve_id, "nothing")
    assert caught.value.code == ErrorCode.INVALID_REQUEST and "nothing" in caught.value.message
    await store.call(lambda s: s.write(lambda conn: conn.execute("DROP TABLE messages")))
    with pytest.raises(OpenMaaSError) as caught:
        await store.call(Store.count_messages, "any")
    assert caught.value.code == ErrorCode.STORAGE_FAILED and "history.db" in caught.value.message
    after = await store.call(Store.create_session, title="after")  # the worker goes on
    assert after.title == "after"
    await store.aclose()


async def test_open_or_memory_goes_on_in_memory_and_says_why(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    path.write_bytes(b"not a database" * 100)
    store = await AsyncStore.open_or_memory(path)
    assert store.in_memory
    assert store.problem is not None and store.problem.code == ErrorCode.STORAGE_FAILED
    assert str(path) in store.problem.message
    session = await store.call(Store.create_session)
    assert (await store.call(Store.get_session, session.id)) is not None
    await store.aclose()
    assert path.read_bytes() == b"not a database" * 100


async def test_a_healthy_file_has_no_problem(tmp_path: Path) -> None:
    store = await AsyncStore.open_or_memory(tmp_path / "history.db")
    assert store.problem is None and not store.in_memory
    await store.aclose()


def _stored(path: Path, message_id: int) -> tuple[str, str | None, str]:
    """What another reader sees on disk right now (a plain read-only connection)."""
    import sqlite3

    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT content, reasoning, state FROM messages WHERE id = ?", (message_id,)
        ).fetchone()
    finally:
        conn.close()
    return row[0], row[1], row[2]


async def _until(condition: object, timeout_s: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while not condition():  # type: ignore[operator]
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0.01)


async def test_the_recorder_writes_the_first_delta_at_once_then_by_time(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    store = await AsyncStore.open(path)
    session = await store.call(Store.create_session)
    recorder = await StreamRecorder.start(
        store, session.id, provider="demo", model="demo", interval_s=0.2
    )
    recorder.append("Hel")
    await _until(lambda: _stored(path, recorder.message_id)[0] == "Hel")
    for piece in ["lo", ", ", "world"]:
        recorder.append(piece)
    assert recorder.flushes == 1  # nothing written per token
    recorder.append(reasoning="hmm")
    await _until(lambda: _stored(path, recorder.message_id)[0] == "Hello, world")
    assert recorder.flushes == 2
    assert _stored(path, recorder.message_id) == ("Hello, world", "hmm", "streaming")
    await recorder.finish(
        AnswerRecord(
            recorder.text,
            reasoning=recorder.reasoning,
            usage=Usage(3, 4),
            cost_usd=0.0,
            finish_reason=FinishReason.STOP,
            ttft_ms=5.0,
        )
    )
    recorder.append("ignored after finish")
    message = await store.call(Store.get_message, recorder.message_id)
    assert message is not None
    assert (message.content, message.reasoning) == ("Hello, world", "hmm")
    assert message.state is MessageState.COMPLETE and message.usage == Usage(3, 4)
    assert recorder.error is None
    await store.aclose()


async def test_flush_writes_now(tmp_path: Path) -> None:
    store = await AsyncStore.open(tmp_path / "history.db")
    session = await store.call(Store.create_session)
    recorder = await StreamRecorder.start(store, session.id, provider=None, model=None)
    recorder.append("a")
    recorder.append("b")
    await recorder.flush()
    message = await store.call(Store.get_message, recorder.message_id)
    assert message is not None and message.content == "ab"
    await recorder.finish(AnswerRecord(recorder.text, state=MessageState.STOPPED))
    await store.aclose()


async def test_a_failed_background_write_is_kept_for_the_caller(tmp_path: Path) -> None:
    store = await AsyncStore.open(tmp_path / "history.db")
    session = await store.call(Store.create_session)
    recorder = await StreamRecorder.start(store, session.id, provider=None, model=None)
    await store.call(Store.close)  # every later write fails
    recorder.append("text")
    await _until(lambda: recorder.error is not None)
    assert recorder.error is not None and recorder.error.code == ErrorCode.STORAGE_FAILED
    store._executor.shutdown()


async def test_finishing_after_the_history_closed_is_a_storage_failure(tmp_path: Path) -> None:
    store = await AsyncStore.open(tmp_path / "history.db")
    session = await store.call(Store.create_session)
    recorder = await StreamRecorder.start(store, session.id, provider=None, model=None)
    await store.aclose()  # the app quitting while the answer streams
    with pytest.raises(OpenMaaSError) as caught:
        await recorder.finish(AnswerRecord("late"))
    assert caught.value.code == ErrorCode.STORAGE_FAILED
    assert recorder.error is caught.value
