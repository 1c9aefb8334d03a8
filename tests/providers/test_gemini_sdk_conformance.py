"""GeminiAdapter against the official ``google-genai`` SDK: both read the very same replayed
bytes from one loopback server and must agree on text, reasoning, tool calls, finish reason and
usage (prompt, candidates, thoughts, cached), and both must send the same request.

The SDK is a test oracle only; the application never imports it. It always asks for
``alt=sse`` and cannot read the JSON-array form of ``streamGenerateContent`` (it raises
``UnknownApiResponseError``), so for that fixture the SDK is given the same chunks re-framed as
SSE events while the adapter reads the original array.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Completion, ImagePart, Message, Role, TextPart
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from tests.providers.helpers import answer
from tests.support.recordings import fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

MODEL = "gemini-2.5-flash"
KEY = "test-key"

_ALL = fixtures_of("gemini", {"gemini_sse", "gemini_json"})
_OK = [n for n in _ALL if load_meta(fixture_path(n))["status"] < 400]
_ERRORS = [n for n in _ALL if load_meta(fixture_path(n))["status"] >= 400]


@dataclass
class Seen:
    """What a client read from one answer, in the provider's own usage terms."""

    text: str = ""
    reasoning: str = ""
    finish_raw: str | None = None
    tool_calls: list[tuple[str | None, Any]] = field(default_factory=list)
    prompt: int | None = None
    candidates_plus_thoughts: int | None = None
    thoughts: int | None = None
    cached: int | None = None


@contextmanager
def serving(reply: Reply) -> Iterator[ReplayServer]:
    server = ReplayServer(reply)
    server.start_in_thread()
    try:
        yield server
    finally:
        server.stop_thread()


def sdk_client(server: ReplayServer) -> genai.Client:
    options = types.HttpOptions(base_url=server.url, api_version="v1beta")
    return genai.Client(api_key=KEY, http_options=options)


def _sdk_seen(responses: list[types.GenerateContentResponse]) -> Seen:
    seen = Seen()
    usage: types.GenerateContentResponseUsageMetadata | None = None
    for response in responses:
        usage = response.usage_metadata or usage
        candidate = response.candidates[0] if response.candidates else None
        if candidate is None:
            continue
        if candidate.finish_reason is not None:
            seen.finish_raw = str(candidate.finish_reason.value)
        parts = candidate.content.parts if candidate.content else None
        for part in parts or []:
            if part.text:
                if part.thought:
                    seen.reasoning += part.text
                else:
                    seen.text += part.text
            if part.function_call is not None:
                seen.tool_calls.append((part.function_call.name, part.function_call.args or {}))
    if usage is not None:
        seen.prompt = usage.prompt_token_count
        if seen.prompt is not None:  # our input also counts the tool-use prompt
            seen.prompt += usage.tool_use_prompt_token_count or 0
        seen.thoughts = usage.thoughts_token_count
        seen.cached = usage.cached_content_token_count
        if usage.candidates_token_count is not None or usage.thoughts_token_count is not None:
            seen.candidates_plus_thoughts = (usage.candidates_token_count or 0) + (
                usage.thoughts_token_count or 0
            )
    return seen


def _our_seen(completion: Completion) -> Seen:
    return Seen(
        text=completion.text,
        reasoning=completion.reasoning or "",
        finish_raw=completion.finish_reason_raw,
        tool_calls=[(c.name, json.loads(c.arguments)) for c in completion.tool_calls],
        prompt=completion.usage.input_tokens,
        candidates_plus_thoughts=completion.usage.output_tokens,
        thoughts=completion.usage.reasoning_tokens,
        cached=completion.usage.cached_input_tokens,
    )


def _as_sse(array_body: bytes) -> Reply:
    pieces = [
        b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n" for chunk in json.loads(array_body)
    ]
    return Reply(body=b"".join(pieces), content_type="text/event-stream", chunks=pieces)


