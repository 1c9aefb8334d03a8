"""A Claude client continues a conversation with thinking through ``openmaas serve``: the
signatures it was given come back to the provider that made them, passed through to Anthropic
and translated to Gemini alike."""

from __future__ import annotations

from typing import Any

import anthropic
from anthropic.types import MessageParam

from tests.conftest import FIXTURES
from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply, load_meta


def _sdk(gateway: GatewayProcess) -> anthropic.AsyncAnthropic:
    root = gateway.url.removesuffix("/v1")
    return anthropic.AsyncAnthropic(base_url=root, api_key=gateway.token, max_retries=0)


async def test_a_tool_call_with_thinking_continues_on_anthropic(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    recorded = FIXTURES / "anthropic/json_thinking_tool_use.json"
    asked: dict[str, Any] = load_meta(recorded)["request"]["body"]
    asked = {k: v for k, v in asked.items() if k != "stream"}
    upstream.queue(fixture_reply(recorded))
    sdk = _sdk(gateway)
    message = await sdk.messages.create(**asked)
    thinking, _, call = message.content
    assert thinking.type == "thinking" and thinking.signature
    assert call.type == "tool_use"
    turn: list[MessageParam] = [
        *asked["messages"],
        {"role": "assistant", "content": message.content},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "15 C"}],
        },
    ]
    upstream.queue(fixture_reply(FIXTURES / "anthropic/stream_after_tool_result.sse"))
    async with sdk.messages.stream(**{**asked, "messages": turn}) as stream:
        await stream.get_final_message()
    sent = upstream.last.json()["messages"][-2]["content"][0]
    assert sent == {
        "type": "thinking",
        "thinking": thinking.thinking,
        "signature": thinking.signature,
    }


async def test_a_gemini_thought_signature_comes_back_to_gemini(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(fixture_reply(FIXTURES / "gemini/sse_vertex_flex.sse"))
    sdk = _sdk(gateway)
    first: list[MessageParam] = [{"role": "user", "content": "Say OK"}]
    async with sdk.messages.stream(
        model="gemini-2.5-flash", max_tokens=256, messages=first
    ) as stream:
        message = await stream.get_final_message()
    signed = [b for b in message.content if b.type == "thinking"]
    assert [b.type for b in message.content] == ["text", "thinking"]
    assert signed[0].signature.startswith("CiQBjz1r") and signed[0].thinking == ""
    assert message.usage.input_tokens == 5
    upstream.queue(fixture_reply(FIXTURES / "gemini/sse_text.sse"))
    turn: list[MessageParam] = [
        *first,
        {"role": "assistant", "content": message.content},
        {"role": "user", "content": "And again?"},
    ]
    async with sdk.messages.stream(
        model="gemini-2.5-flash", max_tokens=256, messages=turn
    ) as stream:
        await stream.get_final_message()
    model_turn = upstream.last.json()["contents"][1]
    assert model_turn["role"] == "model"
    assert model_turn["parts"][0] == {"text": "OK", "thoughtSignature": signed[0].signature}


async def test_message_start_carries_geminis_prompt_count(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(fixture_reply(FIXTURES / "gemini/sse_text.sse"))
    stream = await _sdk(gateway).messages.create(
        model="gemini-2.5-flash",
        max_tokens=256,
        messages=[{"role": "user", "content": "Capital of France?"}],
        stream=True,
    )
    events = [event async for event in stream]
    start = events[0]
    assert start.type == "message_start"
    assert start.message.usage.input_tokens == 15  # the recording's promptTokenCount


async def test_a_signed_gemini_call_continues_with_its_signature(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    upstream.queue(fixture_reply(FIXTURES / "gemini/sse_function_call_thought_signature.sse"))
    sdk = _sdk(gateway)
    tool: dict[str, Any] = {
        "name": "get_country",
        "description": "the user's country",
        "input_schema": {"type": "object", "properties": {}},
    }
    first: list[MessageParam] = [{"role": "user", "content": "Capital of my country?"}]
    asked: dict[str, Any] = {"model": "gemini-2.5-flash", "max_tokens": 256, "tools": [tool]}
    async with sdk.messages.stream(**asked, messages=first) as stream:
        message = await stream.get_final_message()
    signed, call = message.content
    assert signed.type == "thinking" and signed.thinking == "" and signed.signature
    assert call.type == "tool_use" and call.name == "get_country"
    turn: list[MessageParam] = [
        *first,
        {"role": "assistant", "content": message.content},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "France"}],
        },
    ]
    upstream.queue(fixture_reply(FIXTURES / "gemini/sse_text.sse"))
    async with sdk.messages.stream(**asked, messages=turn) as stream:
        await stream.get_final_message()
    model_turn = upstream.last.json()["contents"][1]
    assert [part.get("thoughtSignature") for part in model_turn["parts"]] == [signed.signature]
    assert model_turn["parts"][0]["functionCall"]["name"] == "get_country"
