"""The official ``mistralai`` SDK fed the same bytes as our Mistral adapter (the recorded JSON
answers and the constructed streams, from the same loopback server) must read the same text,
finish reason and usage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.types import ChatRequest, Message, Usage
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from tests.support.recordings import fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta

mistral_client = pytest.importorskip("mistralai.client")

ALL = fixtures_of("mistral", {"openai_chat_json", "mistral_json", "mistral_sse"})
STREAMS = [n for n in ALL if n.endswith(".sse")]
JSON_OK = [n for n in ALL if n.endswith(".json") and load_meta(fixture_path(n))["status"] < 400]
KEY = "test-mistral-key"
REQUEST = ChatRequest(model="mistral-small-latest", messages=(Message.user("hello"),))


@pytest.fixture
async def sdk(server: ReplayServer) -> AsyncIterator[Any]:
    async with mistral_client.Mistral(api_key=KEY, server_url=server.url) as client:
        yield client


def _split(content: Any) -> tuple[str, str]:
    """(text, thinking) of an SDK content value: a string or a list of typed chunks."""
    if content is None or isinstance(content, str):
        return content or "", ""
    text: list[str] = []
    thinking: list[str] = []
    for chunk in content:
        if getattr(chunk, "type", None) == "thinking":
            thinking.extend(part.text for part in chunk.thinking)
        elif getattr(chunk, "type", None) == "text":
            text.append(chunk.text)
    return "".join(text), "".join(thinking)


def _usage(usage: Any) -> Usage:
    cached = (getattr(usage, "prompt_tokens_details", None) or {}).get("cached_tokens")
    return Usage(usage.prompt_tokens, usage.completion_tokens, cached)


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_answers_agree_with_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: Any
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    answer = await sdk.chat.complete_async(
        model="mistral-small-latest", messages=[{"role": "user", "content": "hello"}]
    )
    ours = await MistralAdapter(client, base_url=server.url + "/v1").complete(
        REQUEST, Credentials.of_key(KEY)
    )
    choice = answer.choices[0]
    text, thinking = _split(choice.message.content)
    assert ours.text == text
    assert (ours.reasoning or "") == thinking
    assert ours.finish_reason_raw == choice.finish_reason
    assert ours.usage == _usage(answer.usage)
    calls = [(c.function.name, c.function.arguments) for c in choice.message.tool_calls or ()]
    assert [(c.name, c.arguments) for c in ours.tool_calls] == calls


@pytest.mark.parametrize("name", STREAMS)
async def test_streams_agree_with_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: Any
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    text, thinking, finish, usage = [], [], None, None
    events = await sdk.chat.stream_async(
        model="mistral-small-latest", messages=[{"role": "user", "content": "hello"}]
    )
    async for event in events:
        chunk = event.data
        for choice in chunk.choices:
            piece, thought = _split(choice.delta.content)
            text.append(piece)
            thinking.append(thought)
            finish = choice.finish_reason or finish
        usage = chunk.usage or usage
    adapter = MistralAdapter(client, base_url=server.url + "/v1")
    ours = await collect(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model)
    assert ours.text == "".join(text)
    assert (ours.reasoning or "") == "".join(thinking)
    assert ours.finish_reason_raw == finish
    assert ours.usage == _usage(usage)
