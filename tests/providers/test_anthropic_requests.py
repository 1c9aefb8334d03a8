"""What the Anthropic adapter sends: path, headers, body fields, and where the key travels."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import WireProtocol
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.core.types import (
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    TextPart,
)
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.anthropic.wire import FALLBACK_MAX_TOKENS, MAX_TOKENS_CAP
from openmaas_tui.providers.base import collect
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply, Request

KEY = "sk-ant-test-0123456789abcdefSECRET"
STREAM = fixture_path("anthropic/stream_text.sse")
JSON = fixture_path("anthropic/json_text.json")


@pytest.fixture
def default_reply() -> Reply:
    return fixture_reply(STREAM)


@pytest.fixture
def adapter(server: ReplayServer, client: httpx.AsyncClient) -> AnthropicAdapter:
    return AnthropicAdapter(client, base_url=server.url + "/")


def _request(**kw: Any) -> ChatRequest:
    fields: dict[str, Any] = {
        "model": "claude-sonnet-4-5",
        "messages": (Message.user("Hi"), Message.assistant("Hello!"), Message.user("Name two")),
    }
    fields.update(kw)
    return ChatRequest(**fields)


async def _sent_stream(adapter: AnthropicAdapter, server: ReplayServer, **kw: Any) -> Request:
    request = _request(**kw)
    await collect(adapter.stream(request, Credentials.of_key(KEY)), request.model)
    return server.last


def _assert_key_only_in_header(sent: Request) -> None:
    assert sent.headers["x-api-key"] == KEY
    assert "authorization" not in sent.headers
    assert KEY not in sent.path
    assert all(KEY not in k and KEY not in v for k, v in sent.query.items())
    assert KEY.encode() not in sent.body


async def test_stream_request_shape(adapter: AnthropicAdapter, server: ReplayServer) -> None:
    sent = await _sent_stream(
        adapter,
        server,
        system="You are terse.",
        temperature=0.3,
        top_p=0.9,
        stop=("```", "END"),
        seed=42,
        max_tokens=300,
    )
    assert (sent.method, sent.path) == ("POST", "/v1/messages")
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.headers["content-type"] == "application/json"
    _assert_key_only_in_header(sent)
    assert sent.json() == {
        "model": "claude-sonnet-4-5",
        "system": "You are terse.",
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!"},
            {"role": "user", "content": "Name two"},
        ],
        "max_tokens": 300,
        "temperature": 0.3,
        "top_p": 0.9,
        "stop_sequences": ["```", "END"],
        "stream": True,
    }


async def test_unset_parameters_are_not_sent(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    body = (await _sent_stream(adapter, server)).json()
    assert set(body) == {"model", "messages", "max_tokens", "stream"}
    assert all(m["role"] != "system" for m in body["messages"])


async def test_seed_is_never_sent(adapter: AnthropicAdapter, server: ReplayServer) -> None:
    body = (await _sent_stream(adapter, server, seed=7)).json()
    assert "seed" not in body


@pytest.mark.parametrize(
    ("model", "max_tokens", "sent"),
    [
        ("claude-sonnet-4-5", None, min(64_000, MAX_TOKENS_CAP)),
        ("claude-sonnet-4-5-20250929", None, min(64_000, MAX_TOKENS_CAP)),
        ("claude-3-5-haiku-latest", None, min(8_192, MAX_TOKENS_CAP)),
        ("claude-unknown-9", None, FALLBACK_MAX_TOKENS),
        ("claude-sonnet-4-5", 50_000, 50_000),
    ],
)
async def test_max_tokens_is_always_present(
    adapter: AnthropicAdapter, server: ReplayServer, model: str, max_tokens: int | None, sent: int
) -> None:
    body = (await _sent_stream(adapter, server, model=model, max_tokens=max_tokens)).json()
    assert body["max_tokens"] == sent
    server.queue(fixture_reply(JSON))
    await adapter.complete(_request(model=model, max_tokens=max_tokens), Credentials.of_key(KEY))
    assert server.last.json()["max_tokens"] == sent


async def test_complete_request_shape(adapter: AnthropicAdapter, server: ReplayServer) -> None:
    server.queue(fixture_reply(JSON))
    await adapter.complete(
        _request(system="Be brief.", temperature=0.0, stop=("x",)), Credentials.of_key(KEY)
    )
    sent = server.last
    assert (sent.method, sent.path) == ("POST", "/v1/messages")
    assert sent.headers["anthropic-version"] == "2023-06-01"
    _assert_key_only_in_header(sent)
    body = sent.json()
    assert "stream" not in body
    assert body["system"] == "Be brief."
    assert body["temperature"] == 0.0
    assert body["stop_sequences"] == ["x"]


async def test_no_auth_header_without_a_key(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    request = _request()
    await collect(adapter.stream(request, NO_CREDENTIALS), request.model)
    assert "x-api-key" not in server.last.headers
    assert "authorization" not in server.last.headers
    assert server.last.headers["anthropic-version"] == "2023-06-01"
    server.queue(fixture_reply(JSON))
    await adapter.complete(request, NO_CREDENTIALS)
    assert "x-api-key" not in server.last.headers


async def test_images_become_base64_image_blocks(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    data = base64.b64encode(b"\x89PNG fake").decode()
    message = Message(Role.USER, (TextPart("What is this?"), ImagePart(data, "image/png")))
    body = (await _sent_stream(adapter, server, messages=(message,))).json()
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": data},
                },
            ],
        }
    ]


async def test_list_models_pages_and_uses_catalog(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    first = {
        "data": [
            {"type": "model", "id": "claude-sonnet-4-5-20250929", "display_name": "Sonnet 4.5"},
            {"type": "model", "id": "claude-new-model", "display_name": "Claude New"},
        ],
        "has_more": True,
        "first_id": "claude-sonnet-4-5-20250929",
        "last_id": "claude-new-model",
    }
    second = {
        "data": [{"type": "model", "id": "claude-3-5-haiku-20241022", "display_name": "Haiku"}],
        "has_more": False,
        "first_id": "claude-3-5-haiku-20241022",
        "last_id": "claude-3-5-haiku-20241022",
    }
    server.queue(Reply.json_body(first), path="/v1/models")
    server.queue(Reply.json_body(second), path="/v1/models")
    models = await adapter.list_models(Credentials.of_key(KEY))
    assert [(m.id, m.label, m.provider) for m in models] == [
        ("claude-sonnet-4-5-20250929", "Sonnet 4.5", "anthropic"),
        ("claude-new-model", "Claude New", "anthropic"),
        ("claude-3-5-haiku-20241022", "Haiku", "anthropic"),
    ]
    assert models[0].context_window == 200_000 and models[0].vision
    assert models[1].context_window is None
    first_get, second_get = server.requests[-2:]
    assert (first_get.method, first_get.path) == ("GET", "/v1/models")
    assert "after_id" not in first_get.query
    assert second_get.query["after_id"] == "claude-new-model"
    for sent in (first_get, second_get):
        _assert_key_only_in_header(sent)
        assert sent.headers["anthropic-version"] == "2023-06-01"


async def test_list_models_bad_key(adapter: AnthropicAdapter, server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path("anthropic/error_401_authentication.json")))
    with pytest.raises(OpenMaaSError) as caught:
        await adapter.list_models(Credentials.of_key("wrong"))
    assert caught.value.code is ErrorCode.AUTH_FAILED


async def test_unreachable_endpoint_is_a_connection_failure() -> None:
    async with httpx.AsyncClient() as client:
        adapter = AnthropicAdapter(client, base_url="http://127.0.0.1:9")
        with pytest.raises(OpenMaaSError) as caught:
            await collect(adapter.stream(_request(), Credentials.of_key(KEY)), "m")
        assert caught.value.code is ErrorCode.STREAM_CONNECTION_FAILED
        with pytest.raises(OpenMaaSError) as caught:
            await adapter.list_models(Credentials.of_key(KEY))
        assert caught.value.code is ErrorCode.STREAM_CONNECTION_FAILED
        assert KEY not in str(caught.value)


async def test_defaults() -> None:
    async with httpx.AsyncClient() as client:
        adapter = AnthropicAdapter(client)
    assert adapter.provider == "anthropic"
    assert adapter.base_url == "https://api.anthropic.com"


async def test_thinking_budget_becomes_extended_thinking(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    sent = (await _sent_stream(adapter, server, thinking_budget=2048, max_tokens=8192)).json()
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert sent["max_tokens"] == 8192


async def test_thinking_budget_raises_the_default_max_tokens(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    sent = (await _sent_stream(adapter, server, thinking_budget=4096)).json()
    assert sent["max_tokens"] == MAX_TOKENS_CAP + 4096 > sent["thinking"]["budget_tokens"]


async def test_parameters_anthropic_lacks_are_never_sent(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    sent = await _sent_stream(
        adapter,
        server,
        presence_penalty=0.5,
        frequency_penalty=0.5,
        reasoning_effort="high",
        response_format=ResponseFormat("json_object"),
    )
    assert set(sent.json()) == {"model", "messages", "max_tokens", "stream"}


async def test_a_passed_through_body_takes_only_the_clients_version_and_beta_headers(
    adapter: AnthropicAdapter, server: ReplayServer
) -> None:
    body = {"model": "claude-x", "max_tokens": 9, "messages": [{"role": "user", "content": "a"}]}
    given = {
        "Anthropic-Beta": "files-api-2025-04-14",
        "anthropic-version": "2099-01-01",
        "x-api-key": "sk-ant-someone-elses",
        "authorization": "Bearer theirs",
    }
    own = Passthrough(WireProtocol.ANTHROPIC, body, headers=given)
    sent = await _sent_stream(adapter, server, passthrough=own)
    assert sent.headers["anthropic-beta"] == "files-api-2025-04-14"
    assert sent.headers["anthropic-version"] == "2099-01-01"
    assert sent.json() == {**body, "model": "claude-sonnet-4-5", "stream": True}
    _assert_key_only_in_header(sent)
