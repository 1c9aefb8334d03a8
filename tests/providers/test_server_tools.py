"""Tools a provider runs itself (code execution, web search, URL context) arrive as
:class:`ServerToolUse` events, fold into the answer's ``server_tools`` and are never tool calls
the person answers.

References: Anthropic https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/code-execution-tool
and .../web-search-tool (``server_tool_use``, ``*_tool_result``); OpenAI Responses
https://platform.openai.com/docs/api-reference/responses/object (``web_search_call``,
``code_interpreter_call``, ``file_search_call`` output items); Gemini
https://ai.google.dev/gemini-api/docs/code-execution (``executableCode``,
``codeExecutionResult``) and https://ai.google.dev/gemini-api/docs/url-context.

The corpus has recordings for Anthropic code execution, Bedrock Nova code interpreter and Gemini
URL context; no Responses or Gemini code-execution recording exists, so those streams are built
from the references' shapes.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.types import ChatRequest, Message, ServerToolUse
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.anthropic.wire import parse_message
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.bedrock.wire import parse_converse
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.gemini.events import GeminiChunkParser
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from openmaas_tui.providers.openai_responses.events import parse_response
from tests.providers.helpers import answer
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

KEY = "test-key-0123456789"
QUESTION = (Message.user("what is 65465-6544 * 65464-6+1.02255"),)
BEDROCK_CREDS = Credentials(
    "bedrock",
    {
        Part.ACCESS_KEY_ID: "AKIDEXAMPLEFIXTURE",
        Part.SECRET_ACCESS_KEY: "fixture-secret-access-key-0000",
        Part.REGION: "us-east-1",
    },
)


def _data(name: str) -> list[dict[str, Any]]:
    return [
        json.loads(line[5:])
        for line in fixture_path(name).read_text().splitlines()
        if line.startswith("data:")
    ]


async def test_anthropic_code_execution_is_a_server_tool_not_a_call(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "anthropic/stream_code_execution_server_tool.sse"
    server.queue(fixture_reply(fixture_path(name)))
    request = ChatRequest(model="claude-sonnet-4-6", messages=QUESTION)
    done = await answer(AnthropicAdapter(client, base_url=server.url), request, KEY, stream=True)
    events = _data(name)
    use = next(e["content_block"] for e in events if e.get("content_block", {}).get("id"))
    streamed = "".join(
        e["delta"]["partial_json"]
        for e in events
        if e["type"] == "content_block_delta" and e["index"] == 2
    )
    assert done.tool_calls == () == tuple(expected(name)["tool_calls"])
    assert done.text == expected(name)["text"]
    assert done.server_tools == (
        ServerToolCall(
            use["id"], "bash_code_execution", streamed, "-428330955.97745\n", "completed"
        ),
    )
    assert json.loads(done.server_tools[0].input)["command"].endswith("| bc -l")
    assert done.server_tools[0].summary().startswith('bash_code_execution "echo ')


def test_anthropic_whole_message_web_search() -> None:
    body = {
        "content": [
            {
                "type": "server_tool_use",
                "id": "srvtoolu_1",
                "name": "web_search",
                "input": {"query": "claude shannon birth date"},
            },
            {
                "type": "web_search_tool_result",
                "tool_use_id": "srvtoolu_1",
                "content": [
                    {
                        "type": "web_search_result",
                        "url": "https://en.wikipedia.org/wiki/Claude_Shannon",
                        "title": "Claude Shannon - Wikipedia",
                        "encrypted_content": "EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5",
                        "page_age": "April 30, 2025",
                    }
                ],
            },
            {"type": "text", "text": "Claude Shannon was born on April 30, 1916."},
        ],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 6039, "output_tokens": 931},
    }
    done = parse_message(body, "claude-sonnet-4-5")
    assert done.tool_calls == ()
    assert done.server_tools == (
        ServerToolCall(
            "srvtoolu_1",
            "web_search",
            '{"query": "claude shannon birth date"}',
            "Claude Shannon - Wikipedia <https://en.wikipedia.org/wiki/Claude_Shannon>",
            "completed",
        ),
    )
    assert done.server_tools[0].summary() == 'web_search "claude shannon birth date"'


def _sse(events: list[dict[str, Any]]) -> bytes:
    return b"".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)


SEARCH_ADDED = {"id": "ws_1", "type": "web_search_call", "status": "in_progress"}
SEARCH_DONE = SEARCH_ADDED | {
    "status": "completed",
    "action": {"type": "search", "query": "positive news today", "sources": None},
}
CODE_DONE = {
    "id": "ci_1",
    "type": "code_interpreter_call",
    "status": "completed",
    "code": "print(2 ** 10)",
    "container_id": "cntr_1",
    "outputs": [{"type": "logs", "logs": "1024\n"}],
}
RESPONSE = {
    "id": "resp_1",
    "status": "completed",
    "output": [
        SEARCH_DONE,
        CODE_DONE,
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "1024, and good news.", "annotations": []}],
        },
    ],
    "usage": {"input_tokens": 10, "output_tokens": 20},
}


async def test_responses_built_in_tools_stream_as_server_tools(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    events: list[dict[str, Any]] = [
        {"type": "response.created", "sequence_number": 0, "response": {"status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": SEARCH_ADDED},
        {"type": "response.web_search_call.searching", "output_index": 0, "item_id": "ws_1"},
        {"type": "response.output_item.done", "output_index": 0, "item": SEARCH_DONE},
        {"type": "response.output_item.done", "output_index": 1, "item": CODE_DONE},
        {"type": "response.output_text.delta", "output_index": 2, "delta": "1024, and good news."},
        {"type": "response.completed", "response": RESPONSE},
    ]
    server.queue(Reply(body=_sse(events), content_type="text/event-stream"))
    adapter = OpenAIResponsesAdapter(client, provider="openai", base_url=server.url + "/v1")
    request = ChatRequest(model="gpt-4.1", messages=QUESTION)
    done = await answer(adapter, request, KEY, stream=True)
    search = ServerToolCall(
        "ws_1",
        "web_search",
        '{"type": "search", "query": "positive news today"}',
        None,
        "completed",
    )
    code = ServerToolCall(
        "ci_1", "code_interpreter", '{"code": "print(2 ** 10)"}', "1024\n", "completed"
    )
    assert done.server_tools == (search, code)
    assert done.tool_calls == () and done.text == "1024, and good news."
    assert parse_response(RESPONSE, "gpt-4.1", "openai").server_tools == (search, code)
    assert search.summary() == 'web_search "positive news today"'


async def test_gemini_url_context_from_the_recording(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    name = "gemini/sse_web_fetch.sse"
    server.queue(fixture_reply(fixture_path(name)))
    request = ChatRequest(model="gemini-2.5-flash", messages=QUESTION)
    done = await answer(GeminiAdapter(client, base_url=server.url), request, KEY, stream=True)
    assert done.text == expected(name)["text"] and done.tool_calls == ()
    assert done.server_tools == (
        ServerToolCall(
            "url_context_0",
            "url_context",
            '{"url": "https://ai.pydantic.dev"}',
            None,
            "URL_RETRIEVAL_STATUS_SUCCESS",
        ),
    )


def test_gemini_code_execution_parts_pair_code_and_result() -> None:
    parser = GeminiChunkParser("gemini")
    parts = [
        {"text": "Let me compute."},
        {"executableCode": {"language": "PYTHON", "code": "print(sum(range(5)))"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "10\n"}},
        {"executableCode": {"language": "PYTHON", "code": "1/0"}},
        {"codeExecutionResult": {"outcome": "OUTCOME_FAILED", "output": "ZeroDivisionError"}},
    ]
    events = parser.feed({"candidates": [{"content": {"parts": parts, "role": "model"}}]})
    uses = [e.call for e in events if isinstance(e, ServerToolUse)]
    assert [(u.id, u.name, u.result, u.status) for u in uses] == [
        ("code_execution_0", "code_execution", None, None),
        ("code_execution_0", "", "10\n", "OUTCOME_OK"),
        ("code_execution_1", "code_execution", None, None),
        ("code_execution_1", "", "ZeroDivisionError", "OUTCOME_FAILED"),
    ]
    assert json.loads(uses[0].input) == {"language": "PYTHON", "code": "print(sum(range(5)))"}
    assert uses[0].summary() == 'code_execution "print(sum(range(5)))"'


def test_a_use_folds_its_pieces_and_round_trips_as_json() -> None:
    asked = ServerToolCall("s1", "web_search", '{"query": "a"}')
    answered = ServerToolCall("s1", "", result="found", status="completed")
    whole = asked.merged(answered)
    assert whole == ServerToolCall("s1", "web_search", '{"query": "a"}', "found", "completed")
    assert ServerToolCall.from_dict(whole.as_dict()) == whole
    assert ServerToolCall.from_dict(asked.as_dict()).result is None
    long = ServerToolCall("s2", "code_execution", json.dumps({"code": "x = 1\n" * 40}))
    assert len(long.summary()) <= len('code_execution ""') + 80 and long.summary().endswith('…"')


async def test_bedrock_nova_code_interpreter_from_the_recording() -> None:
    """Bedrock ConverseStream (``toolUse`` with ``type: server_tool_use``, then a
    ``toolResult`` block): https://docs.aws.amazon.com/nova/latest/userguide/code-interpreter.html"""
    name = "bedrock/converse_stream_code_execution.bin"
    server = ReplayServer(fixture_reply(fixture_path(name)))
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = BedrockAdapter(client, base_url=server.url)
            request = ChatRequest(model="us.amazon.nova-micro-v1:0", messages=QUESTION)
            done = await collect(adapter.stream(request, BEDROCK_CREDS), request.model)
    finally:
        await server.stop()
    assert [c.name for c in done.tool_calls] == ["final_result"]
    assert done.server_tools == (
        ServerToolCall(
            "tooluse_VQNZJRUFMoqZzszVsRd4og",
            "nova_code_interpreter",
            '{"snippet":"1234 * 5678"}',
            "7006652",
            "success",
        ),
    )


def test_bedrock_whole_converse_answer_keeps_the_server_tool() -> None:
    payload = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {
                        "toolUse": {
                            "toolUseId": "t1",
                            "name": "nova_code_interpreter",
                            "type": "server_tool_use",
                            "input": {"snippet": "2 + 2"},
                        }
                    },
                    {
                        "toolResult": {
                            "toolUseId": "t1",
                            "status": "success",
                            "type": "nova_code_interpreter_result",
                            "content": [{"json": {"stdOut": "4", "stdErr": "", "exitCode": 0}}],
                        }
                    },
                    {"text": "4"},
                ],
            }
        },
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 1},
    }
    done = parse_converse(payload, "us.amazon.nova-micro-v1:0")
    assert done.tool_calls == () and done.text == "4"
    assert done.server_tools == (
        ServerToolCall("t1", "nova_code_interpreter", '{"snippet": "2 + 2"}', "4", "success"),
    )
