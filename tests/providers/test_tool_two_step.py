"""A two-step tool call with each provider that supports tools, against replayed recordings:
the first recording gives the model's calls (exactly those of its meta); the second request,
checked field by field, carries the tools, the assistant's calls and their results in the
provider's own form; the second recording gives the final text.

Where the corpus holds no answer recorded after a tool result (Ollama, Responses, Mistral,
Cohere, Bedrock), a plain text recording of the same provider stands in for the second answer:
what is checked there is the request. The cloud providers' second requests are checked in
:mod:`tests.providers.test_tool_two_step_clouds`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    FinishReason,
    Message,
    ToolChoice,
    ToolDefinition,
)
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter
from openmaas_tui.providers.base import Adapter
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from openmaas_tui.providers.vertex.adapter import VertexAdapter
from tests.providers.helpers import answer
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "test-key-0123456789"
AZURE = Credentials("azure", {Part.API_KEY: KEY})
AWS = Credentials(
    "bedrock",
    {Part.ACCESS_KEY_ID: "AKIDTWOSTEPS0001", Part.SECRET_ACCESS_KEY: "s", Part.REGION: "us-east-1"},
)
VERTEX = Credentials("vertex", {Part.API_KEY: "vertex-express-key-0123456789"})
TOOL = ToolDefinition(
    "lookup",
    "Look something up.",
    {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
)


@dataclass(frozen=True)
class Case:
    """One provider's two steps: the recordings, how to build its adapter, whether the first
    answer and the final one stream, and the credentials (an API key unless given)."""

    first: str
    second: str
    make: Callable[[httpx.AsyncClient, str], Adapter]
    stream: bool = True
    creds: Credentials | None = None
    second_stream: bool = True


CASES = {
    "openai": Case(
        "openai/chat_json_tool_call.json",
        "openai/chat_json_text_after_tools.json",
        lambda c, url: OpenAIChatAdapter(c, base_url=url + "/v1"),
        stream=False,
    ),
    "openai-parallel": Case(
        "openai/chat_stream_parallel_tool_calls_usage.sse",
        "openai/chat_json_text_after_tools.json",
        lambda c, url: OpenAIChatAdapter(c, base_url=url + "/v1"),
    ),
    "openrouter": Case(
        "openrouter/stream_tool_call_repeated_name_no_finish.sse",
        "openrouter/stream_text_after_tool_result.sse",
        lambda c, url: OpenAIChatAdapter(c, provider="openrouter", base_url=url + "/v1"),
    ),
    "anthropic": Case(
        "anthropic/stream_tool_use.sse",
        "anthropic/stream_after_tool_result.sse",
        lambda c, url: AnthropicAdapter(c, base_url=url),
    ),
    "anthropic-parallel": Case(
        "anthropic/json_parallel_tool_calls.json",
        "anthropic/stream_after_tool_result.sse",
        lambda c, url: AnthropicAdapter(c, base_url=url),
        stream=False,
    ),
    "gemini": Case(
        "gemini/sse_function_call_thought_signature.sse",
        "gemini/sse_after_function_response.sse",
        lambda c, url: GeminiAdapter(c, base_url=url),
    ),
    "ollama": Case(
        "ollama/chat_stream_tool_call.ndjson",
        "ollama/chat_stream_text.ndjson",
        lambda c, url: OllamaChatAdapter(c, base_url=url),
    ),
    "openai-responses": Case(
        "openai_responses/stream_function_call.sse",
        "openai_responses/stream_basic.sse",
        lambda c, url: OpenAIResponsesAdapter(c, provider="openai", base_url=url + "/v1"),
    ),
    "mistral": Case(
        "mistral/stream_tool_call.sse",
        "mistral/stream_text.sse",
        lambda c, url: MistralAdapter(c, base_url=url + "/v1"),
    ),
    "cohere": Case(
        "cohere/json_tool_calls.json",
        "cohere/stream_text.sse",
        lambda c, url: CohereAdapter(c, base_url=url),
        stream=False,
    ),
    "azure": Case(
        "openai/chat_stream_parallel_tool_calls_usage.sse",
        "openai/chat_json_text_after_tools.json",
        lambda c, url: AzureOpenAIAdapter(c, provider="azure", base_url=url, api=Api.CHAT),
        creds=AZURE,
    ),
    "azure-responses": Case(
        "openai_responses/stream_function_call.sse",
        "openai_responses/stream_basic.sse",
        lambda c, url: AzureOpenAIAdapter(c, provider="azure", base_url=url, api=Api.RESPONSES),
        creds=AZURE,
    ),
    "bedrock": Case(
        "bedrock/converse_json_tool_call.json",
        "bedrock/converse_json_text.json",
        lambda c, url: BedrockAdapter(c, base_url=url),
        stream=False,
        creds=AWS,
        second_stream=False,
    ),
    "vertex": Case(
        "gemini/sse_function_call_thought_signature.sse",
        "gemini/sse_after_function_response.sse",
        lambda c, url: VertexAdapter(c, base_url=url),
        creds=VERTEX,
    ),
}
"""Azure OpenAI speaks OpenAI's bytes at its own paths, and Vertex AI Gemini's: their cases
replay those recordings (the corpus holds no Azure or Vertex AI tool call); Bedrock's final
answer is its plain text recording."""


def _result_text(index: int) -> str:
    return json.dumps({"answer": f"result {index}"})


async def _two_steps(
    case: Case, server: ReplayServer, client: httpx.AsyncClient
) -> tuple[Completion, Completion, dict[str, Any], ChatRequest]:
    """Run both steps; returns the first answer, the final answer, the second body sent and
    the second request."""
    adapter = case.make(client, server.url)
    server.queue(fixture_reply(fixture_path(case.first)))
    server.queue(fixture_reply(fixture_path(case.second)))
    question = Message.user("Please look it up.")
    first_request = ChatRequest(
        model="test-model",
        messages=(question,),
        tools=(TOOL,),
        tool_choice=ToolChoice.parse("auto"),
    )
    key = case.creds or KEY
    first = await answer(adapter, first_request, key, stream=case.stream)
    results = tuple(
        Message.tool_result(call.id or f"call_{i}", call.name, _result_text(i))
        for i, call in enumerate(first.tool_calls)
    )
    second_request = ChatRequest(
        model="test-model",
        messages=(question, Message.assistant(first.text, first.tool_calls), *results),
        tools=(TOOL,),
    )
    final = await answer(adapter, second_request, key, stream=case.second_stream)
    body = server.requests[-1].json()
    return first, final, body, second_request


@pytest.mark.parametrize("name", sorted(CASES))
async def test_the_first_answer_holds_the_recorded_calls(
    name: str, server: ReplayServer, client: httpx.AsyncClient
) -> None:
    case = CASES[name]
    first, final, _, _ = await _two_steps(case, server, client)
    want = expected(case.first)["tool_calls"]
    got = [(c.name, json.loads(c.arguments or "{}")) for c in first.tool_calls]
    assert got == [(c["name"], json.loads(c["arguments"])) for c in want]
    assert first.finish_reason in (FinishReason.TOOL_CALLS, None)
    assert final.text == expected(case.second)["text"]
    assert final.tool_calls == ()


async def test_openai_chat_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://platform.openai.com/docs/api-reference/chat/create: the assistant message has
    ``tool_calls`` [{id, type: function, function: {name, arguments (a JSON string)}}] and
    ``content`` null when it has no text; each result is {role: tool, tool_call_id, content}."""
    first, _, body, _ = await _two_steps(CASES["openai-parallel"], server, client)
    user, assistant, *results = body["messages"]
    assert user == {"role": "user", "content": "Please look it up."}
    assert assistant == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
            for call in first.tool_calls
        ],
    }
    assert len(first.tool_calls) == 2  # the recording's parallel calls
    assert results == [
        {"role": "tool", "tool_call_id": call.id, "content": _result_text(i)}
        for i, call in enumerate(first.tool_calls)
    ]
    assert body["tools"] == [TOOL.to_openai()]
    assert "tool_choice" not in body


