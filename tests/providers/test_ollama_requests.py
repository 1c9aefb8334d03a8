"""What the Ollama adapter sends: the /api/chat body, the base URL from OLLAMA_HOST, and the
Authorization header only when a key is given."""

from __future__ import annotations

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.types import (
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    TextPart,
)
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter, ollama_base_url
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

STREAM = fixture_path("ollama/chat_stream_text.ndjson")
JSON_ANSWER = fixture_path("ollama/chat_json_text.json")
TAGS = fixture_path("ollama/tags.json")
KEY = "ollama-test-key-0123456789"

FULL = ChatRequest(
    model="llama3.2",
    messages=(
        Message.user("Hi"),
        Message.assistant("Hello! How can I help?"),
        Message.user("Why is the sky blue?"),
    ),
    system="Answer in one sentence.",
    temperature=0.2,
    top_p=0.9,
    max_tokens=128,
    stop=("\n\n", "User:"),
    seed=42,
)
BARE = ChatRequest(model="qwen3:0.6b", messages=(Message.user("Hi"),))


@pytest.fixture
def adapter(server: ReplayServer, client: httpx.AsyncClient) -> OllamaChatAdapter:
    return OllamaChatAdapter(client, base_url=server.url)


async def run_stream(adapter: OllamaChatAdapter, request: ChatRequest, key: str | None) -> None:
    async for _ in adapter.stream(request, Credentials.of_key(key)):
        pass


