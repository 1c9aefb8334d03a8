"""OpenAI chat to an OpenAI-compatible target passes through: the client's body goes upstream as
written (the model routed, usage forced on) and the provider's bytes come back as received,
while the exchange still reads every event for the usage, the cost and the ledger."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

import httpx
import openai

from tests.conftest import FIXTURES
from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply, load_meta

STREAM = FIXTURES / "openai/chat_stream_tool_call_usage.sse"
WHOLE = FIXTURES / "openai/chat_json_tool_call.json"


def _frames(body: bytes) -> list[bytes]:
    """The SSE events of ``body``, each with its blank line."""
    return [frame + b"\n\n" for frame in body.split(b"\n\n") if frame]


def _is_usage(frame: bytes) -> bool:
    data = frame.strip()
    if not data.startswith(b"data: {"):
        return False
    return bool(json.loads(data[6:]).get("choices") == [])


async def _post(
    gateway: GatewayProcess, body: dict[str, Any], path: str = "/chat/completions"
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(
            gateway.url + path,
            json=body,
            headers={"authorization": f"Bearer {gateway.token}"},
        )


async def _ledger_after(
    gateway: GatewayProcess, count: int, model: str | None = None
) -> list[tuple[Any, ...]]:
    """The ledger's rows (of ``model`` only, when given) once there are more than ``count``:
    a row is written as its answer ends, just after the answer's last byte went out."""
    for _ in range(500):
        rows = [row for row in _ledger(gateway) if model is None or row[2] == model]
        if len(rows) > count:
            return rows
        await asyncio.sleep(0.01)
    return rows


def _ledger(gateway: GatewayProcess) -> list[tuple[Any, ...]]:
    if not (gateway.home / "data" / "history.db").exists():
        return []  # nothing recorded yet
    db = sqlite3.connect(gateway.home / "data" / "history.db")
    try:
        return db.execute(
            "SELECT source, provider, model, input_tokens, output_tokens, cost_usd "
            "FROM spend_ledger ORDER BY id"
        ).fetchall()
    except sqlite3.OperationalError:  # the history is being created
        return []
    finally:
        db.close()


