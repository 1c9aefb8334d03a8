"""Recorded answers of Anthropic, OpenAI-compatible servers and Gemini, read by our adapters,
written back by the encoder and read by the official ``anthropic`` SDK: the text, thinking and
usage the SDK assembles are the recording's."""

from __future__ import annotations

import json

import anthropic
import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import Adapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.gateway.anthropic_wire.conftest import (
    encode_all,
    sdk_stream,
    sdk_text,
    sdk_thinking,
    sdk_usage,
)
from tests.providers.helpers import Drained, drain
from tests.support.recordings import OPENAI_COMPATIBLE, expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply

ANTHROPIC = fixtures_of("anthropic", {"anthropic_sse"})
OPENAI = [n for p in OPENAI_COMPATIBLE for n in fixtures_of(p, {"openai_chat_sse"})]
GEMINI = fixtures_of("gemini", {"gemini_sse"})
STREAMS = [n for n in ANTHROPIC + OPENAI + GEMINI if not expected(n)["errors"]]
FAILING = [n for n in ANTHROPIC + OPENAI + GEMINI if expected(n)["errors"]]
REQUEST = ChatRequest("some-model", (Message.user("Two names for a pet pelican"),))


def _adapter(name: str, client: httpx.AsyncClient, url: str) -> Adapter:
    provider = name.split("/", 1)[0]
    if provider == "anthropic":
        return AnthropicAdapter(client, base_url=url)
    if provider == "gemini":
        return GeminiAdapter(client, base_url=url)
    return OpenAIChatAdapter(client, provider=provider, base_url=url + "/v1")


async def _adapter_events(name: str) -> Drained:
    """What our adapter reads from the recording (served by a server of its own)."""
    upstream = ReplayServer(fixture_reply(fixture_path(name)))
    await upstream.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = _adapter(name, client, upstream.url)
            return await drain(adapter.stream(REQUEST, Credentials.of_key("k")), "some-model")
    finally:
        await upstream.stop()


@pytest.mark.parametrize("name", STREAMS)
async def test_the_sdk_reads_the_recorded_answer(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic, name: str
) -> None:
    drained = await _adapter_events(name)
    assert drained.error is None
    ours = drained.builder.build()

    message = await sdk_stream(server, sdk, encode_all(drained.events))

    want = expected(name)
    assert sdk_text(message) == want["text"] == ours.text
    assert (sdk_thinking(message) or None) == ours.reasoning  # a signature alone shows nothing
    # each signed block's and call's signature, each redacted block's data, as sent
    signatures = [b.signature for b in message.content if b.type == "thinking" and b.signature]
    signed_calls = [c.signature for c in ours.tool_calls if c.signature]  # Gemini's
    assert signatures == [b.signature for b in ours.reasoning_blocks if b.signature] + signed_calls
    redacted = [b.data for b in message.content if b.type == "redacted_thinking"]
    assert redacted == [b.redacted for b in ours.reasoning_blocks if b.redacted is not None]
    assert sdk_usage(message) == ours.usage.__class__(
        input_tokens=ours.usage.input_tokens or 0,
        output_tokens=ours.usage.output_tokens or 0,
        cached_input_tokens=ours.usage.cached_input_tokens or 0,
        reasoning_tokens=ours.usage.reasoning_tokens,
    )
    reported = want["usage"] or {}
    if not name.startswith("gemini/") and reported.get("output_tokens") is not None:
        # OpenAI's and Anthropic's output counts are ours one to one (Gemini's leave out
        # the thinking, which we add)
        assert message.usage.output_tokens == reported["output_tokens"]
    calls = [b for b in message.content if b.type == "tool_use"]
    assert [(c.name, c.input) for c in calls] == [
        (t["name"], json.loads(t["arguments"] or "{}")) for t in want["tool_calls"]
    ]
    if calls:
        assert message.stop_reason == "tool_use"
    elif want["finish_reason"] in ("end_turn", "max_tokens", "stop_sequence", "tool_use"):
        assert message.stop_reason == want["finish_reason"]


@pytest.mark.parametrize("name", FAILING)
async def test_a_recorded_failure_mid_stream_reaches_the_sdk_after_the_text(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic, name: str
) -> None:
    drained = await _adapter_events(name)
    data = encode_all(drained.events, error=drained.failure)
    with pytest.raises(anthropic.APIStatusError) as caught:
        await sdk_stream(server, sdk, data)
    assert str(drained.failure.code) in str(caught.value)