async def test_body_has_system_first_options_and_stream_flag(
    server: ReplayServer, adapter: OllamaChatAdapter
) -> None:
    server.queue(fixture_reply(STREAM))
    await run_stream(adapter, FULL, None)
    assert server.last.method == "POST"
    assert server.last.path == "/api/chat"
    assert server.last.json() == {
        "model": "llama3.2",
        "messages": [
            {"role": "system", "content": "Answer in one sentence."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": "Why is the sky blue?"},
        ],
        "stream": True,
        "options": {
            "temperature": 0.2,
            "top_p": 0.9,
            "num_predict": 128,
            "stop": ["\n\n", "User:"],
            "seed": 42,
        },
    }


async def test_complete_sends_stream_false(
    server: ReplayServer, adapter: OllamaChatAdapter
) -> None:
    server.queue(fixture_reply(JSON_ANSWER, chunked=False))
    await adapter.complete(FULL, NO_CREDENTIALS)
    body = server.last.json()
    assert body["stream"] is False
    assert body["options"]["num_predict"] == 128


async def test_unset_parameters_are_not_sent(
    server: ReplayServer, adapter: OllamaChatAdapter
) -> None:
    server.queue(fixture_reply(STREAM))
    await run_stream(adapter, BARE, None)
    assert server.last.json() == {
        "model": "qwen3:0.6b",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": True,
    }


async def test_zero_values_are_sent(server: ReplayServer, adapter: OllamaChatAdapter) -> None:
    server.queue(fixture_reply(STREAM))
    request = ChatRequest(model="llama3.2", messages=BARE.messages, temperature=0.0, seed=0)
    await run_stream(adapter, request, None)
    assert server.last.json()["options"] == {"temperature": 0.0, "seed": 0}


async def test_images_travel_as_base64_list(
    server: ReplayServer, adapter: OllamaChatAdapter
) -> None:
    server.queue(fixture_reply(STREAM))
    parts = (
        TextPart("What is in "),
        ImagePart("iVBORw0KGgo=", "image/png"),
        TextPart("these pictures?"),
        ImagePart("/9j/4AAQSkZJRg==", "image/jpeg"),
    )
    request = ChatRequest(model="llava", messages=(Message(Role.USER, parts),))
    await run_stream(adapter, request, None)
    assert server.last.json()["messages"] == [
        {
            "role": "user",
            "content": "What is in these pictures?",
            "images": ["iVBORw0KGgo=", "/9j/4AAQSkZJRg=="],
        }
    ]


@pytest.mark.parametrize(
    ("value", "url"),
    [
        (None, "http://localhost:11434"),
        ("", "http://localhost:11434"),
        ("  ", "http://localhost:11434"),
        ("gpu-box", "http://gpu-box:11434"),
        ("gpu-box:8080", "http://gpu-box:8080"),
        ("192.168.1.20", "http://192.168.1.20:11434"),
        ("192.168.1.20:11500", "http://192.168.1.20:11500"),
        (":11500", "http://localhost:11500"),
        ("http://gpu-box:8080", "http://gpu-box:8080"),
        ("http://gpu-box", "http://gpu-box:80"),
        ("https://ollama.example.com", "https://ollama.example.com:443"),
        ("HTTPS://ollama.example.com:8443/", "https://ollama.example.com:8443"),
        ("http://gpu-box:8080/ollama/", "http://gpu-box:8080/ollama"),
        ("0.0.0.0", "http://localhost:11434"),
        ("0.0.0.0:11434", "http://localhost:11434"),
        ("http://0.0.0.0:9000", "http://localhost:9000"),
        ("[::]:11434", "http://localhost:11434"),
        ("[::1]:11500", "http://[::1]:11500"),
        ("gpu-box:notaport", "http://gpu-box:11434"),
    ],
)
def test_ollama_base_url(value: str | None, url: str) -> None:
    environ = {} if value is None else {"OLLAMA_HOST": value}
    assert ollama_base_url(environ) == url


async def test_ollama_host_reaches_the_server(server: ReplayServer) -> None:
    server.queue(fixture_reply(TAGS, chunked=False))
    base = ollama_base_url({"OLLAMA_HOST": f"127.0.0.1:{server.port}"})
    async with httpx.AsyncClient(timeout=10) as client:
        models = await OllamaChatAdapter(client, base_url=base + "/").list_models(NO_CREDENTIALS)
    assert models
    assert server.last.path == "/api/tags"


async def test_constructor_defaults() -> None:
    async with httpx.AsyncClient() as client:
        adapter = OllamaChatAdapter(client)
    assert adapter.provider == "ollama"
    assert adapter.base_url == "http://localhost:11434"


async def test_no_auth_header_without_key(server: ReplayServer, adapter: OllamaChatAdapter) -> None:
    server.queue(fixture_reply(STREAM))
    await run_stream(adapter, BARE, None)
    server.queue(fixture_reply(JSON_ANSWER, chunked=False))
    await adapter.complete(BARE, NO_CREDENTIALS)
    server.queue(fixture_reply(TAGS, chunked=False))
    await adapter.list_models(NO_CREDENTIALS)
    assert len(server.requests) == 3
    assert all("authorization" not in r.headers for r in server.requests)


async def test_bearer_header_with_key_and_nowhere_else(
    server: ReplayServer, adapter: OllamaChatAdapter
) -> None:
    server.queue(fixture_reply(STREAM))
    await run_stream(adapter, BARE, KEY)
    server.queue(fixture_reply(JSON_ANSWER, chunked=False))
    await adapter.complete(BARE, Credentials.of_key(KEY))
    server.queue(fixture_reply(TAGS, chunked=False))
    await adapter.list_models(Credentials.of_key(KEY))
    assert len(server.requests) == 3
    for request in server.requests:
        assert request.headers["authorization"] == f"Bearer {KEY}"
        assert KEY not in request.body.decode()
        assert all(KEY not in value for value in request.query.values())


SCHEMA = {"type": "object", "properties": {"age": {"type": "integer"}}}


@pytest.mark.parametrize(
    ("fmt", "sent"),
    [
        (ResponseFormat("json_schema", SCHEMA), SCHEMA),
        (ResponseFormat("json_object"), "json"),
        (ResponseFormat("text"), None),
    ],
)
async def test_penalties_are_options_and_json_is_format(
    server: ReplayServer,
    adapter: OllamaChatAdapter,
    fmt: ResponseFormat,
    sent: object,
) -> None:
    server.queue(fixture_reply(STREAM))
    request = ChatRequest(
        model="qwen3:0.6b",
        messages=(Message.user("Hi"),),
        presence_penalty=1.5,
        frequency_penalty=0.0,
        reasoning_effort="low",
        thinking_budget=1024,
        response_format=fmt,
    )
    await run_stream(adapter, request, None)
    body = server.last.json()
    assert body["options"] == {"presence_penalty": 1.5, "frequency_penalty": 0.0}
    assert body.get("format") == sent
    assert "think" not in body
