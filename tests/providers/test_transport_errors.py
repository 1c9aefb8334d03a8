"""Transport failures through a real adapter (OpenAI Chat) over loopback: each becomes an
OpenMaaSError with a stable code, the partial answer is kept, and no httpx exception escapes.
The non-streaming path, shared by all four adapters, fails the same way in each."""

from __future__ import annotations

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.http import make_client
from openmaas_tui.core.types import ChatRequest, CompletionBuilder, Message
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import Adapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.providers.helpers import closed_port, drain
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

REQUEST = ChatRequest(model="gpt-4o-mini", messages=(Message.user("Count to 5"),))
STREAM = fixture_path("crusoe/stream_text.sse")


async def run(
    server_url: str, client: httpx.AsyncClient | None = None
) -> tuple[CompletionBuilder, OpenMaaSError]:
    """Stream through the adapter until it fails; the events before the failure are kept."""
    async with client or make_client() as shared:
        adapter = OpenAIChatAdapter(shared, base_url=server_url + "/v1")
        drained = await drain(
            adapter.stream(REQUEST, Credentials.of_key("sk-test-transport-key")), REQUEST.model
        )
    return drained.builder, drained.failure


async def test_connection_refused() -> None:
    builder, error = await run(f"http://127.0.0.1:{closed_port()}")
    assert error.code is ErrorCode.STREAM_CONNECTION_FAILED
    assert builder.text == ""


async def test_read_timeout(server: ReplayServer) -> None:
    server.queue(fixture_reply(STREAM, first_byte_delay_s=2.0))
    _, error = await run(server.url, make_client(read_timeout_s=0.2))
    assert error.code is ErrorCode.STREAM_TIMEOUT


async def test_dropped_mid_stream_keeps_the_partial_text(server: ReplayServer) -> None:
    body = STREAM.read_bytes()
    cut = body.index(b'"content":"3"')  # the drop comes after "1, 2, " was sent
    server.queue(fixture_reply(STREAM, drop_after=cut))
    builder, error = await run(server.url)
    assert error.code is ErrorCode.STREAM_INTERRUPTED
    assert builder.text == "1, 2, "
    assert expected("crusoe/stream_text.sse")["text"].startswith(builder.text)


async def test_malformed_event(server: ReplayServer) -> None:
    body = b'data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}\n\ndata: {not json\n\n'
    server.queue(Reply(body=body, content_type="text/event-stream", chunks=[body]))
    builder, error = await run(server.url)
    assert error.code is ErrorCode.STREAM_PARSING_FAILED
    assert builder.text == "Hi"


async def test_chunk_of_the_wrong_shape(server: ReplayServer) -> None:
    body = b'data: {"choices":[{"index":0,"delta":{"tool_calls":"oops"}}]}\n\n'
    server.queue(Reply(body=body, content_type="text/event-stream", chunks=[body]))
    _, error = await run(server.url)
    assert error.code is ErrorCode.STREAM_PARSING_FAILED


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, ErrorCode.PROVIDER_UNAVAILABLE),
        (503, ErrorCode.PROVIDER_UNAVAILABLE),
        (529, ErrorCode.PROVIDER_UNAVAILABLE),
        (404, ErrorCode.INVALID_MODEL),
        (401, ErrorCode.AUTH_FAILED),
        (403, ErrorCode.AUTH_FAILED),
    ],
)
async def test_http_status(server: ReplayServer, status: int, code: ErrorCode) -> None:
    server.queue(Reply.json_body({"error": {"message": f"status {status}"}}, status))
    builder, error = await run(server.url)
    assert error.code is code
    assert error.status == status
    assert builder.text == ""


async def test_non_json_error_body(server: ReplayServer) -> None:
    server.queue(Reply(status=502, body=b"<html>Bad Gateway</html>", content_type="text/html"))
    _, error = await run(server.url)
    assert error.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "Bad Gateway" in error.message


