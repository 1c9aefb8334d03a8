"""An exchange recording into the history: the answer flushed while it streams (not per token),
finished with the exchange's record at the end, stopped answers kept as stopped, and a history
that fails never failing the answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.types import ChatRequest, Message, Role, TextDelta, Usage
from openmaas_tui.services import Services, open_services
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply

PIECES = [f"w{i} " for i in range(40)]
PRICE = Price(input=1.0, output=2.0)


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[AsyncStore]:
    opened = await AsyncStore.open(tmp_path / "history.db")
    yield opened
    await opened.aclose()


async def recorded_exchange(
    services: Services, store: AsyncStore, url: str, *, interval_s: float = 1.0
) -> tuple[Exchange, StreamRecorder]:
    """A session holding the prompt (committed first, as every face does) and an exchange
    recording its answer."""
    target = await services.providers.target("synthetic", provider="openai", base_url=url)
    session = await store.call(Store.create_session, provider="openai", model="synthetic")
    await store.call(Store.add_message, session.id, Role.USER, "count")
    recorder = await StreamRecorder.start(
        store, session.id, provider="openai", model="synthetic", interval_s=interval_s
    )
    request = ChatRequest(model="synthetic", messages=(Message.user("count"),))
    return Exchange(target, request, PRICE, recorder=recorder), recorder


async def test_the_answer_is_flushed_while_streaming_and_finished_at_the_end(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    server.default = openai_stream_reply(PIECES, chunk_delay_s=0.01)
    exchange, recorder = await recorded_exchange(services, store, server.url, interval_s=0.05)
    on_disk_mid_stream = ""
    async with aclosing(exchange.events()) as events:
        async for event in events:
            if isinstance(event, TextDelta) and event.text == "w20 ":
                stored = await store.call(Store.get_message, recorder.message_id)
                assert stored is not None and stored.state is MessageState.STREAMING
                on_disk_mid_stream = stored.content
    await exchange.saved()
    assert on_disk_mid_stream and "".join(PIECES).startswith(on_disk_mid_stream)
    assert 2 <= recorder.flushes < len(PIECES)  # by time, not per token
    stored = await store.call(Store.get_message, recorder.message_id)
    assert stored is not None and stored.state is MessageState.COMPLETE
    assert stored.content == "".join(PIECES)
    assert stored.usage == Usage(10, len(PIECES)) and not stored.cost_estimated
    assert stored.cost_usd == pytest.approx((10 * 1.0 + 40 * 2.0) / 1e6)
    assert (stored.finish_reason, stored.finish_reason_raw) == ("stop", "stop")
    assert stored.ttft_ms is not None and stored.duration_ms is not None
    assert exchange.storage_error is None


async def test_a_stopped_answer_is_kept_as_stopped(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    server.default = openai_stream_reply(PIECES * 5, chunk_delay_s=0.01)
    exchange, recorder = await recorded_exchange(services, store, server.url)
    seen: list[str] = []

    async def consume() -> None:
        async for event in exchange.events():
            if isinstance(event, TextDelta):
                seen.append(event.text)

    task = asyncio.create_task(consume())
    while len(seen) < 6:
        assert not task.done()
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await exchange.saved()
    stored = await store.call(Store.get_message, recorder.message_id)
    assert stored is not None and stored.state is MessageState.STOPPED
    assert stored.content == "".join(seen) and stored.content.startswith("w0 w1 w2 w3 w4 w5 ")


class _FailingRecorder:
    """A recorder whose history is gone (a full disk, a file turned read-only)."""

    def __init__(self) -> None:
        self.appended: list[str] = []
        self.finished: list[AnswerRecord] = []

    def append(self, text: str = "", reasoning: str = "") -> None:
        self.appended.append(text)

    async def finish(self, record: AnswerRecord) -> None:
        self.finished.append(record)
        raise OpenMaaSError(ErrorCode.STORAGE_FAILED, "disk full")


async def test_a_failing_history_never_fails_the_answer(
    server: ReplayServer, services: Services
) -> None:
    server.default = openai_stream_reply(PIECES[:3])
    target = await services.providers.target("synthetic", provider="openai", base_url=server.url)
    recorder = _FailingRecorder()
    request = ChatRequest(model="synthetic", messages=(Message.user("count"),))
    exchange = Exchange(target, request, PRICE, recorder=recorder)
    async with aclosing(exchange.events()) as events:
        async for _ in events:
            pass
    await exchange.saved()
    assert exchange.error is None and exchange.record is not None
    assert exchange.record.state is MessageState.COMPLETE
    assert recorder.appended == PIECES[:3] and recorder.finished == [exchange.record]
    assert exchange.storage_error is not None
    assert exchange.storage_error.code == ErrorCode.STORAGE_FAILED
