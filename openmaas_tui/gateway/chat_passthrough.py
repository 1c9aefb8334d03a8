"""A Chat Completions request to an OpenAI-compatible target, passed through.

The client's body went upstream as sent (the model routed, usage forced on); here the
provider's bytes go back to the client as they came (:class:`~.openai_wire.relay.ChatRelay`)
while the exchange still reads every event for the usage, the cost and the ledger. The status
line still waits for the exchange's first event, so a failure before anything arrived keeps
the provider's status in OpenAI's error shape (our code and hint added), as on the translated
path (:mod:`.chat_completions`); a failure after it ends the stream with an error chunk after
the last whole event.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.answer import WireErrors, metering_headers, relay_events, to_the_end
from openmaas_tui.gateway.asgi import send_bytes, send_json
from openmaas_tui.gateway.context import STOPPING
from openmaas_tui.gateway.openai_wire.errors import error_body, error_headers, status_of
from openmaas_tui.gateway.openai_wire.relay import ChatRelay
from openmaas_tui.gateway.openai_wire.request import ParsedChat
from openmaas_tui.gateway.openai_wire.usage import usage_object
from openmaas_tui.gateway.route import Call


def exchange_usage(exchange: Exchange) -> dict[str, object]:
    """The ``usage`` object of an ended exchange, with its cost (USD) and the price's date."""
    record = exchange.record
    price = exchange.price
    return usage_object(
        record.usage if record is not None else None,
        record.cost_usd if record is not None else None,
        price.as_of if price is not None else None,
    )


def _error_chunk(error: OpenMaaSError) -> bytes:
    """``data: {"error": {...}}``, as the translated stream ends a broken answer."""
    text = json.dumps(error_body(error), ensure_ascii=False, separators=(",", ":"))
    return b"data: " + text.encode() + b"\n\n"


async def fail(call: Call, error: OpenMaaSError, access: Access) -> Access:
    """Answer with ``error`` in OpenAI's shape, its status kept."""
    access.status = status_of(error)
    await send_json(call.send, access.status, error_body(error), error_headers(error))
    return access


_ERRORS = WireErrors(STOPPING, status_of, _error_chunk, fail)
"""How a passed-through Chat Completions stream says an error."""


async def relay_stream(
    relay: ChatRelay,
    include_usage: bool,
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
    if error is not None:
        access.status = status_of(error)
        await send_bytes(send, relay.rest() + _error_chunk(error), more=False)
        return
    usage = exchange_usage(exchange) if include_usage else None
    await send_bytes(send, relay.take() + relay.tail(usage), more=False)


async def relay_whole(
    relay: ChatRelay,
    call: Call,
    exchange: Exchange,
    headers: list[tuple[str, str]],
    access: Access,
) -> None:
    """Answer with the provider's whole body, its ``usage`` given the cost (USD) and the
    price's date, and the ``x-openmaas-cost-usd`` and ``x-openmaas-ttft-ms`` headers."""
    record = await to_the_end(exchange)
    if isinstance(record, OpenMaaSError):
        await fail(call, record, access)
        return
    body = json.loads(relay.whole())
    usage = exchange_usage(exchange)
    given = body.get("usage") if isinstance(body, dict) else None
    if isinstance(body, dict):
        body["usage"] = (
            {**given, "cost": usage["cost"], "price_as_of": usage["price_as_of"]}
            if isinstance(given, dict)
            else usage
        )
    headers = [*headers, *metering_headers(record)]
    await send_json(call.send, 200, body, headers)


Answer = Callable[
    [Call, ParsedChat, Exchange, list[tuple[str, str]], Access], Coroutine[Any, Any, None]
]
"""How :mod:`.chat_completions` runs an answer: (call, parsed, exchange, headers, access)."""


def passthrough_answer(relay: ChatRelay, parsed: ParsedChat) -> Answer:
    """The answer of a passed-through request: :func:`relay_stream` or :func:`relay_whole`."""

    async def answer(
        call: Call,
        _parsed: ParsedChat,
        exchange: Exchange,
        headers: list[tuple[str, str]],
        access: Access,
    ) -> None:
        if parsed.request.stream:
            await relay_stream(relay, parsed.include_usage, call, exchange, headers, access)
        else:
            await relay_whole(relay, call, exchange, headers, access)

    return answer
