"""Recorded Bedrock answers replayed through BedrockAdapter on loopback, byte for byte: the
ConverseStream event streams (``application/vnd.amazon.eventstream``), the Converse JSON bodies
and the recorded error; then constructed frames for what the recordings lack (exception
events, a frame cut short, a corrupt CRC, a stream without messageStop)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.reasoning import REDACTED_THINKING
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    Finish,
    FinishReason,
    Message,
    StreamEvent,
    TextDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.base import completion_from
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.bedrock.wire import request_body
from tests.providers.helpers import Drained, drain
from tests.support.eventstream import event, exception
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import EVENT_STREAM, ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

MODEL = "us.amazon.nova-micro-v1:0"
REQUEST = ChatRequest(model=MODEL, messages=(Message.user("Hi"),))
CREDS = Credentials(
    "bedrock",
    {
        Part.ACCESS_KEY_ID: "AKIDEXAMPLEFIXTURE",
        Part.SECRET_ACCESS_KEY: "fixture-secret-access-key-0000",
        Part.REGION: "us-east-1",
    },
)

_ALL = fixtures_of("bedrock", {"bedrock_stream", "bedrock_json"})
_STREAMS = [n for n in _ALL if n.endswith(".bin")]
_JSON = [n for n in _ALL if n.endswith(".json") and load_meta(fixture_path(n))["status"] < 400]
_ERRORS = [n for n in _ALL if load_meta(fixture_path(n))["status"] >= 400]
_FINISH = {"end_turn": FinishReason.STOP, "max_tokens": FinishReason.LENGTH}
_SERVER_TOOLS = {"nova_code_interpreter"}
"""Server-side tools the corpus lists among the tool calls; they run on Bedrock's side and
are not calls for the client (the README's rule), so the adapter leaves them out."""


async def _run(reply: Reply, *, complete: bool = False) -> Completion | Drained:
    server = ReplayServer(reply)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = BedrockAdapter(client, base_url=server.url)
            if complete:
                return await adapter.complete(REQUEST, CREDS)
            return await drain(adapter.stream(REQUEST, CREDS), MODEL)
    finally:
        await server.stop()


async def _stream(reply: Reply) -> Drained:
    drained = await _run(reply)
    assert isinstance(drained, Drained)
    return drained


def _usage(reported: dict[str, Any]) -> Usage:
    return Usage(
        input_tokens=reported["input_tokens"],
        output_tokens=reported["output_tokens"],
        cached_input_tokens=reported["cached_input_tokens"],
    )


_REDACTED_BLOCKS = {"bedrock/converse_stream_redacted_thinking.bin": 2}
"""Recordings whose reasoning is redacted, and how many redacted blocks each holds: the corpus
reads them as no reasoning; we show each as ``[redacted thinking]`` (it is there, unreadable)."""


def shown_reasoning(name: str) -> str | None:
    """The reasoning we show for a recording: the corpus's, or one mark per redacted block."""
    if name in _REDACTED_BLOCKS:
        return (REDACTED_THINKING + "\n") * _REDACTED_BLOCKS[name]
    reasoning: str | None = expected(name)["reasoning"]
    return reasoning


def assert_matches(name: str, completion: Completion) -> None:
    want = expected(name)
    assert completion.text == want["text"]
    assert completion.reasoning == shown_reasoning(name)
    assert completion.usage == _usage(want["usage"])
    assert completion.finish_reason_raw == want["finish_reason"]
    calls = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    client_calls = [c for c in want["tool_calls"] if c["name"] not in _SERVER_TOOLS]
    assert calls == [(c["name"], json.loads(c["arguments"])) for c in client_calls]
    mapped = FinishReason.TOOL_CALLS if want["tool_calls"] else _FINISH[want["finish_reason"]]
    assert completion.finish_reason is mapped


def test_the_corpus_has_bedrock_fixtures_of_every_kind() -> None:
    assert len(_STREAMS) >= 5 and len(_JSON) >= 3 and len(_ERRORS) >= 1


@pytest.mark.parametrize("name", _STREAMS)
async def test_event_stream_matches_expected(name: str) -> None:
    drained = await _stream(fixture_reply(fixture_path(name), chunk_delay_s=0.001))
    assert drained.error is None
    assert_matches(name, drained.builder.build())
    assert isinstance(drained.events[-1], UsageReport)  # metadata comes after messageStop
    assert isinstance(drained.events[-2], Finish)


@pytest.mark.parametrize("name", _STREAMS)
async def test_event_stream_sent_whole_matches_expected(name: str) -> None:
    drained = await _stream(fixture_reply(fixture_path(name), chunked=False))
    assert_matches(name, drained.builder.build())


@pytest.mark.parametrize("name", _JSON)
async def test_converse_body_through_complete_matches_expected(name: str) -> None:
    completion = await _run(fixture_reply(fixture_path(name)), complete=True)
    assert isinstance(completion, Completion)
    assert_matches(name, completion)


@pytest.mark.parametrize("name", _JSON)
async def test_converse_body_answering_a_stream_request_matches_expected(name: str) -> None:
    drained = await _stream(fixture_reply(fixture_path(name)))
    assert_matches(name, drained.builder.build())


async def test_the_server_tool_call_is_left_out_but_the_client_call_kept() -> None:
    drained = await _stream(
        fixture_reply(fixture_path("bedrock/converse_stream_code_execution.bin"))
    )
    calls = drained.builder.build().tool_calls
    assert [c.name for c in calls] == ["final_result"]
    assert calls[0].id == "tooluse_ptgCcZ0uQu-UUMz0abqoWw"


async def test_redacted_reasoning_is_shown_as_such_and_kept_to_send_back() -> None:
    name = "bedrock/converse_stream_redacted_thinking.bin"
    completion = (await _stream(fixture_reply(fixture_path(name)))).builder.build()
    assert completion.reasoning == "[redacted thinking]\n[redacted thinking]\n"
    assert completion.text == expected(name)["text"]
    blocks = completion.reasoning_blocks
    assert [b.text for b in blocks] == ["", ""]
    assert blocks[0].redacted is not None and blocks[0].redacted.startswith("RXRrRUNrZ0lC")
    assert blocks[1].redacted is not None and blocks[1].redacted.startswith("RXFBRENrZ0lC")
    # and they go back whole, first, with the turn (Converse ReasoningContentBlock)
    turn = Message.assistant(completion.text, (), blocks)
    sent = request_body(ChatRequest(model=MODEL, messages=(REQUEST.messages[0], turn)))
    assert sent["messages"][1]["content"] == [
        {"reasoningContent": {"redactedContent": blocks[0].redacted}},
        {"reasoningContent": {"redactedContent": blocks[1].redacted}},
        {"text": completion.text},
    ]


@pytest.mark.parametrize("name", _ERRORS)
@pytest.mark.parametrize("complete", [False, True], ids=["stream", "complete"])
async def test_recorded_error_becomes_a_coded_error(name: str, complete: bool) -> None:
    reply = fixture_reply(fixture_path(name))
    reply.headers["x-amzn-errortype"] = "ValidationException:http://internal.amazon.com/coral/"
    with pytest.raises(OpenMaaSError) as caught:
        result = await _run(reply, complete=complete)
        if isinstance(result, Drained):
            raise result.failure
    assert caught.value.code is ErrorCode.INVALID_MODEL
    assert caught.value.status == 400
    assert caught.value.message == expected(name)["errors"][0]["message"]


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("AccessDeniedException", 403, ErrorCode.AUTH_FAILED),
        ("UnrecognizedClientException", 403, ErrorCode.AUTH_FAILED),
        ("ExpiredTokenException", 400, ErrorCode.AUTH_FAILED),
        ("ThrottlingException", 429, ErrorCode.RATE_LIMITED),
        ("ServiceQuotaExceededException", 400, ErrorCode.RATE_LIMITED),
        ("ResourceNotFoundException", 404, ErrorCode.INVALID_MODEL),
        ("ModelTimeoutException", 408, ErrorCode.STREAM_TIMEOUT),
        ("InternalServerException", 500, ErrorCode.PROVIDER_UNAVAILABLE),
        ("ValidationException", 400, ErrorCode.INVALID_REQUEST),
    ],
)
async def test_http_error_types_map_to_codes(kind: str, status: int, code: ErrorCode) -> None:
    reply = Reply.json_body({"message": f"{kind} happened"}, status)
    reply.headers["x-amzn-errortype"] = f"{kind}:http://internal.amazon.com/coral/"
    failure = (await _stream(reply)).failure
    assert (failure.code, failure.status, failure.message) == (code, status, f"{kind} happened")
    # Throttled is worth another try (the exchange retries it before any answer); an
    # internal error is not, as with every provider.
    assert failure.transient is (code is ErrorCode.RATE_LIMITED)


