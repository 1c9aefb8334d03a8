"""The official ``openai`` SDK, pointed at the same replay server, must read the same text,
finish reason, usage and tool calls out of every OpenAI-compatible fixture as our adapter.

The SDK is a test oracle only; the application never imports it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openai
import pytest
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageFunctionToolCall

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Completion, Message, Usage
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.providers.test_openai_chat_fixtures import (
    JSON_ERRORS,
    JSON_OK,
    SSE_IN_STREAM_ERROR,
    SSE_OK,
    openrouter_midstream_error,
)
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "sk-test-sdk-conformance-0000"
REQUEST = ChatRequest(model="test-model", messages=(Message.user("hello"),))
MESSAGES: list[Any] = [{"role": "user", "content": "hello"}]


@pytest.fixture
async def sdk(server: ReplayServer) -> AsyncIterator[AsyncOpenAI]:
    async with AsyncOpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0) as oracle:
        yield oracle


def _usage(raw: Any) -> Usage:
    """Our Usage from the SDK's ``CompletionUsage`` (or a plain dict, as in ``x_groq``)."""
    if raw is None:
        return Usage()
    data = raw if isinstance(raw, dict) else raw.model_dump()
    prompt_details = data.get("prompt_tokens_details") or {}
    out_details = data.get("completion_tokens_details") or {}
    cached = prompt_details.get("cached_tokens")
    return Usage(
        input_tokens=data.get("prompt_tokens"),
        output_tokens=data.get("completion_tokens"),
        cached_input_tokens=cached if cached is not None else data.get("prompt_cache_hit_tokens"),
        reasoning_tokens=out_details.get("reasoning_tokens"),
    )


def _extra(model: Any, name: str) -> Any:
    return (model.model_extra or {}).get(name)


async def sdk_stream(sdk: AsyncOpenAI) -> dict[str, Any]:
    """What the SDK assembles from a stream: text, reasoning, last finish reason, last usage,
    tool calls (by index, first name kept, arguments concatenated)."""
    text: list[str] = []
    reasoning: list[str] = []
    finish: str | None = None
    usage = Usage()
    calls: dict[int, list[str]] = {}
    stream = await sdk.chat.completions.create(
        model="test-model",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": True},
    )
    async for chunk in stream:
        for choice in chunk.choices:
            delta = choice.delta
            thought = _extra(delta, "reasoning_content") or _extra(delta, "reasoning")
            if thought:
                reasoning.append(thought)
            if delta.content:
                text.append(delta.content)
            for call in delta.tool_calls or ():
                name = call.function.name if call.function else None
                entry = calls.setdefault(call.index, [name or ""])
                if name and not entry[0]:
                    entry[0] = name
                if call.function and call.function.arguments:
                    entry.append(call.function.arguments)
            if choice.finish_reason:
                finish = choice.finish_reason
        groq = _extra(chunk, "x_groq")
        if chunk.usage is not None:
            usage = _usage(chunk.usage)
        elif isinstance(groq, dict) and groq.get("usage"):
            usage = _usage(groq["usage"])
    return {
        "text": "".join(text),
        "reasoning": "".join(reasoning) or None,
        "finish": finish,
        "usage": usage,
        "tools": [(p[0], "".join(p[1:])) for _, p in sorted(calls.items())],
    }


def ours(completion: Completion) -> dict[str, Any]:
    return {
        "text": completion.text,
        "reasoning": completion.reasoning,
        "finish": completion.finish_reason_raw,
        "usage": completion.usage,
        "tools": [(c.name, c.arguments) for c in completion.tool_calls],
    }


def _as_json(tools: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    return [(name, json.loads(args) if args else args) for name, args in tools]


@pytest.mark.parametrize("name", SSE_OK)
async def test_stream_matches_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: AsyncOpenAI
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    expected = await sdk_stream(sdk)
    provider = name.split("/", 1)[0]
    adapter = OpenAIChatAdapter(client, provider=provider, base_url=server.url + "/v1")
    got = ours(await collect(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model))
    assert _as_json(got.pop("tools")) == _as_json(expected.pop("tools"))
    assert got == expected
    # Both sent a stream request to the same place.
    first, second = server.requests
    assert first.path == second.path == "/v1/chat/completions"
    assert first.json()["stream"] is second.json()["stream"] is True


@pytest.mark.parametrize("name", SSE_IN_STREAM_ERROR)
async def test_in_stream_error_fixture_makes_the_sdk_raise(
    name: str, server: ReplayServer, sdk: AsyncOpenAI
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    with pytest.raises(openai.APIError):
        await sdk_stream(sdk)


async def test_in_stream_error_both_raise_after_the_text(
    server: ReplayServer, client: httpx.AsyncClient, sdk: AsyncOpenAI
) -> None:
    server.queue(openrouter_midstream_error())
    server.queue(openrouter_midstream_error())
    with pytest.raises(openai.APIError) as sdk_error:
        await sdk_stream(sdk)
    adapter = OpenAIChatAdapter(client, provider="openrouter", base_url=server.url + "/v1")
    text: list[str] = []
    with pytest.raises(OpenMaaSError) as our_error:
        async for event in adapter.stream(REQUEST, Credentials.of_key(KEY)):
            text.append(getattr(event, "text", ""))
    assert "".join(text) == "Once upon a time"
    assert sdk_error.value.message == our_error.value.message


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_matches_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: AsyncOpenAI
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    answer = await sdk.chat.completions.create(model="test-model", messages=MESSAGES)
    message = answer.choices[0].message
    provider = name.split("/", 1)[0]
    adapter = OpenAIChatAdapter(client, provider=provider, base_url=server.url + "/v1")
    got = ours(await adapter.complete(REQUEST, Credentials.of_key(KEY)))
    tools = [
        (c.function.name, c.function.arguments)
        for c in message.tool_calls or ()
        if isinstance(c, ChatCompletionMessageFunctionToolCall)
    ]
    if message.content is None or isinstance(message.content, str):
        assert got["text"] == (message.content or "")
        thought = _extra(message, "reasoning_content") or _extra(message, "reasoning")
        assert got["reasoning"] == thought
    else:
        # The SDK types content as a string and hands Mistral's list of typed chunks over
        # untouched, so text and reasoning cannot be compared with it here (the fixture
        # tests compare them with the corpus's expectations).
        assert isinstance(message.content, list)
    assert got["finish"] == answer.choices[0].finish_reason
    assert got["usage"] == _usage(answer.usage)
    assert _as_json(got["tools"]) == _as_json(tools)


_SDK_CLASS = {
    ErrorCode.AUTH_FAILED: openai.AuthenticationError,
    ErrorCode.INVALID_MODEL: openai.NotFoundError,
    ErrorCode.RATE_LIMITED: openai.RateLimitError,
    ErrorCode.INVALID_REQUEST: openai.BadRequestError,
    ErrorCode.CONTEXT_TOO_LONG: openai.BadRequestError,
}


@pytest.mark.parametrize("name", JSON_ERRORS)
async def test_error_statuses_agree_with_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: AsyncOpenAI
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    with pytest.raises(openai.APIStatusError) as sdk_error:
        await sdk.chat.completions.create(model="test-model", messages=MESSAGES)
    adapter = OpenAIChatAdapter(client, provider=name.split("/")[0], base_url=server.url + "/v1")
    with pytest.raises(OpenMaaSError) as our_error:
        await adapter.complete(REQUEST, Credentials.of_key(KEY))
    assert type(sdk_error.value) is _SDK_CLASS[our_error.value.code]
    assert our_error.value.status == sdk_error.value.status_code
