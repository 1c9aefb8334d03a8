"""The official ``anthropic`` SDK, fed the very same bytes by the replay server, assembles the
same answer as our adapter: text, thinking, tool calls, stop reason and usage; and fails where
we fail, with the matching error kind."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import anthropic
import httpx
import pytest
from anthropic.types import Message as SdkMessage

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Completion, CompletionBuilder, Message, Usage
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from tests.providers.helpers import answer
from tests.support.recordings import expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta

FIXTURES = fixtures_of("anthropic", {"anthropic_sse", "anthropic_json"})
FAILED = [n for n in FIXTURES if load_meta(fixture_path(n))["status"] >= 400]
OK = [n for n in FIXTURES if n not in FAILED and not expected(n)["errors"]]
MODEL = "claude-sonnet-4-5"
PROMPT = "Two names for a pet pelican"
KEY = "sk-ant-test-0000000000000000"
pytestmark = pytest.mark.filterwarnings(
    # the SDK warns about model names it considers deprecated; irrelevant to parsing
    "ignore:The model .* is deprecated:DeprecationWarning"
)
SDK_ERRORS: dict[type[anthropic.APIStatusError], ErrorCode] = {
    anthropic.AuthenticationError: ErrorCode.AUTH_FAILED,
    anthropic.NotFoundError: ErrorCode.INVALID_MODEL,
    anthropic.BadRequestError: ErrorCode.INVALID_REQUEST,
    anthropic.RateLimitError: ErrorCode.RATE_LIMITED,
    anthropic.OverloadedError: ErrorCode.PROVIDER_UNAVAILABLE,
}


@pytest.fixture
async def sdk(server: ReplayServer) -> AsyncIterator[anthropic.AsyncAnthropic]:
    client = anthropic.AsyncAnthropic(base_url=server.url, api_key=KEY, max_retries=0)
    yield client
    await client.close()


@pytest.fixture
def adapter(server: ReplayServer, client: httpx.AsyncClient) -> AnthropicAdapter:
    return AnthropicAdapter(client, base_url=server.url)


def _sdk_args() -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 1024, "messages": [{"role": "user", "content": PROMPT}]}


async def _sdk_message(sdk: anthropic.AsyncAnthropic, name: str) -> SdkMessage:
    if name.endswith(".sse"):
        async with sdk.messages.stream(**_sdk_args()) as stream:
            return await stream.get_final_message()
    message: SdkMessage = await sdk.messages.create(**_sdk_args())
    return message


async def _ours(adapter: AnthropicAdapter, name: str) -> Completion:
    request = ChatRequest(MODEL, (Message.user(PROMPT),))
    return await answer(adapter, request, KEY, stream=name.endswith(".sse"))


def _sdk_usage(message: SdkMessage) -> Usage:
    usage = message.usage
    read = usage.cache_read_input_tokens
    creation = usage.cache_creation_input_tokens
    return Usage(
        input_tokens=usage.input_tokens + (read or 0) + (creation or 0),
        output_tokens=usage.output_tokens,
        cached_input_tokens=read,
    )


@pytest.mark.parametrize("name", OK)
async def test_sdk_and_adapter_agree(
    server: ReplayServer,
    sdk: anthropic.AsyncAnthropic,
    adapter: AnthropicAdapter,
    name: str,
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    message = await _sdk_message(sdk, name)
    server.queue(fixture_reply(fixture_path(name)))
    ours = await _ours(adapter, name)

    assert ours.text == "".join(b.text for b in message.content if b.type == "text")
    thinking = [b.thinking for b in message.content if b.type == "thinking"]
    assert ours.reasoning == ("".join(thinking) if thinking else None)
    assert ours.finish_reason_raw == message.stop_reason
    assert ours.usage == _sdk_usage(message)
    sdk_calls = [(b.name, b.input, b.id) for b in message.content if b.type == "tool_use"]
    assert [(c.name, json.loads(c.arguments), c.id) for c in ours.tool_calls] == sdk_calls
    # both parsed what the corpus says is there
    assert ours.text == expected(name)["text"]


@pytest.mark.parametrize("name", FAILED)
async def test_sdk_and_adapter_fail_alike(
    server: ReplayServer,
    sdk: anthropic.AsyncAnthropic,
    adapter: AnthropicAdapter,
    name: str,
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    with pytest.raises(anthropic.APIStatusError) as sdk_caught:
        await sdk.messages.create(**_sdk_args())
    server.queue(fixture_reply(fixture_path(name)))
    with pytest.raises(OpenMaaSError) as caught:
        await _ours(adapter, name)

    sdk_error, ours = sdk_caught.value, caught.value
    assert ours.code is SDK_ERRORS[type(sdk_error)]
    assert ours.status == sdk_error.status_code
    assert isinstance(sdk_error.body, dict)
    assert ours.message == sdk_error.body["error"]["message"]
    if isinstance(sdk_error, anthropic.RateLimitError):
        assert ours.retry_after == float(sdk_error.response.headers["retry-after"])


async def test_midstream_error_both_keep_the_same_partial_text(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic, adapter: AnthropicAdapter
) -> None:
    name = "anthropic/stream_midstream_error.sse"
    server.queue(fixture_reply(fixture_path(name)))
    sdk_text: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as sdk_caught:
        async with sdk.messages.stream(**_sdk_args()) as stream:
            async for text in stream.text_stream:
                sdk_text.append(text)

    server.queue(fixture_reply(fixture_path(name)))
    builder = CompletionBuilder(MODEL)
    request = ChatRequest(MODEL, (Message.user(PROMPT),))
    with pytest.raises(OpenMaaSError) as caught:
        async for event in adapter.stream(request, Credentials.of_key(KEY)):
            builder.add(event)

    assert builder.text == "".join(sdk_text) == expected(name)["text"]
    assert isinstance(sdk_caught.value.body, dict)
    assert sdk_caught.value.body["error"]["type"] == "overloaded_error"
    assert caught.value.code is ErrorCode.PROVIDER_UNAVAILABLE
