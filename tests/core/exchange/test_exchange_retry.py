"""The exchange asks again after a transient failure that came before any of the answer: a
loopback server answering 429 (or 503, 529, or refusing the connection) first, then the answer.
Waits are announced as RetryWait events, bounded, cancellable, and never duplicate a message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.exchange.retry import NO_RETRY, RetryPolicy, RetryWait, format_wait
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.types import ChatRequest, Message, Role, StreamEvent, TextDelta
from openmaas_tui.services import Services, open_services
from tests.support.replay import ReplayServer
from tests.support.server import Reply
from tests.support.synth import openai_stream_reply

PIECES = ["Hello", ", ", "world"]
PRICE = Price(input=1.0, output=2.0)
_BUSY = b'{"error": {"message": "slow down", "type": "requests"}}'


def refusal(status: int, **headers: str) -> Reply:
    return Reply(status=status, body=_BUSY, headers=headers)


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


async def recorded(
    services: Services, store: AsyncStore, url: str, retry: RetryPolicy
) -> tuple[Exchange, StreamRecorder, str]:
    target = await services.providers.target("synthetic", provider="openai", base_url=url)
    session = await store.call(Store.create_session, provider="openai", model="synthetic")
    await store.call(Store.add_message, session.id, Role.USER, "hi")
    recorder = await StreamRecorder.start(store, session.id, provider="openai", model="synthetic")
    request = ChatRequest(model="synthetic", messages=(Message.user("hi"),))
    exchange = Exchange(target, request, PRICE, recorder=recorder, retry=retry)
    return exchange, recorder, session.id


async def run(exchange: Exchange) -> list[StreamEvent | RetryWait]:
    async with aclosing(exchange.events()) as events:
        return [event async for event in events]


async def test_a_429_with_retry_after_then_the_answer(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    """The 429's wait is announced and taken, the second request answers, and the history
    holds one answer, complete."""
    server.queue(refusal(429, **{"retry-after-ms": "30"}))
    server.queue(openai_stream_reply(PIECES))
    exchange, _, session_id = await recorded(services, store, server.url, RetryPolicy())
    events = await run(exchange)
    await exchange.saved()
    waits = [e for e in events if isinstance(e, RetryWait)]
    assert len(waits) == 1 and waits[0].wait_s == pytest.approx(0.03)
    assert waits[0].text == "rate limited (HTTP 429), retrying in 0.0 s… (1 of 2)"
    assert isinstance(events[0], RetryWait)  # before anything of the answer
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Hello, world"
    assert len(server.requests) == 2
    record = exchange.record
    assert record is not None and record.state is MessageState.COMPLETE and exchange.error is None
    stored = await store.call(Store.messages, session_id)
    answers = [m for m in stored if m.role == Role.ASSISTANT]
    assert [(m.content, m.state) for m in answers] == [("Hello, world", MessageState.COMPLETE)]


@pytest.mark.parametrize(("status", "what"), [(503, "overloaded"), (529, "overloaded")])
async def test_overloaded_is_retried_with_backoff(
    server: ReplayServer, services: Services, store: AsyncStore, status: int, what: str
) -> None:
    """Without a retry-after, exponential backoff (base doubled per retry, jitter taking up to
    half off) until the retries run out; the last failure is the answer's error."""
    for _ in range(3):
        server.queue(refusal(status))
    policy = RetryPolicy(retries=2, base_s=0.02, random=lambda: 0.5)
    exchange, _, _ = await recorded(services, store, server.url, policy)
    events = await run(exchange)
    waits = [e for e in events if isinstance(e, RetryWait)]
    assert [w.wait_s for w in waits] == pytest.approx([0.015, 0.03])
    assert all(what in w.text for w in waits)
    assert len(server.requests) == 3
    assert exchange.error is not None and exchange.error.code is ErrorCode.PROVIDER_UNAVAILABLE
    record = exchange.record
    assert record is not None and record.state is MessageState.ERROR and not record.billed