async def test_complete_maps_transport_failures_too(server: ReplayServer) -> None:
    server.queue(Reply.json_body({"choices": [{"message": {"content": "x"}}]}, 200))
    server.queue(fixture_reply(fixture_path("cerebras/json_text.json"), first_byte_delay_s=2.0))
    async with make_client(read_timeout_s=0.2) as client:
        adapter = OpenAIChatAdapter(client, base_url=server.url + "/v1")
        assert (await adapter.complete(REQUEST, NO_CREDENTIALS)).text == "x"
        with pytest.raises(OpenMaaSError) as caught:
            await adapter.complete(REQUEST, NO_CREDENTIALS)
    assert caught.value.code is ErrorCode.STREAM_TIMEOUT
    async with make_client() as client:
        refused = OpenAIChatAdapter(client, base_url=f"http://127.0.0.1:{closed_port()}/v1")
        with pytest.raises(OpenMaaSError) as caught:
            await refused.complete(REQUEST, NO_CREDENTIALS)
        assert caught.value.code is ErrorCode.STREAM_CONNECTION_FAILED
        with pytest.raises(OpenMaaSError) as caught:
            await refused.list_models(NO_CREDENTIALS)
        assert caught.value.code is ErrorCode.STREAM_CONNECTION_FAILED


async def test_unreadable_json_body(server: ReplayServer) -> None:
    server.queue(Reply(status=200, body=b"{truncated", content_type="application/json"))
    async with make_client() as client:
        adapter = OpenAIChatAdapter(client, base_url=server.url + "/v1")
        with pytest.raises(OpenMaaSError) as caught:
            await adapter.complete(REQUEST, NO_CREDENTIALS)
    assert caught.value.code is ErrorCode.STREAM_PARSING_FAILED


def _adapter(wire: str, client: httpx.AsyncClient, url: str) -> Adapter:
    if wire == "anthropic":
        return AnthropicAdapter(client, base_url=url)
    if wire == "gemini":
        return GeminiAdapter(client, base_url=url)
    if wire == "ollama":
        return OllamaChatAdapter(client, base_url=url)
    return OpenAIChatAdapter(client, base_url=url + "/v1")


_JSON_ANSWER = {
    "openai": "cerebras/json_text.json",
    "anthropic": "anthropic/json_text.json",
    "gemini": "gemini/json_text.json",
    "ollama": "ollama/chat_json_text.json",
}


@pytest.mark.parametrize("wire", list(_JSON_ANSWER))
async def test_complete_fails_alike_in_every_adapter(
    wire: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """A body cut short, a body that is not JSON, an error status, and no server at all."""
    path = fixture_path(_JSON_ANSWER[wire])
    server.queue(fixture_reply(path))
    server.queue(fixture_reply(path, drop_after=len(path.read_bytes()) // 2))
    server.queue(Reply(status=200, body=b"{truncated", content_type="application/json"))
    server.queue(Reply.json_body({"error": {"message": "model not found"}}, 404))
    adapter = _adapter(wire, client, server.url)
    assert (await adapter.complete(REQUEST, Credentials.of_key("test-key"))).text
    codes = []
    for _ in range(3):
        with pytest.raises(OpenMaaSError) as caught:
            await adapter.complete(REQUEST, Credentials.of_key("test-key"))
        codes.append(caught.value.code)
    with pytest.raises(OpenMaaSError) as caught:
        await _adapter(wire, client, f"http://127.0.0.1:{closed_port()}").complete(
            REQUEST, NO_CREDENTIALS
        )
    codes.append(caught.value.code)
    assert codes == [
        ErrorCode.STREAM_CONNECTION_FAILED,
        ErrorCode.STREAM_PARSING_FAILED,
        ErrorCode.INVALID_MODEL,
        ErrorCode.STREAM_CONNECTION_FAILED,
    ]
    assert len(server.requests) == 4
