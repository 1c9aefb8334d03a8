"""The official ``cohere`` SDK (``AsyncClientV2``) fed the same recorded bytes as our Cohere
adapter, from the same loopback server, must read the same text, tool plan, finish reason,
usage and tool calls; for the streams that fail inside an HTTP 200, the same error text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.types import ChatRequest, Message, Usage
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from tests.providers.helpers import drain
from tests.support.recordings import fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta

cohere = pytest.importorskip("cohere")

ALL = fixtures_of("cohere", {"cohere_sse", "cohere_json"})
STREAMS = [n for n in ALL if n.endswith(".sse")]
JSON_OK = [n for n in ALL if n.endswith(".json") and load_meta(fixture_path(n))["status"] < 400]
KEY = "test-cohere-key"
REQUEST = ChatRequest(model="command-a-03-2025", messages=(Message.user("hello"),))
MESSAGES = [{"role": "user", "content": "hello"}]


@pytest.fixture
async def sdk(server: ReplayServer) -> AsyncIterator[Any]:
    async with httpx.AsyncClient() as http:
        yield cohere.AsyncClientV2(api_key=KEY, base_url=server.url, httpx_client=http)


def _usage(usage: Any) -> Usage:
    if usage is None or usage.tokens is None:
        return Usage()
    cached = None if usage.cached_tokens is None else int(usage.cached_tokens)
    return Usage(int(usage.tokens.input_tokens), int(usage.tokens.output_tokens), cached)


@pytest.mark.parametrize("name", JSON_OK)
async def test_json_answers_agree_with_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: Any
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    answer = await sdk.chat(model="command-a-03-2025", messages=MESSAGES)
    ours = await CohereAdapter(client, base_url=server.url).complete(
        REQUEST, Credentials.of_key(KEY)
    )
    text = "".join(c.text for c in answer.message.content or () if c.type == "text")
    assert ours.text == text
    assert ours.reasoning == (answer.message.tool_plan or None)
    assert ours.finish_reason_raw == answer.finish_reason
    assert ours.usage == _usage(answer.usage)
    calls = [(c.function.name, c.function.arguments) for c in answer.message.tool_calls or ()]
    assert [(c.name, c.arguments) for c in ours.tool_calls] == calls


@pytest.mark.parametrize("name", STREAMS)
async def test_streams_agree_with_the_sdk(
    name: str, server: ReplayServer, client: httpx.AsyncClient, sdk: Any
) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    text, plan, finish, usage, error = [], [], None, None, None
    async for event in sdk.chat_stream(model="command-a-03-2025", messages=MESSAGES):
        if event.type == "content-delta":
            text.append(event.delta.message.content.text or "")
        elif event.type == "tool-plan-delta":
            plan.append(event.delta.message.tool_plan or "")
        elif event.type == "message-end":
            finish, usage, error = event.delta.finish_reason, event.delta.usage, event.delta.error
    adapter = CohereAdapter(client, base_url=server.url)
    drained = await drain(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model)
    ours = drained.builder.build()
    assert ours.text == "".join(text)
    assert (ours.reasoning or "") == "".join(plan)
    assert ours.finish_reason_raw == finish
    assert ours.usage == _usage(usage)
    if error is None:
        assert drained.error is None
    else:
        assert drained.failure.message == error