async def test_a_wait_longer_than_the_cap_is_not_taken(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    """A provider asking for more than the cap: no retry, the error carries its retry-after."""
    server.queue(refusal(429, **{"retry-after": "60"}))
    exchange, _, _ = await recorded(services, store, server.url, RetryPolicy(cap_s=10))
    events = await run(exchange)
    assert events == [] and len(server.requests) == 1
    record = exchange.record
    assert record is not None and record.error_code == ErrorCode.RATE_LIMITED
    assert record.retry_after_s == 60.0


async def test_what_is_not_transient_is_not_retried(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    server.queue(refusal(400))
    exchange, _, _ = await recorded(services, store, server.url, RetryPolicy(base_s=0.01))
    assert await run(exchange) == []
    assert len(server.requests) == 1
    assert exchange.error is not None and exchange.error.code is ErrorCode.INVALID_REQUEST


async def test_a_failure_after_the_answer_began_is_never_retried(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    """An overloaded error inside the stream, after text: the text is kept, no second
    request (asking again would duplicate what was shown)."""
    body = (
        b'data: {"choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'
        b'data: {"error":{"message":"Overloaded","code":529},"choices":[]}\n\n'
    )
    server.queue(Reply(body=body, content_type="text/event-stream", chunks=[body]))
    exchange, _, _ = await recorded(services, store, server.url, RetryPolicy(base_s=0.01))
    events = await run(exchange)
    assert not any(isinstance(e, RetryWait) for e in events)
    assert len(server.requests) == 1
    assert exchange.record is not None and exchange.record.text == "Hel"


async def test_cancelling_during_the_wait_stops_at_once(
    server: ReplayServer, services: Services, store: AsyncStore
) -> None:
    """Escape or ctrl+c while waiting: the exchange ends stopped at once, nothing asked again,
    one answer row in the history."""
    server.queue(refusal(429, **{"retry-after": "9"}))
    server.queue(openai_stream_reply(PIECES))
    exchange, _, session_id = await recorded(services, store, server.url, RetryPolicy(cap_s=20))
    waiting = asyncio.Event()

    async def consume() -> None:
        async for event in exchange.events():
            if isinstance(event, RetryWait):
                waiting.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(waiting.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 1)  # at once, not after the 9 s
    await exchange.saved()
    assert len(server.requests) == 1
    assert exchange.record is not None and exchange.record.state is MessageState.STOPPED
    stored = await store.call(Store.messages, session_id)
    assert [m.state for m in stored if m.role == Role.ASSISTANT] == [MessageState.STOPPED]


async def test_a_refused_connection_is_retried_and_no_retry_turns_it_off(
    services: Services, store: AsyncStore
) -> None:
    from tests.providers.helpers import closed_port

    url = f"http://127.0.0.1:{closed_port()}"
    exchange, _, _ = await recorded(services, store, url, RetryPolicy(base_s=0.01))
    events = await run(exchange)
    assert [type(e) for e in events] == [RetryWait, RetryWait]
    assert "could not connect" in events[0].text  # type: ignore[union-attr]
    assert exchange.error is not None and exchange.error.transient
    once, _, _ = await recorded(services, store, url, NO_RETRY)
    assert await run(once) == []


def test_the_policy() -> None:
    policy = RetryPolicy(retries=2, cap_s=10, base_s=1, random=lambda: 0.0)
    busy = OpenMaaSError(ErrorCode.RATE_LIMITED, "busy", transient=True)
    assert [policy.wait_s(busy, n) for n in (1, 2, 3)] == [1.0, 2.0, None]
    asked = OpenMaaSError(ErrorCode.RATE_LIMITED, "busy", retry_after=4, transient=True)
    assert policy.wait_s(asked, 1) == 4
    assert policy.wait_s(OpenMaaSError(ErrorCode.AUTH_FAILED, "no"), 1) is None
    assert [format_wait(s) for s in (0.25, 4.4, 59, 125, 120)] == [
        "0.2 s",
        "4 s",
        "59 s",
        "2 min 5 s",
        "2 min",
    ]
