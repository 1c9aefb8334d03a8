"""The deltas of one read come merged: one text delta for a read of many, a tool call or a finish
ending a run, the first token alone, and the answer itself unchanged."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    Finish,
    FinishReason,
    Message,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.coalesce import ReadEvents, merged
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_chat.parse import ChunkParser, plain_text

STOP = Finish(FinishReason.STOP, "stop")
USAGE = UsageReport(Usage(input_tokens=3, output_tokens=4))


def test_a_run_of_text_deltas_becomes_one() -> None:
    events: list[StreamEvent] = [TextDelta("a"), TextDelta("b"), TextDelta("c")]
    assert merged(events) == [TextDelta("abc")]


def test_a_tool_call_or_a_finish_ends_a_run() -> None:
    call = ToolCallDelta(0, "call_1", "f", "{}")
    events: list[StreamEvent] = [
        TextDelta("a"),
        TextDelta("b"),
        call,
        TextDelta("c"),
        TextDelta("d"),
        STOP,
        TextDelta("e"),
        USAGE,
    ]
    assert merged(events) == [TextDelta("ab"), call, TextDelta("cd"), STOP, TextDelta("e"), USAGE]


def test_reasoning_and_text_runs_stay_apart() -> None:
    events: list[StreamEvent] = [
        ReasoningDelta("r1"),
        ReasoningDelta("r2"),
        TextDelta("t1"),
        TextDelta("t2"),
        ReasoningDelta("r3"),
    ]
    assert merged(events) == [ReasoningDelta("r1r2"), TextDelta("t1t2"), ReasoningDelta("r3")]


def test_reasoning_with_more_than_text_is_never_merged() -> None:
    signed = ReasoningDelta("", signature="sig")
    other = ReasoningDelta("x", origin="anthropic")
    events: list[StreamEvent] = [ReasoningDelta("a"), ReasoningDelta("b"), signed, other]
    assert merged(events) == [ReasoningDelta("ab"), signed, other]
    mixed: list[StreamEvent] = [ReasoningDelta("a", origin="o1"), ReasoningDelta("b")]
    assert merged(mixed) == mixed


def test_the_first_content_goes_on_early_and_alone() -> None:
    read = ReadEvents()
    read.add([])
    assert not read.early
    read.add([USAGE])  # not the answer: handed on, still waiting for the first token
    assert read.early
    assert read.take() == [USAGE]
    read.add([TextDelta("a")])
    assert read.early
    assert read.take() == [TextDelta("a")]
    read.add([TextDelta("b")])
    read.add([TextDelta("c"), STOP])
    assert not read.early
    assert read.take() == [TextDelta("bc"), STOP]
    assert read.take() == []


# --- through the adapters, from a body cut into reads ----------------------------------------


def _chunk(delta: dict[str, object], finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return b"data: " + json.dumps({"choices": [choice]}).encode() + b"\n\n"


_USAGE_CHUNK = b'data: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4}}\n\n'


class _Reads(httpx.AsyncByteStream):
    def __init__(self, reads: list[bytes]) -> None:
        self.reads = reads

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for read in self.reads:
            yield read


async def _stream(adapter_of: type, reads: list[bytes]) -> list[StreamEvent]:
    def reply(_: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=_Reads(reads)
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(reply)) as client:
        adapter = adapter_of(client, base_url="http://upstream.test/v1")
        request = ChatRequest(model="m", messages=(Message.user("hi"),))
        events: list[StreamEvent] = []
        try:
            async for event in adapter.stream(request, Credentials.of_key("k")):
                events.append(event)
        except OpenMaaSError as exc:
            events.append(TextDelta(f"<{exc.code}>"))
        return events


def _fold(events: list[StreamEvent]) -> object:
    """The answer ``events`` fold into (text, reasoning, calls, finish, usage)."""

    async def source() -> AsyncIterator[StreamEvent]:
        for event in events:
            yield event

    return asyncio.run(collect(source(), "m"))


@pytest.mark.parametrize("adapter_of", [OpenAIChatAdapter, MistralAdapter])
def test_a_read_of_many_deltas_gives_one_merged_delta(adapter_of: type) -> None:
    first = _chunk({"role": "assistant", "content": ""}) + _chunk({"content": "Hel"})
    many = b"".join(_chunk({"content": t}) for t in ("lo", ", ", "wor", "ld"))
    call = _chunk({"tool_calls": [{"index": 0, "id": "c1", "function": {"name": "f"}}]})
    end = _chunk({"content": "!"}) + _chunk({"content": "!"}) + _chunk({}, "stop")
    reads = [first + many, many + call + end + _USAGE_CHUNK + b"data: [DONE]\n\n"]
    events = asyncio.run(_stream(adapter_of, reads))
    assert events == [
        TextDelta("Hel"),  # the first token alone, as soon as it is read
        TextDelta("lo, world"),
        TextDelta("lo, world"),
        ToolCallDelta(0, "c1", "f", ""),
        TextDelta("!!"),
        STOP,
        USAGE,
    ]


@pytest.mark.parametrize("adapter_of", [OpenAIChatAdapter, MistralAdapter])
def test_the_merged_answer_is_the_unmerged_one(adapter_of: type) -> None:
    body = (
        _chunk({"content": "a"})
        + b"".join(_chunk({"content": str(i)}) for i in range(50))
        + _chunk({}, "stop")
        + _USAGE_CHUNK
        + b"data: [DONE]\n\n"
    )
    one_read = asyncio.run(_stream(adapter_of, [body]))
    by_event = asyncio.run(_stream(adapter_of, [p + b"\n\n" for p in body.split(b"\n\n")[:-1]]))
    assert len(one_read) == 4 and len(by_event) == 53

    assert _fold(one_read) == _fold(by_event)


@pytest.mark.parametrize("adapter_of", [OpenAIChatAdapter, MistralAdapter])
def test_what_came_before_a_malformed_chunk_in_the_same_read_is_kept(adapter_of: type) -> None:
    body = _chunk({"content": "a"}) + _chunk({"content": "b"}) + _chunk({"content": "c"})
    events = asyncio.run(_stream(adapter_of, [body + b"data: {not json\n\n"]))
    failed = TextDelta(f"<{ErrorCode.STREAM_PARSING_FAILED}>")
    assert events == [TextDelta("a"), TextDelta("bc"), failed]


# --- a chunk of plain text read without building its events -----------------------------------

_ODD: list[object] = [None, "", "x", 0, 1, [], {}, [{"type": "text", "text": "t"}]]
_USAGE = {"prompt_tokens": 1, "completion_tokens": 2}
_PLACES: dict[tuple[str, str], list[object]] = {
    ("delta", "content"): _ODD,
    ("delta", "role"): ["assistant", *_ODD],
    ("delta", "reasoning"): ["think", *_ODD],
    ("delta", "reasoning_content"): ["think", *_ODD],
    ("delta", "tool_calls"): [[{"index": 0, "function": {"name": "f"}}], *_ODD],
    ("choice", "index"): _ODD,
    ("choice", "finish_reason"): ["stop", *_ODD],
    ("choice", "delta"): _ODD,
    ("chunk", "choices"): [[1], [None], ["x"], *_ODD],
    ("chunk", "usage"): [_USAGE, *_ODD],
    ("chunk", "x_groq"): [{"id": "req_1", "usage": _USAGE}, *_ODD],
}


@st.composite
def _chunks(draw: st.DrawFn) -> dict[str, object]:
    """A chunk of one token's text, changed in none, one or two places a parser reads."""
    delta: dict[str, object] = {"content": "hi"}
    choice: dict[str, object] = {"index": 0, "delta": delta, "finish_reason": None}
    chunk: dict[str, object] = {"id": "chatcmpl-1", "choices": [choice], "usage": None}
    where = {"delta": delta, "choice": choice, "chunk": chunk}
    for part, key in draw(st.lists(st.sampled_from(list(_PLACES)), max_size=2)):
        where[part][key] = draw(st.sampled_from(_PLACES[part, key]))
    if draw(st.booleans()) and draw(st.booleans()):
        chunk["choices"] = [choice, {**choice, "index": 1}]
    return chunk


