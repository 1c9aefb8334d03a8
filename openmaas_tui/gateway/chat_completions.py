"""``POST /v1/chat/completions``: one OpenAI request, one exchange, the answer in OpenAI's
shapes, streamed or whole.

The body is read (:func:`~openmaas_tui.gateway.openai_wire.request.parse_chat`) and run as one
exchange (:meth:`Gateway.open_exchange`). A stream's status line waits for the exchange's first
event, so a failure before anything arrived keeps the provider's status (a 401, a 429 with its
``retry-after``, a 500) in OpenAI's error shape; a failure after that ends the stream with an
error chunk. Usage is always asked upstream (the adapters do); the client gets the final usage
chunk, with its cost, when it asked for ``stream_options.include_usage``, and a whole answer
carries it in its body and in the ``x-openmaas-cost-usd`` and ``x-openmaas-ttft-ms`` headers.
Whatever the gateway did not send upstream is named in ``x-openmaas-dropped``.
"""

from __future__ import annotations

import asyncio
from contextlib import aclosing

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.models.provider_specs import WireProtocol
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.answer import (
    dropped_headers,
    metering_headers,
    run_answer,
    to_the_end,
)
from openmaas_tui.gateway.asgi import (
    BodyTooLarge,
    read_body,
    send_bytes,
    send_json,
    start_stream,
)
from openmaas_tui.gateway.chat_passthrough import Answer, passthrough_answer
from openmaas_tui.gateway.context import STOPPING
from openmaas_tui.gateway.json_body import NotJson, load_json
from openmaas_tui.gateway.openai_wire.body import completion_body
from openmaas_tui.gateway.openai_wire.chunks import DONE, ChunkWriter
from openmaas_tui.gateway.openai_wire.errors import error_body, error_headers, status_of
from openmaas_tui.gateway.openai_wire.relay import ChatRelay
from openmaas_tui.gateway.openai_wire.request import ParsedChat, invalid, parse_chat
from openmaas_tui.gateway.openai_wire.usage import usage_object
from openmaas_tui.gateway.route import Call
from openmaas_tui.gateway.write_behind import WriteBehind


async def _fail(call: Call, error: OpenMaaSError, access: Access) -> Access:
    access.status = status_of(error)
    await send_json(call.send, access.status, error_body(error), error_headers(error))
    return access


async def handle(call: Call) -> Access:
    """Answer one Chat Completions request (see the module docstring)."""
    access = Access(status=200)
    try:
        raw = await read_body(call.receive)
        try:
            payload = load_json(raw)
        except NotJson as exc:
            raise invalid(f"the body {exc}") from None
        try:
            parsed = parse_chat(payload)
        except RecursionError:
            raise invalid("the body nests too deep") from None
        access.model = parsed.model
        relay = ChatRelay()  # to an OpenAI-compatible target the body and bytes pass through
        own = Passthrough(WireProtocol.OPENAI_CHAT, payload, relay.sink)
        opened = await call.gateway.open_exchange(parsed.model, parsed.request, own)
    except BodyTooLarge:
        return await _fail(call, invalid("the body is too large"), access)
    except OpenMaaSError as exc:
        return await _fail(call, exc, access)
    dropped = opened.dropped if opened.passthrough else (*parsed.dropped, *opened.dropped)
    headers = dropped_headers(dropped)
    exchange = opened.exchange
    answer: Answer = _stream if parsed.request.stream else _whole
    if opened.passthrough:
        answer = passthrough_answer(relay, parsed)

    async def run(watched: Call) -> None:
        await answer(watched, parsed, exchange, headers, access)

    async def stopped() -> None:
        await _fail(call, STOPPING, access)

    await run_answer(call, exchange, access, run, stopped)
    return access


def _usage(exchange: Exchange) -> dict[str, object]:
    record = exchange.record
    price = exchange.price
    return usage_object(
        record.usage if record is not None else None,
        record.cost_usd if record is not None else None,
        price.as_of if price is not None else None,
    )


async def _whole(
    call: Call,
    parsed: ParsedChat,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    record = await to_the_end(exchange)
    if isinstance(record, OpenMaaSError):
        await _fail(call, record, access)
        return
    writer = ChunkWriter(parsed.model)
    usage = _usage(exchange)
    headers = [*headers, *metering_headers(record)]
    body = completion_body(
        record,
        answer_id=writer.answer_id,
        created=writer.created,
        model=parsed.model,
        usage=usage,
    )
    await send_json(call.send, 200, body, headers)


async def _stream(
    call: Call,
    parsed: ParsedChat,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    send = call.send
    writer = ChunkWriter(parsed.model)
    body = WriteBehind(send)  # the first chunks at once, then what came together in one write
    started = False
    try:
        async with aclosing(exchange.events()) as events:
            async for event in events:
                if isinstance(event, RetryWait):
                    continue
                if not started:
                    await start_stream(send, headers)
                    started = True
                    await body.write(writer.role() + writer.event(event))
                    continue
                data = writer.event(event)
                if data:
                    await body.write(data)
        await body.drain()
    except asyncio.CancelledError:
        if started and call.gateway.stopping.is_set():  # closed by a stop: say so, then end
            access.status = status_of(STOPPING)
            await body.drain()
            await send_bytes(send, writer.error(error_body(STOPPING)), more=False)
        raise
    finally:
        await body.close()
    error = exchange.error
    if error is not None and not started:
        await _fail(call, error, access)
        return
    if not started:
        await start_stream(send, headers)
        await send_bytes(send, writer.role())
    if error is not None:
        access.status = status_of(error)
        await send_bytes(send, writer.error(error_body(error)), more=False)
        return
    tail = writer.usage(_usage(exchange)) + DONE if parsed.include_usage else DONE
    await send_bytes(send, tail, more=False)
