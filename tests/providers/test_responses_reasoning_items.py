"""Responses reasoning items carried over a tool call: with reasoning on and ``store: false``
the request asks ``include: ["reasoning.encrypted_content"]``; the answer keeps each reasoning
item (``id``, ``encrypted_content``, ``summary``); the request that sends the tool's result puts
the item back, unchanged, before the ``function_call`` it led to.

References: https://platform.openai.com/docs/api-reference/responses/create (``include``,
input items ``reasoning`` {type, id, encrypted_content, summary} and ``function_call``) and
https://platform.openai.com/docs/guides/reasoning#encrypted-reasoning-items. The first answer is
the recording ``openai_responses/stream_usage_reasoning.sse`` (gpt-5, a function call after its
reasoning); the second request is checked field by field against that recording and against
the ``openai`` SDK sending the same conversation from the items it parsed.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai

from openmaas_tui.core.reasoning import (
    OPENAI_RESPONSES,
    ReasoningBlock,
    blocks_from_json,
    blocks_json,
)
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    Message,
    ReasoningDelta,
    ToolCall,
    ToolDefinition,
)
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from openmaas_tui.providers.openai_responses.events import parse_response
from openmaas_tui.providers.openai_responses.wire import input_items
from tests.providers.helpers import answer
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "test-key-0123456789"
NAME = "openai_responses/stream_usage_reasoning.sse"
SCHEMA = {
    "type": "object",
    "properties": {"result": {"type": "integer"}},
    "required": ["result"],
    "additionalProperties": False,
}
TOOL = ToolDefinition("final_result", "The final response which ends this conversation", SCHEMA)
QUESTION = Message.user("Calculate 100 * 200 / 3")


def _done_items() -> list[dict[str, Any]]:
    """The recording's ``response.output_item.done`` items, in order."""
    items = []
    for line in fixture_path(NAME).read_text().splitlines():
        if line.startswith("data:"):
            event = json.loads(line[5:])
            if event["type"] == "response.output_item.done":
                items.append(event["item"])
    return items


def _adapter(client: httpx.AsyncClient, server: ReplayServer) -> OpenAIResponsesAdapter:
    return OpenAIResponsesAdapter(client, provider="openai", base_url=server.url + "/v1")


async def _first(server: ReplayServer, client: httpx.AsyncClient) -> Completion:
    server.queue(fixture_reply(fixture_path(NAME)))
    request = ChatRequest(model="gpt-5", messages=(QUESTION,), tools=(TOOL,))
    return await answer(_adapter(client, server), request, KEY, stream=True)


async def _second(
    first: Completion, server: ReplayServer, client: httpx.AsyncClient
) -> dict[str, Any]:
    server.queue(fixture_reply(fixture_path("openai_responses/stream_basic.sse")))
    call = first.tool_calls[0]
    request = ChatRequest(
        model="gpt-5",
        messages=(
            QUESTION,
            Message.assistant(first.text, first.tool_calls, first.reasoning_blocks),
            Message.tool_result(call.id or "", call.name, "6666"),
        ),
        tools=(TOOL,),
    )
    await answer(_adapter(client, server), request, KEY, stream=True)
    body: dict[str, Any] = server.last.json()
    return body


