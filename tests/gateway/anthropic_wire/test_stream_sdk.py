"""The official SDK's ``messages.stream(...)`` reads what the encoder writes: text, thinking,
tool calls, stop reason and usage come out as they went in, and a failure mid-stream raises."""

from __future__ import annotations

import json

import anthropic
import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.types import (
    Finish,
    FinishReason,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.gateway.anthropic_wire.stream import MessageStreamEncoder
from tests.gateway.anthropic_wire.conftest import (
    encode_all,
    open_stream,
    sdk_stream,
    sdk_text,
    sdk_thinking,
    sdk_usage,
    sse_reply,
)
from tests.support.replay import ReplayServer

USAGE = Usage(input_tokens=120, output_tokens=45, cached_input_tokens=20, reasoning_tokens=30)


async def test_text_thinking_and_usage_survive(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    events: list[StreamEvent] = [
        UsageReport(Usage(input_tokens=120, cached_input_tokens=20)),
        ReasoningDelta("Pelicans "),
        ReasoningDelta("have pouches."),
        TextDelta("1. **Pouch**\n"),
        TextDelta('2. "Scoop" — é ✓ \x1b[31m'),
        UsageReport(USAGE),
        Finish(FinishReason.STOP, "end_turn"),
    ]
    message = await sdk_stream(server, sdk, encode_all(events))

    assert sdk_thinking(message) == "Pelicans have pouches."
    assert sdk_text(message) == '1. **Pouch**\n2. "Scoop" — é ✓ \x1b[31m'
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None
    assert sdk_usage(message) == USAGE
    assert message.model == "claude-sonnet-4-5"
    assert message.id.startswith("msg_")


@pytest.mark.parametrize(
    ("finish", "expected"),
    [
        (Finish(FinishReason.STOP, "stop"), "end_turn"),
        (Finish(FinishReason.STOP, "STOP"), "end_turn"),
        (Finish(FinishReason.STOP, "stop_sequence"), "stop_sequence"),
        (Finish(FinishReason.LENGTH, "length"), "max_tokens"),
        (Finish(FinishReason.LENGTH, "MAX_TOKENS"), "max_tokens"),
        (Finish(FinishReason.CONTENT_FILTER, "content_filter"), "refusal"),
        (Finish(FinishReason.CONTENT_FILTER, "SAFETY"), "refusal"),
        (Finish(FinishReason.STOP, "pause_turn"), "pause_turn"),
        (None, "end_turn"),
    ],
)
async def test_stop_reasons(
    server: ReplayServer,
    sdk: anthropic.AsyncAnthropic,
    finish: Finish | None,
    expected: str,
) -> None:
    events: list[StreamEvent] = [TextDelta("hi"), *([finish] if finish else [])]
    message = await sdk_stream(server, sdk, encode_all(events, usage=Usage(5, 1)))
    assert message.stop_reason == expected
    assert sdk_text(message) == "hi"


async def test_tool_calls_come_out_as_tool_use_blocks(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    # Two calls streamed interleaved, as OpenAI-compatible servers may, after some text.
    events: list[StreamEvent] = [
        TextDelta("Let me look."),
        ToolCallDelta(0, id="call_a", name="weather", arguments='{"city":'),
        ToolCallDelta(1, id="call_b", name="time", arguments=""),
        ToolCallDelta(0, arguments=' "Paris"}'),
        ToolCallDelta(1, arguments='{"tz": "CET"}'),
        ToolCallDelta(2, name="noop"),  # no id, no arguments
        Finish(FinishReason.TOOL_CALLS, "tool_calls"),
    ]
    message = await sdk_stream(server, sdk, encode_all(events, usage=Usage(50, 20)))

    tools = [b for b in message.content if b.type == "tool_use"]
    assert [(t.id, t.name, t.input) for t in tools[:2]] == [
        ("call_a", "weather", {"city": "Paris"}),
        ("call_b", "time", {"tz": "CET"}),
    ]
    assert tools[2].name == "noop" and tools[2].input == {}
    assert tools[2].id.startswith("toolu_")
    assert sdk_text(message) == "Let me look."
    assert message.stop_reason == "tool_use"


async def test_tool_calls_end_in_tool_use_whatever_the_provider_said(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    events: list[StreamEvent] = [
        ToolCallDelta(0, id="c", name="f", arguments="{}"),
        Finish(FinishReason.STOP, "stop"),
    ]
    message = await sdk_stream(server, sdk, encode_all(events))
    assert message.stop_reason == "tool_use"


async def test_a_retry_wait_is_a_ping_the_sdk_skips(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    wait = RetryWait(OpenMaaSError(ErrorCode.RATE_LIMITED, "slow down"), 0.1, 1, 2)
    events: list[StreamEvent | RetryWait] = [wait, TextDelta("after the wait")]
    data = encode_all(events, usage=Usage(3, 3))
    assert data.count(b"event: ping") == 2  # the wait's, and the one after the first block
    message = await sdk_stream(server, sdk, data)
    assert sdk_text(message) == "after the wait"


async def test_input_tokens_of_the_start_give_way_to_the_reported_ones(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    # An OpenAI-compatible stream: usage comes last; message_start carries an estimate.
    data = encode_all([TextDelta("x")], usage=Usage(40, 2), input_tokens=38)
    start = json.loads(data.split(b"\n", 2)[1].removeprefix(b"data: "))
    assert start["message"]["usage"]["input_tokens"] == 38
    message = await sdk_stream(server, sdk, data)
    assert sdk_usage(message) == Usage(40, 2, 0, None)


async def test_an_error_mid_stream_raises_in_the_sdk(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    error = OpenMaaSError(ErrorCode.PROVIDER_UNAVAILABLE, "Overloaded", provider="openai")
    data = encode_all([TextDelta("1. **Gul")], error=error)
    assert data.endswith(b"\n\n") and b"message_stop" not in data
    server.queue(sse_reply(data))
    received: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        async with open_stream(sdk) as stream:
            async for text in stream.text_stream:
                received.append(text)
    assert received == ["1. **Gul"]
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["error"]["type"] == "overloaded_error"
    assert body["error"]["message"].startswith("PROVIDER_UNAVAILABLE: Overloaded (hint: ")


async def test_a_failure_before_anything_still_starts_the_message(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    error = OpenMaaSError(ErrorCode.STREAM_INTERRUPTED, "connection reset")
    encoder = MessageStreamEncoder("gpt-4o")
    data = encoder.fail(error)
    assert data.startswith(b"event: message_start\n") and encoder.started
    server.queue(sse_reply(data))
    with pytest.raises(anthropic.APIStatusError) as caught:
        async with open_stream(sdk) as stream:
            await stream.get_final_message()
    assert "STREAM_INTERRUPTED: connection reset" in str(caught.value)


def test_an_anthropic_upstream_count_goes_out_with_message_start() -> None:
    encoder = MessageStreamEncoder("claude-sonnet-4-5")
    first = encoder.encode(UsageReport(Usage(input_tokens=17, output_tokens=1)))
    assert first.startswith(b"event: message_start\n")
    assert json.loads(first.split(b"\n")[1][6:])["message"]["usage"]["input_tokens"] == 17
    assert encoder.encode(UsageReport(Usage(17, 5))) == b""
    assert encoder.encode(Finish(FinishReason.STOP, "end_turn")) == b""


def test_frames_match_anthropics_own() -> None:
    """Event for event, the shapes of the recorded ``anthropic/stream_text.sse``: a start,
    one text block with a ping after its start, deltas, the stop, message_delta, message_stop."""
    encoder = MessageStreamEncoder("claude-sonnet-4-5-20250929", message_id="msg_x")
    out = encoder.encode(UsageReport(Usage(17, 1, 0)))
    for piece in ["-", " Captain", "\n- Sc", "oop"]:
        out += encoder.encode(TextDelta(piece))
    out += encoder.encode(UsageReport(Usage(17, 10, 0)))
    out += encoder.encode(Finish(FinishReason.STOP, "end_turn"))
    out += encoder.finish()
    frames = [f for f in out.split(b"\n\n") if f]
    names = [f.split(b"\n")[0].removeprefix(b"event: ").decode() for f in frames]
    assert names == [
        "message_start",
        "content_block_start",
        "ping",
        *["content_block_delta"] * 4,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    datas = [json.loads(f.split(b"\n")[1].removeprefix(b"data: ")) for f in frames]
    assert all(d["type"] == n for d, n in zip(datas, names, strict=True))
    assert datas[1]["content_block"] == {"type": "text", "text": ""}
    assert datas[3]["delta"] == {"type": "text_delta", "text": "-"}
    assert datas[-2]["delta"] == {"stop_reason": "end_turn", "stop_sequence": None}
    assert datas[-2]["usage"]["output_tokens"] == 10
    assert datas[0]["message"]["id"] == "msg_x"
