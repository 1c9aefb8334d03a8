"""The second request of a two-step tool call to the three cloud providers, field by field
against each one's API reference (cited per test): Azure OpenAI (Chat Completions and
Responses on OpenAI's recordings at Azure's paths), Bedrock Converse (its recorded tool call,
then its plain text answer) and Vertex AI (Gemini's recordings over Vertex AI's URL and
express-mode key). The steps themselves run in :mod:`tests.providers.test_tool_two_step`."""

from __future__ import annotations

import json

import httpx

from tests.providers.test_tool_two_step import CASES, KEY, TOOL, VERTEX, _result_text, _two_steps
from tests.support.replay import ReplayServer


async def test_azure_chat_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://learn.microsoft.com/azure/ai-foundry/openai/reference (Chat Completions:
    an assistant message's ``tool_calls`` [{id, type: function, function: {name, arguments}}],
    then a ``tool`` message {role, tool_call_id, content} per call) and
    https://learn.microsoft.com/azure/ai-foundry/openai/how-to/function-calling; the v1 path
    ``/openai/v1/chat/completions`` with the deployment as ``model`` and the ``api-key``
    header."""
    first, final, body, _ = await _two_steps(CASES["azure"], server, client)
    sent = server.last
    assert (sent.path, sent.query) == ("/openai/v1/chat/completions", {})
    assert sent.headers["api-key"] == KEY and "authorization" not in sent.headers
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
    assert [c.name for c in first.tool_calls] == ["get_country", "get_product_name"]
    assert results == [
        {"role": "tool", "tool_call_id": call.id, "content": _result_text(i)}
        for i, call in enumerate(first.tool_calls)
    ]
    assert body["tools"] == [TOOL.to_openai()]
    assert body["model"] == "test-model" and final.text == "YES"


async def test_azure_responses_second_request(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://learn.microsoft.com/azure/ai-foundry/openai/how-to/responses (function calling:
    the call goes back as a ``function_call`` item {type, call_id, name, arguments} and its
    result as a ``function_call_output`` item {type, call_id, output}; function tools are flat
    {type, name, description, parameters}); the v1 path ``/openai/v1/responses``."""
    first, _, body, _ = await _two_steps(CASES["azure-responses"], server, client)
    assert server.last.path == "/openai/v1/responses"
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
    assert json.loads(call.arguments) == {"a": 1231, "b": 2331}
    assert body["tools"] == [
        {
            "type": "function",
            "name": "lookup",
            "description": "Look something up.",
            "parameters": dict(TOOL.parameters),
            "strict": False,
        }
    ]


async def test_bedrock_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolUseBlock.html
    (the assistant turn's ``toolUse`` {toolUseId, name, input: an object}),
    API_runtime_ToolResultBlock.html (the result, in a user turn: ``toolResult`` {toolUseId,
    content: [{text}], status: success | error}) and API_runtime_ToolSpecification.html
    (``toolConfig.tools``: ``toolSpec`` {name, description, inputSchema: {json}}). The
    recording's reasoning carries no signature, so it is not sent back
    (API_runtime_ReasoningTextBlock.html: a signed block is what the model verifies)."""
    first, final, body, _ = await _two_steps(CASES["bedrock"], server, client)
    assert server.last.path == "/model/test-model/converse"
    assert server.last.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKID")
    [call] = first.tool_calls
    assert first.reasoning and first.reasoning.startswith(" The user is asking")
    assert body["messages"] == [
        {"role": "user", "content": [{"text": "Please look it up."}]},
        {
            "role": "assistant",
            "content": [
                {
                    "toolUse": {
                        "toolUseId": "functions.get_temperature:0",
                        "name": "get_temperature",
                        "input": {"city": "London"},
                    }
                }
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": call.id,
                        "content": [{"text": _result_text(0)}],
                        "status": "success",
                    }
                }
            ],
        },
    ]
    assert body["toolConfig"] == {
        "tools": [
            {
                "toolSpec": {
                    "name": "lookup",
                    "description": "Look something up.",
                    "inputSchema": {"json": TOOL.schema()},
                }
            }
        ]
    }
    assert final.text.startswith("Hello! How can I assist you today?")


async def test_vertex_second_request(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#Part
    (``functionCall`` {name, args} with its ``thoughtSignature`` in the model turn;
    ``functionResponse`` {name, response: an object} in a user turn),
    https://cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures (the signature
    goes back on the part that carried it) and
    https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Tool
    (``functionDeclarations``); express mode's path and ``x-goog-api-key`` header
    (https://cloud.google.com/vertex-ai/generative-ai/docs/start/express-mode/overview)."""
    first, final, body, _ = await _two_steps(CASES["vertex"], server, client)
    sent = server.last
    assert sent.path == "/v1/publishers/google/models/test-model:streamGenerateContent"
    assert sent.query == {"alt": "sse"}
    assert sent.headers["x-goog-api-key"] == VERTEX.api_key
    [call] = first.tool_calls
    assert call.signature and call.signature.startswith("EpwICpkI")
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "Please look it up."}]},
        {
            "role": "model",
            "parts": [
                {
                    "functionCall": {"name": "get_country", "args": {}},
                    "thoughtSignature": call.signature,
                }
            ],
        },
        {
            "role": "user",
            "parts": [
                {"functionResponse": {"name": "get_country", "response": {"answer": "result 0"}}}
            ],
        },
    ]
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
    assert final.text and final.tool_calls == ()
