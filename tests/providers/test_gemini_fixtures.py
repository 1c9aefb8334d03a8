"""Recorded (and a few constructed) Gemini responses replayed through GeminiAdapter on loopback:
text, reasoning, tool calls, finish reasons and usage must match each fixture's ``expected``."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
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
from openmaas_tui.providers.base import completion_from
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.gemini.events import events_from_chunks, map_finish, usage_from
from tests.providers.helpers import drain
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

MODEL = "gemini-2.5-flash"
REQUEST = ChatRequest(model=MODEL, messages=(Message.user("Hi"),))

_ALL = fixtures_of("gemini", {"gemini_sse", "gemini_json"})
_OK = [n for n in _ALL if load_meta(fixture_path(n))["status"] < 400]
_ERRORS = [n for n in _ALL if load_meta(fixture_path(n))["status"] >= 400]
_SSE = [n for n in _OK if n.endswith(".sse")]
_JSON = [n for n in _OK if n.endswith(".json")]

_RAW_FINISH = {"STOP": FinishReason.STOP, "MAX_TOKENS": FinishReason.LENGTH}


def tool_use_prompt_tokens(name: str) -> int:
    """The last ``toolUsePromptTokenCount`` in a fixture's body (0 when it has none)."""
    found = re.findall(rb'"toolUsePromptTokenCount":\s*(\d+)', fixture_path(name).read_bytes())
    return int(found[-1]) if found else 0


def our_usage(reported: dict[str, Any] | None, tool_use_prompt: int = 0) -> Usage:
    """The fixture's usage (as Gemini reported it) in our convention: output includes thoughts,
    input includes the tool-use prompt (search or fetch results fed back to the model)."""
    if reported is None:
        return Usage()
    candidates, thoughts = reported["output_tokens"], reported["reasoning_tokens"]
    output = None
    if candidates is not None or thoughts is not None:
        output = (candidates or 0) + (thoughts or 0)
    return Usage(
        input_tokens=(
            reported["input_tokens"] + tool_use_prompt
            if reported["input_tokens"] is not None
            else None
        ),
        output_tokens=output,
        cached_input_tokens=reported["cached_input_tokens"],
        reasoning_tokens=thoughts,
    )


async def _run(reply: Reply, *, complete: bool) -> Completion | list[StreamEvent]:
    server = ReplayServer(reply)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = GeminiAdapter(client, base_url=server.url)
            if complete:
                return await adapter.complete(REQUEST, Credentials.of_key("test-key"))
            return [
                event async for event in adapter.stream(REQUEST, Credentials.of_key("test-key"))
            ]
    finally:
        await server.stop()


async def _events(reply: Reply) -> list[StreamEvent]:
    events = await _run(reply, complete=False)
    assert isinstance(events, list)
    return events


async def _complete(reply: Reply) -> Completion:
    completion = await _run(reply, complete=True)
    assert isinstance(completion, Completion)
    return completion


def _build(events: list[StreamEvent]) -> Completion:
    return completion_from(events, MODEL)


def assert_matches(name: str, completion: Completion) -> None:
    want = expected(name)
    assert completion.text == want["text"]
    assert completion.reasoning == want["reasoning"]
    assert completion.usage == our_usage(want["usage"], tool_use_prompt_tokens(name))
    assert completion.finish_reason_raw == want["finish_reason"]
    calls = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    assert calls == [(c["name"], json.loads(c["arguments"])) for c in want["tool_calls"]]
    mapped = FinishReason.TOOL_CALLS if want["tool_calls"] else _RAW_FINISH[want["finish_reason"]]
    assert completion.finish_reason is mapped


def test_the_corpus_has_gemini_fixtures_of_every_kind() -> None:
    assert len(_SSE) >= 8
    assert any("array" in n for n in _JSON) and len(_JSON) >= 4
    assert len(_ERRORS) >= 4


@pytest.mark.parametrize("name", _SSE)
async def test_sse_stream_matches_expected(name: str) -> None:
    events = await _events(fixture_reply(fixture_path(name), chunk_delay_s=0.001))
    assert_matches(name, _build(events))
    assert isinstance(events[-1], Finish)


@pytest.mark.parametrize("name", _JSON)
async def test_json_body_through_complete_matches_expected(name: str) -> None:
    completion = await _complete(fixture_reply(fixture_path(name)))
    assert_matches(name, completion)
    assert completion.model == MODEL