async def test_anthropic_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.anthropic.com/en/api/messages: the assistant turn holds ``tool_use``
    blocks {type, id, name, input (an object)}; the results are ``tool_result`` blocks
    {type, tool_use_id, content} in one user turn; tools are {name, description,
    input_schema}."""
    first, _, body, _ = await _two_steps(CASES["anthropic-parallel"], server, client)
    user, assistant, results = body["messages"]
    assert user == {"role": "user", "content": "Please look it up."}
    uses = [b for b in assistant["content"] if b["type"] == "tool_use"]
    assert uses == [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": json.loads(c.arguments)}
        for c in first.tool_calls
    ]
    assert len(uses) == 4  # the recording's parallel calls
    assert results == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": c.id, "content": _result_text(i)}
            for i, c in enumerate(first.tool_calls)
        ],
    }
    assert body["tools"] == [
        {"name": "lookup", "description": "Look something up.", "input_schema": TOOL.schema()}
    ]


async def test_gemini_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://ai.google.dev/api/caching#FunctionCall and #FunctionResponse, and
    https://ai.google.dev/gemini-api/docs/thought-signatures: the model turn's
    ``functionCall`` part goes back with its ``thoughtSignature``; the result is a
    ``functionResponse`` part {name, response (an object)} in a user turn."""
    first, _, body, _ = await _two_steps(CASES["gemini"], server, client)
    [call] = first.tool_calls
    assert call.signature and call.signature.startswith("EpwICpkI")
    user, model, result = body["contents"]
    assert user == {"role": "user", "parts": [{"text": "Please look it up."}]}
    assert model == {
        "role": "model",
        "parts": [
            {
                "functionCall": {"name": "get_country", "args": {}},
                "thoughtSignature": call.signature,
            }
        ],
    }
    assert result == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_country", "response": {"answer": "result 0"}}}
        ],
    }
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {
                    "name": "lookup",
                    "description": "Look something up.",
                    "parameters": dict(TOOL.parameters),
                }
            ]
        }
    ]


