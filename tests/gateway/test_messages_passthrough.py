"""Messages to an Anthropic target pass through: the client's body and its
``anthropic-version`` and ``anthropic-beta`` headers go upstream as sent (the model routed, the
key put in), and Anthropic's bytes come back as received, streamed or whole, while the exchange
still reads every event for the usage, the cost and the ledger."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

import anthropic
import httpx
import pytest

from tests.conftest import FIXTURES
from tests.support.gateway import KEYS, GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply, load_meta

STREAM = FIXTURES / "anthropic/stream_tool_use.sse"
WHOLE = FIXTURES / "anthropic/json_thinking_tool_use.json"
BROKEN = FIXTURES / "anthropic/stream_midstream_error.sse"


def _sdk(gateway: GatewayProcess) -> anthropic.AsyncAnthropic:
    root = gateway.url.removesuffix("/v1")
    return anthropic.AsyncAnthropic(base_url=root, api_key=gateway.token, max_retries=0)


async def _post(
    gateway: GatewayProcess, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(
            gateway.url + "/messages",
            json=body,
            headers={"x-api-key": gateway.token, **(headers or {})},
        )


def _ledger(gateway: GatewayProcess) -> list[tuple[Any, ...]]:
    if not (gateway.home / "data" / "history.db").exists():
        return []
    db = sqlite3.connect(gateway.home / "data" / "history.db")
    try:
        return db.execute(
            "SELECT source, provider, input_tokens, output_tokens, cost_usd "
            "FROM spend_ledger ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:  # the history is being created
        return []
    finally:
        db.close()


async def _ledger_after(gateway: GatewayProcess, count: int) -> list[tuple[Any, ...]]:
    """The ledger's rows once there are more than ``count`` (a row is written as its answer
    ends, just after the answer's last byte went out)."""
    rows = _ledger(gateway)
    for _ in range(500):
        if len(rows) > count:
            break
        await asyncio.sleep(0.01)
        rows = _ledger(gateway)
    return rows


async def test_a_stream_comes_back_byte_for_byte_and_is_metered(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    asked = {**load_meta(STREAM)["request"]["body"], "some_future_field": {"kept": True}}
    want = load_meta(STREAM)["expected"]["usage"]
    upstream.queue(fixture_reply(STREAM))
    before = len(_ledger(gateway))
    reply = await _post(
        gateway,
        asked,
        {"anthropic-version": "2023-06-01", "anthropic-beta": "interleaved-thinking-2025-05-14"},
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert "x-openmaas-dropped" not in reply.headers
    assert reply.content == STREAM.read_bytes()
    sent = upstream.last
    assert sent.json() == asked  # the model routes to itself, so nothing else changed
    assert sent.headers["anthropic-beta"] == "interleaved-thinking-2025-05-14"
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.headers["x-api-key"] == KEYS["ANTHROPIC_API_KEY"]
    assert "authorization" not in sent.headers
    assert gateway.token not in sent.body.decode() + json.dumps(sent.headers)
    rows = await _ledger_after(gateway, before)
    source, provider, tokens_in, tokens_out, cost = rows[-1]
    assert (source, provider) == ("gateway", "anthropic")
    assert (tokens_in, tokens_out) == (want["input_tokens"], want["output_tokens"])
    assert cost > 0


async def test_a_whole_answer_is_the_providers_body_with_the_cost_headers(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    asked = load_meta(WHOLE)["request"]["body"]
    upstream.queue(fixture_reply(WHOLE))
    raw = await _sdk(gateway).messages.with_raw_response.create(**asked)
    assert raw.http_response.content == WHOLE.read_bytes()
    message = await raw.parse()
    assert [block.type for block in message.content][0] == "thinking"
    assert float(raw.headers["x-openmaas-cost-usd"]) > 0
    assert float(raw.headers["x-openmaas-ttft-ms"]) >= 0
    sent = upstream.last.json()
    assert sent == {k: v for k, v in asked.items() if k != "stream"}


async def test_the_sdks_beta_header_reaches_anthropic(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(fixture_reply(FIXTURES / "anthropic/stream_text.sse"))
    sdk = _sdk(gateway)
    async with sdk.beta.messages.stream(
        model="claude-sonnet-4-5",
        max_tokens=64,
        messages=[{"role": "user", "content": "hi"}],
        betas=["context-1m-2025-08-07", "token-efficient-tools-2025-02-19"],
    ) as stream:
        message = await stream.get_final_message()
    assert message.content[0].type == "text"
    sent = upstream.last.headers
    assert sent["anthropic-beta"] == "context-1m-2025-08-07,token-efficient-tools-2025-02-19"
    assert sent["anthropic-version"] == sdk.default_headers["anthropic-version"]


async def test_a_stream_anthropic_ends_with_an_error_event_keeps_that_event_alone(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(fixture_reply(BROKEN))
    reply = await _post(gateway, load_meta(BROKEN)["request"]["body"])
    assert reply.status_code == 200
    assert reply.content == BROKEN.read_bytes()
    assert reply.content.count(b"event: error") == 1
    upstream.queue(fixture_reply(BROKEN))
    asked = {k: v for k, v in load_meta(BROKEN)["request"]["body"].items() if k != "stream"}
    with pytest.raises(anthropic.APIStatusError) as caught:
        async with _sdk(gateway).messages.stream(**asked) as stream:
            async for _ in stream:
                pass
    assert "overloaded_error" in str(caught.value.body)


async def test_a_body_this_reader_refuses_still_goes_to_anthropic_as_sent(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    recorded = FIXTURES / "anthropic/stream_text.sse"
    asked = {**load_meta(recorded)["request"]["body"], "thinking": {"type": "someday"}}
    upstream.queue(fixture_reply(recorded))
    reply = await _post(gateway, asked)
    assert reply.status_code == 200 and reply.content == recorded.read_bytes()
    assert upstream.last.json() == asked
    upstream.requests.clear()
    to_gemini = await _post(gateway, {**asked, "model": "gemini-2.5-flash"})
    assert to_gemini.status_code == 400  # translated: the reader's word stands
    assert "thinking.type" in to_gemini.json()["error"]["message"]
    assert upstream.requests == []
