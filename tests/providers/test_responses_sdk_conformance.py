"""The official ``openai`` SDK as an oracle for the Responses and Azure adapters: fed the same
recorded bytes from the same loopback server, it must read the same text, finish, usage and
tool calls; and ``AzureOpenAI`` must send its requests to the same path, query and headers as
our Azure adapter for the same settings. The application never imports the SDK.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from openai import AsyncAzureOpenAI, AsyncOpenAI, AzureOpenAI

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.types import ChatRequest, Completion, Message, Usage
from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.providers.test_openai_chat_fixtures import SSE_OK
from tests.providers.test_openai_responses_fixtures import JSON_OK, SSE
from tests.providers.test_openai_sdk_conformance import ours as chat_ours
from tests.providers.test_openai_sdk_conformance import sdk_stream
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Request

KEY = "sk-test-sdk-responses-0000"
TOKEN = "entra-test-token-000000000"
VERSION = "2024-10-21"
REQUEST = ChatRequest(model="test-model", messages=(Message.user("hello"),))
INPUT: Any = [{"role": "user", "content": "hello"}]


def _usage(raw: Any) -> Usage:
    if raw is None:
        return Usage()
    return Usage(
        input_tokens=raw.input_tokens,
        output_tokens=raw.output_tokens,
        cached_input_tokens=raw.input_tokens_details.cached_tokens,
        reasoning_tokens=raw.output_tokens_details.reasoning_tokens,
    )


def _of_response(response: Any) -> dict[str, Any]:
    """What the SDK's parsed ``Response`` holds: text, summary, status, usage, calls."""
    calls = [(i.name, i.arguments) for i in response.output if i.type == "function_call"]
    summaries = [s.text for i in response.output if i.type == "reasoning" for s in i.summary or ()]
    return {
        "text": response.output_text,
        "reasoning": "".join(summaries) or None,
        "finish": response.status,
        "usage": _usage(response.usage),
        "tools": calls,
    }


async def sdk_responses_stream(sdk: AsyncOpenAI, model: str = "test-model") -> dict[str, Any]:
    """What the SDK assembles from a Responses stream: deltas joined, the final response's
    status, usage and calls."""
    text: list[str] = []
    reasoning: list[str] = []
    final: Any = None
    stream = await sdk.responses.create(model=model, input=INPUT, stream=True)
    async for event in stream:
        if event.type == "response.output_text.delta":
            text.append(event.delta)
        elif event.type == "response.reasoning_summary_text.delta":
            reasoning.append(event.delta)
        elif event.type in ("response.completed", "response.incomplete", "response.failed"):
            final = event.response
    whole = _of_response(final)
    return {**whole, "text": "".join(text), "reasoning": "".join(reasoning) or None}


def ours(completion: Completion) -> dict[str, Any]:
    return {
        "text": completion.text,
        "reasoning": completion.reasoning,
        "finish": completion.finish_reason_raw,
        "usage": completion.usage,
        "tools": [(c.name, c.arguments) for c in completion.tool_calls],
    }


@pytest.mark.parametrize("name", SSE)
async def test_responses_stream_matches_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    async with AsyncOpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0) as sdk:
        expected = await sdk_responses_stream(sdk)
    adapter = OpenAIResponsesAdapter(client, base_url=server.url + "/v1")
    got = await collect(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model)
    assert ours(got) == expected
    first, second = server.requests
    assert first.path == second.path == "/v1/responses"
    assert first.headers["authorization"] == second.headers["authorization"]


@pytest.mark.parametrize("name", [*JSON_OK, "azure/responses_json_gpt5.json"])
async def test_responses_body_matches_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    async with AsyncOpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0) as sdk:
        expected = _of_response(await sdk.responses.create(model="test-model", input=INPUT))
    adapter = OpenAIResponsesAdapter(client, base_url=server.url + "/v1")
    assert ours(await adapter.complete(REQUEST, Credentials.of_key(KEY))) == expected


# --- Azure: the SDK's AzureOpenAI clients against the same server ----------------------------


def _creds(**parts: str) -> Credentials:
    return Credentials("azure", {Part(k): v for k, v in parts.items()})


