"""The Anthropic adapter replays every Anthropic fixture (recorded and constructed) and matches
the meta's ``expected`` block; constructed faults map to the right error codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    CompletionBuilder,
    FinishReason,
    Message,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import collect
from tests.providers.helpers import answer
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

FIXTURES = fixtures_of("anthropic", {"anthropic_sse", "anthropic_json"})
FAILED = [n for n in FIXTURES if load_meta(fixture_path(n))["status"] >= 400]
# Answers that end normally (the in-stream error fixture has its own test).
OK = [n for n in FIXTURES if n not in FAILED and not expected(n)["errors"]]
REQUEST = ChatRequest("claude-sonnet-4-5", (Message.user("Two names for a pet pelican"),))

# Our reading of https://docs.anthropic.com/en/api/messages (stop_reason), kept independent of
# the adapter's own table.
FINISH = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "pause_turn": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "tool_use": FinishReason.TOOL_CALLS,
    "refusal": FinishReason.CONTENT_FILTER,
}
STATUS_CODES = {
    400: ErrorCode.INVALID_REQUEST,
    401: ErrorCode.AUTH_FAILED,
    404: ErrorCode.INVALID_MODEL,
    429: ErrorCode.RATE_LIMITED,
    529: ErrorCode.PROVIDER_UNAVAILABLE,
}


@pytest.fixture
def adapter(server: ReplayServer, client: httpx.AsyncClient) -> AnthropicAdapter:
    return AnthropicAdapter(client, base_url=server.url)


def _payloads(name: str) -> list[dict[str, Any]]:
    """Every JSON payload of a fixture body: the one object of a .json, each data line of
    a .sse (parsed here line by line, independently of the adapter's SSE reader)."""
    text = fixture_path(name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        return [json.loads(text)]
    return [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:")]


def _raw_cache_counts(name: str) -> tuple[int, int]:
    """(cache_read, cache_creation) as last reported in the fixture body (0 when absent)."""
    read = creation = 0
    for payload in _payloads(name):
        usage = payload.get("usage") or (payload.get("message") or {}).get("usage") or {}
        if usage.get("cache_read_input_tokens") is not None:
            read = usage["cache_read_input_tokens"]
        if usage.get("cache_creation_input_tokens") is not None:
            creation = usage["cache_creation_input_tokens"]
    return read, creation


def _expected_usage(name: str) -> Usage:
    """The meta's usage (as Anthropic reported it) converted to our convention."""
    raw = expected(name)["usage"]
    read, creation = _raw_cache_counts(name)
    assert raw["cached_input_tokens"] in (None, read)
    return Usage(
        input_tokens=raw["input_tokens"] + read + creation,
        output_tokens=raw["output_tokens"],
        cached_input_tokens=read,
        reasoning_tokens=raw["reasoning_tokens"],
    )


async def _run(adapter: AnthropicAdapter, name: str) -> Completion:
    return await answer(adapter, REQUEST, "sk-ant-test", stream=name.endswith(".sse"))


def _assert_matches(completion: Completion, name: str) -> None:
    exp = expected(name)
    assert completion.text == exp["text"]
    assert completion.reasoning == exp["reasoning"]
    assert completion.finish_reason_raw == exp["finish_reason"]
    raw = exp["finish_reason"]
    assert completion.finish_reason == (FINISH[raw] if raw else None)
    assert completion.usage == _expected_usage(name)
    calls = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    assert calls == [(c["name"], json.loads(c["arguments"])) for c in exp["tool_calls"]]
    assert all(c.id for c in completion.tool_calls)


@pytest.mark.parametrize("name", OK)
async def test_fixture_matches_expected(
    server: ReplayServer, adapter: AnthropicAdapter, name: str
) -> None:
    server.queue(fixture_reply(fixture_path(name), chunk_delay_s=0.0005))
    completion = await _run(adapter, name)
    _assert_matches(completion, name)
    assert server.last.path == "/v1/messages"


@pytest.mark.parametrize("name", [n for n in OK if n.endswith(".sse")])
async def test_stream_split_at_every_byte_gives_the_same_answer(
    server: ReplayServer, adapter: AnthropicAdapter, name: str
) -> None:
    """Events cut across network chunks (here: the body in 7-byte pieces) parse the same."""
    body = fixture_path(name).read_bytes()
    reply = fixture_reply(fixture_path(name))
    reply.chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    server.queue(reply)
    _assert_matches(await _run(adapter, name), name)


@pytest.mark.parametrize("name", FAILED)
@pytest.mark.parametrize("streaming", [False, True], ids=["complete", "stream"])
async def test_error_fixture_maps_to_code(
    server: ReplayServer, adapter: AnthropicAdapter, name: str, streaming: bool
) -> None:
    meta = load_meta(fixture_path(name))
    server.queue(fixture_reply(fixture_path(name)))
    with pytest.raises(OpenMaaSError) as caught:
        if streaming:
            await collect(adapter.stream(REQUEST, Credentials.of_key("sk-ant-test")), REQUEST.model)
        else:
            await adapter.complete(REQUEST, Credentials.of_key("sk-ant-test"))
    error = caught.value
    assert error.code is STATUS_CODES[meta["status"]]
    assert error.status == meta["status"]
    assert error.provider == "anthropic"
    assert error.message == meta["expected"]["errors"][0]["error"]["message"]
    if error.code is ErrorCode.RATE_LIMITED:
        assert error.retry_after == float(meta["response_headers"]["retry-after"])
    else:
        assert error.retry_after is None


def test_constructed_fixtures_are_present_and_marked() -> None:
    for name in (
        "error_401_authentication.json",
        "error_429_rate_limit.json",
        "error_529_overloaded.json",
        "stream_midstream_error.sse",
    ):
        meta = load_meta(fixture_path(f"anthropic/{name}"))
        assert meta["constructed"] is True
        assert meta["source"]["reference"].startswith("https://docs.anthropic.com/")
        assert f"anthropic/{name}" in FIXTURES


async def test_midstream_error_keeps_partial_text(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    name = "anthropic/stream_midstream_error.sse"
    server.queue(fixture_reply(fixture_path(name)))
    builder = CompletionBuilder(REQUEST.model)
    with pytest.raises(OpenMaaSError) as caught:
        async for event in adapter.stream(REQUEST, Credentials.of_key("sk-ant-test")):
            builder.add(event)
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert caught.value.message == "Overloaded"
    partial = builder.build()
    assert partial.text == expected(name)["text"]
    assert partial.text  # something arrived before the error
    assert partial.usage == _expected_usage(name)
    assert partial.finish_reason is None


async def test_usage_is_reported_at_start_and_end_and_merged(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    """message_delta that carries only output_tokens keeps the input and cache counts of
    message_start; both reports are emitted, the last one complete."""
    name = "anthropic/stream_prompt_cache_max_tokens.sse"
    server.queue(fixture_reply(fixture_path(name)))
    events = [e async for e in adapter.stream(REQUEST, Credentials.of_key("sk-ant-test"))]
    reports = [e.usage for e in events if isinstance(e, UsageReport)]
    assert reports == [
        Usage(input_tokens=12 + 1830 + 248, output_tokens=1, cached_input_tokens=1830),
        Usage(input_tokens=12 + 1830 + 248, output_tokens=16, cached_input_tokens=1830),
    ]


def _sse(*payloads: dict[str, Any]) -> list[bytes]:
    return [f"event: {p['type']}\ndata: {json.dumps(p)}   \n\n".encode() for p in payloads]


_START = {
    "type": "message_start",
    "message": {"usage": {"input_tokens": 5, "output_tokens": 1}, "content": []},
}
_TEXT_START = {
    "type": "content_block_start",
    "index": 0,
    "content_block": {"type": "text", "text": ""},
}


def _text(text: str) -> dict[str, Any]:
    return {
        "type": "content_block_delta",
        "index": 0,
        "delta": {"type": "text_delta", "text": text},
    }


def _stop(reason: str, usage: dict[str, Any]) -> dict[str, Any]:
    return {"type": "message_delta", "delta": {"stop_reason": reason}, "usage": usage}


def _stream_reply(chunks: list[bytes], **kw: Any) -> Reply:
    return Reply(content_type="text/event-stream", chunks=chunks, **kw)


@pytest.mark.parametrize("raw", ["refusal", "pause_turn", "max_tokens", "tool_use"])
async def test_stop_reasons_map(server: ReplayServer, adapter: AnthropicAdapter, raw: str) -> None:
    chunks = _sse(_START, _stop(raw, {"output_tokens": 3}), {"type": "message_stop"})
    server.queue(_stream_reply(chunks))
    completion = await collect(adapter.stream(REQUEST, NO_CREDENTIALS), REQUEST.model)
    assert (completion.finish_reason, completion.finish_reason_raw) == (FINISH[raw], raw)


async def test_thinking_token_details_become_reasoning_tokens(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    usage = {"output_tokens": 40, "output_tokens_details": {"thinking_tokens": 31}}
    chunks = _sse(_START, _stop("end_turn", usage), {"type": "message_stop"})
    server.queue(_stream_reply(chunks))
    completion = await collect(adapter.stream(REQUEST, NO_CREDENTIALS), REQUEST.model)
    assert completion.usage == Usage(5, 40, None, 31)


async def test_stream_ending_without_message_stop_is_interrupted(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    server.queue(_stream_reply(_sse(_START, _TEXT_START, _text("Hel"))))
    seen: list[StreamEvent] = []
    with pytest.raises(OpenMaaSError) as caught:
        async for event in adapter.stream(REQUEST, NO_CREDENTIALS):
            seen.append(event)
    assert caught.value.code is ErrorCode.STREAM_INTERRUPTED
    assert TextDelta("Hel") in seen


async def test_dropped_connection_keeps_partial_text(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    chunks = _sse(_START, _TEXT_START, _text("Hello"), _text(" there"))
    server.queue(_stream_reply(chunks, drop_after=sum(len(c) for c in chunks[:3]) + 10))
    seen: list[StreamEvent] = []
    with pytest.raises(OpenMaaSError) as caught:
        async for event in adapter.stream(REQUEST, NO_CREDENTIALS):
            seen.append(event)
    assert caught.value.code is ErrorCode.STREAM_INTERRUPTED
    assert [e for e in seen if isinstance(e, TextDelta)] == [TextDelta("Hello")]


async def test_malformed_event_is_a_parsing_failure(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    chunks = [
        *_sse(_START, _TEXT_START, _text("ok")),
        b"event: content_block_delta\ndata: {oops\n\n",
    ]
    server.queue(_stream_reply(chunks))
    seen: list[StreamEvent] = []
    with pytest.raises(OpenMaaSError) as caught:
        async for event in adapter.stream(REQUEST, NO_CREDENTIALS):
            seen.append(event)
    assert caught.value.code is ErrorCode.STREAM_PARSING_FAILED
    assert TextDelta("ok") in seen


async def test_json_answer_to_a_stream_request_is_still_read(
    server: ReplayServer, adapter: AnthropicAdapter
) -> None:
    """A proxy that ignores ``stream: true`` and answers with one message body."""
    name = "anthropic/json_text.json"
    server.queue(fixture_reply(fixture_path(name)))
    completion = await collect(adapter.stream(REQUEST, NO_CREDENTIALS), REQUEST.model)
    _assert_matches(completion, name)


def test_fixture_list_is_complete() -> None:
    bodies = {
        f"anthropic/{p.name}"
        for p in Path(fixture_path("anthropic")).iterdir()
        if not p.name.endswith(".meta.json")
    }
    assert set(FIXTURES) == bodies
