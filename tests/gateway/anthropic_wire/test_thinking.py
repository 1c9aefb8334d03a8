"""Signed and redacted thinking on the translated Messages path: written as Anthropic writes it
(a ``signature_delta`` closing its block, ``redacted_thinking`` whole, streamed or in a whole
answer), read by the official SDK, and read back from the client's next turn into reasoning
blocks that go only to the wire that signed them."""

from __future__ import annotations

import json

import anthropic

from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.reasoning import BEDROCK, GEMINI, REDACTED_LINE, ReasoningBlock
from openmaas_tui.core.types import (
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    Usage,
)
from openmaas_tui.gateway.anthropic_wire.body import message_bytes
from openmaas_tui.gateway.anthropic_wire.request import parse_messages_request
from openmaas_tui.gateway.anthropic_wire.thinking import signed_by
from openmaas_tui.providers.anthropic.wire import request_body
from tests.gateway.anthropic_wire.conftest import encode_all, sdk_create, sdk_stream
from tests.support.replay import ReplayServer
from tests.support.server import Reply

EVENTS: list[StreamEvent] = [
    ReasoningDelta("Weather needs "),
    ReasoningDelta("a tool."),
    ReasoningDelta("", "sig-1", origin=BEDROCK),
    ReasoningDelta(REDACTED_LINE, redacted="EqQBCgIYAh", origin=BEDROCK),
    ReasoningDelta("Then answer.", "sig-2", origin=BEDROCK),
    TextDelta("Checking."),
    ToolCallDelta(0, id="toolu_1", name="weather", arguments='{"city":"Paris"}'),
]
BLOCKS = (
    ReasoningBlock("Weather needs a tool.", "sig-1", origin=BEDROCK),
    ReasoningBlock(redacted="EqQBCgIYAh", origin=BEDROCK),
    ReasoningBlock("Then answer.", "sig-2", origin=BEDROCK),
)


def _content(message: anthropic.types.Message) -> list[dict[str, object]]:
    return [block.model_dump(exclude_none=True) for block in message.content]


WANT = [
    {"type": "thinking", "thinking": "Weather needs a tool.", "signature": "sig-1"},
    {"type": "redacted_thinking", "data": "EqQBCgIYAh"},
    {"type": "thinking", "thinking": "Then answer.", "signature": "sig-2"},
    {"type": "text", "text": "Checking."},
    {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Paris"}},
]


async def test_a_stream_carries_signatures_and_redacted_blocks_to_the_sdk(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    data = encode_all(EVENTS, usage=Usage(10, 20))
    frames = [json.loads(line[6:]) for line in data.split(b"\n") if line.startswith(b"data: ")]
    # the signature is its block's last delta, right before the block's stop
    kinds = [f.get("delta", {}).get("type") for f in frames]
    at = kinds.index("signature_delta")
    assert frames[at + 1] == {"type": "content_block_stop", "index": frames[at]["index"]}
    message = await sdk_stream(server, sdk, data)
    assert _content(message) == WANT
    assert message.stop_reason == "tool_use"


async def test_a_whole_answer_carries_them_in_order(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    record = AnswerRecord(
        text="Checking.",
        reasoning="Weather needs a tool.[redacted thinking]\nThen answer.",
        tool_calls=(ToolCall("weather", '{"city":"Paris"}', "toolu_1"),),
        reasoning_blocks=BLOCKS,
    )
    server.queue(Reply(body=message_bytes(record, model="m")))
    assert _content(await sdk_create(sdk)) == WANT


def test_the_clients_next_turn_gives_the_blocks_back_to_the_wire_that_signed_them() -> None:
    turn = {"role": "assistant", "content": WANT}
    result = {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}],
    }
    body = {
        "model": "claude-on-bedrock",
        "max_tokens": 2048,
        "messages": [{"role": "user", "content": "Weather in Paris?"}, turn, result],
    }
    parsed = parse_messages_request(body)
    assert parsed.dropped == ()
    assistant = parsed.request.messages[1]
    assert [b.origin for b in assistant.reasoning_blocks] == ["", "", ""]  # not known yet
    on_bedrock = signed_by(parsed.request, "bedrock").messages[1]
    assert on_bedrock.reasoning_blocks == BLOCKS
    assert signed_by(parsed.request, "vertex").messages[1].reasoning_blocks[0].origin == GEMINI
    assert signed_by(parsed.request, "openai").messages[1].reasoning_blocks == ()
    # to Anthropic's wire they go back as they came, before the tool_use
    sent = request_body(signed_by(parsed.request, "anthropic"), "anthropic", stream=True)
    assert sent["messages"][1]["content"] == WANT


def test_a_signed_call_takes_the_signature_of_the_thinking_right_before_it() -> None:
    turn = {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "Looking."},
            {"type": "thinking", "thinking": "", "signature": "gemini-call-sig"},
            {"type": "tool_use", "id": "toolu_9", "name": "get_country", "input": {}},
        ],
    }
    result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_9"}]}
    body = {
        "model": "gemini-3-pro-preview",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "Where am I?"}, turn, result],
    }
    request = parse_messages_request(body).request
    assert request.messages[1].tool_calls[0].signature == "gemini-call-sig"
    on_gemini = signed_by(request, "gemini").messages[1]
    assert on_gemini.reasoning_blocks == ()  # the call carries it; not on the text as well
    assert on_gemini.tool_calls[0].signature == "gemini-call-sig"
    assert signed_by(request, "bedrock").messages[1].reasoning_blocks == (
        ReasoningBlock("", "gemini-call-sig", origin=BEDROCK),
    )
