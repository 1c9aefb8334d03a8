"""Extended thinking with tools: Claude's thinking blocks (with their signature) and redacted
blocks (with their data) are kept with the assistant turn and sent back with its ``tool_use``,
unchanged and first, as Anthropic requires; Bedrock's ``reasoningContent`` likewise.

References: https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking (section
"Preserving thinking blocks": during tool use the thinking blocks of the last assistant turn go
back unmodified, ``thinking`` with its ``signature``, ``redacted_thinking`` with its ``data``)
and https://docs.anthropic.com/en/api/messages (content blocks ``thinking`` {type, thinking,
signature}, ``redacted_thinking`` {type, data}); Bedrock:
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.types import ChatRequest, Completion, Message, ToolCall, ToolDefinition
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.anthropic.wire import messages
from openmaas_tui.providers.bedrock.wire import request_body as bedrock_body
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from tests.providers.helpers import answer
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

KEY = "test-key-0123456789"
TOOL = ToolDefinition("get_user_country", "", {"type": "object", "properties": {}})
QUESTION = Message.user("What is the largest city in the user country?")


def _recorded(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(fixture_path(name).read_bytes())
    return body


async def _continue(
    first: Completion, server: ReplayServer, client: httpx.AsyncClient
) -> dict[str, Any]:
    """Send the tool result after ``first`` (with thinking on, as the recording asked) and
    return the body Anthropic received."""
    server.queue(fixture_reply(fixture_path("anthropic/stream_after_tool_result.sse")))
    call = first.tool_calls[0]
    request = ChatRequest(
        model="claude-sonnet-4-0",
        messages=(
            QUESTION,
            Message.assistant(first.text, first.tool_calls, first.reasoning_blocks),
            Message.tool_result(call.id or "", call.name, "Mexico"),
        ),
        tools=(TOOL,),
        thinking_budget=3000,
        max_tokens=4096,
    )
    adapter = AnthropicAdapter(client, base_url=server.url)
    await answer(adapter, request, KEY, stream=True)
    body: dict[str, Any] = server.requests[-1].json()
    return body


async def test_a_thinking_tool_use_turn_goes_back_with_its_signed_block(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "anthropic/json_thinking_tool_use.json"
    server.queue(fixture_reply(fixture_path(name)))
    request = ChatRequest(model="claude-sonnet-4-0", messages=(QUESTION,), tools=(TOOL,))
    first = await answer(AnthropicAdapter(client, base_url=server.url), request, KEY, stream=False)
    thinking, text, use = _recorded(name)["content"]
    assert first.reasoning == expected(name)["reasoning"] == thinking["thinking"]
    assert first.reasoning_blocks == (
        ReasoningBlock(thinking["thinking"], thinking["signature"], origin="anthropic"),
    )

    body = await _continue(first, server, client)
    user, assistant, results = body["messages"]
    assert user == {"role": "user", "content": QUESTION.text}
    assert assistant["role"] == "assistant"
    # the thinking block first, unchanged: type, thinking, signature and nothing else
    assert assistant["content"] == [
        {"type": "thinking", "thinking": thinking["thinking"], "signature": thinking["signature"]},
        {"type": "text", "text": text["text"]},
        {"type": "tool_use", "id": use["id"], "name": use["name"], "input": use["input"]},
    ]
    assert results == {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": use["id"], "content": "Mexico"}],
    }
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 3000}


async def test_a_streamed_thinking_block_keeps_its_signature(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "anthropic/stream_thinking.sse"
    server.queue(fixture_reply(fixture_path(name)))
    request = ChatRequest(model="claude-sonnet-4-0", messages=(QUESTION,))
    first = await answer(AnthropicAdapter(client, base_url=server.url), request, KEY, stream=True)
    events = [
        json.loads(line[5:])
        for line in fixture_path(name).read_text().splitlines()
        if line.startswith("data:")
    ]
    signature = next(
        e["delta"]["signature"]
        for e in events
        if e["type"] == "content_block_delta" and e["delta"]["type"] == "signature_delta"
    )
    assert first.reasoning == expected(name)["reasoning"]
    assert first.reasoning_blocks == (
        ReasoningBlock(expected(name)["reasoning"], signature, origin="anthropic"),
    )

    # the same answer, as if it had called a tool: the block goes back before the call
    with_call = Completion(
        first.text,
        first.reasoning,
        (*first.tool_calls, *_a_call()),
        first.finish_reason,
        first.finish_reason_raw,
        first.usage,
        first.model,
        first.reasoning_blocks,
    )
    body = await _continue(with_call, server, client)
    content = body["messages"][1]["content"]
    assert content[0] == {
        "type": "thinking",
        "thinking": expected(name)["reasoning"],
        "signature": signature,
    }
    assert [b["type"] for b in content] == ["thinking", "text", "tool_use"]


def _a_call() -> tuple[ToolCall, ...]:
    return (ToolCall("get_user_country", "{}", "toolu_01"),)


def _sse(*events: dict[str, Any]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


REDACTED_DATA = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP"
"""An opaque redacted block, of the shape Anthropic's docs show (base64)."""