async def test_reasoning_asks_for_encrypted_content_and_keeps_the_item(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    first = await _first(server, client)
    sent = server.last.json()
    assert sent["store"] is False and sent["include"] == ["reasoning.encrypted_content"]
    assert sent["reasoning"] == {"summary": "auto"}
    reasoning, call = _done_items()
    assert first.reasoning_blocks == (
        ReasoningBlock("", reasoning["encrypted_content"], None, OPENAI_RESPONSES, reasoning["id"]),
    )
    assert [c.id for c in first.tool_calls] == [call["call_id"]]
    # kept through the history's column as they are
    assert blocks_from_json(blocks_json(first.reasoning_blocks)) == first.reasoning_blocks


async def test_the_tool_result_goes_back_after_the_reasoning_item(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    first = await _first(server, client)
    body = await _second(first, server, client)
    reasoning, call = _done_items()
    user, item, function_call, output = body["input"]
    assert user == {"role": "user", "content": QUESTION.text}
    assert item == {
        "type": "reasoning",
        "id": reasoning["id"],
        "encrypted_content": reasoning["encrypted_content"],
        "summary": reasoning["summary"],
    }
    assert function_call == {
        "type": "function_call",
        "call_id": call["call_id"],
        "name": call["name"],
        "arguments": call["arguments"],
    }
    assert output == {"type": "function_call_output", "call_id": call["call_id"], "output": "6666"}
    assert body["include"] == ["reasoning.encrypted_content"]


async def test_the_second_request_matches_the_sdk(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path(NAME)))
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=server.url + "/v1")
    items: list[Any] = []
    stream = await sdk.responses.create(
        model="gpt-5", input=QUESTION.text, stream=True, store=False
    )
    async for event in stream:
        if event.type == "response.output_item.done":
            items.append(event.item.to_dict())
    call_id = items[1]["call_id"]
    server.queue(fixture_reply(fixture_path("openai_responses/stream_basic.sse")))
    await sdk.responses.create(
        model="gpt-5",
        input=[
            {"role": "user", "content": QUESTION.text},
            *items,
            {"type": "function_call_output", "call_id": call_id, "output": "6666"},
        ],
        store=False,
        include=["reasoning.encrypted_content"],
    )
    want = server.last.json()["input"]
    first = await _first(server, client)
    ours = (await _second(first, server, client))["input"]
    assert ours[0] == want[0] and ours[3] == want[3]
    assert ours[1] == want[1]  # the reasoning item, exactly as the SDK serialises it
    assert ours[2] == {k: want[2][k] for k in ("type", "call_id", "name", "arguments")}


def test_a_whole_response_keeps_the_item_and_its_summary() -> None:
    payload = {
        "status": "completed",
        "output": [
            {
                "id": "rs_1",
                "type": "reasoning",
                "encrypted_content": "gAAAA-1",
                "summary": [
                    {"type": "summary_text", "text": "**Plan**\n\nMultiply."},
                    {"type": "summary_text", "text": "**Check**\n\nDivide."},
                ],
            },
            {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
        ],
    }
    done = parse_response(payload, "o3", "openai")
    (block,) = done.reasoning_blocks
    assert block == ReasoningBlock(
        "**Plan**\n\nMultiply.\n\n**Check**\n\nDivide.",
        "gAAAA-1",
        None,
        OPENAI_RESPONSES,
        "rs_1",
        ("**Plan**\n\nMultiply.", "**Check**\n\nDivide."),
    )
    assert done.reasoning == block.text
    replayed = [e for e in done.events() if isinstance(e, ReasoningDelta)]
    assert replayed == [
        ReasoningDelta(block.text, "gAAAA-1", None, OPENAI_RESPONSES, "rs_1", block.parts)
    ]


def test_a_block_from_another_wire_stays_home() -> None:
    anthropic = ReasoningBlock("t", "sig", origin="anthropic")
    unsigned = ReasoningBlock("t", None, None, OPENAI_RESPONSES, "rs_2")
    call = ToolCall("f", "{}", "c1")
    request = ChatRequest(
        model="o3",
        messages=(QUESTION, Message.assistant("ok", (call,), (anthropic, unsigned))),
    )
    assert [i.get("type") for i in input_items(request)] == [None, None, "function_call"]
    signed = ReasoningBlock("", "gAAAA-2", None, OPENAI_RESPONSES, "rs_3")
    plain = ChatRequest(model="o3", messages=(QUESTION, Message.assistant("ok", (), (signed,))))
    assert [i.get("type") for i in input_items(plain)] == [None, None]  # no call: not sent
