"""Each provider's form of a tool definition, of each tool choice and of a tool result, read
from the request body builders, field by field against each provider's API reference (cited
per test); and the Gemini schema subset, Bedrock's Converse shapes and the notes for models
without tools."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from openmaas_tui.core.models.capabilities import applicable
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.types import ChatRequest, Message, ToolCall, ToolChoice, ToolDefinition
from openmaas_tui.providers.anthropic.wire import request_body as anthropic_body
from openmaas_tui.providers.bedrock.wire import request_body as bedrock_body
from openmaas_tui.providers.cohere.wire import build_body as cohere_body
from openmaas_tui.providers.gemini.adapter import request_body as gemini_body
from openmaas_tui.providers.gemini.tools import gemini_schema
from openmaas_tui.providers.mistral.wire import build_body as mistral_body
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.wire import build_body as responses_body

SCHEMA = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}
TOOL = ToolDefinition("lookup", "Look something up.", SCHEMA)
OTHER = ToolDefinition("other")
CHOICES = ("auto", "none", "required", "lookup")


def _request(
    choice: str | None = None, *, tools: tuple[ToolDefinition, ...] = (TOOL, OTHER)
) -> ChatRequest:
    return ChatRequest(
        model="m",
        messages=(Message.user("hi"),),
        tools=tools,
        tool_choice=ToolChoice.parse(choice) if choice else None,
    )


def _openai(request: ChatRequest) -> dict[str, Any]:
    return OpenAIChatAdapter(httpx.AsyncClient()).build_body(request, stream=False)


@pytest.mark.parametrize(
    ("choice", "want"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("lookup", {"type": "function", "function": {"name": "lookup"}}),
    ],
)
def test_openai_chat_and_mistral_tool_choice(choice: str, want: Any) -> None:
    """https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice and
    https://docs.mistral.ai/api/#tag/chat (the same values)."""
    assert _openai(_request(choice))["tool_choice"] == want
    assert mistral_body(_request(choice), stream=False)["tool_choice"] == want


def test_openai_tools_and_no_tools() -> None:
    """Tools are ``{"type": "function", "function": {"name", "description", "parameters"}}``;
    a tool without parameters gets an empty object schema; no tools sends neither field."""
    body = _openai(_request("auto"))
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "lookup",
                "description": "Look something up.",
                "parameters": SCHEMA,
            },
        },
        {
            "type": "function",
            "function": {"name": "other", "parameters": {"type": "object", "properties": {}}},
        },
    ]
    bare = _openai(_request("required", tools=()))
    assert "tools" not in bare and "tool_choice" not in bare


@pytest.mark.parametrize(
    ("choice", "want"),
    [
        ("auto", {"type": "auto"}),
        ("none", {"type": "none"}),
        ("required", {"type": "any"}),
        ("lookup", {"type": "tool", "name": "lookup"}),
    ],
)
def test_anthropic_tool_choice(choice: str, want: dict[str, str]) -> None:
    """https://docs.anthropic.com/en/api/messages#body-tool-choice"""
    body = anthropic_body(_request(choice), "anthropic", stream=False)
    assert body["tool_choice"] == want
    assert body["tools"][0] == {
        "name": "lookup",
        "description": "Look something up.",
        "input_schema": SCHEMA,
    }


def test_anthropic_tool_error_and_words_after_results() -> None:
    """https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use: a
    failed tool's result has ``is_error: true``; tool results come first in their user turn."""
    request = ChatRequest(
        model="m",
        messages=(
            Message.user("hi"),
            Message.assistant("Let me look.", (ToolCall("lookup", "{}", "t1"),)),
            Message.tool_result("t1", "lookup", "boom", is_error=True),
            Message.user("and?"),
        ),
        tools=(TOOL,),
    )
    messages = anthropic_body(request, "anthropic", stream=False)["messages"]
    assert messages[1]["content"] == [
        {"type": "text", "text": "Let me look."},
        {"type": "tool_use", "id": "t1", "name": "lookup", "input": {}},
    ]
    assert messages[2] == {
        "role": "user",
        "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": "boom", "is_error": True},
            {"type": "text", "text": "and?"},
        ],
    }
    assert len(messages) == 3


@pytest.mark.parametrize(
    ("choice", "want"),
    [
        ("auto", {"mode": "AUTO"}),
        ("none", {"mode": "NONE"}),
        ("required", {"mode": "ANY"}),
        ("lookup", {"mode": "ANY", "allowedFunctionNames": ["lookup"]}),
    ],
)
def test_gemini_tool_config(choice: str, want: dict[str, Any]) -> None:
    """https://ai.google.dev/api/caching#FunctionCallingConfig"""
    body = gemini_body(_request(choice))
    assert body["toolConfig"] == {"functionCallingConfig": want}
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {"name": "lookup", "description": "Look something up.", "parameters": SCHEMA},
                {"name": "other"},
            ]
        }
    ]


