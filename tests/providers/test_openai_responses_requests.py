"""What the Responses adapter sends, and how the registry picks Responses or Chat Completions
and finds Azure's endpoint."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openmaas_tui.core.config.settings import Settings
from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.types import (
    ChatRequest,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    TextPart,
)
from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from openmaas_tui.providers.registry import Providers
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "sk-test-responses-requests"
CONVERSATION = (
    Message(Role.USER, (TextPart("what is this?"), ImagePart("aGVsbG8=", "image/png"))),
    Message.assistant("a cat"),
    Message.user("sure?"),
)


async def _sent(
    server: ReplayServer, client: httpx.AsyncClient, request: ChatRequest
) -> dict[str, Any]:
    server.queue(fixture_reply(fixture_path("openai_responses/json_basic.json")))
    adapter = OpenAIResponsesAdapter(client, base_url=server.url + "/v1")
    await adapter.complete(request, Credentials.of_key(KEY))
    body: dict[str, Any] = server.last.json()
    return body


async def test_the_body_of_a_plain_model(server: ReplayServer, client: httpx.AsyncClient) -> None:
    request = ChatRequest(
        model="gpt-4o",
        messages=CONVERSATION,
        system="be brief",
        temperature=0.5,
        top_p=0.9,
        max_tokens=99,
        response_format=ResponseFormat("json_object"),
    )
    assert await _sent(server, client, request) == {
        "model": "gpt-4o",
        "instructions": "be brief",
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "what is this?"},
                    {
                        "type": "input_image",
                        "image_url": "data:image/png;base64,aGVsbG8=",
                        "detail": "auto",
                    },
                ],
            },
            {"role": "assistant", "content": "a cat"},
            {"role": "user", "content": "sure?"},
        ],
        "max_output_tokens": 99,
        "temperature": 0.5,
        "top_p": 0.9,
        "text": {"format": {"type": "json_object"}},
        "store": False,
    }


async def test_a_reasoning_model_asks_for_its_summary(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    request = ChatRequest(
        model="gpt-5-pro",
        messages=(Message.user("hi"),),
        reasoning_effort="high",
        response_format=ResponseFormat("json_schema", schema, "count"),
    )
    body = await _sent(server, client, request)
    assert body["reasoning"] == {"effort": "high", "summary": "auto"}
    assert body["text"] == {"format": {"type": "json_schema", "name": "count", "schema": schema}}
    assert "instructions" not in body and "temperature" not in body


# --- the registry ---------------------------------------------------------------------------


def _providers(
    client: httpx.AsyncClient,
    environ: dict[str, str] | None = None,
    options: dict[str, dict[str, str]] | None = None,
) -> Providers:
    environ = {"OPENAI_API_KEY": KEY, **(environ or {})}
    keys = KeyStore({}, environ=environ, use_keyring=False)
    return Providers(client, Settings(providers=options or {}), keys, environ=environ)


@pytest.mark.parametrize(
    ("model", "api", "adapter"),
    [
        ("gpt-4o", None, OpenAIChatAdapter),
        ("gpt-5-pro", None, OpenAIResponsesAdapter),
        ("gpt-5.1-codex-mini", None, OpenAIResponsesAdapter),
        ("o3-pro-2025-06-10", None, OpenAIResponsesAdapter),
        ("gpt-4o", "responses", OpenAIResponsesAdapter),
        ("gpt-5-pro", "chat", OpenAIChatAdapter),
    ],
)
async def test_the_registry_picks_the_api(model: str, api: str | None, adapter: type) -> None:
    async with httpx.AsyncClient() as client:
        target = await _providers(client).target(model, api=api)
    assert type(target.adapter) is adapter
    assert target.base_url == "https://api.openai.com/v1"


async def test_responses_drops_what_it_does_not_take() -> None:
    async with httpx.AsyncClient() as client:
        target = await _providers(client).target("gpt-4o", api=Api.RESPONSES)
    request = ChatRequest(model="x", messages=(Message.user("hi"),), stop=("END",), seed=1)
    prepared, notes = target.prepare(request)
    assert (prepared.stop, prepared.seed) == ((), None)
    assert len(notes) == 2


async def test_the_settings_choose_and_the_command_line_wins() -> None:
    async with httpx.AsyncClient() as client:
        providers = _providers(client, options={"openai": {"api": "responses"}})
        assert isinstance((await providers.target("gpt-4o")).adapter, OpenAIResponsesAdapter)
        chosen = await providers.target("gpt-4o", api="chat")
        assert isinstance(chosen.adapter, OpenAIChatAdapter)


async def test_api_is_refused_for_a_provider_with_one() -> None:
    async with httpx.AsyncClient() as client:
        providers = _providers(client, {"ANTHROPIC_API_KEY": "sk-ant-test-000000000"})
        with pytest.raises(OpenMaaSError) as info:
            await providers.target("claude-haiku-4-5", api="responses")
        assert info.value.code is ErrorCode.INVALID_REQUEST
        with pytest.raises(OpenMaaSError) as info:
            await providers.target("gpt-4o", api="completions")
        assert info.value.code is ErrorCode.INVALID_REQUEST


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("https://my-res.openai.azure.com/", "https://my-res.openai.azure.com"),
        ("my-res.openai.azure.com", "https://my-res.openai.azure.com"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
async def test_azure_finds_its_endpoint_in_the_environment(endpoint: str, url: str) -> None:
    environ = {"AZURE_OPENAI_ENDPOINT": endpoint, "AZURE_OPENAI_API_KEY": "azure-key-000000000"}
    async with httpx.AsyncClient() as client:
        target = await _providers(client, environ).target("azure/my-deployment", api="responses")
    assert isinstance(target.adapter, AzureOpenAIAdapter)
    assert target.adapter.api is Api.RESPONSES
    assert target.base_url == url and target.route.model == "my-deployment"
    assert target.info.id == "my-deployment" and target.info.params  # unknown: the common set


async def test_azure_without_an_endpoint_says_where_to_set_one() -> None:
    async with httpx.AsyncClient() as client:
        providers = _providers(client, {"AZURE_OPENAI_API_KEY": "azure-key-000000000"})
        with pytest.raises(OpenMaaSError) as info:
            await providers.target("azure/dep")
        assert info.value.code is ErrorCode.INVALID_REQUEST
        assert info.value.hint and "AZURE_OPENAI_ENDPOINT" in info.value.hint
        assert "--base-url" in info.value.hint
        placed = _providers(
            client, options={"azure": {"base_url": "https://placed.openai.azure.com"}}
        )
        target = await placed.target("azure/dep")
        assert target.base_url == "https://placed.openai.azure.com"
        assert isinstance(target.adapter, AzureOpenAIAdapter) and target.adapter.api is Api.CHAT