async def test_a_redacted_block_is_shown_as_such_and_sent_back_whole(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """No recording holds a ``redacted_thinking`` block: this stream is built as the
    streaming reference shows it (the block arrives whole in ``content_block_start``)."""
    start: dict[str, Any] = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    start |= {"model": "claude-sonnet-4-0", "usage": {"input_tokens": 20, "output_tokens": 1}}
    body = _sse(
        {"type": "message_start", "message": start},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "redacted_thinking", "data": REDACTED_DATA},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "tool_use", "id": "toolu_9", "name": TOOL.name, "input": {}},
        },
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 40},
        },
        {"type": "message_stop"},
    )
    server.queue(Reply(body=body, content_type="text/event-stream"))
    request = ChatRequest(model="claude-sonnet-4-0", messages=(QUESTION,), tools=(TOOL,))
    first = await answer(AnthropicAdapter(client, base_url=server.url), request, KEY, stream=True)
    assert first.reasoning == "[redacted thinking]\n"
    assert first.reasoning_blocks == (ReasoningBlock(redacted=REDACTED_DATA, origin="anthropic"),)

    sent = await _continue(first, server, client)
    assert sent["messages"][1]["content"] == [
        {"type": "redacted_thinking", "data": REDACTED_DATA},
        {"type": "tool_use", "id": "toolu_9", "name": TOOL.name, "input": {}},
    ]


def test_a_turn_without_kept_blocks_is_sent_as_before() -> None:
    plain = ChatRequest(model="m", messages=(QUESTION, Message.assistant("Paris.")))
    assert messages(plain)[1] == {"role": "assistant", "content": "Paris."}


def test_bedrock_sends_reasoning_content_back_before_the_turn() -> None:
    """Converse ``reasoningContent``: ``reasoningText`` {text, signature} or
    ``redactedContent`` (base64), before the turn's text and ``toolUse``."""
    blocks = (
        ReasoningBlock("Weather needs a tool.", "sig-1", origin="bedrock"),
        ReasoningBlock(redacted="UkVE", origin="bedrock"),
        ReasoningBlock("Claude's own.", "sig-a", origin="anthropic"),  # not Bedrock's to check
    )
    call = _a_call()[0]
    request = ChatRequest(
        model="anthropic.claude-sonnet-4",
        messages=(QUESTION, Message.assistant("", (call,), blocks)),
    )
    assistant = bedrock_body(request)["messages"][1]
    assert assistant == {
        "role": "assistant",
        "content": [
            {
                "reasoningContent": {
                    "reasoningText": {"text": "Weather needs a tool.", "signature": "sig-1"}
                }
            },
            {"reasoningContent": {"redactedContent": "UkVE"}},
            {"toolUse": {"toolUseId": "toolu_01", "name": "get_user_country", "input": {}}},
        ],
    }


def test_blocks_go_back_only_to_the_wire_that_signed_them() -> None:
    """A conversation that changes models mid-way: another provider cannot check a block's
    signature (Anthropic answers 400 to a foreign one), so it is left out there, and the turn
    is sent as plain text and calls."""
    blocks = (
        ReasoningBlock("Bedrock's.", "sig-b", origin="bedrock"),
        ReasoningBlock("Gemini's.", "sig-g", origin="gemini"),
    )
    request = ChatRequest(model="m", messages=(QUESTION, Message.assistant("Paris.", (), blocks)))
    assert messages(request)[1] == {"role": "assistant", "content": "Paris."}
    converse = bedrock_body(request)["messages"][1]["content"]
    assert converse == [
        {"reasoningContent": {"reasoningText": {"text": "Bedrock's.", "signature": "sig-b"}}},
        {"text": "Paris."},
    ]


async def test_gemini_keeps_a_text_part_signature_and_sends_it_back_on_that_part(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://ai.google.dev/gemini-api/docs/thought-signatures: Gemini 3 may sign a text part
    (``thoughtSignature`` beside ``text``); the signature goes back on that part of the model
    turn (recommended for text, required for function calls, which the tools code covers)."""
    name = "gemini/sse_vertex_flex.sse"
    events = [
        json.loads(line[5:])
        for line in fixture_path(name).read_text().splitlines()
        if line.startswith("data:")
    ]
    signed = [
        part
        for e in events
        for part in e["candidates"][0]["content"]["parts"]
        if "thoughtSignature" in part
    ]
    [part] = signed
    server.queue(fixture_reply(fixture_path(name)))
    adapter = GeminiAdapter(client, base_url=server.url)
    request = ChatRequest(model="gemini-3-flash-preview", messages=(QUESTION,))
    first = await answer(adapter, request, KEY, stream=True)
    assert first.text == expected(name)["text"] and first.reasoning is None
    assert first.reasoning_blocks == (
        ReasoningBlock("", part["thoughtSignature"], origin="gemini"),
    )

    server.queue(fixture_reply(fixture_path("gemini/sse_text.sse")))
    again = ChatRequest(
        model="gemini-3-flash-preview",
        messages=(
            QUESTION,
            Message.assistant(first.text, (), first.reasoning_blocks),
            Message.user("And?"),
        ),
    )
    await answer(adapter, again, KEY, stream=True)
    model_turn = server.requests[-1].json()["contents"][1]
    assert model_turn == {
        "role": "model",
        "parts": [{"text": first.text, "thoughtSignature": part["thoughtSignature"]}],
    }
