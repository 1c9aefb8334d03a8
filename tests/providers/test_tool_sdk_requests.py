"""Each official SDK builds the same tool call (a tool definition, a named tool choice, an
assistant call and its result) and sends it to a loopback server; our adapter's request for the
same conversation must carry the same tools, tool choice and messages.

The SDKs serialise from their own types where they have them (google-genai's
``FunctionDeclaration``, ``FunctionCall`` and ``FunctionResponse``; ollama's ``Message`` and
``Tool``), so those comparisons check our translation against the provider's own code.
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import cohere
import httpx
import ollama
import openai
from google import genai
from google.genai import types
from mistralai.client import Mistral

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.types import ChatRequest, Message, ToolCall, ToolChoice, ToolDefinition
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import Adapter, collect
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "test-key-0123456789"
SCHEMA = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
TOOL = ToolDefinition("lookup", "Look something up.", SCHEMA)
OPENAI_TOOL = {
    "type": "function",
    "function": {"name": "lookup", "description": "Look something up.", "parameters": SCHEMA},
}
CALL = ToolCall("lookup", '{"q": "Paris"}', "call_1")
QUESTION = "Weather in Paris?"
REQUEST = ChatRequest(
    model="test-model",
    messages=(
        Message.user(QUESTION),
        Message.assistant("", (CALL,)),
        Message.tool_result("call_1", "lookup", "sunny"),
    ),
    tools=(TOOL,),
    tool_choice=ToolChoice.parse("lookup"),
)


async def _ours(adapter: Adapter, server: ReplayServer) -> dict[str, Any]:
    await collect(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model)
    body: dict[str, Any] = server.last.json()
    return body


def _pick(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: body.get(name) for name in names}


async def test_openai_chat_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://platform.openai.com/docs/api-reference/chat/create"""
    server.queue(fixture_reply(fixture_path("openai/chat_json_text_after_tools.json")))
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=server.url + "/v1")
    call: dict[str, Any] = dict(
        model="test-model",
        messages=[
            {"role": "user", "content": QUESTION},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        ],
        tools=[OPENAI_TOOL],
        tool_choice={"type": "function", "function": {"name": "lookup"}},
    )
    await sdk.chat.completions.create(**call)
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("openai/chat_stream_tool_call_usage.sse")))
    ours = await _ours(OpenAIChatAdapter(client, base_url=server.url + "/v1"), server)
    names = ("messages", "tools", "tool_choice")
    assert _pick(ours, *names) == _pick(want, *names)


async def test_anthropic_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.anthropic.com/en/api/messages"""
    server.queue(fixture_reply(fixture_path("anthropic/json_text.json")))
    sdk = anthropic.AsyncAnthropic(api_key=KEY, base_url=server.url)
    call: dict[str, Any] = dict(
        model="test-model",
        max_tokens=100,
        messages=[
            {"role": "user", "content": QUESTION},
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "call_1", "name": "lookup", "input": {"q": "Paris"}}
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "call_1", "content": "sunny"}],
            },
        ],
        tools=[{"name": "lookup", "description": "Look something up.", "input_schema": SCHEMA}],
        tool_choice={"type": "tool", "name": "lookup"},
    )
    await sdk.messages.create(**call)
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("anthropic/stream_text.sse")))
    ours = await _ours(AnthropicAdapter(client, base_url=server.url), server)
    names = ("messages", "tools", "tool_choice")
    assert _pick(ours, *names) == _pick(want, *names)


async def test_gemini_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://ai.google.dev/api/generate-content and https://ai.google.dev/api/caching#Tool;
    the SDK writes the schema's type upper-case (``OBJECT``), which the API reads alike."""
    server.queue(fixture_reply(fixture_path("gemini/json_text.json")))
    options = types.HttpOptions(base_url=server.url, api_version="v1beta")
    sdk = genai.Client(api_key=KEY, http_options=options)
    await sdk.aio.models.generate_content(
        model="test-model",
        contents=[
            types.Content(role="user", parts=[types.Part(text=QUESTION)]),
            types.Content(
                role="model",
                parts=[
                    types.Part(
                        function_call=types.FunctionCall(
                            id="call_1", name="lookup", args={"q": "Paris"}
                        )
                    )
                ],
            ),
            types.Content(
                role="user",
                parts=[
                    types.Part(
                        function_response=types.FunctionResponse(
                            id="call_1", name="lookup", response={"output": "sunny"}
                        )
                    )
                ],
            ),
        ],
        config=types.GenerateContentConfig(
            tools=[
                types.Tool(
                    function_declarations=[
                        types.FunctionDeclaration(
                            name="lookup",
                            description="Look something up.",
                            parameters=types.Schema.model_validate(SCHEMA),
                        )
                    ]
                )
            ],
            tool_config=types.ToolConfig(
                function_calling_config=types.FunctionCallingConfig(
                    mode=types.FunctionCallingConfigMode.ANY, allowed_function_names=["lookup"]
                )
            ),
        ),
    )
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("gemini/sse_text.sse")))
    ours = await _ours(GeminiAdapter(client, base_url=server.url), server)
    assert ours["contents"] == want["contents"]
    assert ours["toolConfig"] == want["toolConfig"]
    declared = want["tools"][0]["functionDeclarations"][0]
    declared["parameters"] = json.loads(json.dumps(declared["parameters"]).lower())
    assert ours["tools"] == [{"functionDeclarations": [declared]}]