# Constructed streams: frame shapes from the ConverseStream reference that no recording holds.

_START = event("messageStart", {"role": "assistant"})
_TEXT = event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Partial"}})
_STOP = event("messageStop", {"stopReason": "end_turn"})
_META = event("metadata", {"usage": {"inputTokens": 3, "outputTokens": 1}, "metrics": {}})


def _frames(*frames: bytes, drop_after: int | None = None) -> Reply:
    return Reply(
        body=b"".join(frames), content_type=EVENT_STREAM, chunks=list(frames), drop_after=drop_after
    )


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("throttlingException", ErrorCode.RATE_LIMITED),
        ("modelStreamErrorException", ErrorCode.PROVIDER_UNAVAILABLE),
        ("internalServerException", ErrorCode.PROVIDER_UNAVAILABLE),
        ("serviceUnavailableException", ErrorCode.PROVIDER_UNAVAILABLE),
        ("validationException", ErrorCode.INVALID_REQUEST),
    ],
)
async def test_exception_event_raises_its_code_after_the_partial_text(
    kind: str, code: ErrorCode
) -> None:
    drained = await _stream(_frames(_START, _TEXT, exception(kind, "went wrong")))
    assert drained.events == [TextDelta("Partial")]
    assert (drained.failure.code, drained.failure.message) == (code, "went wrong")
    busy = kind in ("throttlingException", "serviceUnavailableException")
    assert drained.failure.transient is busy