async def test_ollama_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-tools: the
    assistant's ``tool_calls`` carry ``function.arguments`` as an object; a result is
    {role: tool, content, tool_name}."""
    first, _, body, _ = await _two_steps(CASES["ollama"], server, client)
    user, assistant, *results = body["messages"]
    assert assistant == {
        "role": "assistant",
        "tool_calls": [
            {"function": {"name": c.name, "arguments": json.loads(c.arguments)}}
            for c in first.tool_calls
        ],
    }
    assert results == [
        {"role": "tool", "content": _result_text(i), "tool_name": "get_current_weather"}
        for i in range(2)
    ]
    assert body["tools"] == [TOOL.to_openai()]


async def test_responses_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://platform.openai.com/docs/api-reference/responses/create: calls are
    ``function_call`` items {type, call_id, name, arguments}; results ``function_call_output``
    items {type, call_id, output}; tools are flat {type: function, name, description,
    parameters, strict}."""
    first, _, body, _ = await _two_steps(CASES["openai-responses"], server, client)
    [call] = first.tool_calls
    assert body["input"] == [
        {"role": "user", "content": "Please look it up."},
        {
            "type": "function_call",
            "call_id": call.id,
            "name": "multiply",
            "arguments": call.arguments,
        },
        {"type": "function_call_output", "call_id": call.id, "output": _result_text(0)},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "name": "lookup",
            "description": "Look something up.",
            "parameters": dict(TOOL.parameters),
            "strict": False,
        }
    ]


async def test_mistral_and_cohere_second_requests(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://docs.mistral.ai/capabilities/function_calling/ (a tool message names its
    function) and https://docs.cohere.com/docs/tool-use-overview (an assistant turn of calls
    has no content)."""
    first, _, body, _ = await _two_steps(CASES["mistral"], server, client)
    [call] = first.tool_calls
    assert body["messages"][-1] == {
        "role": "tool",
        "tool_call_id": call.id,
        "content": _result_text(0),
        "name": "get_weather",
    }
    first, _, body, _ = await _two_steps(CASES["cohere"], server, client)
    [call] = first.tool_calls
    assert body["messages"][1] == {
        "role": "assistant",
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": "Person", "arguments": call.arguments},
            }
        ],
    }
    assert body["messages"][2] == {
        "role": "tool",
        "tool_call_id": call.id,
        "content": _result_text(0),
    }
    assert body["tools"] == [TOOL.to_openai()]