_CHUNKS = _chunks()


@settings(max_examples=1000, deadline=None)
@given(_CHUNKS)
def test_a_chunk_read_as_plain_text_is_the_one_text_delta_the_parser_gives(
    chunk: dict[str, object],
) -> None:
    text = plain_text(chunk)
    if text is not None:
        assert ChunkParser("p").feed(chunk) == [TextDelta(text)]


def test_a_token_chunk_is_read_as_plain_text() -> None:
    choice = {"index": 0, "delta": {"content": " tok"}, "logprobs": None, "finish_reason": None}
    chunk = {"id": "c", "object": "chat.completion.chunk", "choices": [choice], "usage": None}
    assert plain_text(chunk) == " tok"
    routed = {"provider": "X", "choices": [{"delta": {"role": "assistant", "content": "a"}}]}
    assert plain_text(routed) == "a"
    assert plain_text({"choices": [{"delta": {"content": "a"}, "finish_reason": "stop"}]}) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(min_size=1, max_size=2), st.sampled_from(["STOP", "USAGE"]))))
def test_text_added_as_text_is_taken_as_text_deltas_added(steps: list[str]) -> None:
    as_text, as_events = ReadEvents(), ReadEvents()
    taken_text: list[StreamEvent] = []
    taken_events: list[StreamEvent] = []
    for i, step in enumerate(steps):
        if step in ("STOP", "USAGE"):
            event = STOP if step == "STOP" else USAGE
            as_text.add([event])
            as_events.add([event])
        else:
            as_text.add_text(step)
            as_events.add([TextDelta(step)])
        assert as_text.early == as_events.early
        if as_text.early or i % 3 == 2:
            taken_text += as_text.take()
            taken_events += as_events.take()
    assert taken_text + as_text.take() == taken_events + as_events.take()