async def test_ollama_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-tools"""
    server.queue(fixture_reply(fixture_path("ollama/chat_json_text.json")))
    async with ollama.AsyncClient(host=server.url) as sdk:
        call: dict[str, Any] = dict(
            model="test-model",
            messages=[
                ollama.Message(role="user", content=QUESTION),
                ollama.Message(
                    role="assistant",
                    content="",
                    tool_calls=[
                        ollama.Message.ToolCall(
                            function=ollama.Message.ToolCall.Function(
                                name="lookup", arguments={"q": "Paris"}
                            )
                        )
                    ],
                ),
                ollama.Message(role="tool", content="sunny", tool_name="lookup"),
            ],
            tools=[OPENAI_TOOL],
        )
        await sdk.chat(**call)
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("ollama/chat_stream_text.ndjson")))
    ours = await _ours(OllamaChatAdapter(client, base_url=server.url), server)
    assert ours["messages"] == want["messages"]
    assert ours["tools"] == want["tools"]
    assert "tool_choice" not in ours  # Ollama has none


async def test_mistral_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.mistral.ai/api/#tag/chat"""
    server.queue(fixture_reply(fixture_path("mistral/json_text.json")))
    sdk = Mistral(api_key=KEY, server_url=server.url)
    call: dict[str, Any] = dict(
        model="test-model",
        messages=[
            {"role": "user", "content": QUESTION},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "name": "lookup", "content": "sunny"},
        ],
        tools=[OPENAI_TOOL],
        tool_choice={"type": "function", "function": {"name": "lookup"}},
    )
    await sdk.chat.complete_async(**call)
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("mistral/stream_text.sse")))
    ours = await _ours(MistralAdapter(client, base_url=server.url + "/v1"), server)
    assert ours["tools"] == want["tools"]
    assert ours["tool_choice"] == want["tool_choice"]
    assert [m["role"] for m in ours["messages"]] == [m["role"] for m in want["messages"]]
    # the SDK fills each call's optional ``index`` with its default, 0
    sdk_calls = [
        {k: v for k, v in c.items() if k != "index"} for c in want["messages"][1]["tool_calls"]
    ]
    assert ours["messages"][1]["tool_calls"] == sdk_calls
    assert ours["messages"][2] == {k: want["messages"][2][k] for k in ours["messages"][2]}


async def test_cohere_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.cohere.com/reference/chat: ``tool_choice`` is REQUIRED or NONE, so one
    named tool among one is REQUIRED."""
    server.queue(fixture_reply(fixture_path("cohere/json_text.json")))
    sdk = cohere.AsyncClientV2(api_key=KEY, base_url=server.url)
    call: dict[str, Any] = dict(
        model="test-model",
        messages=[
            {"role": "user", "content": QUESTION},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "lookup", "arguments": '{"q": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        ],
        tools=[OPENAI_TOOL],
        tool_choice="REQUIRED",
    )
    await sdk.chat(**call)
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("cohere/stream_text.sse")))
    ours = await _ours(CohereAdapter(client, base_url=server.url), server)
    names = ("messages", "tools", "tool_choice")
    assert _pick(ours, *names) == _pick(want, *names)
