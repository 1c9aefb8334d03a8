"""The official ``ollama`` Python SDK, pointed at the same replay server, reads the same text,
thinking, tool calls, done_reason and counts from each constructed fixture as our adapter does.

The SDK is a test oracle only; the app never imports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import ollama
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Completion, Message
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from tests.providers.helpers import answer
from tests.support.recordings import fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

STREAMS = fixtures_of("ollama", {"ollama_ndjson"})
MESSAGES = [{"role": "user", "content": "Why is the sky blue?"}]
REQUEST = ChatRequest(model="llama3.2", messages=(Message.user("Why is the sky blue?"),))


@dataclass(frozen=True)
class Reading:
    """What a client made of one answer."""

    text: str
    thinking: str | None
    tool_calls: list[tuple[str, dict[str, Any]]]
    done_reason: str | None
    prompt_eval_count: int | None
    eval_count: int | None


def sdk_reading(parts: Iterable[ollama.ChatResponse]) -> Reading:
    text: list[str] = []
    thinking: list[str] = []
    calls: list[tuple[str, dict[str, Any]]] = []
    last: ollama.ChatResponse | None = None
    for part in parts:
        text.append(part.message.content or "")
        thinking.append(part.message.thinking or "")
        for call in part.message.tool_calls or ():
            calls.append((call.function.name, dict(call.function.arguments)))
        last = part
    assert last is not None and last.done
    return Reading(
        "".join(text),
        "".join(thinking) or None,
        calls,
        last.done_reason,
        last.prompt_eval_count,
        last.eval_count,
    )


def our_reading(completion: Completion) -> Reading:
    return Reading(
        completion.text,
        completion.reasoning,
        [(c.name, json.loads(c.arguments)) for c in completion.tool_calls],
        completion.finish_reason_raw,
        completion.usage.input_tokens,
        completion.usage.output_tokens,
    )


@pytest.fixture
def thread_server() -> Iterator[ReplayServer]:
    """A replay server in its own thread, for the SDK's synchronous client."""
    replay = ReplayServer()
    replay.start_in_thread()
    yield replay
    replay.stop_thread()


async def ours(server: ReplayServer, *, stream: bool) -> Completion:
    async with httpx.AsyncClient(timeout=10) as client:
        adapter = OllamaChatAdapter(client, base_url=server.url)
        return await answer(adapter, REQUEST, None, stream=stream)


@pytest.mark.parametrize("name", STREAMS)
async def test_async_sdk_stream_reads_what_we_read(name: str, server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path(name)))
    server.queue(fixture_reply(fixture_path(name)))
    async with ollama.AsyncClient(host=server.url) as client:
        stream = await client.chat(model="llama3.2", messages=MESSAGES, stream=True)
        parts = [part async for part in stream]
    sdk = sdk_reading(parts)
    assert our_reading(await ours(server, stream=True)) == sdk
    assert sdk.text or sdk.tool_calls  # the oracle read something, not two empty answers


@pytest.mark.parametrize("name", STREAMS)
async def test_sync_sdk_stream_reads_what_we_read(name: str, thread_server: ReplayServer) -> None:
    thread_server.queue(fixture_reply(fixture_path(name)))
    thread_server.queue(fixture_reply(fixture_path(name)))
    with ollama.Client(host=thread_server.url) as client:
        sdk = sdk_reading(client.chat(model="llama3.2", messages=MESSAGES, stream=True))
    assert our_reading(await ours(thread_server, stream=True)) == sdk


def folded(name: str) -> Reply:
    """The fixture as Ollama answers ``stream: false``: a JSON fixture as it is, an NDJSON one
    folded into its final object holding the whole message (content, thinking, tool calls)."""
    path = fixture_path(name)
    if path.suffix != ".ndjson":
        return fixture_reply(path, chunked=False)
    chunks = [json.loads(line) for line in path.read_bytes().splitlines()]
    message: dict[str, Any] = {"role": "assistant", "content": ""}
    for chunk in chunks:
        part = chunk["message"]
        message["content"] += part.get("content", "")
        if "thinking" in part:
            message["thinking"] = message.get("thinking", "") + part["thinking"]
        message.setdefault("tool_calls", []).extend(part.get("tool_calls", []))
    if not message["tool_calls"]:
        del message["tool_calls"]
    return Reply.json_body({**chunks[-1], "message": message})


@pytest.mark.parametrize("name", [*STREAMS, "ollama/chat_json_text.json"])
async def test_sdk_without_stream_reads_what_we_read(name: str, server: ReplayServer) -> None:
    server.queue(folded(name))
    server.queue(folded(name))
    async with ollama.AsyncClient(host=server.url) as client:
        response = await client.chat(model="llama3.2", messages=MESSAGES, stream=False)
    sdk = sdk_reading([response])
    assert our_reading(await ours(server, stream=False)) == sdk
    assert sdk.text or sdk.tool_calls


async def test_sdk_lists_the_same_models(server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path("ollama/tags.json"), chunked=False))
    server.queue(fixture_reply(fixture_path("ollama/tags.json"), chunked=False))
    async with ollama.AsyncClient(host=server.url) as sdk:
        listed = await sdk.list()
    async with httpx.AsyncClient(timeout=10) as client:
        models = await OllamaChatAdapter(client, base_url=server.url).list_models(NO_CREDENTIALS)
    assert [m.id for m in models] == [m.model for m in listed.models]
    assert len(models) == 2


async def test_sdk_and_adapter_agree_on_404(server: ReplayServer) -> None:
    path = fixture_path("ollama/error_404_model.json")
    server.queue(fixture_reply(path, chunked=False))
    server.queue(fixture_reply(path, chunked=False))
    async with ollama.AsyncClient(host=server.url) as sdk:
        with pytest.raises(ollama.ResponseError) as sdk_error:
            async for _ in await sdk.chat(model="llama3.9", messages=MESSAGES, stream=True):
                pass
    with pytest.raises(OpenMaaSError) as our_error:
        await ours(server, stream=True)
    assert sdk_error.value.status_code == our_error.value.status == 404
    assert sdk_error.value.error == our_error.value.message
    assert our_error.value.code is ErrorCode.INVALID_MODEL
