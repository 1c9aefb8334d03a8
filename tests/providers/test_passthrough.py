"""A request carrying the client's own body (the gateway's same-protocol requests): each adapter
that speaks the body's protocol sends it as written, with only the model, ``stream`` and the
usage switch set, and hands every byte of the answer to the sink while still yielding the same
events as for a request it built itself."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.passthrough import Passthrough
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import Adapter, collect
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply, load_meta

CASES = [
    ("anthropic", "anthropic/stream_text.sse", AnthropicAdapter, ""),
    ("openai", "openai/chat_stream_tool_call_usage.sse", OpenAIChatAdapter, "/v1"),
    ("openai-responses", "openai_responses/stream_basic.sse", OpenAIResponsesAdapter, "/v1"),
]


@pytest.mark.parametrize(("protocol", "fixture", "kind", "root"), CASES)
async def test_the_clients_body_goes_as_written_and_every_byte_reaches_the_sink(
    server: ReplayServer,
    client: httpx.AsyncClient,
    protocol: str,
    fixture: str,
    kind: Any,
    root: str,
) -> None:
    path = fixture_path(fixture)
    body = dict(load_meta(path)["request"]["body"])
    body.pop("stream_options", None)
    body["some_future_field"] = {"kept": True}
    adapter: Adapter = kind(client, base_url=server.url + root)
    server.queue(fixture_reply(path))
    plain = await collect(
        adapter.stream(ChatRequest("routed", (Message.user("hi"),)), Credentials.of_key("k")),
        "routed",
    )
    seen = bytearray()
    own = Passthrough(protocol, {**body, "model": "as-the-client-named-it"}, seen.extend)
    request = ChatRequest("routed", (Message.user("ignored"),), passthrough=own)
    server.queue(fixture_reply(path))
    tapped = await collect(adapter.stream(request, Credentials.of_key("k")), "routed")
    assert bytes(seen) == path.read_bytes()
    assert tapped == plain
    sent = server.last.json()
    expected = {**body, "model": "routed", "stream": True}
    if protocol == "openai":
        expected["stream_options"] = {"include_usage": True}
    assert sent == expected


async def test_a_body_in_another_protocol_is_ignored(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    path = fixture_path("anthropic/stream_text.sse")
    own = Passthrough("openai", {"model": "x", "messages": [], "odd": 1})
    adapter = AnthropicAdapter(client, base_url=server.url)
    server.queue(fixture_reply(path))
    request = ChatRequest("routed", (Message.user("hi"),), passthrough=own)
    await collect(adapter.stream(request, Credentials.of_key("k")), "routed")
    assert "odd" not in server.last.json()
