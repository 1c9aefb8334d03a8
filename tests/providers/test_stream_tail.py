"""What follows a stream's terminal event is read through the reader that read the events, so
no reader is left half-read for the garbage collector: each such async generator costs the
event loop a wake-up and a task (its finaliser hook), nine of them per request before."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.base import Adapter
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.providers.helpers import drain
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = Credentials.of_key("test-tail-key-0000")
REQUEST = ChatRequest(model="test-model", messages=(Message.user("hello"),))

ADAPTERS: dict[str, Callable[[httpx.AsyncClient, str], Adapter]] = {
    "openai/chat_stream_tool_call_usage.sse": lambda c, url: OpenAIChatAdapter(
        c, provider="openai", base_url=url + "/v1"
    ),
    "mistral/stream_text.sse": lambda c, url: MistralAdapter(c, base_url=url + "/v1"),
    "cohere/stream_text.sse": lambda c, url: CohereAdapter(c, base_url=url),
    "openai_responses/stream_basic.sse": lambda c, url: OpenAIResponsesAdapter(
        c, base_url=url + "/v1"
    ),
}


@contextmanager
def finalised() -> Iterator[list[str]]:
    """The names of the async generators handed to the running loop's finaliser hook meanwhile
    (entered inside the test: the loop sets its own hooks each time it starts running)."""
    names: list[str] = []
    hooks = sys.get_asyncgen_hooks()
    original = hooks.finalizer
    assert original is not None  # the running loop's

    def finalizer(agen: Any) -> None:
        names.append(agen.__qualname__)
        original(agen)

    sys.set_asyncgen_hooks(firstiter=hooks.firstiter, finalizer=finalizer)
    try:
        yield names
    finally:
        sys.set_asyncgen_hooks(firstiter=hooks.firstiter, finalizer=original)


@pytest.mark.parametrize("name", list(ADAPTERS))
async def test_a_whole_stream_leaves_no_reader_to_the_finaliser(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    adapter = ADAPTERS[name](client, server.url)
    with finalised() as names:
        for _ in range(2):  # the second request on the connection the first gave back
            server.queue(fixture_reply(fixture_path(name)))
            drained = await drain(adapter.stream(REQUEST, KEY), REQUEST.model)
            assert drained.error is None
            assert drained.builder.build().text == expected(name)["text"]
        gc.collect()
    assert names == []
