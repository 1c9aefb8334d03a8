"""``POST /v1/responses``: OpenAI's Responses API, passed through to a target that speaks it.

The body goes upstream as the client wrote it (the model routed; usage is always in the final
``response.completed`` event, so nothing needs forcing) and the provider's bytes come back as
received, one exchange as every request (:class:`~openmaas_tui.core.passthrough.Passthrough`),
so its usage and cost land in the ledger. OpenAI and Azure-style endpoints that offer both of
OpenAI's APIs are asked through Responses; a model whose provider does not speak it is refused
with 400 (the Chat Completions route serves every provider).
Wire reference: https://platform.openai.com/docs/api-reference/responses/create.
"""

from __future__ import annotations

from contextlib import aclosing
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.history.ledger import STATUS_CLOSED
from openmaas_tui.core.models.provider_specs import Api, WireProtocol
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.core.types import ChatRequest, Message, Role
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.answer import metering_headers, to_the_end
from openmaas_tui.gateway.asgi import (
    BodyTooLarge,
    read_body,
    send_bytes,
    start_stream,
    until_disconnect,
)
from openmaas_tui.gateway.asgi import Message as AsgiMessage
from openmaas_tui.gateway.chat_passthrough import fail
from openmaas_tui.gateway.context import GRACE_S, STOPPING
from openmaas_tui.gateway.json_body import NotJson, load_json
from openmaas_tui.gateway.openai_wire.errors import status_of
from openmaas_tui.gateway.openai_wire.request import invalid
from openmaas_tui.gateway.route import Call


class _Bytes:
    """The provider's bytes as they arrive, taken whole at each event."""

    def __init__(self) -> None:
        self.pending = bytearray()

    def sink(self, piece: bytes) -> None:
        self.pending += piece

    def take(self) -> bytes:
        taken = bytes(self.pending)
        self.pending.clear()
        return taken


def _request(payload: Any) -> tuple[str, ChatRequest]:
    """The ``model`` and the exchange's request for a Responses body (the text of a string
    ``input`` as its one user turn, for the record; the body itself goes upstream).

    Raises:
        OpenMaaSError: INVALID_REQUEST for a body without a ``model`` string.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("model"), str):
        raise invalid("the body must be a JSON object with a `model` string")
    text = payload.get("input")
    messages = (Message(Role.USER, text),) if isinstance(text, str) else ()
    request = ChatRequest(payload["model"], messages, stream=payload.get("stream") is True)
    return payload["model"], request


async def handle(call: Call) -> Access:
    """Answer one Responses request (see the module docstring)."""
    access = Access(status=200)
    relay = _Bytes()
    try:
        raw = await read_body(call.receive)
        try:
            payload = load_json(raw)
        except NotJson as exc:
            raise invalid(f"the body {exc}") from None
        model, request = _request(payload)
        access.model = model
        own = Passthrough(WireProtocol.OPENAI_RESPONSES, payload, relay.sink)
        opened = await call.gateway.open_exchange(model, request, own, Api.RESPONSES)
    except BodyTooLarge:
        return await fail(call, invalid("the body is too large"), access)
    except OpenMaaSError as exc:
        return await fail(call, exc, access)
    if not opened.passthrough:
        error = OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"{model} is not served through the Responses API here",
            hint="use /v1/chat/completions, which serves every provider",
        )
        return await fail(call, error, access)
    exchange = opened.exchange
    answer = _stream if request.stream else _whole
    started = False

    async def send(message: AsgiMessage) -> None:
        nonlocal started
        started = True
        await call.send(message)

    watched = Call(call.gateway, call.scope, call.receive, send)
    try:
        outcome = await until_disconnect(
            answer(watched, exchange, relay, access), call.receive, call.gateway.stopping, GRACE_S
        )
        if outcome == "stopped" and not started:
            await fail(call, STOPPING, access)
    finally:
        await exchange.saved()
        record = exchange.record
        access.usage = record.usage if record is not None else None
        if exchange.stopped:
            access.status = STATUS_CLOSED
    return access


async def _stream(call: Call, exchange: Exchange, relay: _Bytes, access: Access) -> None:
    send = call.send
    started = False
    async with aclosing(exchange.events()) as events:
        async for event in events:
            if isinstance(event, RetryWait):
                continue
            data = relay.take()
            if data:
                if not started:
                    await start_stream(send)
                    started = True
                await send_bytes(send, data)
    error = exchange.error
    if error is not None and not started:
        await fail(call, error, access)
        return
    if not started:
        await start_stream(send)
    if error is not None:
        access.status = status_of(error)
    await send_bytes(send, relay.take(), more=False)


async def _whole(call: Call, exchange: Exchange, relay: _Bytes, access: Access) -> None:
    record = await to_the_end(exchange)
    if isinstance(record, OpenMaaSError):
        await fail(call, record, access)
        return
    body = relay.take()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((name.encode(), value.encode()) for name, value in metering_headers(record)),
    ]
    await call.send({"type": "http.response.start", "status": 200, "headers": headers})
    await call.send({"type": "http.response.body", "body": body})