async def test_validation_exception_about_length_is_context_too_long() -> None:
    too_long = exception("validationException", "Input is too long for requested model.")
    assert (await _stream(_frames(_START, too_long))).failure.code is ErrorCode.CONTEXT_TOO_LONG


async def test_a_stream_without_message_stop_is_interrupted() -> None:
    drained = await _stream(_frames(_START, _TEXT))
    assert drained.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert drained.builder.text == "Partial"


async def test_message_stop_without_metadata_is_complete() -> None:
    drained = await _stream(_frames(_START, _TEXT, _STOP))
    assert drained.error is None
    assert drained.events[-1] == Finish(FinishReason.STOP, "end_turn")


@pytest.mark.parametrize("cut", [1, 7, 15, 40])
async def test_a_frame_cut_short_is_interrupted(cut: int) -> None:
    body = _START + _TEXT + _STOP + _META
    reply = Reply(body=body[: len(body) - cut], content_type=EVENT_STREAM)
    drained = await _stream(reply)
    assert drained.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert drained.builder.text == "Partial"


async def test_a_dropped_connection_mid_frame_keeps_what_arrived() -> None:
    reply = _frames(_START, _TEXT, _STOP, _META, drop_after=len(_START + _TEXT) + 5)
    drained = await _stream(reply)
    assert drained.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert drained.builder.text == "Partial"


@pytest.mark.parametrize("where", ["prelude", "payload", "message_crc"])
async def test_a_corrupt_frame_is_a_parsing_failure(where: str) -> None:
    bad = bytearray(_STOP)
    index = {"prelude": 9, "payload": len(bad) - 10, "message_crc": len(bad) - 1}[where]
    bad[index] ^= 0x01
    drained = await _stream(_frames(_START, _TEXT, bytes(bad), _META))
    assert drained.failure.code is ErrorCode.STREAM_PARSING_FAILED
    assert drained.builder.text == "Partial"


async def test_an_event_payload_of_the_wrong_shape_is_a_parsing_failure() -> None:
    wrong = event("contentBlockDelta", {"contentBlockIndex": "0", "delta": {"text": 3}})
    drained = await _stream(_frames(_START, wrong))
    assert drained.failure.code is ErrorCode.STREAM_PARSING_FAILED


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("end_turn", FinishReason.STOP),
        ("stop_sequence", FinishReason.STOP),
        ("max_tokens", FinishReason.LENGTH),
        ("tool_use", FinishReason.TOOL_CALLS),
        ("guardrail_intervened", FinishReason.CONTENT_FILTER),
        ("content_filtered", FinishReason.CONTENT_FILTER),
    ],
)
async def test_stop_reasons(raw: str, reason: FinishReason) -> None:
    stop = event("messageStop", {"stopReason": raw})
    events: list[StreamEvent] = (await _stream(_frames(_START, stop))).events
    assert events == [Finish(reason, raw)]


async def test_cache_counts_are_part_of_the_input() -> None:
    usage = {"inputTokens": 10, "outputTokens": 5, "cacheReadInputTokens": 100}
    usage["cacheWriteInputTokens"] = 20
    meta = event("metadata", {"usage": usage, "metrics": {"latencyMs": 12}})
    completion = completion_from((await _stream(_frames(_START, _STOP, meta))).events, MODEL)
    assert completion.usage == Usage(input_tokens=130, output_tokens=5, cached_input_tokens=100)


async def test_a_streamed_tool_call_is_assembled_from_its_fragments() -> None:
    start = {"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t1", "name": "get"}}}
    frames = [
        _START,
        event("contentBlockStart", start),
        event(
            "contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"a"'}}}
        ),
        event(
            "contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": ":1}"}}}
        ),
        event("contentBlockStop", {"contentBlockIndex": 1}),
        event("contentBlockStart", {"contentBlockIndex": 2, "start": {"toolUse": {"name": "x"}}}),
        event("contentBlockStop", {"contentBlockIndex": 2}),
        event("messageStop", {"stopReason": "tool_use"}),
    ]
    completion = (await _stream(_frames(*frames))).builder.build()
    assert [(c.id, c.name, c.arguments) for c in completion.tool_calls] == [
        ("t1", "get", '{"a":1}'),
        (None, "x", "{}"),
    ]
    assert completion.finish_reason is FinishReason.TOOL_CALLS