# --- Anthropic's Messages stream --------------------------------------------------------------


def _anthropic(kind: str, payload: dict[str, object]) -> bytes:
    return (
        f"event: {kind}\ndata: ".encode() + json.dumps({"type": kind, **payload}).encode() + b"\n\n"
    )


def _anthropic_text(text: str) -> bytes:
    delta = {"index": 0, "delta": {"type": "text_delta", "text": text}}
    return _anthropic("content_block_delta", delta)


_ANTHROPIC_START = _anthropic(
    "message_start",
    {
        "message": {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [],
            "stop_reason": None,
            "usage": {"input_tokens": 3, "output_tokens": 1},
        }
    },
) + _anthropic("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
_ANTHROPIC_END = (
    _anthropic("content_block_stop", {"index": 0})
    + _anthropic(
        "message_delta", {"delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 52}}
    )
    + _anthropic("message_stop", {})
)


USAGE_AT_START = UsageReport(Usage(input_tokens=3, output_tokens=1))


def test_an_anthropic_read_of_many_deltas_gives_one_and_the_same_answer() -> None:
    tokens = b"".join(_anthropic_text(str(i)) for i in range(50))
    body = _ANTHROPIC_START + _anthropic_text("a") + tokens + _ANTHROPIC_END
    one_read = asyncio.run(_stream(AnthropicAdapter, [body]))
    by_event = asyncio.run(
        _stream(AnthropicAdapter, [p + b"\n\n" for p in body.split(b"\n\n")[:-1]])
    )
    texts = [event for event in one_read if isinstance(event, TextDelta)]
    assert texts == [TextDelta("a"), TextDelta("".join(str(i) for i in range(50)))]
    assert len(by_event) > len(one_read) + 40

    assert _fold(one_read) == _fold(by_event)


def test_what_came_before_an_anthropic_error_event_in_the_same_read_is_kept() -> None:
    error = _anthropic("error", {"error": {"type": "overloaded_error", "message": "Overloaded"}})
    body = _ANTHROPIC_START + _anthropic_text("a") + _anthropic_text("b") + _anthropic_text("c")
    events = asyncio.run(_stream(AnthropicAdapter, [body + error]))
    failed = TextDelta(f"<{ErrorCode.PROVIDER_UNAVAILABLE}>")
    assert events == [USAGE_AT_START, TextDelta("a"), TextDelta("bc"), failed]
