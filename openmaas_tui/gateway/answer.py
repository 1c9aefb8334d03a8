"""What every answering route shares, whatever protocol it speaks: the headers that meter a
whole answer and name what was dropped, and running the answer until it ends, the client
leaves or the gateway stops; and the stream loop of a passed-through answer (:func:`relay_events`),
which each wire ends its own way.

Used by the OpenAI route (:mod:`~openmaas_tui.gateway.chat_completions`) and the Anthropic
routes (:mod:`~openmaas_tui.gateway.messages`) alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from contextlib import aclosing
from dataclasses import dataclass
from typing import Protocol

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.history.ledger import STATUS_CLOSED
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.asgi import Message, send_bytes, start_stream, until_disconnect
from openmaas_tui.gateway.context import GRACE_S
from openmaas_tui.gateway.route import Call
from openmaas_tui.gateway.write_behind import WriteBehind

DROPPED_HEADER = "x-openmaas-dropped"
"""The response header naming what was not sent upstream, comma-separated."""

COST_HEADER = "x-openmaas-cost-usd"
"""A whole answer's cost in USD (empty when the price or the counts are unknown)."""

TTFT_HEADER = "x-openmaas-ttft-ms"
"""A whole answer's time to its first byte from upstream, in ms."""


def dropped_headers(*groups: Iterable[str]) -> list[tuple[str, str]]:
    """``x-openmaas-dropped`` naming each dropped field once, in order; none when nothing was
    dropped."""
    names = dict.fromkeys(name for group in groups for name in group)
    return [(DROPPED_HEADER, ", ".join(names))] if names else []


def metering_headers(record: AnswerRecord) -> list[tuple[str, str]]:
    """``x-openmaas-cost-usd`` (USD, up to 10 decimals, no trailing zeros) and
    ``x-openmaas-ttft-ms`` (one decimal) for a whole answer; each empty when unknown."""
    cost, ttft = record.cost_usd, record.ttft_ms
    return [
        (COST_HEADER, "" if cost is None else f"{cost:.10f}".rstrip("0").rstrip(".")),
        (TTFT_HEADER, "" if ttft is None else f"{ttft:.1f}"),
    ]


async def to_the_end(exchange: Exchange) -> AnswerRecord | OpenMaaSError:
    """Run ``exchange`` to its end for a whole (not streamed) answer: its record, or the error
    that ended it (STREAM_INTERRUPTED when it ended with neither)."""
    async with aclosing(exchange.events()) as events:
        async for _ in events:
            pass
    if exchange.error is not None:
        return exchange.error
    if exchange.record is None:
        return OpenMaaSError(ErrorCode.STREAM_INTERRUPTED, "the provider gave no answer")
    return exchange.record


async def run_answer(
    call: Call,
    exchange: Exchange,
    access: Access,
    answer: Callable[[Call], Awaitable[None]],
    stopped: Callable[[], Awaitable[None]],
) -> None:
    """Run ``answer`` (which writes the whole response through the call it is given) and
    record how it went.

    The answer is cancelled when the client leaves (the exchange then closes its upstream
    connection) or when it is still running :data:`GRACE_S` seconds after the gateway was asked
    to stop; ``stopped`` answers in the latter case when nothing was written yet. The
    exchange's spend is in the ledger before this returns, and ``access`` holds the answer's
    usage (status :data:`STATUS_CLOSED` when the client left).
    """
    started = False

    async def send(message: Message) -> None:
        nonlocal started
        started = True
        await call.send(message)

    watched = Call(call.gateway, call.scope, call.receive, send)
    try:
        outcome = await until_disconnect(
            answer(watched), call.receive, call.gateway.stopping, GRACE_S
        )
        if outcome == "stopped" and not started:
            await stopped()
    finally:
        await exchange.saved()  # the spend is in the ledger before the request ends
        record = exchange.record
        access.usage = record.usage if record is not None else None
        if exchange.stopped:
            access.status = STATUS_CLOSED


class StreamRelay(Protocol):
    """The client's bytes of one passed-through stream (a wire's relay)."""

    def take(self) -> bytes:
        """The whole events ready for the client, b"" if none."""
        ...

    def rest(self) -> bytes:
        """Every whole event not taken yet (the stream broke off or ends)."""
        ...


@dataclass(frozen=True, slots=True)
class WireErrors:
    """How a wire says an error: its HTTP status, the event that ends a started stream with it,
    the whole answer when nothing was sent yet, and the error a stop of the gateway is."""

    stopping: OpenMaaSError
    status_of: Callable[[OpenMaaSError], int]
    event: Callable[[OpenMaaSError], bytes]
    fail: Callable[[Call, OpenMaaSError, Access], Awaitable[Access]]


async def relay_events(
    relay: StreamRelay,
    call: Call,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
    errors: WireErrors,
) -> bool:
    """Run ``exchange``, sending the client the provider's bytes as whole events arrive (the
    first at once, then whatever arrived together in one write:
    :class:`~openmaas_tui.gateway.write_behind.WriteBehind`); a stop of the gateway mid-way
    ends the stream with ``errors.event(errors.stopping)``. Everything taken from ``relay`` was
    written when it returns.

    Returns:
        True when the stream is open for the caller to end (the exchange's error, if any, is
        for it to write); False when the exchange failed before any byte and the error was
        answered whole.
    """
    send = call.send
    started = False
    take = relay.take
    body = WriteBehind(send)
    try:
        async with aclosing(exchange.events()) as events:
            async for event in events:
                if isinstance(event, RetryWait):
                    continue
                data = take()
                if data:
                    if not started:
                        await start_stream(send, headers)
                        started = True
                    await body.write(data)
        await body.drain()
    except asyncio.CancelledError:
        if started and call.gateway.stopping.is_set():  # closed by a stop: say so, then end
            access.status = errors.status_of(errors.stopping)
            await body.drain()
            await send_bytes(send, relay.rest() + errors.event(errors.stopping), more=False)
        raise
    finally:
        await body.close()
    error = exchange.error
    if error is not None and not started:
        await errors.fail(call, error, access)
        return False
    if not started:
        await start_stream(send, headers)
    return True
