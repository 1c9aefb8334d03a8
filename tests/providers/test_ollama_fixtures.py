"""The Ollama adapter against the constructed /api/chat and /api/tags fixtures, replayed on
loopback, and against the ways a stream can go wrong: no server, a dropped connection, a
missing final line, a malformed line, an error line."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    Finish,
    FinishReason,
    Message,
    StreamEvent,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from tests.providers.helpers import closed_port
from tests.providers.helpers import drain as drain_events
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

STREAMS = fixtures_of("ollama", {"ollama_ndjson"})
NDJSON = "application/x-ndjson"
REQUEST = ChatRequest(model="llama3.2", messages=(Message.user("Why is the sky blue?"),))


async def drain(
    adapter: OllamaChatAdapter, request: ChatRequest = REQUEST
) -> tuple[Completion, list[StreamEvent], OpenMaaSError | None]:
    """Everything the stream yielded, and the error it ended with (if any)."""
    drained = await drain_events(adapter.stream(request, NO_CREDENTIALS), request.model)
    return drained.builder.build(), drained.events, drained.error


def assert_matches(completion: Completion, exp: dict[str, Any]) -> None:
    """``completion`` is what the fixture's meta expects (Ollama's counts are already in our
    convention: prompt_eval_count counts every prompt token, eval_count every output token)."""
    assert completion.text == exp["text"]
    assert completion.reasoning == exp["reasoning"]
    assert completion.finish_reason_raw == exp["finish_reason"]
    if exp["tool_calls"]:
        assert completion.finish_reason is FinishReason.TOOL_CALLS
    else:
        assert completion.finish_reason is FinishReason(exp["finish_reason"])
    assert completion.usage == Usage(**exp["usage"])
    calls = [(c.name, json.loads(c.arguments)) for c in completion.tool_calls]
    assert calls == [(c["name"], json.loads(c["arguments"])) for c in exp["tool_calls"]]


def lines_of(name: str) -> list[bytes]:
    return fixture_path(name).read_bytes().splitlines(keepends=True)


def test_every_constructed_stream_is_listed() -> None:
    assert {name.rsplit("/", 1)[1] for name in STREAMS} == {
        "chat_stream_text.ndjson",
        "chat_stream_thinking.ndjson",
        "chat_stream_tool_call.ndjson",
        "chat_done_length.ndjson",
    }


@pytest.mark.parametrize("name", STREAMS)
async def test_stream_fixture(name: str, server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    adapter = OllamaChatAdapter(client, base_url=server.url)
    completion, events, error = await drain(adapter)
    assert error is None
    assert_matches(completion, expected(name))
    assert isinstance(events[-1], Finish)
    assert isinstance(events[-2], UsageReport)
    assert server.last.path == "/api/chat"
    assert server.last.json()["stream"] is True


async def test_tool_calls_are_numbered_across_lines(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path("ollama/chat_stream_tool_call.ndjson")))
    _, events, _ = await drain(OllamaChatAdapter(client, base_url=server.url))
    indexes = [e.index for e in events if isinstance(e, ToolCallDelta)]
    assert indexes == [0, 1]


async def test_line_split_across_network_chunks(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "ollama/chat_stream_thinking.ndjson"
    body = fixture_path(name).read_bytes()
    pieces = [body[i : i + 7] for i in range(0, len(body), 7)]  # cuts inside "×" too
    server.queue(Reply(body=body, content_type=NDJSON, chunks=pieces))
    completion, _, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is None
    assert_matches(completion, expected(name))


async def test_final_line_without_newline(server: ReplayServer, client: httpx.AsyncClient) -> None:
    name = "ollama/chat_stream_text.ndjson"
    body = fixture_path(name).read_bytes().rstrip(b"\n")
    server.queue(Reply(body=body, content_type=NDJSON))
    completion, _, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is None
    assert_matches(completion, expected(name))


async def test_complete_reads_the_json_answer(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "ollama/chat_json_text.json"
    server.queue(fixture_reply(fixture_path(name), chunked=False))
    completion = await OllamaChatAdapter(client, base_url=server.url).complete(
        REQUEST, NO_CREDENTIALS
    )
    assert_matches(completion, expected(name))
    assert completion.model == "llama3.2"
    assert server.last.json()["stream"] is False


async def test_stream_accepts_one_json_answer(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """A proxy that ignores ``stream: true`` and answers with one JSON object still works."""
    name = "ollama/chat_json_text.json"
    server.queue(fixture_reply(fixture_path(name), chunked=False))
    completion, _, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is None
    assert_matches(completion, expected(name))


@pytest.mark.parametrize("method", ["stream", "complete"])
async def test_unknown_model_is_invalid_model(
    method: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path("ollama/error_404_model.json"), chunked=False))
    adapter = OllamaChatAdapter(client, base_url=server.url)
    with pytest.raises(OpenMaaSError) as info:
        if method == "stream":
            async for _ in adapter.stream(REQUEST, NO_CREDENTIALS):
                pass
        else:
            await adapter.complete(REQUEST, NO_CREDENTIALS)
    assert info.value.code is ErrorCode.INVALID_MODEL
    assert info.value.status == 404
    assert info.value.message == "model 'llama3.9' not found"
    assert info.value.provider == "ollama"


async def test_tags_lists_the_pulled_models(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "ollama/tags.json"
    server.queue(fixture_reply(fixture_path(name), chunked=False))
    models = await OllamaChatAdapter(client, base_url=server.url).list_models(NO_CREDENTIALS)
    assert [m.id for m in models] == expected(name)["models"]
    assert {m.provider for m in models} == {"ollama"}
    assert all(m.context_window is None for m in models)
    assert (server.last.method, server.last.path) == ("GET", "/api/tags")


@pytest.mark.parametrize("method", ["stream", "complete", "list_models"])
async def test_no_local_server_is_connection_failed(method: str, client: httpx.AsyncClient) -> None:
    adapter = OllamaChatAdapter(client, base_url=f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(OpenMaaSError) as info:
        if method == "stream":
            async for _ in adapter.stream(REQUEST, NO_CREDENTIALS):
                pass
        elif method == "complete":
            await adapter.complete(REQUEST, NO_CREDENTIALS)
        else:
            await adapter.list_models(NO_CREDENTIALS)
    assert info.value.code is ErrorCode.STREAM_CONNECTION_FAILED


async def test_dropped_connection_keeps_the_partial_text(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "ollama/chat_stream_text.ndjson"
    lines = lines_of(name)
    cut = sum(len(line) for line in lines[:5]) + 20  # in the middle of the sixth line
    server.queue(fixture_reply(fixture_path(name), drop_after=cut))
    completion, _, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is not None and error.code is ErrorCode.STREAM_INTERRUPTED
    assert completion.text == "".join(json.loads(line)["message"]["content"] for line in lines[:5])
    assert completion.finish_reason is None


async def test_stream_without_done_line_is_interrupted(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "ollama/chat_stream_thinking.ndjson"
    lines = lines_of(name)[:-1]
    server.queue(Reply(body=b"".join(lines), content_type=NDJSON, chunks=lines))
    completion, events, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is not None and error.code is ErrorCode.STREAM_INTERRUPTED
    assert completion.text == expected(name)["text"]
    assert completion.reasoning == expected(name)["reasoning"]
    assert not any(isinstance(e, UsageReport | Finish) for e in events)


async def test_malformed_line_is_parsing_failed(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    lines = lines_of("ollama/chat_stream_text.ndjson")[:2] + [b'{"model":"llama3.2","mess\n']
    server.queue(Reply(body=b"".join(lines), content_type=NDJSON, chunks=lines))
    completion, _, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is not None and error.code is ErrorCode.STREAM_PARSING_FAILED
    assert completion.text == "The sky"


async def test_error_line_mid_stream_raises_after_the_text(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    lines = lines_of("ollama/chat_stream_text.ndjson")[:3] + [
        b'{"error":"an error was encountered while running the model: unexpected EOF"}\n'
    ]
    server.queue(Reply(body=b"".join(lines), content_type=NDJSON, chunks=lines))
    completion, _, error = await drain(OllamaChatAdapter(client, base_url=server.url))
    assert error is not None and error.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "unexpected EOF" in error.message
    assert completion.text == "The sky looks"