def test_gemini_schema_subset() -> None:
    """https://ai.google.dev/api/caching#Schema: fields outside the subset are left out, a
    nullable type list becomes ``nullable``, nested schemas are cut too."""
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "when": {"type": ["string", "null"], "format": "date-time", "examples": ["x"]},
            "tags": {"type": "array", "items": {"type": "string", "const": "a"}},
            "either": {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "string"}]},
        },
        "required": ["when"],
    }
    assert gemini_schema(schema) == {
        "type": "object",
        "properties": {
            "when": {"type": "string", "nullable": True, "format": "date-time"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "either": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        },
        "required": ["when"],
    }


def test_gemini_results_of_parallel_calls_share_one_turn() -> None:
    """https://ai.google.dev/gemini-api/docs/function-calling#parallel_function_calling: the
    responses to parallel calls go back together; a result that is not a JSON object is
    ``{"output": TEXT}``, a failure ``{"error": TEXT}`` (#FunctionResponse)."""
    calls = (ToolCall("lookup", '{"q": "a"}'), ToolCall("lookup", '{"q": "b"}'))
    request = ChatRequest(
        model="m",
        messages=(
            Message.user("hi"),
            Message.assistant("", calls),
            Message.tool_result("call_0", "lookup", "plain"),
            Message.tool_result("call_1", "lookup", "bad", is_error=True),
        ),
    )
    contents = gemini_body(request)["contents"]
    assert contents[1] == {
        "role": "model",
        "parts": [
            {"functionCall": {"name": "lookup", "args": {"q": "a"}}},
            {"functionCall": {"name": "lookup", "args": {"q": "b"}}},
        ],
    }
    assert contents[2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "lookup", "response": {"output": "plain"}}},
            {"functionResponse": {"name": "lookup", "response": {"error": "bad"}}},
        ],
    }


@pytest.mark.parametrize(
    ("choice", "want"),
    [("auto", None), ("none", "NONE"), ("required", "REQUIRED"), ("lookup", None)],
)
def test_cohere_tool_choice(choice: str, want: str | None) -> None:
    """https://docs.cohere.com/reference/chat#request.body.tool_choice: REQUIRED or NONE only;
    a named function among several cannot be said, and is left out."""
    assert cohere_body(_request(choice), stream=False).get("tool_choice") == want
    single = cohere_body(_request("lookup", tools=(TOOL,)), stream=False)
    assert single["tool_choice"] == "REQUIRED"


@pytest.mark.parametrize(
    ("choice", "want"),
    [
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("lookup", {"type": "function", "name": "lookup"}),
    ],
)
def test_responses_tool_choice(choice: str, want: Any) -> None:
    """https://platform.openai.com/docs/api-reference/responses/create#responses-create-tool_choice"""
    body = responses_body(_request(choice), provider="openai", stream=False)
    assert body["tool_choice"] == want


@pytest.mark.parametrize(
    ("choice", "want"),
    [
        ("auto", {"auto": {}}),
        ("required", {"any": {}}),
        ("lookup", {"tool": {"name": "lookup"}}),
    ],
)
def test_bedrock_tool_config(choice: str, want: dict[str, Any]) -> None:
    """https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html
    and API_runtime_ToolChoice.html"""
    config = bedrock_body(_request(choice))["toolConfig"]
    assert config["toolChoice"] == want
    assert config["tools"][0] == {
        "toolSpec": {
            "name": "lookup",
            "description": "Look something up.",
            "inputSchema": {"json": SCHEMA},
        }
    }


def test_bedrock_none_sends_no_tools_and_results_are_tool_result_blocks() -> None:
    """Converse has no "none" choice (API_runtime_ToolChoice.html); a result is a
    ``toolResult`` block (API_runtime_ToolResultBlock.html) with ``status``."""
    assert "toolConfig" not in bedrock_body(_request("none"))
    request = ChatRequest(
        model="m",
        messages=(
            Message.user("hi"),
            Message.assistant("", (ToolCall("lookup", '{"q": "x"}', "tooluse_1"),)),
            Message.tool_result("tooluse_1", "lookup", "ok"),
            Message.tool_result("tooluse_2", "lookup", "no", is_error=True),
        ),
        tools=(TOOL,),
        tool_choice=ToolChoice.parse("none"),
    )
    body = bedrock_body(request)
    assert "toolConfig" in body  # Converse wants the tools once the conversation holds calls
    assert body["messages"][1] == {
        "role": "assistant",
        "content": [{"toolUse": {"toolUseId": "tooluse_1", "name": "lookup", "input": {"q": "x"}}}],
    }
    assert body["messages"][2] == {
        "role": "user",
        "content": [
            {
                "toolResult": {
                    "toolUseId": "tooluse_1",
                    "content": [{"text": "ok"}],
                    "status": "success",
                }
            },
            {
                "toolResult": {
                    "toolUseId": "tooluse_2",
                    "content": [{"text": "no"}],
                    "status": "error",
                }
            },
        ],
    }


def test_a_model_without_tools_has_them_dropped_with_a_note() -> None:
    info = ModelInfo("demo", "demo", tools=False)
    sent, notes = applicable(_request("required"), info)
    assert sent.tools == () and sent.tool_choice is None
    assert notes == ["tools are not supported by demo; not sent"]


def test_ollama_drops_the_tool_choice_with_a_note() -> None:
    sent, notes = applicable(_request("required"), ModelInfo("llama3.2", "ollama"))
    assert sent.tools == (TOOL, OTHER) and sent.tool_choice is None
    assert notes == ["Ollama takes no tool choice (the model decides); not sent"]