async def _ours(server: ReplayServer, request: ChatRequest, *, stream: bool) -> Completion:
    async with httpx.AsyncClient() as client:
        adapter = GeminiAdapter(client, base_url=server.url)
        return await answer(adapter, request, KEY, stream=stream)


REQUEST = ChatRequest(model=MODEL, messages=(Message.user("Hi"),))


@pytest.mark.parametrize("name", _OK)
async def test_same_answer_as_the_sdk(name: str) -> None:
    path = fixture_path(name)
    array = path.suffix == ".json" and isinstance(json.loads(path.read_bytes()), list)
    streamed = path.suffix == ".sse" or array
    with serving(fixture_reply(path)) as server:
        ours = _our_seen(await _ours(server, REQUEST, stream=streamed))
        if array:
            server.queue(_as_sse(path.read_bytes()))
        with sdk_client(server) as client:
            if streamed:
                responses = list(client.models.generate_content_stream(model=MODEL, contents="Hi"))
            else:
                responses = [client.models.generate_content(model=MODEL, contents="Hi")]
    assert _sdk_seen(responses) == ours
    assert ours.finish_raw is not None
    ours_sent, sdk_sent = server.requests
    assert (ours_sent.path, ours_sent.query) == (sdk_sent.path, sdk_sent.query)


@pytest.mark.parametrize("name", _ERRORS)
async def test_same_error_as_the_sdk(name: str) -> None:
    path = fixture_path(name)
    with serving(fixture_reply(path)) as server:
        with pytest.raises(OpenMaaSError) as ours:
            await _ours(server, REQUEST, stream=False)
        with sdk_client(server) as client, pytest.raises(genai_errors.APIError) as sdk:
            client.models.generate_content(model=MODEL, contents="Hi")
    assert ours.value.status == sdk.value.code
    assert ours.value.message == sdk.value.message


FULL = ChatRequest(
    model=MODEL,
    messages=(
        Message.user("What is in this picture?"),
        Message.assistant("A cat."),
        Message(Role.USER, (TextPart("And this one?"), ImagePart("aGVsbG8=", "image/png"))),
    ),
    system="Answer in one word.",
    temperature=0.3,
    top_p=0.9,
    max_tokens=50,
    stop=("END",),
    seed=7,
)


def _camel(value: Any) -> Any:
    """Proto-JSON accepts snake_case and camelCase field names alike; the SDK mixes them."""
    if isinstance(value, dict):
        return {re.sub(r"_(\w)", lambda m: m[1].upper(), k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "complete"])
async def test_same_request_as_the_sdk(stream: bool) -> None:
    name = "gemini/sse_text.sse" if stream else "gemini/json_text.json"
    with serving(fixture_reply(fixture_path(name))) as server:
        await _ours(server, FULL, stream=stream)
        ours = server.last
        config = types.GenerateContentConfig(
            system_instruction="Answer in one word.",
            temperature=0.3,
            top_p=0.9,
            max_output_tokens=50,
            stop_sequences=["END"],
            seed=7,
        )
        contents = [
            types.Content(role="user", parts=[types.Part(text="What is in this picture?")]),
            types.Content(role="model", parts=[types.Part(text="A cat.")]),
            types.Content(
                role="user",
                parts=[
                    types.Part(text="And this one?"),
                    types.Part.from_bytes(data=b"hello", mime_type="image/png"),
                ],
            ),
        ]
        with sdk_client(server) as client:
            if stream:
                list(
                    client.models.generate_content_stream(
                        model=MODEL, contents=contents, config=config
                    )
                )
            else:
                client.models.generate_content(model=MODEL, contents=contents, config=config)
        sdk = server.last
    assert (ours.method, ours.path, ours.query) == (sdk.method, sdk.path, sdk.query)
    assert ours.headers["x-goog-api-key"] == sdk.headers["x-goog-api-key"] == KEY
    sdk_body = _camel(sdk.json())
    sdk_body["systemInstruction"].pop("role", None)  # the SDK adds role "user"; not required
    assert ours.json() == sdk_body
