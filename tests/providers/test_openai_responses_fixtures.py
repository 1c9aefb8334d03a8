"""Every recorded Responses API answer replayed through the Responses adapter: streams through
``stream()``, JSON bodies through ``complete()`` (and through ``stream()``, as a server that
answers a stream request with one body), error bodies as OpenMaaSError codes; and the stream
events no recording holds (reasoning summaries, ``response.incomplete``, ``response.failed``,
``error``, a stream cut before its end), built from the API reference's shapes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    FinishReason,
    Message,
    Usage,
)
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.providers.helpers import drain
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

KEY = Credentials.of_key("sk-test-responses")
REQUEST = ChatRequest(model="test-model", messages=(Message.user("hello"),))
SSE = fixtures_of("openai_responses", {"openai_responses_sse"})
JSON_ALL = [
    *fixtures_of("openai_responses", {"openai_responses_json"}),
]
JSON_OK = [n for n in JSON_ALL if load_meta(fixture_path(n))["status"] < 400]
JSON_ERRORS = [n for n in JSON_ALL if load_meta(fixture_path(n))["status"] >= 400]
# Written from the corpus's facts, independently of the adapter's tables.
_CODE_BY_FIXTURE = {
    "openai_responses/error_400_model_not_found.json": ErrorCode.INVALID_MODEL,
    "openai_responses/error_400_stream_request.json": ErrorCode.INVALID_REQUEST,
}


def adapter(client: httpx.AsyncClient, server: ReplayServer) -> OpenAIResponsesAdapter:
    return OpenAIResponsesAdapter(client, provider="openai", base_url=server.url + "/v1")


def our_usage(reported: dict[str, Any] | None) -> Usage:
    """The corpus's usage in our convention: Responses' ``input_tokens`` already include the
    cached ones and ``output_tokens`` the reasoning ones, so they carry over one to one."""
    return Usage(**reported) if reported else Usage()


def assert_matches(completion: Completion, want: dict[str, Any]) -> None:
    assert completion.text == want["text"]
    assert completion.reasoning == want["reasoning"]
    assert completion.finish_reason_raw == want["finish_reason"]
    called = bool(want["tool_calls"])
    assert completion.finish_reason is (FinishReason.TOOL_CALLS if called else FinishReason.STOP)
    assert completion.usage == our_usage(want["usage"])
    got = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    assert got == [(c["name"], json.loads(c["arguments"])) for c in want["tool_calls"]]
    assert all(c.id and c.id.startswith("call_") for c in completion.tool_calls)


def test_the_corpus_is_found() -> None:
    assert len(SSE) == 4 and len(JSON_OK) == 1 and len(JSON_ERRORS) == 2
    assert set(JSON_ERRORS) == set(_CODE_BY_FIXTURE)


@pytest.mark.parametrize("chunking", ["events", "7-byte pieces"])
@pytest.mark.parametrize("name", SSE)
async def test_stream_fixture(
    name: str, chunking: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    reply = fixture_reply(fixture_path(name))
    if chunking != "events":
        reply.chunks = [reply.body[i : i + 7] for i in range(0, len(reply.body), 7)]
    server.queue(reply)
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert got.error is None
    assert_matches(got.builder.build(), expected(name))
    assert server.last.path == "/v1/responses"
    assert server.last.json()["stream"] is True
    assert server.last.headers["authorization"] == "Bearer sk-test-responses"


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_fixture(name: str, server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    completion = await adapter(client, server).complete(REQUEST, KEY)
    assert_matches(completion, expected(name))
    assert "stream" not in server.last.json()
    # The same body answering a stream request gives the same answer.
    server.queue(fixture_reply(fixture_path(name)))
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert got.error is None
    assert_matches(got.builder.build(), expected(name))


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "complete"])
@pytest.mark.parametrize("name", JSON_ERRORS)
async def test_error_fixture(
    name: str, stream: bool, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    responses = adapter(client, server)
    error: OpenMaaSError
    if stream:
        got = await drain(responses.stream(REQUEST, KEY), REQUEST.model)
        assert got.events == []
        error = got.failure
    else:
        with pytest.raises(OpenMaaSError) as info:
            await responses.complete(REQUEST, KEY)
        error = info.value
    assert error.code is _CODE_BY_FIXTURE[name]
    assert error.status == 400
    recorded = expected(name)["errors"][0]["error"]["message"]
    assert error.message == recorded


# --- constructed streams: the reference's shapes, for what no recording holds ----------------


def _sse(*events: dict[str, Any]) -> Reply:
    body = b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
    return Reply(body=body, content_type="text/event-stream; charset=utf-8")


def _response(status: str, **extra: Any) -> dict[str, Any]:
    usage = {
        "input_tokens": 30,
        "input_tokens_details": {"cached_tokens": 12},
        "output_tokens": 50,
        "output_tokens_details": {"reasoning_tokens": 40},
        "total_tokens": 80,
    }
    return {"id": "resp_1", "object": "response", "status": status, "usage": usage, **extra}


_REASONING_THEN_TEXT = (
    {"type": "response.created", "response": _response("in_progress", usage=None)},
    {"type": "response.reasoning_summary_text.delta", "delta": "Adding ", "output_index": 0},
    {"type": "response.reasoning_summary_text.delta", "delta": "two and two.", "output_index": 0},
    {"type": "response.output_text.delta", "delta": "4", "output_index": 1},
)
_WHOLE_USAGE = Usage(input_tokens=30, output_tokens=50, cached_input_tokens=12, reasoning_tokens=40)


async def test_reasoning_summary_text_and_usage(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(
        _sse(
            *_REASONING_THEN_TEXT,
            {"type": "response.completed", "response": _response("completed")},
        )
    )
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    completion = got.builder.build()
    assert got.error is None
    assert (completion.reasoning, completion.text) == ("Adding two and two.", "4")
    assert completion.usage == _WHOLE_USAGE
    assert (completion.finish_reason, completion.finish_reason_raw) == (
        FinishReason.STOP,
        "completed",
    )


@pytest.mark.parametrize(
    ("reason", "finish"),
    [("max_output_tokens", FinishReason.LENGTH), ("content_filter", FinishReason.CONTENT_FILTER)],
)
async def test_an_incomplete_response_is_a_finish(
    reason: str, finish: FinishReason, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    end = _response("incomplete", incomplete_details={"reason": reason})
    server.queue(_sse(*_REASONING_THEN_TEXT, {"type": "response.incomplete", "response": end}))
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    completion = got.builder.build()
    assert got.error is None
    assert (completion.finish_reason, completion.finish_reason_raw) == (finish, reason)
    assert completion.text == "4" and completion.usage == _WHOLE_USAGE


@pytest.mark.parametrize(
    ("code", "ours"),
    [
        ("server_error", ErrorCode.PROVIDER_UNAVAILABLE),
        ("rate_limit_exceeded", ErrorCode.RATE_LIMITED),
        ("invalid_prompt", ErrorCode.INVALID_REQUEST),
        ("invalid_image_url", ErrorCode.INVALID_REQUEST),
    ],
)
async def test_a_failed_response_raises_its_code_after_the_answer_so_far(
    code: str, ours: ErrorCode, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    failed = _response("failed", error={"code": code, "message": f"it failed: {code}"})
    server.queue(_sse(*_REASONING_THEN_TEXT, {"type": "response.failed", "response": failed}))
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert got.failure.code is ours
    assert got.failure.message == f"it failed: {code}"
    assert got.builder.build().text == "4"


async def test_an_error_event_raises_its_code(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    error = {"type": "error", "code": "rate_limit_exceeded", "message": "slow down", "param": None}
    server.queue(_sse(*_REASONING_THEN_TEXT, error))
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert got.failure.code is ErrorCode.RATE_LIMITED
    assert got.builder.build().text == "4"


@pytest.mark.parametrize("name", SSE)
async def test_a_stream_cut_before_its_end_is_interrupted(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    body = fixture_path(name).read_bytes()
    cut = body[: body.index(b"event: response.completed")]
    server.queue(Reply(body=cut, content_type="text/event-stream"))
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert got.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert got.builder.build().finish_reason is None


async def test_arguments_sent_only_whole_are_kept_once(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    item = {"type": "function_call", "call_id": "call_1", "name": "f", "arguments": ""}
    server.queue(
        _sse(
            {"type": "response.output_item.added", "output_index": 0, "item": item},
            {"type": "response.function_call_arguments.done", "output_index": 0, "arguments": "{}"},
            {"type": "response.completed", "response": _response("completed")},
        )
    )
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    calls = got.builder.build().tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [("call_1", "f", "{}")]


async def test_a_summary_in_parts_reads_as_paragraphs(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://platform.openai.com/docs/api-reference/responses-streaming: each part of a
    reasoning summary opens with ``response.reasoning_summary_part.added`` (``summary_index``
    0, 1, …); the parts are paragraphs, so a blank line goes between them, streamed or whole."""
    item = {"id": "rs_1", "output_index": 0}
    server.queue(
        _sse(
            {"type": "response.created", "response": _response("in_progress", usage=None)},
            {"type": "response.reasoning_summary_part.added", "summary_index": 0, **item},
            {"type": "response.reasoning_summary_text.delta", "delta": "**Adding**", **item},
            {"type": "response.reasoning_summary_part.added", "summary_index": 1, **item},
            {"type": "response.reasoning_summary_text.delta", "delta": "**Checking**", **item},
            {"type": "response.output_text.delta", "delta": "4", "output_index": 1},
            {"type": "response.completed", "response": _response("completed")},
        )
    )
    got = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert got.builder.build().reasoning == "**Adding**\n\n**Checking**"
    whole = _response(
        "completed",
        output=[
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [
                    {"type": "summary_text", "text": "**Adding**"},
                    {"type": "summary_text", "text": "**Checking**"},
                ],
            },
            {"type": "message", "content": [{"type": "output_text", "text": "4"}]},
        ],
    )
    server.queue(Reply.json_body(whole))
    completion = await adapter(client, server).complete(REQUEST, KEY)
    assert (completion.reasoning, completion.text) == ("**Adding**\n\n**Checking**", "4")
