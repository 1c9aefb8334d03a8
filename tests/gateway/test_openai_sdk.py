"""The official ``openai`` SDK, unmodified, against a real ``openmaas serve``: streamed and whole
answers, the provider's errors with their status, a stream cut short, a client that leaves
mid-stream, and the same SDK reaching Anthropic and Gemini through the gateway."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import openai
import pytest

from tests.conftest import FIXTURES
from tests.support.gateway import KEYS, GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply
from tests.support.synth import openai_chunks, openai_stream_reply

PIECES = ["Hello", ",", " gate", "way", "!"]


def client(gateway: GatewayProcess) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.token, max_retries=0)


async def test_a_streamed_answer_arrives_whole_with_usage_and_cost(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(openai_stream_reply(PIECES, input_tokens=7))
    stream = await client(gateway).chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "".join(PIECES)
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (7, len(PIECES))
    extra = last.usage.model_extra or {}
    assert extra["cost"] > 0 and len(extra["price_as_of"]) == 10
    assert len({c.id for c in chunks}) == 1 and chunks[0].object == "chat.completion.chunk"
    sent = upstream.last
    assert sent.headers["authorization"] == f"Bearer {KEYS['OPENAI_API_KEY']}"
    assert gateway.token not in sent.body.decode() + json.dumps(sent.headers)
    assert sent.json()["stream_options"] == {"include_usage": True}


async def test_no_usage_chunk_unless_asked(gateway: GatewayProcess, upstream: ReplayServer) -> None:
    upstream.queue(openai_stream_reply(PIECES))
    stream = await client(gateway).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    chunks = [chunk async for chunk in stream]
    assert all(c.usage is None and c.choices for c in chunks)


async def test_a_whole_answer_has_usage_in_the_body_and_cost_and_ttft_headers(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    fixture = FIXTURES / "groq/json_text.json"
    expected = json.loads(fixture.with_name("json_text.meta.json").read_text())["expected"]
    upstream.queue(fixture_reply(fixture))
    raw = await client(gateway).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "hi"}], temperature=0.2
    )
    answer = raw.parse()
    assert answer.choices[0].message.content == expected["text"]
    assert answer.usage is not None
    assert answer.usage.prompt_tokens == expected["usage"]["input_tokens"]
    assert answer.usage.completion_tokens == expected["usage"]["output_tokens"]
    assert float(raw.headers["x-openmaas-cost-usd"]) > 0
    assert float(raw.headers["x-openmaas-ttft-ms"]) >= 0
    assert "x-openmaas-dropped" not in raw.headers
    assert upstream.last.json()["temperature"] == 0.2


async def test_fields_the_model_cannot_take_are_dropped_and_named_in_a_header(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(fixture_reply(FIXTURES / "groq/json_text.json"))
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    raw = await client(gateway).chat.completions.with_raw_response.create(
        model="o3-mini",
        messages=[{"role": "user", "content": "hi"}],
        tools=tools,  # type: ignore[arg-type]
        temperature=0.5,
        user="someone",
    )
    # OpenAI chat to an OpenAI target passes through: only what the model cannot take (the
    # catalog's word) is dropped, and named; every other field goes as the client wrote it.
    assert raw.headers["x-openmaas-dropped"] == "temperature"
    sent = upstream.last.json()
    assert "temperature" not in sent
    assert sent["tools"] == tools and sent["user"] == "someone"
    demo = await client(gateway).chat.completions.with_raw_response.create(
        model="demo",
        messages=[{"role": "user", "content": "hi"}],
        tools=tools,  # type: ignore[arg-type]
    )
    assert demo.headers["x-openmaas-dropped"] == "tools"  # the demo model calls no tools


@pytest.mark.parametrize(
    ("fixture", "error", "code"),
    [
        ("openai/error_401_invalid_key.json", openai.AuthenticationError, "AUTH_FAILED"),
        ("openai/error_429_rate_limit.json", openai.RateLimitError, "RATE_LIMITED"),
    ],
)
async def test_provider_errors_keep_their_status_in_openai_shape(
    gateway: GatewayProcess,
    upstream: ReplayServer,
    fixture: str,
    error: type[openai.APIStatusError],
    code: str,
) -> None:
    upstream.queue(fixture_reply(FIXTURES / fixture))
    with pytest.raises(error) as caught:
        await client(gateway).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["code"] == code and body["hint"] and body["provider"] == "openai"
    assert KEYS["OPENAI_API_KEY"][-8:] not in json.dumps(body)
    if code == "RATE_LIMITED":
        assert caught.value.response.headers["retry-after"] == "20"


async def test_an_upstream_500_is_a_500(gateway: GatewayProcess, upstream: ReplayServer) -> None:
    upstream.queue(Reply.json_body({"error": {"message": "boom", "type": "server_error"}}, 500))
    with pytest.raises(openai.InternalServerError) as caught:
        await client(gateway).chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert caught.value.status_code == 500


async def test_a_stream_cut_short_upstream_ends_in_an_error_chunk(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    chunks = openai_chunks(PIECES)
    upstream.queue(
        Reply(
            content_type="text/event-stream",
            chunks=chunks,
            drop_after=sum(map(len, chunks[:3])) + 5,
        )
    )
    stream = await client(gateway).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    text = []
    with pytest.raises(openai.APIError) as caught:
        async for chunk in stream:
            text.append(chunk.choices[0].delta.content or "")
    assert "".join(text) == "".join(PIECES[:2])
    assert "STREAM_INTERRUPTED" in str(caught.value.body)


async def test_a_client_that_leaves_mid_stream_closes_the_upstream_connection(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    closed = asyncio.Event()
    loop = asyncio.get_running_loop()
    pieces = openai_chunks([f"w{i} " for i in range(10_000)])

    async def endless() -> AsyncIterator[bytes]:
        try:
            for piece in pieces:
                yield piece
                await asyncio.sleep(0.01)
        finally:
            loop.call_soon_threadsafe(closed.set)

    upstream.queue(Reply(content_type="text/event-stream", stream=endless()))
    stream = await client(gateway).chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
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
        ("claude-sonnet-4-5", "anthropic/stream_text.sse"),
        ("gemini-2.5-flash", "gemini/sse_text.sse"),
    ],
)
async def test_the_openai_sdk_reaches_anthropic_and_gemini(
    gateway: GatewayProcess, upstream: ReplayServer, model: str, fixture: str
) -> None:
    path = FIXTURES / fixture
    expected = json.loads(path.with_name(path.stem + ".meta.json").read_text())["expected"]
    upstream.queue(fixture_reply(path))
    stream = await client(gateway).chat.completions.create(
        model=model,
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == expected["text"]
    usage = chunks[-1].usage
    assert usage is not None
    assert usage.prompt_tokens == expected["usage"]["input_tokens"]
    assert usage.completion_tokens == expected["usage"]["output_tokens"]


async def test_models_lists_only_providers_with_credentials(gateway: GatewayProcess) -> None:
    models = [m.id async for m in client(gateway).models.list()]
    providers = {m.split("/", 1)[0] for m in models if "/" in m}
    assert {"openai", "anthropic", "gemini"} <= providers
    assert "mistral" not in providers and "groq" not in providers
    assert "demo" in models


async def test_the_demo_model_answers_through_the_gateway(gateway: GatewayProcess) -> None:
    answer = await client(gateway).chat.completions.create(
        model="demo", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.choices[0].message.content


async def test_a_body_that_is_not_a_request_is_a_400(gateway: GatewayProcess) -> None:
    async with httpx.AsyncClient() as raw:
        reply = await raw.post(
            gateway.url + "/chat/completions",
            content=b"{not json",
            headers={"authorization": f"Bearer {gateway.token}"},
        )
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "INVALID_REQUEST"
