"""Every recorded Cohere v2 chat answer replayed through the Cohere adapter: streams (text, and
the two that fail inside an HTTP 200 stream with ``finish_reason: "ERROR"``), JSON answers
(text, cached tokens, a tool call with its tool plan) and the recorded 404; plus the request
body, the model list and a stream cut before ``message-end``.

The corpus's ``expected.reasoning`` is null for the tool-plan recordings; we show the tool plan
as reasoning, so the tests expect the plan text there, read straight from the recording.
"""

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
    ResponseFormat,
    Usage,
)
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from tests.providers.helpers import drain
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta, split_events
from tests.support.server import Reply

ALL = fixtures_of("cohere", {"cohere_sse", "cohere_json"})
STREAMS_OK = [n for n in ALL if n.endswith(".sse") and not expected(n)["errors"]]
STREAMS_FAILED = [n for n in ALL if n.endswith(".sse") and expected(n)["errors"]]
JSON_OK = [n for n in ALL if n.endswith(".json") and load_meta(fixture_path(n))["status"] < 400]
ERRORS = [n for n in ALL if load_meta(fixture_path(n))["status"] >= 400]
KEY = Credentials.of_key("test-cohere-key")
REQUEST = ChatRequest(model="command-a-03-2025", messages=(Message.user("hello"),))

# Cohere's documented finish reasons, written independently of the adapter's table.
_FINISH = {
    "COMPLETE": FinishReason.STOP,
    "STOP_SEQUENCE": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "TOOL_CALL": FinishReason.TOOL_CALLS,
    "ERROR": FinishReason.ERROR,
    "TIMEOUT": FinishReason.ERROR,
}


def adapter(client: httpx.AsyncClient, server: ReplayServer) -> CohereAdapter:
    return CohereAdapter(client, base_url=server.url)


def tool_plan(name: str) -> str | None:
    """The tool plan in a recording, read without the adapter: JSON ``message.tool_plan``, or
    the ``tool-plan-delta`` pieces of a stream joined."""
    body = fixture_path(name).read_bytes()
    if name.endswith(".json"):
        plan: str | None = json.loads(body)["message"].get("tool_plan")
        return plan
    pieces = []
    for line in body.decode().splitlines():
        if line.startswith("data: {"):
            event = json.loads(line[6:])
            if event["type"] == "tool-plan-delta":
                pieces.append(event["delta"]["message"]["tool_plan"])
    return "".join(pieces) or None


def assert_matches(completion: Completion, name: str) -> None:
    want: dict[str, Any] = expected(name)
    assert completion.text == want["text"]
    assert completion.reasoning == (want["reasoning"] or tool_plan(name))
    assert completion.finish_reason_raw == want["finish_reason"]
    assert completion.finish_reason is _FINISH[want["finish_reason"]]
    assert completion.usage == (Usage(**want["usage"]) if want["usage"] else Usage())
    got = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    assert got == [(c["name"], json.loads(c["arguments"])) for c in want["tool_calls"]]


def test_the_corpus_is_found() -> None:
    assert (len(STREAMS_OK), len(STREAMS_FAILED), len(JSON_OK), len(ERRORS)) == (1, 2, 3, 1)