@pytest.mark.parametrize("name", _JSON)
async def test_json_answer_to_a_stream_request_matches_expected(name: str) -> None:
    """A server that ignores ``alt=sse`` answers with a JSON array (or one JSON object)."""
    events = await _events(fixture_reply(fixture_path(name)))
    assert_matches(name, _build(events))


@pytest.mark.parametrize("name", [n for n in _JSON if "array" in n])
def test_events_from_chunks_reads_the_json_array(name: str) -> None:
    chunks = json.loads(fixture_path(name).read_bytes())
    events = list(events_from_chunks("gemini", chunks))
    assert_matches(name, _build(events))
    assert sum(isinstance(e, UsageReport) for e in events) == len(chunks)
    assert isinstance(events[0], UsageReport)  # the prompt's count, ahead of the content
    content = [e for e in events if not isinstance(e, UsageReport)]
    assert isinstance(content[0], ReasoningDelta)  # the thought part arrives first


async def test_usage_is_reported_on_every_chunk_and_the_last_wins() -> None:
    name = "gemini/sse_text.sse"
    events = await _events(fixture_reply(fixture_path(name)))
    reports = [e.usage for e in events if isinstance(e, UsageReport)]
    assert len(reports) == 3
    assert reports[0] == Usage(input_tokens=15)  # provisional: no candidatesTokenCount yet
    assert reports[-1] == our_usage(expected(name)["usage"]) == Usage(13, 8)


async def test_thoughts_are_billed_as_output() -> None:
    events = await _events(fixture_reply(fixture_path("gemini/sse_usage_mid_stream.sse")))
    assert _build(events).usage == Usage(
        input_tokens=18, output_tokens=80 + 35, cached_input_tokens=None, reasoning_tokens=35
    )


@pytest.mark.parametrize(
    "name", ["gemini/sse_iter_0.sse", "gemini/sse_function_call_thought_signature.sse"]
)
async def test_function_call_turn_finishes_with_tool_calls_and_keeps_raw_stop(name: str) -> None:
    events = await _events(fixture_reply(fixture_path(name)))
    finish = events[-1]
    assert finish == Finish(FinishReason.TOOL_CALLS, "STOP")
    deltas = [e for e in events if isinstance(e, ToolCallDelta)]
    assert [d.index for d in deltas] == [0]
    assert deltas[0].name == expected(name)["tool_calls"][0]["name"]


@pytest.mark.parametrize("name", _ERRORS)
@pytest.mark.parametrize("complete", [False, True], ids=["stream", "complete"])
async def test_error_bodies_become_coded_errors(name: str, complete: bool) -> None:
    meta = load_meta(fixture_path(name))
    want_code = {
        400: ErrorCode.AUTH_FAILED,  # the only 400 here is "API key not valid"
        404: ErrorCode.INVALID_MODEL,
        429: ErrorCode.RATE_LIMITED,
    }[meta["status"]]
    with pytest.raises(OpenMaaSError) as caught:
        await _run(fixture_reply(fixture_path(name)), complete=complete)
    error = caught.value
    assert error.code is want_code
    assert error.status == meta["status"]
    assert error.provider == "gemini"
    assert error.message == expected(name)["errors"][0]["error"]["message"]


async def test_rate_limit_carries_the_retry_delay_from_the_body() -> None:
    with pytest.raises(OpenMaaSError) as caught:
        await _events(fixture_reply(fixture_path("gemini/error_429_resource_exhausted.json")))
    assert caught.value.retry_after == 37.0


# Constructed streams: shapes from https://ai.google.dev/api/generate-content that the recorded
# corpus does not contain.


def _sse(*chunks: dict[str, Any] | str) -> Reply:
    pieces = [
        b"data: " + (c if isinstance(c, str) else json.dumps(c)).encode() + b"\r\n\r\n"
        for c in chunks
    ]
    return Reply(body=b"".join(pieces), content_type="text/event-stream", chunks=pieces)


def _text_chunk(text: str, **candidate: Any) -> dict[str, Any]:
    return {
        "candidates": [{"content": {"parts": [{"text": text}], "role": "model"}, **candidate}],
        "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 2},
    }


async def _drain(events: AsyncIterator[StreamEvent]) -> tuple[list[StreamEvent], OpenMaaSError]:
    drained = await drain(events, MODEL)
    return drained.events, drained.failure


async def _stream_failure(reply: Reply) -> tuple[list[StreamEvent], OpenMaaSError]:
    server = ReplayServer(reply)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = GeminiAdapter(client, base_url=server.url)
            return await _drain(adapter.stream(REQUEST, Credentials.of_key("test-key")))
    finally:
        await server.stop()


