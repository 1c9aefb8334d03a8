"""The official ``anthropic`` SDK, unmodified, against a real ``openmaas serve``: streamed and
whole answers from an Anthropic upstream (thinking included), its errors with their status, a
stream cut short, a client that leaves mid-stream, the same SDK reaching OpenAI-compatible and
Gemini upstreams, and ``count_tokens``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import anthropic
import httpx
import pytest
from anthropic.types import MessageParam

from tests.conftest import FIXTURES
from tests.support.gateway import KEYS, GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

HI: list[MessageParam] = [{"role": "user", "content": "hi"}]


def client(gateway: GatewayProcess) -> anthropic.AsyncAnthropic:
    """The SDK as a user points it at the gateway: its root URL and the token as the key."""
    root = gateway.url.removesuffix("/v1")
    return anthropic.AsyncAnthropic(base_url=root, api_key=gateway.token, max_retries=0)


def expected(path: Path) -> dict[str, Any]:
    meta = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")
    result: dict[str, Any] = json.loads(meta.read_text())["expected"]
    return result


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def anthropic_events(pieces: list[str]) -> list[bytes]:
    """A Messages stream of one text block, one delta per piece, not ended."""
    message: dict[str, Any] = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 5, "output_tokens": 1},
    }
    block = {"type": "text", "text": ""}
    start = {"type": "content_block_start", "index": 0, "content_block": block}
    deltas = [{"type": "text_delta", "text": piece} for piece in pieces]
    return [
        _event("message_start", {"type": "message_start", "message": message}),
        _event("content_block_start", start),
        *(
            _event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": d})
            for d in deltas
        ),
    ]


async def test_a_streamed_answer_arrives_as_anthropic_sends_it(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "anthropic/stream_text.sse"
    want = expected(path)
    upstream.queue(fixture_reply(path))
    async with client(gateway).messages.stream(
        model="claude-sonnet-4-5", max_tokens=256, messages=HI, extra_body={"temperature": 0.5}
    ) as stream:
        events = [event async for event in stream]
        message = await stream.get_final_message()
    kinds = [event.type for event in events]
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert "content_block_start" in kinds and "message_delta" in kinds
    assert message.content[0].type == "text" and message.content[0].text == want["text"]
    # passed through: the model Anthropic names, its usage as it sent it
    assert message.model.startswith("claude-sonnet-4-5") and message.stop_reason == "end_turn"
    assert message.usage.input_tokens == want["usage"]["input_tokens"]
    assert message.usage.output_tokens == want["usage"]["output_tokens"]
    sent = upstream.last
    assert sent.path == "/v1/messages"
    assert sent.headers["x-api-key"] == KEYS["ANTHROPIC_API_KEY"]
    assert gateway.token not in sent.body.decode() + json.dumps(sent.headers)
    body = sent.json()
    assert body["stream"] is True and body["temperature"] == 0.5 and body["max_tokens"] == 256


async def test_a_whole_answer_has_usage_and_the_cost_and_ttft_headers(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "anthropic/json_text.json"
    want = expected(path)
    upstream.queue(fixture_reply(path))
    raw = await client(gateway).messages.with_raw_response.create(
        model="claude-sonnet-4-5",
        max_tokens=64,
        messages=HI,
        metadata={"user_id": "u"},
        extra_body={"top_k": 5},
    )
    message = await raw.parse()
    assert message.type == "message" and message.id.startswith("msg_")
    assert message.content[0].type == "text" and message.content[0].text == want["text"]
    assert (message.usage.input_tokens, message.usage.output_tokens) == (
        want["usage"]["input_tokens"],
        want["usage"]["output_tokens"],
    )
    assert float(raw.headers["x-openmaas-cost-usd"]) > 0
    assert float(raw.headers["x-openmaas-ttft-ms"]) >= 0
    assert "x-openmaas-dropped" not in raw.headers  # passed through: every field went
    sent = upstream.last.json()
    assert sent.get("stream") in (None, False)
    assert sent["top_k"] == 5 and sent["metadata"] == {"user_id": "u"}


async def test_thinking_streams_in_its_own_block(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "anthropic/stream_thinking.sse"
    want = expected(path)
    upstream.queue(fixture_reply(path))
    async with client(gateway).messages.stream(
        model="claude-sonnet-4-0",
        max_tokens=2048,
        messages=HI,
        thinking={"type": "enabled", "budget_tokens": 1024},
    ) as stream:
        message = await stream.get_final_message()
    assert [b.type for b in message.content] == ["thinking", "text"]
    thinking, text = message.content
    assert thinking.type == "thinking" and thinking.thinking == want["reasoning"]
    assert text.type == "text" and text.text == want["text"]
    assert upstream.last.json()["thinking"] == {"type": "enabled", "budget_tokens": 1024}


@pytest.mark.parametrize(
    ("fixture", "error", "status"),
    [
        ("anthropic/error_401_authentication.json", anthropic.AuthenticationError, 401),
        ("anthropic/error_429_rate_limit.json", anthropic.RateLimitError, 429),
        ("anthropic/error_529_overloaded.json", anthropic.OverloadedError, 529),
    ],
)
@pytest.mark.parametrize("stream", [True, False])
async def test_provider_errors_keep_their_status_in_anthropic_shape(
    gateway: GatewayProcess,
    upstream: ReplayServer,
    fixture: str,
    error: type[anthropic.APIStatusError],
    status: int,
    stream: bool,
) -> None:
    upstream.queue(fixture_reply(FIXTURES / fixture))
    with pytest.raises(error) as caught:
        await client(gateway).messages.create(
            model="claude-sonnet-4-5", max_tokens=64, messages=HI, stream=stream
        )
    assert caught.value.status_code == status
    body = caught.value.body
    assert isinstance(body, dict) and body["type"] == "error"
    assert body["error"]["type"] == {401: "authentication_error", 429: "rate_limit_error"}.get(
        status, "overloaded_error"
    )
    assert "(hint: " in body["error"]["message"]
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "17"


async def test_a_stream_cut_short_upstream_ends_in_an_error_event(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    chunks = anthropic_events(["one ", "two ", "three"])
    upstream.queue(
        Reply(content_type="text/event-stream", chunks=chunks, drop_after=sum(map(len, chunks)))
    )
    text: list[str] = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        async with client(gateway).messages.stream(
            model="claude-sonnet-4-5", max_tokens=64, messages=HI
        ) as stream:
            async for piece in stream.text_stream:
                text.append(piece)
    assert "".join(text) == "one two three"
    assert "STREAM_INTERRUPTED" in str(caught.value.body)


async def test_a_client_that_leaves_mid_stream_closes_the_upstream_connection(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    closed = asyncio.Event()
    loop = asyncio.get_running_loop()
    pieces = anthropic_events([f"w{i} " for i in range(10_000)])

    async def endless() -> AsyncIterator[bytes]:
        try:
            for piece in pieces:
                yield piece
                await asyncio.sleep(0.01)
        finally:
            loop.call_soon_threadsafe(closed.set)

    upstream.queue(Reply(content_type="text/event-stream", stream=endless()))
    stream = await client(gateway).messages.create(
        model="claude-sonnet-4-5", max_tokens=64, messages=HI, stream=True
    )
    seen = 0
    async for _ in stream:
        seen += 1
        if seen == 5:
            break
    await stream.close()
    await asyncio.wait_for(closed.wait(), timeout=10)


@pytest.mark.parametrize(
    ("model", "fixture"),
    [
        ("gpt-4o-mini", "crusoe/stream_text.sse"),
        ("gemini-2.5-flash", "gemini/sse_text.sse"),
    ],
)
async def test_the_anthropic_sdk_reaches_openai_compatible_and_gemini_upstreams(
    gateway: GatewayProcess, upstream: ReplayServer, model: str, fixture: str
) -> None:
    path = FIXTURES / fixture
    want = expected(path)
    upstream.queue(fixture_reply(path))
    async with client(gateway).messages.stream(
        model=model, max_tokens=64, messages=HI, system="be brief"
    ) as stream:
        message = await stream.get_final_message()
    assert message.content[0].type == "text" and message.content[0].text == want["text"]
    assert message.model == model and message.stop_reason == "end_turn"
    assert message.usage.input_tokens == want["usage"]["input_tokens"]
    assert message.usage.output_tokens == want["usage"]["output_tokens"]


async def test_a_whole_answer_from_an_openai_upstream(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "groq/json_text.json"
    want = json.loads(path.with_name("json_text.meta.json").read_text())["expected"]
    upstream.queue(fixture_reply(path))
    message = await client(gateway).messages.create(
        model="gpt-4o", max_tokens=64, messages=HI, stop_sequences=["END"]
    )
    assert message.content[0].type == "text" and message.content[0].text == want["text"]
    assert message.usage.output_tokens == want["usage"]["output_tokens"]
    sent = upstream.last.json()
    assert sent["stop"] == ["END"] and sent["messages"] == [{"role": "user", "content": "hi"}]


async def test_count_tokens_asks_anthropic_and_counts_others_here(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(Reply.json_body({"input_tokens": 42}), path="/v1/messages/count_tokens")
    sdk = client(gateway)
    counted = await sdk.messages.count_tokens(model="claude-sonnet-4-5", messages=HI)
    assert counted.input_tokens == 42
    assert upstream.last.path == "/v1/messages/count_tokens"
    raw = await sdk.messages.with_raw_response.count_tokens(
        model="gpt-4o", messages=[{"role": "user", "content": "one two three four five"}]
    )
    assert (await raw.parse()).input_tokens > 5 and raw.headers["x-openmaas-count"] == "local"
    assert len(upstream.requests) == 1


async def test_a_bad_body_is_a_400_in_anthropic_shape(gateway: GatewayProcess) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        await client(gateway).messages.create(
            model="gpt-4o",  # translated: to Anthropic itself the body would go as sent
            max_tokens=64,
            messages=cast(Any, [{"role": "system", "content": "x"}]),
        )
    assert "messages[0].role" in str(caught.value.body)
    async with httpx.AsyncClient() as raw:
        reply = await raw.post(
            gateway.url + "/messages", content=b"{", headers={"x-api-key": gateway.token}
        )
        refused = await raw.post(gateway.url + "/messages", json={}, headers={"x-api-key": "no"})
    assert reply.status_code == 400 and reply.json()["error"]["type"] == "invalid_request_error"
    assert refused.status_code == 401 and refused.json()["error"]["type"] == "authentication_error"
