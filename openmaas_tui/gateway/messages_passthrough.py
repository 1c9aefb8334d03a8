"""A Messages request to an Anthropic target, passed through.

The client's body went upstream as sent (the model routed; usage is always in Anthropic's
``message_start`` and ``message_delta``), with its ``anthropic-version`` and ``anthropic-beta``
headers (:func:`forwarded_headers`); here the provider's bytes go back to the client as they came
(:class:`~.anthropic_wire.relay.MessagesRelay`) while the exchange still reads every event for
the usage, the cost and the ledger. The status line waits for the exchange's first event, so a
failure before anything arrived keeps the provider's status in Anthropic's error shape (our code
and hint added), as on the translated path (:mod:`.messages`); a failure after it ends the
stream after the last whole event with Anthropic's own ``event: error`` when it sent one, else
with ours. A whole answer is the provider's body, byte for byte, with the
``x-openmaas-cost-usd`` and ``x-openmaas-ttft-ms`` headers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.models.provider_specs import WireProtocol
from openmaas_tui.core.types import ChatRequest
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.answer import WireErrors, metering_headers, relay_events, to_the_end
from openmaas_tui.gateway.anthropic_wire.errors import error_event, error_status
from openmaas_tui.gateway.anthropic_wire.relay import MessagesRelay
from openmaas_tui.gateway.anthropic_wire.request import ParsedMessages
from openmaas_tui.gateway.asgi import JSON_TYPE, Scope, encode_headers, send_bytes
from openmaas_tui.gateway.context import Gateway
from openmaas_tui.gateway.messages_fail import STOPPING, fail
from openmaas_tui.gateway.route import Call
from openmaas_tui.providers.anthropic.wire import CLIENT_HEADERS

FORWARDED = tuple(name.encode() for name in CLIENT_HEADERS)
"""The client's request headers that go upstream with its body (``anthropic-version``,
``anthropic-beta``); its ``x-api-key`` or ``authorization`` (the gateway's token) never do."""


def forwarded_headers(scope: Scope) -> dict[str, str]:
    """The :data:`FORWARDED` headers of the request, each header's values joined with commas
    as HTTP allows (an SDK may send ``anthropic-beta`` once per feature)."""
    found: dict[str, list[str]] = {}
    for name, value in scope["headers"]:
        if name in FORWARDED:
            found.setdefault(name.decode(), []).append(value.decode("latin-1"))
    return {name: ",".join(values) for name, values in found.items()}


async def as_sent(gateway: Gateway, payload: object, error: OpenMaaSError) -> ParsedMessages:
    """A body our reader refused (``error``), still run when its model routes to Anthropic:
    the body goes as sent, so what Anthropic takes (a field or mode newer than this reader)
    is Anthropic's to judge, and its own error comes back if it refuses. The exchange's
    request then carries only the model (the history shows no prompt for it).

    Raises:
        OpenMaaSError: ``error`` itself for any other target, or a body without a ``model``
            string; routing's codes for a model that does not route.
    """
    model = payload.get("model") if isinstance(payload, dict) else None
    if error.code is not ErrorCode.INVALID_REQUEST or not isinstance(model, str) or not model:
        raise error
    target = await gateway.target(model)
    if target.protocol != WireProtocol.ANTHROPIC:
        raise error
    stream = isinstance(payload, dict) and payload.get("stream") is True
    return ParsedMessages(ChatRequest(model, (), stream=stream), model, stream)


_ERRORS = WireErrors(STOPPING, error_status, error_event, fail)
"""How a passed-through Messages stream says an error."""


async def _relay_stream(
    relay: MessagesRelay,
    call: Call,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    """Stream the provider's bytes to the client (see the module docstring)."""
    if not await relay_events(relay, call, exchange, headers, access, _ERRORS):
        return
    send = call.send
    error = exchange.error
    if error is None:
        await send_bytes(send, relay.rest(), more=False)
        return
    access.status = error_status(error)
    rest = relay.rest()
    ending = rest if relay.ended_in_error() else rest + error_event(error)
    await send_bytes(send, ending, more=False)


async def _relay_whole(
    relay: MessagesRelay,
    call: Call,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    """Answer with the provider's whole body and the metering headers."""
    record = await to_the_end(exchange)
    if isinstance(record, OpenMaaSError):
        await fail(call, record, access)
        return
    body = relay.whole()
    start = [JSON_TYPE, (b"content-length", str(len(body)).encode())]
    extra = encode_headers([*headers, *metering_headers(record)])
    await call.send({"type": "http.response.start", "status": 200, "headers": start + extra})
    await send_bytes(call.send, body, more=False)


Answer = Callable[
    [Call, ParsedMessages, Exchange, list[tuple[str, str]], Access], Coroutine[Any, Any, None]
]
"""How :mod:`.messages` runs an answer: (call, parsed, exchange, headers, access)."""


def passthrough_answer(relay: MessagesRelay) -> Answer:
    """The answer of a passed-through request: streamed or whole, as the client asked."""

    async def answer(
        call: Call,
        parsed: ParsedMessages,
        exchange: Exchange,
        headers: list[tuple[str, str]],
        access: Access,
    ) -> None:
        run = _relay_stream if parsed.stream else _relay_whole
        await run(relay, call, exchange, headers, access)

    return answer
