"""What GeminiAdapter sends: the endpoint path and query, the key only in ``x-goog-api-key``,
the request body (contents, systemInstruction, generationConfig with only the set values) and
the model listing call."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import find_model
from openmaas_tui.core.types import (
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    TextPart,
)
from openmaas_tui.providers.gemini.adapter import GeminiAdapter, request_body
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply, Request

KEY = "AIzaSy-test-secret-0123456789"
MODEL = "gemini-2.5-flash"
STREAM_PATH = f"/v1beta/models/{MODEL}:streamGenerateContent"

FULL = ChatRequest(
    model=MODEL,
    messages=(
        Message.user("What is in this picture?"),
        Message.assistant("A cat."),
        Message(Role.USER, (TextPart("And this one?"), ImagePart("aGVsbG8=", "image/png"))),
    ),
    system="Answer in one word.",
    temperature=0.3,
    top_p=0.9,
    max_tokens=50,
    stop=("END", "STOP"),
    seed=7,
)
MINIMAL = ChatRequest(model=MODEL, messages=(Message.user("Hi"),))


@pytest.fixture
def default_reply() -> Reply:
    return fixture_reply(fixture_path("gemini/sse_text.sse"))


async def _stream(server: ReplayServer, request: ChatRequest, key: str | None) -> Request:
    async with httpx.AsyncClient() as client:
        adapter = GeminiAdapter(client, base_url=server.url)
        async for _ in adapter.stream(request, Credentials.of_key(key)):
            pass
    return server.last


def assert_key_only_in_header(sent: Request) -> None:
    assert sent.headers["x-goog-api-key"] == KEY
    assert KEY not in sent.path
    assert all(KEY not in k and KEY not in v for k, v in sent.query.items())
    assert "key" not in sent.query
    assert KEY.encode() not in sent.body
    assert "authorization" not in sent.headers
    assert [name for name, value in sent.headers.items() if KEY in value] == ["x-goog-api-key"]


async def test_stream_posts_to_stream_generate_content_with_alt_sse(server: ReplayServer) -> None:
    sent = await _stream(server, FULL, KEY)
    assert sent.method == "POST"
    assert sent.path == STREAM_PATH
    assert sent.query == {"alt": "sse"}
    assert sent.headers["content-type"] == "application/json"
    assert_key_only_in_header(sent)


async def test_complete_posts_to_generate_content_without_alt(server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path("gemini/json_text.json")))
    async with httpx.AsyncClient() as client:
        completion = await GeminiAdapter(client, base_url=server.url).complete(
            FULL, Credentials.of_key(KEY)
        )
    sent = server.last
    assert completion.text == "Hello! How can I help you today?"
    assert sent.method == "POST"
    assert sent.path == f"/v1beta/models/{MODEL}:generateContent"
    assert sent.query == {}
    assert_key_only_in_header(sent)
    assert sent.json() == request_body(FULL)


async def test_full_body(server: ReplayServer) -> None:
    body = (await _stream(server, FULL, KEY)).json()
    assert body == {
        "contents": [
            {"role": "user", "parts": [{"text": "What is in this picture?"}]},
            {"role": "model", "parts": [{"text": "A cat."}]},
            {
                "role": "user",
                "parts": [
                    {"text": "And this one?"},
                    {"inlineData": {"mimeType": "image/png", "data": "aGVsbG8="}},
                ],
            },
        ],
        "systemInstruction": {"parts": [{"text": "Answer in one word."}]},
        "generationConfig": {
            "temperature": 0.3,
            "topP": 0.9,
            "maxOutputTokens": 50,
            "stopSequences": ["END", "STOP"],
            "seed": 7,
        },
    }


async def test_unset_parameters_are_not_sent(server: ReplayServer) -> None:
    body = (await _stream(server, MINIMAL, KEY)).json()
    assert body == {"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}


@pytest.mark.parametrize(
    ("changes", "config"),
    [
        ({"temperature": 0.0}, {"temperature": 0.0}),
        ({"max_tokens": 1}, {"maxOutputTokens": 1}),
        ({"seed": 0}, {"seed": 0}),
        ({"stop": ("\n",)}, {"stopSequences": ["\n"]}),
    ],
)
def test_each_set_parameter_alone(changes: dict[str, Any], config: dict[str, Any]) -> None:
    request = ChatRequest(model=MODEL, messages=MINIMAL.messages, **changes)
    body = request_body(request)
    assert body["generationConfig"] == config
    assert "systemInstruction" not in body


async def test_no_key_sends_no_auth_header(server: ReplayServer) -> None:
    sent = await _stream(server, MINIMAL, None)
    assert "x-goog-api-key" not in sent.headers
    assert "authorization" not in sent.headers
    assert sent.query == {"alt": "sse"}


async def test_base_url_trailing_slash_and_prefixed_model_names(server: ReplayServer) -> None:
    async with httpx.AsyncClient() as client:
        adapter = GeminiAdapter(client, base_url=server.url + "/")
        request = MINIMAL.with_model("models/" + MODEL)
        async for _ in adapter.stream(request, Credentials.of_key(KEY)):
            pass
    assert server.last.path == STREAM_PATH


async def test_defaults() -> None:
    async with httpx.AsyncClient() as client:
        adapter = GeminiAdapter(client)
    assert adapter.provider == "gemini"
    assert adapter.base_url == "https://generativelanguage.googleapis.com"


# models.list (https://ai.google.dev/api/models#method:-models.list), constructed from the
# reference's Model resource.


def _model(name: str, methods: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "name": f"models/{name}",
        "displayName": name.title(),
        "inputTokenLimit": 1_048_576,
        "outputTokenLimit": 8_192,
        "supportedGenerationMethods": methods,
        **extra,
    }


async def test_list_models_filters_by_generate_content_and_follows_pages(
    server: ReplayServer,
) -> None:
    first = {
        "models": [
            _model("gemini-2.5-flash", ["generateContent", "countTokens"]),
            _model("text-embedding-004", ["embedContent"]),
        ],
        "nextPageToken": "page-2",
    }
    second = {"models": [_model("gemini-exp-9", ["generateContent"], thinking=True)]}
    server.queue(Reply.json_body(first), path="/v1beta/models")
    server.queue(Reply.json_body(second), path="/v1beta/models")
    async with httpx.AsyncClient() as client:
        models = await GeminiAdapter(client, base_url=server.url).list_models(
            Credentials.of_key(KEY)
        )
    assert [m.id for m in models] == ["gemini-2.5-flash", "gemini-exp-9"]
    assert models[0] == find_model("gemini", "gemini-2.5-flash")
    assert models[1].provider == "gemini"
    assert (models[1].context_window, models[1].max_output_tokens) == (1_048_576, 8_192)
    assert models[1].reasoning
    first_call, second_call = server.requests[-2:]
    for sent in (first_call, second_call):
        assert sent.method == "GET"
        assert sent.path == "/v1beta/models"
        assert sent.body == b""
        assert_key_only_in_header(sent)
    assert "pageToken" not in first_call.query
    assert second_call.query["pageToken"] == "page-2"


async def test_list_models_with_a_bad_key_is_auth_failed(server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path("gemini/error_400_api_key_invalid.json")))
    async with httpx.AsyncClient() as client:
        with pytest.raises(OpenMaaSError) as caught:
            await GeminiAdapter(client, base_url=server.url).list_models(
                Credentials.of_key("not-a-key")
            )
    assert caught.value.code is ErrorCode.AUTH_FAILED
    assert caught.value.status == 400


async def test_unreachable_endpoint_is_a_connection_failure() -> None:
    async with httpx.AsyncClient() as client:
        adapter = GeminiAdapter(client, base_url="http://127.0.0.1:9")
        with pytest.raises(OpenMaaSError) as caught:
            async for _ in adapter.stream(MINIMAL, Credentials.of_key(KEY)):
                pass
        assert caught.value.code is ErrorCode.STREAM_CONNECTION_FAILED
        with pytest.raises(OpenMaaSError) as listing:
            await adapter.list_models(Credentials.of_key(KEY))
        assert listing.value.code is ErrorCode.STREAM_CONNECTION_FAILED


SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}}


async def test_penalties_thinking_budget_and_json_schema(server: ReplayServer) -> None:
    request = ChatRequest(
        model=MODEL,
        messages=(Message.user("Hi"),),
        presence_penalty=0.5,
        frequency_penalty=0.25,
        thinking_budget=1024,
        response_format=ResponseFormat("json_schema", SCHEMA),
    )
    config = (await _stream(server, request, KEY)).json()["generationConfig"]
    assert config == {
        "presencePenalty": 0.5,
        "frequencyPenalty": 0.25,
        "responseMimeType": "application/json",
        "responseJsonSchema": SCHEMA,
        "thinkingConfig": {"thinkingBudget": 1024},
    }


@pytest.mark.parametrize(
    ("changes", "config"),
    [
        ({"thinking_budget": 0}, {"thinkingConfig": {"thinkingBudget": 0}}),
        ({"reasoning_effort": "low"}, {"thinkingConfig": {"thinkingLevel": "low"}}),
        (
            {"response_format": ResponseFormat("json_object")},
            {"responseMimeType": "application/json"},
        ),
        ({"response_format": ResponseFormat("text")}, None),
    ],
)
def test_thinking_and_json_alone(changes: dict[str, Any], config: dict[str, Any] | None) -> None:
    request = ChatRequest(model=MODEL, messages=(Message.user("Hi"),), **changes)
    assert request_body(request).get("generationConfig") == config