def _signature(request: Request) -> tuple[str, dict[str, str], dict[str, str]]:
    """Where a request went and how it was signed (the headers that matter)."""
    signed = {k: v for k, v in request.headers.items() if k in ("api-key", "authorization")}
    return request.path, request.query, signed


CONFIGS: list[tuple[str, dict[str, str], Callable[[str], dict[str, Any]]]] = [
    (
        "key, api-version",
        {"api_key": KEY, "api_version": VERSION},
        lambda url: {"azure_endpoint": url, "api_key": KEY, "api_version": VERSION},
    ),
    (
        "token, api-version",
        {"token": TOKEN, "api_version": VERSION},
        lambda url: {"azure_endpoint": url, "azure_ad_token": TOKEN, "api_version": VERSION},
    ),
]


@pytest.mark.parametrize(("label", "parts", "config"), CONFIGS, ids=[c[0] for c in CONFIGS])
@pytest.mark.parametrize("name", [n for n in SSE_OK if n.startswith("openai/")])
async def test_azure_chat_matches_async_azure_openai(
    name: str,
    label: str,
    parts: dict[str, str],
    config: Callable[[str], dict[str, Any]],
    server: ReplayServer,
    client: httpx.AsyncClient,
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    async with AsyncAzureOpenAI(**config(server.url), max_retries=0) as sdk:
        expected = await sdk_stream(sdk)
    adapter = AzureOpenAIAdapter(client, base_url=server.url, api=Api.CHAT)
    request = REQUEST.with_model("test-model")
    got = chat_ours(await collect(adapter.stream(request, _creds(**parts)), request.model))
    assert got["text"] == expected["text"] and got["usage"] == expected["usage"]
    assert got["finish"] == expected["finish"]
    first, second = server.requests
    assert _signature(first) == _signature(second)
    assert first.path == "/openai/deployments/test-model/chat/completions"


@pytest.mark.parametrize(("label", "parts", "config"), CONFIGS, ids=[c[0] for c in CONFIGS])
async def test_azure_responses_match_azure_openai(
    label: str,
    parts: dict[str, str],
    config: Callable[[str], dict[str, Any]],
    server: ReplayServer,
    client: httpx.AsyncClient,
) -> None:
    name = "azure/responses_json_gpt5.json"
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    with AzureOpenAI(**config(server.url), max_retries=0) as sdk:  # the blocking client too
        response = await _in_thread(lambda: sdk.responses.create(model="dep", input=INPUT))
    expected = _of_response(response)
    adapter = AzureOpenAIAdapter(client, base_url=server.url, api=Api.RESPONSES)
    got = ours(await adapter.complete(REQUEST.with_model("dep"), _creds(**parts)))
    assert got == expected
    first, second = server.requests
    assert _signature(first) == _signature(second)
    assert (first.path, first.query) == ("/openai/responses", {"api-version": VERSION})


async def test_azure_v1_matches_the_documented_openai_client(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """The v1 API is asked with the plain ``OpenAI`` client at ``{endpoint}/openai/v1/``
    (Microsoft's documented setup); same path, no api-version. The SDK signs with
    ``Authorization: Bearer KEY``; ours with ``api-key: KEY``, which v1 accepts too."""
    for name in ("openai_responses/stream_basic.sse", "openai_responses/stream_basic.sse"):
        server.queue(fixture_reply(fixture_path(name)))
    async with AsyncOpenAI(base_url=server.url + "/openai/v1/", api_key=KEY) as sdk:
        expected = await sdk_responses_stream(sdk, "dep")
    adapter = AzureOpenAIAdapter(client, base_url=server.url, api=Api.RESPONSES)
    got = await collect(adapter.stream(REQUEST.with_model("dep"), _creds(api_key=KEY)), "dep")
    assert ours(got) == expected
    first, second = server.requests
    assert (first.path, first.query) == (second.path, second.query) == ("/openai/v1/responses", {})
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert second.headers["api-key"] == KEY and "authorization" not in second.headers


async def _in_thread(call: Callable[[], Any]) -> Any:
    import asyncio

    return await asyncio.to_thread(call)
