"""``POST /v1/messages``: one Anthropic Messages request, one exchange, the answer written as
Anthropic writes it, streamed (``event:`` typed SSE) or whole, whatever provider gave it.

To an Anthropic target the request passes through (:mod:`.messages_passthrough`): the body and
the client's ``anthropic-version`` and ``anthropic-beta`` go upstream as sent and the answer's
bytes come back as received. Any other target gets the request translated, as follows.

The body is read (:func:`~openmaas_tui.gateway.anthropic_wire.request.parse_messages_request`)
and run as one exchange (:meth:`Gateway.open_exchange`), recorded like the OpenAI surface's.
A stream's status line and headers wait for its first bytes, so a failure before anything
arrived is a real status in Anthropic's error shape (a 401, a 429 with its ``retry-after``, a
529), which the client's SDK raises as such; a failure after that ends the stream with an
``event: error``. A whole answer carries ``x-openmaas-cost-usd`` and ``x-openmaas-ttft-ms``;
both kinds add the cost (USD) and the price's date to ``usage`` (``cost``, ``price_as_of``), and
name in ``x-openmaas-dropped`` whatever was not sent upstream.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.models.provider_specs import WireProtocol
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.answer import dropped_headers, metering_headers, run_answer, to_the_end
from openmaas_tui.gateway.anthropic_wire.body import message_body
from openmaas_tui.gateway.anthropic_wire.errors import error_status
from openmaas_tui.gateway.anthropic_wire.relay import MessagesRelay
from openmaas_tui.gateway.anthropic_wire.request import (
    ParsedMessages,
    load_body,
    parse_messages_request,
)
from openmaas_tui.gateway.anthropic_wire.stream import MessageStreamEncoder
from openmaas_tui.gateway.anthropic_wire.thinking import signed_by
from openmaas_tui.gateway.asgi import (
    JSON_TYPE,
    BodyTooLarge,
    encode_headers,
    read_body,
    send_bytes,
    start_stream,
)
from openmaas_tui.gateway.messages_fail import STOPPING, fail, too_large
from openmaas_tui.gateway.messages_passthrough import (
    Answer,
    as_sent,
    forwarded_headers,
    passthrough_answer,
)
from openmaas_tui.gateway.route import Call


def _cost(exchange: Exchange) -> dict[str, object]:
    """``cost`` (USD, null when unknown) and ``price_as_of`` (``YYYY-MM-DD``) for ``usage``."""
    record, price = exchange.record, exchange.price
    cost = record.cost_usd if record is not None else None
    as_of = price.as_of if price is not None else None
    return {
        "cost": None if cost is None else round(cost, 10),
        "price_as_of": as_of.isoformat() if as_of is not None else None,
    }


async def handle(call: Call) -> Access:
    """Answer one Messages request (see the module docstring)."""
    access = Access(status=200)
    relay = MessagesRelay()
    try:
        payload = load_body(await read_body(call.receive))
        try:
            parsed = parse_messages_request(payload)
        except OpenMaaSError as exc:  # to Anthropic the body goes as sent all the same
            parsed = await as_sent(call.gateway, payload, exc)
        access.model = parsed.model
        own = None
        if isinstance(payload, dict):
            own = Passthrough(
                WireProtocol.ANTHROPIC, payload, relay.sink, forwarded_headers(call.scope)
            )
        target = await call.gateway.target(parsed.model)  # resolved once: cached for open
        request = signed_by(parsed.request, target.protocol)
        opened = await call.gateway.open_exchange(parsed.model, request, own)
    except BodyTooLarge:
        return await fail(call, too_large(), access)
    except OpenMaaSError as exc:
        return await fail(call, exc, access)
    exchange = opened.exchange
    answer: Answer
    if opened.passthrough:  # the body went as sent: only the catalog's drops are named
        headers = dropped_headers(opened.dropped)
        answer = passthrough_answer(relay)
    else:
        headers = dropped_headers(parsed.dropped, opened.dropped)
        answer = _stream if parsed.stream else _whole

    async def run(watched: Call) -> None:
        await answer(watched, parsed, exchange, headers, access)

    async def stopped() -> None:
        await fail(call, STOPPING, access)

    await run_answer(call, exchange, access, run, stopped)
    return access


async def _whole(
    call: Call,
    parsed: ParsedMessages,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    record = await to_the_end(exchange)
    if isinstance(record, OpenMaaSError):
        await fail(call, record, access)
        return
    body = message_body(record, model=parsed.model)
    body["usage"].update(_cost(exchange))
    try:
        data = json.dumps(body, ensure_ascii=False).encode()
    except UnicodeEncodeError:  # a lone surrogate in the text: written escaped
        data = json.dumps(body).encode()
    start = [JSON_TYPE, (b"content-length", str(len(data)).encode())]
    extra = encode_headers([*headers, *metering_headers(record)])
    await call.send({"type": "http.response.start", "status": 200, "headers": start + extra})
    await send_bytes(call.send, data, more=False)


async def _stream(
    call: Call,
    parsed: ParsedMessages,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    send = call.send
    encoder = MessageStreamEncoder(parsed.model)
    started = False

    async def write(data: bytes, *, more: bool = True) -> None:
        nonlocal started
        if not started:  # the status waits for the first bytes: an early failure keeps its own
            await start_stream(send, headers)
            started = True
        await send_bytes(send, data, more=more)

    try:
        async with aclosing(exchange.events()) as events:
            async for event in events:
                data = encoder.encode(event)
                if data:
                    await write(data)
    except asyncio.CancelledError:
        if started and call.gateway.stopping.is_set():  # closed by a stop: say so, then end
            access.status = error_status(STOPPING)
            await write(encoder.fail(STOPPING), more=False)
        raise
    error = exchange.error
    if error is not None and not started:
        await fail(call, error, access)
    elif error is not None:
        access.status = error_status(error)
        await write(encoder.fail(error), more=False)
    else:
        record = exchange.record
        usage = record.usage if record is not None else None
        await write(encoder.finish(usage, extra=_cost(exchange)), more=False)