async def test_blocked_prompt_finishes_with_content_filter() -> None:
    blocked = {
        "promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
        "usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7},
    }
    events = await _events(_sse(blocked))
    assert events == [
        UsageReport(Usage(input_tokens=7)),
        Finish(FinishReason.CONTENT_FILTER, "PROHIBITED_CONTENT"),
    ]


async def test_safety_stop_keeps_the_text_and_the_raw_reason() -> None:
    events = await _events(_sse(_text_chunk("Once upon"), _text_chunk("", finishReason="SAFETY")))
    completion = _build(events)
    assert completion.text == "Once upon"
    assert (completion.finish_reason, completion.finish_reason_raw) == (
        FinishReason.CONTENT_FILTER,
        "SAFETY",
    )


async def test_error_object_mid_stream_raises_after_the_partial_text() -> None:
    error = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    received, failure = await _stream_failure(_sse(_text_chunk("Partial"), error))
    assert TextDelta("Partial") in received
    assert failure.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "overloaded" in failure.message


async def test_malformed_event_is_a_parsing_failure_after_the_partial_text() -> None:
    received, failure = await _stream_failure(_sse(_text_chunk("Partial"), "{not json"))
    assert TextDelta("Partial") in received
    assert failure.code is ErrorCode.STREAM_PARSING_FAILED


async def test_chunk_of_the_wrong_shape_is_a_parsing_failure() -> None:
    _, failure = await _stream_failure(_sse({"candidates": [{"content": {"parts": 3}}]}))
    assert failure.code is ErrorCode.STREAM_PARSING_FAILED


async def test_dropped_connection_keeps_what_arrived() -> None:
    path = fixture_path("gemini/sse_usage_mid_stream.sse")
    first_event = path.read_bytes().index(b"\r\n\r\n") + 4
    received, failure = await _stream_failure(fixture_reply(path, drop_after=first_event + 10))
    assert failure.code is ErrorCode.STREAM_INTERRUPTED
    assert _build(received).text.startswith("1\n2\n3")


async def test_line_separator_inside_text_is_not_an_event_boundary() -> None:
    text = "one\u2028two\u2029three\x85four"
    body = b'data: {"candidates":[{"content":{"parts":[{"text":"%s"}]},"finishReason":"STOP"}]}'
    reply = Reply(body=body % text.encode() + b"\r\n\r\n", content_type="text/event-stream")
    events = await _events(reply)
    assert _build(events).text == text


@pytest.mark.parametrize(
    ("raw", "mapped"),
    [
        ("STOP", FinishReason.STOP),
        ("MAX_TOKENS", FinishReason.LENGTH),
        ("SAFETY", FinishReason.CONTENT_FILTER),
        ("RECITATION", FinishReason.CONTENT_FILTER),
        ("BLOCKLIST", FinishReason.CONTENT_FILTER),
        ("PROHIBITED_CONTENT", FinishReason.CONTENT_FILTER),
        ("SPII", FinishReason.CONTENT_FILTER),
        ("MALFORMED_FUNCTION_CALL", FinishReason.ERROR),
        ("OTHER", FinishReason.STOP),
        ("LANGUAGE", FinishReason.STOP),
        ("FINISH_REASON_UNSPECIFIED", FinishReason.STOP),
    ],
)
def test_finish_reason_map(raw: str, mapped: FinishReason) -> None:
    assert map_finish(raw) is mapped


def test_stop_after_a_function_call_is_tool_calls_but_other_reasons_are_kept() -> None:
    assert map_finish("STOP", called_tool=True) is FinishReason.TOOL_CALLS
    assert map_finish("MAX_TOKENS", called_tool=True) is FinishReason.LENGTH


@pytest.mark.parametrize(
    ("meta", "usage"),
    [
        ({}, Usage()),
        ({"promptTokenCount": 5}, Usage(input_tokens=5)),
        ({"candidatesTokenCount": 3}, Usage(output_tokens=3)),
        ({"thoughtsTokenCount": 2}, Usage(output_tokens=2, reasoning_tokens=2)),
        (
            {
                "promptTokenCount": 100,
                "cachedContentTokenCount": 60,
                "candidatesTokenCount": 10,
                "thoughtsTokenCount": 20,
            },
            Usage(input_tokens=100, output_tokens=30, cached_input_tokens=60, reasoning_tokens=20),
        ),
    ],
)
def test_usage_conversion(meta: dict[str, Any], usage: Usage) -> None:
    assert usage_from(meta) == usage
