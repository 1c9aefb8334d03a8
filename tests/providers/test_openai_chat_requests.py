"""What the OpenAI Chat adapter sends: path, auth header, body fields in OpenAI's form, the
``stream_options`` retry, and the model listing."""

from __future__ import annotations

import base64
from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import Any, cast

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import find_model
from openmaas_tui.core.types import (
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    StreamEvent,
    TextDelta,
    TextPart,
)
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply, Request

KEY = "sk-test-requestkey-0123456789"
STREAM = fixture_path("crusoe/stream_text.sse")
JSON = fixture_path("cerebras/json_text.json")
FULL = ChatRequest(
    model="gpt-4o-mini",
    messages=(Message.user("Hi"), Message.assistant("Hello!"), Message.user("Count to 3")),
    system="Be brief.",
    temperature=0.3,
    top_p=0.9,
    max_tokens=64,
    stop=("\n\n", "END"),
    seed=7,
)
BARE = ChatRequest(model="gpt-4o-mini", messages=(Message.user("Hi"),))


@pytest.fixture
def default_reply() -> Reply:
    return fixture_reply(STREAM)


def adapter(client: httpx.AsyncClient, server: ReplayServer, **kw: Any) -> OpenAIChatAdapter:
    return OpenAIChatAdapter(client, base_url=server.url + "/v1", **kw)


def assert_key_only_in_header(request: Request) -> None:
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert KEY not in request.path
    assert all(KEY not in f"{k}={v}" for k, v in request.query.items())
    assert KEY.encode() not in request.body


async def test_stream_request_in_openai_form(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    completion = await collect(
        adapter(client, server).stream(FULL, Credentials.of_key(KEY)), FULL.model
    )
    assert completion.text == "1, 2, 3, 4, 5"
    sent = server.last
    assert sent.method == "POST"
    assert sent.path == "/v1/chat/completions"
    assert_key_only_in_header(sent)
    assert sent.json() == {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Count to 3"},
        ],
        "temperature": 0.3,
        "top_p": 0.9,
        "max_tokens": 64,
        "stop": ["\n\n", "END"],
        "seed": 7,
        "stream": True,
        "stream_options": {"include_usage": True},
    }


async def test_complete_request_has_no_stream_fields(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(JSON))
    completion = await adapter(client, server).complete(FULL, Credentials.of_key(KEY))
    assert completion.text == "2 + 2 = 4."
    body = server.last.json()
    assert_key_only_in_header(server.last)
    assert server.last.path == "/v1/chat/completions"
    assert "stream" not in body and "stream_options" not in body
    assert body["max_tokens"] == 64 and body["messages"][0]["role"] == "system"


async def test_unset_parameters_are_not_sent(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    await collect(adapter(client, server).stream(BARE, Credentials.of_key(KEY)), BARE.model)
    body = server.last.json()
    assert set(body) == {"model", "messages", "stream", "stream_options"}
    assert body["messages"] == [{"role": "user", "content": "Hi"}]


@pytest.mark.parametrize("model", ["o3-mini", "gpt-5", "gpt-5-mini-2025-08-07", "o1", "o4-mini"])
async def test_openai_reasoning_models_get_max_completion_tokens(
    model: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    request = FULL.with_model(model)
    await collect(adapter(client, server).stream(request, Credentials.of_key(KEY)), model)
    body = server.last.json()
    assert body["max_completion_tokens"] == 64
    assert "max_tokens" not in body


async def test_other_providers_keep_max_tokens_for_look_alike_names(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    # An o3-named model on a compatible server that is not OpenAI (and not in the catalog).
    assert find_model("groq", "o3-mini") is None
    compat = adapter(client, server, provider="groq")
    await collect(compat.stream(FULL.with_model("o3-mini"), Credentials.of_key(KEY)), "o3-mini")
    assert server.last.json()["max_tokens"] == 64
    assert "max_completion_tokens" not in server.last.json()


async def test_no_auth_header_without_a_key(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    completion = await collect(adapter(client, server).stream(BARE, NO_CREDENTIALS), BARE.model)
    assert completion.text
    assert "authorization" not in server.last.headers
    assert b"Bearer" not in server.last.body


async def test_images_travel_as_data_urls(server: ReplayServer, client: httpx.AsyncClient) -> None:
    data = base64.b64encode(b"\x89PNG fake").decode()
    parts = (TextPart("What is this?"), ImagePart(data, "image/png"))
    request = ChatRequest(model="gpt-4o", messages=(Message(Role.USER, parts),))
    await collect(adapter(client, server).stream(request, Credentials.of_key(KEY)), request.model)
    assert server.last.json()["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{data}"}},
            ],
        }
    ]