async def test_a_stream_comes_back_byte_for_byte_without_the_usage_chunk_not_asked_for(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    recorded = STREAM.read_bytes()
    asked = dict(load_meta(STREAM)["request"]["body"])
    asked.pop("stream_options")  # the client does not ask for usage
    asked["user"] = "someone"  # a field the gateway has no reader for goes as written
    upstream.queue(fixture_reply(STREAM))
    before = len(_ledger(gateway))
    reply = await _post(gateway, asked)
    assert reply.status_code == 200
    assert "x-openmaas-dropped" not in reply.headers
    assert reply.content == b"".join(f for f in _frames(recorded) if not _is_usage(f))
    sent = upstream.last.json()
    assert sent == {**asked, "stream_options": {"include_usage": True}}
    usage = json.loads(next(f for f in _frames(recorded) if _is_usage(f))[6:])["usage"]
    rows = await _ledger_after(gateway, before)
    assert len(rows) == before + 1
    source, provider, model, tokens_in, tokens_out, cost = rows[-1]
    assert (source, provider, model) == ("gateway", "openai", "gpt-4o-mini")
    assert (tokens_in, tokens_out) == (usage["prompt_tokens"], usage["completion_tokens"])
    assert cost > 0


async def test_the_usage_chunk_asked_for_is_the_providers_with_the_cost_added(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    recorded = STREAM.read_bytes()
    asked = load_meta(STREAM)["request"]["body"]
    upstream.queue(fixture_reply(STREAM))
    reply = await _post(gateway, asked)
    frames = _frames(recorded)
    at = next(i for i, f in enumerate(frames) if _is_usage(f))
    got = _frames(reply.content)
    assert got[:at] == frames[:at]  # every event before the usage chunk, as received
    assert got[at + 1 :] == frames[at + 1 :] == [b"data: [DONE]\n\n"]
    theirs = json.loads(frames[at][6:])
    ours = json.loads(got[at][6:])
    assert {k: v for k, v in ours.items() if k != "usage"} == {
        k: v for k, v in theirs.items() if k != "usage"
    }
    assert {k: v for k, v in ours["usage"].items() if k not in ("cost", "price_as_of")} == theirs[
        "usage"
    ]
    assert ours["usage"]["cost"] > 0 and len(ours["usage"]["price_as_of"]) == 10


async def test_a_whole_answer_is_the_providers_body_with_the_cost_added(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    asked = load_meta(WHOLE)["request"]["body"]
    upstream.queue(fixture_reply(WHOLE))
    reply = await _post(gateway, asked)
    assert reply.status_code == 200
    theirs = json.loads(WHOLE.read_bytes())
    ours = reply.json()
    assert {k: v for k, v in ours.items() if k != "usage"} == {
        k: v for k, v in theirs.items() if k != "usage"
    }
    assert ours["usage"]["prompt_tokens"] == theirs["usage"]["prompt_tokens"]
    assert ours["usage"]["cost"] > 0
    assert float(reply.headers["x-openmaas-cost-usd"]) == ours["usage"]["cost"]
    assert upstream.last.json() == {k: v for k, v in asked.items() if k != "stream"}


RESPONSES = FIXTURES / "openai_responses"


async def test_a_responses_stream_comes_back_byte_for_byte_through_the_openai_sdk(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    recorded = RESPONSES / "stream_basic.sse"
    asked = load_meta(recorded)["request"]["body"]
    expected = load_meta(recorded)["expected"]
    upstream.queue(fixture_reply(recorded))
    reply = await _post(gateway, asked, "/responses")
    assert reply.status_code == 200
    assert reply.content == recorded.read_bytes()
    assert upstream.last.path == "/v1/responses" and upstream.last.json() == asked
    rows = await _ledger_after(gateway, 0, model="gpt-5.5")
    assert rows[-1][3:5] == (
        expected["usage"]["input_tokens"],
        expected["usage"]["output_tokens"],
    )
    upstream.queue(fixture_reply(recorded))
    sdk = openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.token, max_retries=0)
    stream = await sdk.responses.create(
        model="gpt-5.5", input="Reply with exactly: pong", stream=True
    )
    events = [event async for event in stream]
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == expected["text"]


async def test_a_whole_responses_answer_is_the_providers_body(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    recorded = RESPONSES / "json_basic.json"
    upstream.queue(fixture_reply(recorded))
    asked = load_meta(recorded)["request"]["body"]
    reply = await _post(gateway, asked, "/responses")
    assert reply.status_code == 200
    assert reply.content == recorded.read_bytes()
    assert float(reply.headers["x-openmaas-cost-usd"]) > 0


async def test_responses_to_a_provider_without_that_api_is_a_400(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    reply = await _post(gateway, {"model": "claude-sonnet-4-5", "input": "hi"}, "/responses")
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "INVALID_REQUEST"
    assert upstream.requests == []


async def test_a_body_holding_nan_or_infinity_is_a_400_on_both_openai_routes(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    """Python reads NaN and Infinity, JSON has neither: a body holding one in a field no check
    looks at is refused as not JSON, not sent on to fail upstream."""
    headers = {"authorization": f"Bearer {gateway.token}", "content-type": "application/json"}
    bodies = {
        "/chat/completions": b'{"model": "gpt-4o-mini", "messages": [{"role": "user", '
        b'"content": "hi"}], "metadata": {"score": NaN}}',
        "/responses": b'{"model": "gpt-4o-mini", "input": "hi", "temperature": -Infinity}',
    }
    async with httpx.AsyncClient(timeout=30) as http:
        for path, body in bodies.items():
            reply = await http.post(gateway.url + path, content=body, headers=headers)
            assert reply.status_code == 400, path
            error = reply.json()["error"]
            assert error["code"] == "INVALID_REQUEST"
            assert "which JSON does not allow" in error["message"]
    assert upstream.requests == []
