"""The offline demo model, answered in-process by :class:`DemoTransport`, speaks OpenAI Chat
Completions the way the real API does: chunk shapes, usage consistent with what was streamed,
token limits, errors, cancellation; the OpenAI adapter and the official SDK read it; and the
shared client of a run answers the demo's URL with no socket at all."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import httpx
import openai
import pytest
from httpx_sse import aconnect_sse
from hypothesis import given
from hypothesis import strategies as st

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import DEMO_BASE_URL
from openmaas_tui.core.types import ChatRequest, FinishReason, Message
from openmaas_tui.demo.answers import (
    DEMO_MARK,
    answer_named,
    answers,
    choose_answer,
    estimate_prompt_tokens,
    split_pieces,
)
from openmaas_tui.demo.transport import DEMO_ORIGIN, DemoTransport
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.services import open_services

CHAT_URL = DEMO_BASE_URL + "/chat/completions"


@pytest.fixture
def transport() -> DemoTransport:
    """A demo transport that answers as fast as it can."""
    return DemoTransport(tokens_per_s=0, first_token_delay_s=0)


@pytest.fixture
async def client(transport: DemoTransport) -> AsyncIterator[httpx.AsyncClient]:
    """A client with the demo mounted for its origin, as the shared client has it."""
    async with httpx.AsyncClient(mounts={DEMO_ORIGIN: transport}) as mounted:
        yield mounted


def _chat(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"model": "demo", "messages": [{"role": "user", "content": prompt}], **extra}


async def _stream(client: httpx.AsyncClient, body: dict[str, Any]) -> list[Any]:
    """Every SSE data field of a streamed answer: parsed chunks, then the ``[DONE]`` string."""
    events: list[Any] = []
    async with aconnect_sse(client, "POST", CHAT_URL, json={**body, "stream": True}) as source:
        assert source.response.status_code == 200
        assert source.response.headers["content-type"].startswith("text/event-stream")
        async for event in source.aiter_sse():
            events.append(event.data if event.data == "[DONE]" else json.loads(event.data))
    return events


def _content(chunks: list[dict[str, Any]]) -> list[str]:
    """The content pieces: every choice delta between the role chunk and the finish chunk."""
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    assert "content" not in deltas[-1]
    return [delta["content"] for delta in deltas[1:-1]]


async def test_stream_has_the_openai_chunk_shape_and_the_chosen_answer(
    client: httpx.AsyncClient,
) -> None:
    body = _chat("show me a table", stream_options={"include_usage": True})
    events = await _stream(client, body)

    assert events[-1] == "[DONE]"
    chunks: list[dict[str, Any]] = events[:-1]
    first, finish, usage_chunk = chunks[0], chunks[-2], chunks[-1]
    assert len({c["id"] for c in chunks}) == 1 and first["id"].startswith("chatcmpl-")
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert {c["model"] for c in chunks} == {"demo"}
    assert all(isinstance(c["created"], int) for c in chunks)
    assert first["choices"][0]["delta"]["role"] == "assistant"
    assert first["choices"][0]["finish_reason"] is None
    assert finish["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert all(c["usage"] is None for c in chunks[:-1])
    assert usage_chunk["choices"] == []

    pieces = _content(chunks)
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[1:-2])
    assert "".join(pieces) == answer_named("table").text
    usage = usage_chunk["usage"]
    assert usage["completion_tokens"] == len(pieces) == len(split_pieces("".join(pieces)))
    assert usage["prompt_tokens"] == estimate_prompt_tokens(body["messages"])
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_stream_without_include_usage_sends_no_usage(client: httpx.AsyncClient) -> None:
    events = await _stream(client, _chat("write some python code"))
    chunks = events[:-1]
    assert events[-1] == "[DONE]"
    assert all("usage" not in c for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert "".join(_content(chunks)) == answer_named("code").text


@pytest.mark.parametrize("limit_field", ["max_tokens", "max_completion_tokens"])
async def test_token_limit_cuts_the_answer_with_finish_length(
    client: httpx.AsyncClient, limit_field: str
) -> None:
    body = _chat("hello", stream_options={"include_usage": True}, **{limit_field: 7})
    chunks = (await _stream(client, body))[:-1]
    pieces = _content(chunks)
    assert pieces == split_pieces(answer_named("greeting").text)[:7]
    assert chunks[-2]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 7


async def test_a_limit_above_the_answer_length_finishes_with_stop(
    client: httpx.AsyncClient,
) -> None:
    size = len(split_pieces(answer_named("greeting").text))
    chunks = (await _stream(client, _chat("hello", max_tokens=size)))[:-1]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert len(_content(chunks)) == size


async def test_stop_sequence_ends_the_answer_before_it(client: httpx.AsyncClient) -> None:
    chunks = (await _stream(client, _chat("make a table", stop=["## "])))[:-1]
    text = answer_named("table").text
    assert "".join(_content(chunks)) == text[: text.index("## ")]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


async def test_a_paced_stream_arrives_whole_one_event_at_a_time(
    client: httpx.AsyncClient, transport: DemoTransport
) -> None:
    transport.tokens_per_s, transport.first_token_delay_s = 2000.0, 0.01
    body = _chat("hi", max_tokens=20, stream=True)
    async with client.stream("POST", CHAT_URL, json=body) as response:
        pieces = [piece async for piece in response.aiter_raw()]
    assert all(piece.startswith(b"data: ") and piece.endswith(b"\n\n") for piece in pieces)
    assert len(pieces) == 1 + 20 + 1 + 1  # role, 20 tokens, finish, [DONE]: each on its own
    chunks = [json.loads(piece[6:]) for piece in pieces[:-1]]
    assert _content(chunks) == split_pieces(answer_named("greeting").text)[:20]


async def test_non_streaming_returns_a_chat_completion(client: httpx.AsyncClient) -> None:
    response = await client.post(CHAT_URL, json=_chat("list the steps", model="gpt-4o"))
    assert response.status_code == 200
    payload = response.json()
    assert payload["object"] == "chat.completion"
    assert payload["model"] == "demo"
    assert payload["id"].startswith("chatcmpl-")
    [choice] = payload["choices"]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == answer_named("lists").text
    assert choice["finish_reason"] == "stop"
    usage = payload["usage"]
    assert usage["completion_tokens"] == len(split_pieces(answer_named("lists").text))
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_models_lists_demo(client: httpx.AsyncClient) -> None:
    listing = await client.get(DEMO_BASE_URL + "/models")
    one = await client.get(DEMO_BASE_URL + "/models/demo")
    other = await client.get(DEMO_BASE_URL + "/models/gpt-4o")
    assert listing.status_code == 200
    assert listing.json()["object"] == "list"
    assert [m["id"] for m in listing.json()["data"]] == ["demo"]
    assert one.json() == listing.json()["data"][0]
    assert other.status_code == 404
    assert other.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("POST", "/v1/completions"), ("GET", "/v1/chat/completions"), ("POST", "/x")],
)
async def test_other_paths_get_an_openai_style_404(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await client.request(method, DEMO_ORIGIN + path, json={})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "unknown_url"
    assert path in error["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"model": "demo"}, "messages"),
        ({"model": "demo", "messages": []}, "messages"),
        (_chat("hi", max_tokens=0), "max_tokens"),
        (_chat("hi", max_completion_tokens="5"), "max_completion_tokens"),
    ],
)
async def test_invalid_requests_get_a_400(
    client: httpx.AsyncClient, body: dict[str, Any], param: str
) -> None:
    response = await client.post(CHAT_URL, json=body)
    garbled = await client.post(CHAT_URL, content=b"{nope")
    assert response.status_code == 400
    assert response.json()["error"]["param"] == param
    assert garbled.status_code == 400
    assert garbled.json()["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("hi", "greeting"),
        ("Hello there!", "greeting"),
        ("", "greeting"),
        ("write a Python function", "code"),
        ("hi, can you show me a table?", "table"),
        ("list the steps", "lists"),
        ("how does markdown render?", "tour"),
    ],
)
def test_keywords_choose_the_answer(prompt: str, name: str) -> None:
    assert choose_answer(prompt).name == name


def test_other_prompts_get_a_stable_spread_of_answers() -> None:
    prompts = [f"tell me about volcano number {n}" for n in range(40)]
    chosen = [choose_answer(p).name for p in prompts]
    assert chosen == [choose_answer(p).name for p in prompts]
    assert len(set(chosen)) >= 3


def test_answers_say_they_are_the_demo_and_show_off_markdown() -> None:
    pool = answers()
    assert 4 <= len(pool) <= 6
    for answer in pool:
        first_line = answer.text.splitlines()[0]
        assert first_line.startswith(DEMO_MARK), answer.name
        assert "offline" in first_line
        for mark in ("\n# ", "\n## ", "**", "`", "\n> ", "\n```", "\n- ", "\n1. "):
            assert mark in answer.text, (answer.name, mark)
    texts = "\n".join(a.text for a in pool)
    assert "```python\n" in texts
    assert "\n|:--|" in texts or "\n| --" in texts
    assert "\n   1. " in texts and "\n   - " in texts  # nested lists
    greeting = answer_named("greeting").text
    for hint in ("openmaas keys set openai", "Ollama", "LM Studio"):
        assert hint in greeting


@given(st.text())
def test_pieces_join_back_to_the_text(text: str) -> None:
    pieces = split_pieces(text)
    assert "".join(pieces) == text
    assert all(pieces)


def test_pieces_look_like_tokens() -> None:
    assert split_pieces("Hello, world! It's 12345.") == [
        "Hello",
        ",",
        " world",
        "!",
        " It",
        "'s",
        " ",
        "123",
        "45",
        ".",
    ]


async def test_the_openai_sdk_reads_the_same_text_and_usage(client: httpx.AsyncClient) -> None:
    # The SDK takes an httpx client as well as its own httpx2 one (its annotation names only
    # the latter): the demo's mount is on an httpx client.
    http_client = cast(Any, client)
    sdk = openai.AsyncOpenAI(
        base_url=DEMO_BASE_URL, api_key="demo", max_retries=0, http_client=http_client
    )
    messages: list[Any] = [{"role": "user", "content": "show me some code"}]
    text, finish, usage = "", None, None
    stream = await sdk.chat.completions.create(
        model="demo", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    async for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage is not None:
            usage = chunk.usage
    expected = answer_named("code").text
    assert text == expected
    assert finish == "stop"
    assert usage is not None
    assert usage.completion_tokens == len(split_pieces(expected))
    assert usage.prompt_tokens == estimate_prompt_tokens(messages)

    completion = await sdk.chat.completions.create(model="demo", messages=messages, max_tokens=3)
    assert completion.choices[0].message.content == "".join(split_pieces(expected)[:3])
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage is not None and completion.usage.completion_tokens == 3

    models = await sdk.models.list()
    assert [m.id for m in models.data] == ["demo"]
    with pytest.raises(openai.NotFoundError):
        await sdk.completions.create(model="demo", prompt="hi")
    await sdk.close()


async def test_the_openai_compatible_adapter_reads_the_demo(
    client: httpx.AsyncClient, transport: DemoTransport
) -> None:
    request = ChatRequest("demo", (Message.user("a table please"),), system="Be brief.")
    adapter = OpenAIChatAdapter(client, provider="demo", base_url=DEMO_BASE_URL)
    streamed = await collect(adapter.stream(request, NO_CREDENTIALS), "demo")
    cut = await adapter.complete(replace(request, max_tokens=4), NO_CREDENTIALS)
    assert "authorization" not in transport.requests[-1].headers
    expected = answer_named("table").text
    assert streamed.text == expected
    assert streamed.finish_reason is FinishReason.STOP
    assert streamed.usage.output_tokens == len(split_pieces(expected))
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "a table please"},
    ]
    assert streamed.usage.input_tokens == estimate_prompt_tokens(messages)
    assert cut.text == "".join(split_pieces(expected)[:4])
    assert cut.finish_reason is FinishReason.LENGTH
    assert transport.active_streams == 0


async def test_errors_the_demo_gives_reach_the_adapter_as_codes(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    adapter = OpenAIChatAdapter(client, provider="demo", base_url=DEMO_BASE_URL)
    with pytest.raises(OpenMaaSError) as refused:
        await collect(adapter.stream(ChatRequest("demo", (), max_tokens=5), NO_CREDENTIALS), "demo")
    assert refused.value.code is ErrorCode.INVALID_REQUEST
    assert "messages" in refused.value.message

    def broken(body: dict[str, Any]) -> Any:
        raise RuntimeError("no answers bundled")

    monkeypatch.setattr("openmaas_tui.demo.transport.plan_answer", broken)
    request = ChatRequest("demo", (Message.user("hi"),))
    with pytest.raises(OpenMaaSError) as failed:
        await collect(adapter.stream(request, NO_CREDENTIALS), "demo")
    assert failed.value.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert "no answers bundled" in failed.value.message


async def test_closing_a_response_mid_stream_ends_that_stream_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    transport = DemoTransport(tokens_per_s=20, first_token_delay_s=0)
    async with httpx.AsyncClient(mounts={DEMO_ORIGIN: transport}) as client:
        body = _chat("hi", stream=True)
        async with aconnect_sse(client, "POST", CHAT_URL, json=body) as source:
            seen = 0
            async for _ in source.aiter_sse():
                seen += 1
                if seen == 3:
                    break
            assert transport.active_streams == 1
        # The whole answer takes ~19 s at this pace; closing the response ends it now.
        assert transport.active_streams == 0

        transport.tokens_per_s = 0
        events = await _stream(client, _chat("hi"))
        assert "".join(_content(events[:-1])) == answer_named("greeting").text
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_cancelling_the_reader_ends_the_stream_and_keeps_what_arrived() -> None:
    transport = DemoTransport(tokens_per_s=20, first_token_delay_s=0)
    async with httpx.AsyncClient(mounts={DEMO_ORIGIN: transport}) as client:
        adapter = OpenAIChatAdapter(client, provider="demo", base_url=DEMO_BASE_URL)
        request = ChatRequest("demo", (Message.user("hi"),))
        received: list[str] = []
        three = asyncio.Event()

        async def read() -> None:
            async for event in adapter.stream(request, NO_CREDENTIALS):
                text = getattr(event, "text", None)
                if text:
                    received.append(text)
                    if len(received) == 3:
                        three.set()

        task = asyncio.create_task(read())
        await three.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert transport.active_streams == 0
    assert received == split_pieces(answer_named("greeting").text)[: len(received)]


async def test_the_shared_client_answers_the_demo_without_a_socket(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("demo_tokens_per_s = 100000\n", encoding="utf-8")

    def no_socket(self: socket.socket, address: Any) -> Any:
        raise AssertionError(f"the demo opened a connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", no_socket)
    monkeypatch.setattr(socket.socket, "connect_ex", no_socket)
    services = open_services(use_keyring=False)
    try:
        target = await services.providers.target("demo")
        assert target.base_url == DEMO_BASE_URL
        assert target.is_demo and target.credentials.api_key is None
        request, _ = target.prepare(ChatRequest("demo", (Message.user("show me a table"),)))
        answer = await collect(target.stream(request), "demo")
    finally:
        await services.aclose()
    assert answer.text == answer_named("table").text
    assert answer.usage.output_tokens == len(split_pieces(answer.text))


async def test_the_mount_is_for_the_demo_origin_only(transport: DemoTransport) -> None:
    async with httpx.AsyncClient(mounts={DEMO_ORIGIN: transport}) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("http://127.0.0.1:9/v1/models")  # nothing listens on port 9
    assert list(transport.requests) == []