def _stream_options_refusal() -> Reply:
    # vLLM/LM Studio-style refusal of an unknown field, in OpenAI's error shape.
    error = {
        "message": "Unrecognized request argument supplied: stream_options",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    return Reply.json_body({"error": error}, status=400)


async def test_stream_options_refused_once_then_dropped(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    compat = adapter(client, server, provider="labbox")
    server.queue(_stream_options_refusal())
    events = [e async for e in compat.stream(BARE, Credentials.of_key(KEY))]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "1, 2, 3, 4, 5"
    first, second = server.requests
    assert first.json()["stream_options"] == {"include_usage": True}
    assert "stream_options" not in second.json()
    assert second.json()["stream"] is True
    # The adapter remembers: the next stream does not ask again.
    await collect(compat.stream(BARE, Credentials.of_key(KEY)), BARE.model)
    assert len(server.requests) == 3
    assert "stream_options" not in server.last.json()


async def test_other_400s_are_not_retried(server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(Reply.json_body({"error": {"message": "temperature is out of range"}}, 400))
    with pytest.raises(OpenMaaSError) as caught:
        await collect(adapter(client, server).stream(FULL, Credentials.of_key(KEY)), FULL.model)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert len(server.requests) == 1


async def test_list_models(server: ReplayServer, client: httpx.AsyncClient) -> None:
    listing = {
        "object": "list",
        "data": [
            {"id": "gpt-4o-2024-08-06", "object": "model", "owned_by": "system"},
            {"id": "o3-mini", "object": "model", "owned_by": "system"},
            {"id": "my-finetune", "object": "model", "owned_by": "me"},
        ],
    }
    server.queue(Reply.json_body(listing), path="/v1/models")
    models = await adapter(client, server).list_models(Credentials.of_key(KEY))
    assert server.last.method == "GET" and server.last.path == "/v1/models"
    assert_key_only_in_header(server.last)
    assert [(m.id, m.provider) for m in models] == [
        ("gpt-4o-2024-08-06", "openai"),
        ("o3-mini", "openai"),
        ("my-finetune", "openai"),
    ]
    assert models[0].context_window == 128_000 and models[0].vision
    assert models[1].reasoning
    assert models[2].context_window is None


async def test_list_models_bad_key(server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(fixture_reply(fixture_path("openai/error_401_invalid_key.json")))
    with pytest.raises(OpenMaaSError) as caught:
        await adapter(client, server).list_models(Credentials.of_key("sk-test-abcdefgh12345678"))
    assert caught.value.code is ErrorCode.AUTH_FAILED


async def test_list_models_unreadable_body(server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(Reply.json_body({"models": []}))
    with pytest.raises(OpenMaaSError) as caught:
        await adapter(client, server).list_models(NO_CREDENTIALS)
    assert caught.value.code is ErrorCode.STREAM_PARSING_FAILED


async def test_a_stream_left_early_frees_its_connection(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    chat = adapter(client, server)
    stream = cast(AsyncGenerator[StreamEvent, None], chat.stream(BARE, Credentials.of_key(KEY)))
    first = await anext(stream)
    await stream.aclose()  # what a cancelled worker does
    assert isinstance(first, TextDelta) and first.text == "1"
    completion = await collect(chat.stream(BARE, Credentials.of_key(KEY)), BARE.model)
    assert completion.text == "1, 2, 3, 4, 5"


SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


async def test_penalties_effort_and_json_schema_in_openai_form(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    request = replace(
        BARE,
        model="gpt-5-mini",
        presence_penalty=0.5,
        frequency_penalty=-0.25,
        reasoning_effort="minimal",
        thinking_budget=2048,
        response_format=ResponseFormat("json_schema", SCHEMA, "count"),
    )
    await collect(adapter(client, server).stream(request, Credentials.of_key(KEY)), request.model)
    body = server.last.json()
    assert body["presence_penalty"] == 0.5 and body["frequency_penalty"] == -0.25
    assert body["reasoning_effort"] == "minimal"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "count", "schema": SCHEMA},
    }
    assert "thinking_budget" not in body and "thinking" not in body


@pytest.mark.parametrize(
    ("fmt", "sent"),
    [
        (ResponseFormat("json_object"), {"type": "json_object"}),
        (ResponseFormat("text"), None),
        (None, None),
    ],
)
async def test_json_object_mode_and_plain_text(
    server: ReplayServer,
    client: httpx.AsyncClient,
    fmt: ResponseFormat | None,
    sent: dict[str, str] | None,
) -> None:
    server.queue(fixture_reply(JSON))
    await adapter(client, server).complete(
        replace(BARE, response_format=fmt), Credentials.of_key(KEY)
    )
    assert server.last.json().get("response_format") == sent