@pytest.mark.parametrize("chunking", ["events", "7-byte pieces"])
@pytest.mark.parametrize("name", STREAMS_OK)
async def test_stream_fixture(
    name: str, chunking: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    reply = fixture_reply(fixture_path(name))
    if chunking != "events":
        reply.chunks = [reply.body[i : i + 7] for i in range(0, len(reply.body), 7)]
    server.queue(reply)
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.error is None
    assert_matches(drained.builder.build(), name)
    assert server.last.path == "/v2/chat"
    assert server.last.headers["authorization"] == "Bearer test-cohere-key"
    assert server.last.json()["stream"] is True


@pytest.mark.parametrize("name", STREAMS_FAILED)
async def test_in_stream_error_keeps_what_came_before(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    error = drained.failure
    assert error.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert error.message == expected(name)["errors"][0]
    assert error.provider == "cohere" and error.status is None
    completion = drained.builder.build()
    assert completion.text == ""
    assert completion.reasoning == tool_plan(name)  # the plan streamed so far is kept
    assert completion.reasoning and completion.reasoning.startswith("I will")
    assert (completion.finish_reason, completion.finish_reason_raw) == (
        FinishReason.ERROR,
        "ERROR",
    )


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_fixture(name: str, server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    assert_matches(await adapter(client, server).complete(REQUEST, KEY), name)
    assert server.last.json()["stream"] is False
    server.queue(fixture_reply(fixture_path(name)))  # a JSON answer to a stream request
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.error is None
    assert_matches(drained.builder.build(), name)


@pytest.mark.parametrize("name", ERRORS)
async def test_error_fixture(name: str, server: ReplayServer, client: httpx.AsyncClient) -> None:
    message = expected(name)["errors"][0]["message"]
    for op in ("complete", "stream", "list_models"):
        server.queue(fixture_reply(fixture_path(name)))
        with pytest.raises(OpenMaaSError) as caught:
            if op == "complete":
                await adapter(client, server).complete(REQUEST, KEY)
            elif op == "stream":
                async for _ in adapter(client, server).stream(REQUEST, KEY):
                    pass
            else:
                await adapter(client, server).list_models(KEY)
        assert caught.value.code is ErrorCode.INVALID_MODEL, op
        assert caught.value.status == 404 and caught.value.message == message


async def test_a_stream_without_message_end_is_interrupted(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    pieces = split_events(fixture_path("cohere/stream_text.sse").read_bytes())
    kept = [p for p in pieces if b"message-end" not in p]  # [DONE] still comes
    server.queue(Reply(content_type="text/event-stream", chunks=kept))
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.failure.code is ErrorCode.STREAM_INTERRUPTED
    assert drained.builder.text == expected("cohere/stream_text.sse")["text"]


def _events(*events: dict[str, Any]) -> bytes:
    return (
        b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
        + b"data: [DONE]\n\n"
    )


async def test_thinking_tool_calls_citations_and_timeout(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """A stream in the documented shape (https://docs.cohere.com/reference/chat-stream) with
    what the recordings lack: thinking content, a streamed tool call, citations, TIMEOUT."""
    body = _events(
        {"type": "message-start", "id": "m1", "delta": {"message": {"role": "assistant"}}},
        {
            "type": "content-start",
            "index": 0,
            "delta": {"message": {"content": {"type": "thinking", "thinking": ""}}},
        },
        {
            "type": "content-delta",
            "index": 0,
            "delta": {"message": {"content": {"thinking": "Weather needs a tool."}}},
        },
        {"type": "content-end", "index": 0},
        {
            "type": "tool-call-start",
            "index": 0,
            "delta": {
                "message": {
                    "tool_calls": {
                        "id": "get_weather_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": ""},
                    }
                }
            },
        },
        {
            "type": "tool-call-delta",
            "index": 0,
            "delta": {"message": {"tool_calls": {"function": {"arguments": '{"city":'}}}},
        },
        {
            "type": "tool-call-delta",
            "index": 0,
            "delta": {"message": {"tool_calls": {"function": {"arguments": ' "Paris"}'}}}},
        },
        {"type": "tool-call-end", "index": 0},
        {"type": "citation-start", "index": 0, "delta": {"message": {"citations": {}}}},
        {"type": "citation-end", "index": 0},
        {
            "type": "message-end",
            "delta": {
                "finish_reason": "TIMEOUT",
                "usage": {
                    "billed_units": {"input_tokens": 5, "output_tokens": 9},
                    "tokens": {"input_tokens": 105, "output_tokens": 30},
                    "cached_tokens": 64,
                },
            },
        },
    )
    server.queue(Reply(body=body, content_type="text/event-stream"))
    drained = await drain(adapter(client, server).stream(REQUEST, KEY), REQUEST.model)
    assert drained.failure.code is ErrorCode.STREAM_TIMEOUT
    completion = drained.builder.build()
    assert completion.reasoning == "Weather needs a tool."
    [call] = completion.tool_calls
    assert (call.id, call.name, json.loads(call.arguments)) == (
        "get_weather_1",
        "get_weather",
        {"city": "Paris"},
    )
    assert completion.usage == Usage(105, 30, 64)
    assert completion.finish_reason is FinishReason.ERROR


def test_the_body_uses_cohere_names() -> None:
    request = ChatRequest(
        model="command-a-reasoning-08-2025",
        messages=(Message.user("hi"),),
        system="be brief",
        temperature=0.3,
        top_p=0.9,
        max_tokens=64,
        stop=("END",),
        seed=7,
        presence_penalty=0.5,
        frequency_penalty=0.25,
        thinking_budget=2048,
        response_format=ResponseFormat("json_schema", {"type": "object"}, "point"),
    )
    assert CohereAdapter(httpx.AsyncClient()).build_body(request, stream=False) == {
        "model": "command-a-reasoning-08-2025",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "hi"},
        ],
        "stream": False,
        "temperature": 0.3,
        "p": 0.9,
        "max_tokens": 64,
        "seed": 7,
        "presence_penalty": 0.5,
        "frequency_penalty": 0.25,
        "stop_sequences": ["END"],
        "response_format": {"type": "json_object", "json_schema": {"type": "object"}},
        "thinking": {"type": "enabled", "token_budget": 2048},
    }


async def test_list_models_asks_for_chat_models(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    listing = {
        "models": [
            {"name": "command-a-03-2025", "endpoints": ["chat"], "context_length": 256000},
            {
                "name": "command-new",
                "endpoints": ["chat"],
                "context_length": 131072.0,
                "features": ["vision"],
            },
        ],
        "next_page_token": None,
    }
    server.queue(Reply(body=json.dumps(listing).encode()))
    models = await adapter(client, server).list_models(KEY)
    assert [(m.id, m.context_window, m.vision, m.tools) for m in models] == [
        ("command-a-03-2025", 256_000, False, True),
        ("command-new", 131_072, True, False),
    ]
    assert server.last.path == "/v1/models"
    assert server.last.query["endpoint"] == "chat"
