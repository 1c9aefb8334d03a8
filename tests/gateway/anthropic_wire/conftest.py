"""The official ``anthropic`` SDK as a client of bytes our encoder wrote, served by a loopback
server, and helpers to feed it a stream or a body."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

import anthropic
import pytest
from anthropic.lib.streaming import AsyncMessageStreamManager
from anthropic.types import Message as SdkMessage

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.types import StreamEvent, Usage
from openmaas_tui.gateway.anthropic_wire.stream import MessageStreamEncoder
from tests.support.replay import ReplayServer, split_events
from tests.support.server import Reply

MODEL = "claude-sonnet-4-5"
PROMPT = "Two names for a pet pelican"


@pytest.fixture
async def sdk(server: ReplayServer) -> AsyncIterator[anthropic.AsyncAnthropic]:
    """The SDK aimed at ``server``, never retrying (a retry would ask for a reply not queued)."""
    client = anthropic.AsyncAnthropic(base_url=server.url, api_key="sk-test-fake", max_retries=0)
    yield client
    await client.close()


def encode_all(
    events: Iterable[StreamEvent | RetryWait],
    *,
    model: str = MODEL,
    usage: Usage | None = None,
    error: OpenMaaSError | None = None,
    input_tokens: int = 0,
) -> bytes:
    """A whole stream: every event encoded, then ``finish(usage)`` or ``fail(error)``."""
    encoder = MessageStreamEncoder(model, input_tokens=input_tokens)
    out = b"".join(encoder.encode(event) for event in events)
    return out + (encoder.fail(error) if error is not None else encoder.finish(usage))


def sse_reply(data: bytes) -> Reply:
    """A 200 ``text/event-stream`` reply sending ``data`` one event per chunk."""
    return Reply(body=data, content_type="text/event-stream", chunks=split_events(data))


async def sdk_stream(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic, data: bytes
) -> SdkMessage:
    """The final message ``messages.stream(...)`` assembles from ``data``."""
    server.queue(sse_reply(data))
    async with open_stream(sdk) as stream:
        return await stream.get_final_message()


def open_stream(sdk: anthropic.AsyncAnthropic) -> AsyncMessageStreamManager:
    """``sdk.messages.stream(...)`` of a one-line prompt."""
    return sdk.messages.stream(
        model=MODEL, max_tokens=1024, messages=[{"role": "user", "content": PROMPT}]
    )


async def sdk_create(sdk: anthropic.AsyncAnthropic) -> SdkMessage:
    """``sdk.messages.create(...)`` of a one-line prompt, not streamed."""
    return await sdk.messages.create(
        model=MODEL, max_tokens=1024, messages=[{"role": "user", "content": PROMPT}]
    )


def sdk_text(message: SdkMessage) -> str:
    """The text blocks of a message, joined."""
    return "".join(b.text for b in message.content if b.type == "text")


def sdk_thinking(message: SdkMessage) -> str | None:
    """The thinking blocks of a message, joined, or None without any."""
    parts = [b.thinking for b in message.content if b.type == "thinking"]
    return "".join(parts) if parts else None


def sdk_usage(message: SdkMessage) -> Usage:
    """The message's usage in our convention (input counts cache reads and writes)."""
    usage = message.usage
    read = usage.cache_read_input_tokens or 0
    total_in = usage.input_tokens + read + (usage.cache_creation_input_tokens or 0)
    details = usage.output_tokens_details
    return Usage(
        input_tokens=total_in,
        output_tokens=usage.output_tokens,
        cached_input_tokens=read,
        reasoning_tokens=details.thinking_tokens if details is not None else None,
    )
