"""The exchange pipeline against recorded answers replayed on loopback: the events it passes
on, the one record it ends in (exact usage and cost, or how it stopped or failed), the
billing rule, non-streamed answers, and the event loop's turns during a burst."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.exchange.durations import expected_duration_s, forget_durations
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.models.catalog import ModelInfo, route
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import cost_usd
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    FinishReason,
    Message,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services, open_services
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply

PRICE = Price(input=1.0, output=2.0)
"""USD per 1M tokens: 17 in / 10 out costs $0.000037."""
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-sonnet-4-5"}


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


async def exchange_with(
    services: Services, url: str, provider: str = "anthropic", *, stream: bool = True
) -> Exchange:
    """An exchange asking the server at ``url`` as ``provider``'s default model."""
    model = MODELS[provider]
    target = await services.providers.target(model, provider=provider, base_url=url)
    request = ChatRequest(model=model, messages=(Message.user("Two names"),), stream=stream)
    return Exchange(target, target.prepare(request)[0], PRICE)


async def run(exchange: Exchange) -> list[StreamEvent | RetryWait]:
    """Every event the exchange passes on."""
    async with aclosing(exchange.events()) as events:
        return [event async for event in events]


def texts(events: list[StreamEvent | RetryWait]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_a_complete_stream_ends_in_a_record_with_exact_usage_and_cost(
    server: ReplayServer, services: Services
) -> None:
    name = "anthropic/stream_text.sse"
    server.default = fixture_reply(fixture_path(name))
    exchange = await exchange_with(services, server.url)
    events = await run(exchange)
    want = expected(name)
    record = exchange.record
    assert record is not None and exchange.ended and not exchange.stopped
    assert texts(events) == record.text == want["text"]
    assert record.usage == Usage(17, 10, 0, None) and not record.estimated
    assert record.cost_usd == pytest.approx(0.000037) == cost_usd(PRICE, record.usage)
    assert record.billed and record.error_code is None and exchange.error is None
    assert record.state is MessageState.COMPLETE
    assert (record.finish_reason, record.finish_reason_raw) == (FinishReason.STOP, "end_turn")
    assert (record.provider, record.model) == ("anthropic", "claude-sonnet-4-5")
    assert record.ttft_ms is not None and record.duration_ms is not None
    assert record.duration_ms >= record.ttft_ms
    assert exchange.cost_usd() == record.cost_usd
    assert "17 in / 10 out · $0.000037" in exchange.counters()


async def test_cancelling_mid_stream_keeps_what_arrived_marked_stopped(
    server: ReplayServer, services: Services
) -> None:
    server.default = openai_stream_reply([f"w{i} " for i in range(200)], chunk_delay_s=0.01)
    exchange = await exchange_with(services, server.url, "openai")
    seen: list[str] = []

    async def consume() -> None:
        async for event in exchange.events():
            if isinstance(event, TextDelta):
                seen.append(event.text)

    task = asyncio.create_task(consume())
    while "w5 " not in seen:
        assert not task.done()
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    record = exchange.record
    assert record is not None and exchange.stopped
    assert record.state is MessageState.STOPPED and record.error_code is None
    assert record.text == "".join(seen) and record.text.startswith("w0 w1 w2 w3 w4 w5 ")
    assert len(record.text) < len("".join(f"w{i} " for i in range(200)))
    assert record.billed
    assert exchange.counters().endswith("stopped")


async def test_closing_the_iteration_early_stops_the_exchange(
    server: ReplayServer, services: Services
) -> None:
    server.default = openai_stream_reply([f"w{i} " for i in range(50)], chunk_delay_s=0.01)
    exchange = await exchange_with(services, server.url, "openai")
    async with aclosing(exchange.events()) as events:
        async for event in events:
            if isinstance(event, TextDelta) and event.text == "w2 ":
                break
    record = exchange.record
    assert record is not None and record.state is MessageState.STOPPED
    assert record.text == "w0 w1 w2 "


async def test_an_error_mid_stream_keeps_the_partial_text_with_the_error(
    server: ReplayServer, services: Services
) -> None:
    name = "anthropic/stream_midstream_error.sse"
    server.default = fixture_reply(fixture_path(name))
    exchange = await exchange_with(services, server.url)
    events = await run(exchange)  # the error ends the events; it is not raised
    record = exchange.record
    assert exchange.error is not None and exchange.error.code == ErrorCode.PROVIDER_UNAVAILABLE
    assert record is not None and record.state is MessageState.ERROR
    assert texts(events) == record.text == expected(name)["text"]
    assert record.error == {"code": "PROVIDER_UNAVAILABLE", "message": exchange.error.message}
    assert record.billed and record.finish_reason is None


async def test_a_request_refused_before_anything_arrived_costs_nothing(
    server: ReplayServer, services: Services
) -> None:
    server.default = fixture_reply(fixture_path("openai/error_429_rate_limit.json"))
    exchange = await exchange_with(services, server.url, "openai")
    assert await run(exchange) == []
    record = exchange.record
    assert record is not None and record.state is MessageState.ERROR
    assert record.error_code == ErrorCode.RATE_LIMITED
    assert not record.billed and record.usage is None and record.cost_usd == 0.0
    assert exchange.cost_usd() == 0.0
    assert record.ttft_ms is None


async def test_a_request_not_streamed_comes_as_the_same_events(
    server: ReplayServer, services: Services
) -> None:
    forget_durations()
    name = "anthropic/json_text.json"
    server.default = fixture_reply(fixture_path(name))
    exchange = await exchange_with(services, server.url, stream=False)
    events = await run(exchange)
    record = exchange.record
    assert "stream" not in server.last.json()  # asked with complete(), not stream()
    assert record is not None and record.state is MessageState.COMPLETE
    assert texts(events) == record.text == expected(name)["text"]
    assert UsageReport(Usage(20, 10, 0, None)) in events
    assert record.cost_usd == pytest.approx(0.00004)
    assert expected_duration_s("anthropic/claude-sonnet-4-5") is not None  # the next wait's
    forget_durations()


class _Adapter:
    """An adapter whose stream is given as a function (no HTTP)."""

    provider = "openai"

    def __init__(self, events: AsyncIterator[StreamEvent]) -> None:
        self._events = events

    def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        return self._events

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        raise NotImplementedError

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        return []


def fake_exchange(events: AsyncIterator[StreamEvent], *, live_estimate: bool = False) -> Exchange:
    target = Target(route("openai/fake"), ModelInfo("openai", "fake"), "http://x", _Adapter(events))
    request = ChatRequest(model="fake", messages=(Message.user("hi"),))
    return Exchange(target, request, PRICE, live_estimate=live_estimate)


async def test_an_exception_that_is_not_ours_becomes_stream_interrupted() -> None:
    async def breaks() -> AsyncIterator[StreamEvent]:
        yield TextDelta("partial ")
        raise RuntimeError("a bug")

    exchange = fake_exchange(breaks())
    assert texts(await run(exchange)) == "partial "
    record = exchange.record
    assert exchange.error is not None and exchange.error.code == ErrorCode.STREAM_INTERRUPTED
    assert "RuntimeError: a bug" in exchange.error.message
    assert record is not None and record.interrupted and record.text == "partial "
    assert record.state is MessageState.INTERRUPTED


async def test_a_burst_of_buffered_events_still_gives_the_loop_turns() -> None:
    """Events that come without a pause (here: 30 ms of them, never awaiting) must not starve
    the other tasks: the exchange yields to the loop every few milliseconds."""

    async def burst() -> AsyncIterator[StreamEvent]:
        start = time.perf_counter()
        while time.perf_counter() - start < 0.03:
            yield TextDelta("x")

    turns = 0

    async def other_task() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    before = turns
    events = await run(fake_exchange(burst()))
    during = turns - before
    other.cancel()
    assert len(events) > 100 and during > 0


async def test_an_exchange_runs_once() -> None:
    async def nothing() -> AsyncIterator[StreamEvent]:
        return
        yield  # an async generator that yields nothing

    exchange = fake_exchange(nothing())
    await run(exchange)
    with pytest.raises(RuntimeError):
        await run(exchange)


async def test_a_streaming_tool_call_counts_in_the_live_output_estimate() -> None:
    """While a call's arguments stream, the live estimate counts them as output (it said
    ``out ≈0`` until the call ended)."""
    seen: list[int | None] = []
    exchange: Exchange | None = None

    async def call() -> AsyncIterator[StreamEvent]:
        assert exchange is not None
        for _ in range(500):  # until the tokenizer has loaded (a thread)
            estimate = exchange.estimate()
            if estimate is not None and estimate.output_tokens is not None:
                break
            await asyncio.sleep(0.01)
        yield ToolCallDelta(0, "call_1", "get_weather", '{"city": ')
        yield ToolCallDelta(0, arguments='"Mexico City, with its weather this week"}')
        estimate = exchange.estimate()
        seen.append(None if estimate is None else estimate.output_tokens)

    exchange = fake_exchange(call(), live_estimate=True)
    await run(exchange)
    [during] = seen
    assert during is not None and during >= 8
