"""The OpenAI wire translation on its own: request bodies in, chunks and bodies out, and the
scrubber over error text."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openmaas_tui.core.credentials.redact import register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.tools import ToolCall, ToolChoice, ToolChoiceMode, ToolDefinition
from openmaas_tui.core.types import (
    Finish,
    FinishReason,
    ImagePart,
    Message,
    ResponseFormat,
    Role,
    TextDelta,
    ToolCallDelta,
)
from openmaas_tui.gateway.openai_wire.chunks import ChunkWriter
from openmaas_tui.gateway.openai_wire.errors import error_body, error_headers, status_of
from openmaas_tui.gateway.openai_wire.request import parse_chat
from openmaas_tui.gateway.scrub import scrub


def test_a_full_request_is_read_and_unknown_fields_are_named() -> None:
    parsed = parse_chat(
        {
            "model": "ollama/llama3.2",
            "messages": [
                {"role": "developer", "content": "be brief"},
                {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                {"role": "assistant", "content": "hello"},
                {"role": "tool", "content": "42", "tool_call_id": "c1"},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "look"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                        {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
                    ],
                },
            ],
            "max_completion_tokens": 100,
            "stop": "END",
            "stream": True,
            "stream_options": {"include_usage": True},
            "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}},
            "tools": [],
            "logprobs": True,
        }
    )
    request = parsed.request
    assert parsed.model == "ollama/llama3.2" and parsed.include_usage and request.stream
    assert request.system == "be brief"
    roles = [m.role for m in request.messages]
    assert roles == [Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER]
    assert request.messages[0].content == "hi"
    assert request.messages[2] == Message.tool_result("c1", "", "42")
    assert isinstance(request.messages[3].content[1], ImagePart)
    assert request.max_tokens == 100 and request.stop == ("END",)
    assert request.response_format == ResponseFormat("json_schema", {}, "n")
    assert request.tools == ()
    assert parsed.dropped == ("messages[4].content[2]", "logprobs")


TEXT_S = {"type": "text", "text": "s"}


def test_tools_calls_and_results_are_read_into_the_request() -> None:
    weather = {
        "type": "function",
        "function": {"name": "weather", "description": "Today", "parameters": {"type": "object"}},
    }
    call = {"id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}
    parsed = parse_chat(
        {
            "model": "gpt-4o",
            "messages": [
                {"role": "user", "content": "weather?"},
                {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "tool_call_id": "call_1", "content": [TEXT_S]},
                {"role": "function", "name": "old", "content": "x"},
            ],
            "tools": [weather],
            "tool_choice": {"type": "function", "function": {"name": "weather"}},
            "parallel_tool_calls": False,
        }
    )
    request = parsed.request
    assert request.tools == (ToolDefinition("weather", "Today", {"type": "object"}),)
    assert request.tool_choice == ToolChoice(ToolChoiceMode.FUNCTION, "weather")
    assert request.messages == (
        Message.user("weather?"),
        Message.assistant("", (ToolCall("weather", "{}", "call_1"),)),
        Message.tool_result("call_1", "weather", "s"),
    )
    assert parsed.dropped == ("messages[3]", "parallel_tool_calls")


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"tools": {"type": "function"}}, "tools must be a list"),
        ({"tools": [{"type": "custom", "custom": {"name": "x"}}]}, "only function tools"),
        ({"tool_choice": "sometimes"}, "tool_choice must be"),
        ({"tool_choice": {"type": "function", "function": {}}}, "tool_choice must be"),
        ({"parallel_tool_calls": "yes"}, "parallel_tool_calls must be"),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]}]},
            "messages[0].tool_calls[0] must have an id",
        ),
        (
            {"messages": [{"role": "tool", "content": "x"}]},
            "messages[0].tool_call_id is required",
        ),
    ],
)
def test_bad_tool_fields_are_refused(fields: dict[str, Any], words: str) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], **fields}
    with pytest.raises(OpenMaaSError) as caught:
        parse_chat(body)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert words in caught.value.message


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"messages": [{"role": "user", "content": "x"}]},
        {"model": "gpt-4o", "messages": []},
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "temperature": 3},
        {"model": "gpt-4o", "messages": [{"role": "robot", "content": "x"}]},
    ],
)
def test_a_body_that_is_not_a_request_is_refused(body: object) -> None:
    with pytest.raises(OpenMaaSError) as caught:
        parse_chat(body)
    assert caught.value.code is ErrorCode.INVALID_REQUEST


def test_chunks_are_openai_shapes() -> None:
    writer = ChunkWriter("gpt-4o", answer_id="chatcmpl-1", created=7)

    def data(raw: bytes) -> dict[str, object]:
        assert raw.startswith(b"data: ") and raw.endswith(b"\n\n")
        loaded: dict[str, object] = json.loads(raw[6:])
        return loaded

    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "gpt-4o"}
    assert data(writer.role()) == {
        **head,
        "choices": [
            {
                "index": 0,
                "delta": {"role": "assistant", "content": ""},
                "logprobs": None,
                "finish_reason": None,
            }
        ],
    }
    text = data(writer.event(TextDelta('say "hi"\n')))
    assert text["choices"] == [
        {"index": 0, "delta": {"content": 'say "hi"\n'}, "logprobs": None, "finish_reason": None}
    ]
    call = data(writer.event(ToolCallDelta(0, "c1", "f", "{")))
    assert call["choices"][0]["delta"] == {  # type: ignore[index]
        "tool_calls": [
            {
                "index": 0,
                "id": "c1",
                "type": "function",
                "function": {"arguments": "{", "name": "f"},
            }
        ]
    }
    end = data(writer.event(Finish(FinishReason.LENGTH, "length")))
    assert end["choices"][0]["finish_reason"] == "length"  # type: ignore[index]
    assert data(writer.usage({"prompt_tokens": 1}))["choices"] == []


def test_errors_keep_the_upstream_status_and_retry_after() -> None:
    limited = OpenMaaSError(
        ErrorCode.RATE_LIMITED, "slow down", status=429, provider="openai", retry_after=2.2
    )
    assert status_of(limited) == 429
    assert error_headers(limited) == [("retry-after", "3")]
    body = error_body(limited)["error"]
    assert body["type"] == "rate_limit_error" and body["code"] == "RATE_LIMITED"
    assert status_of(OpenMaaSError(ErrorCode.INVALID_MODEL, "no")) == 404


def test_the_scrubber_masks_keys_named_shaped_and_registered() -> None:
    register_secret("omg-registered-token-123456")
    text = scrub(
        "token omg-registered-token-123456 api_key=abcdefgh12 "
        "x 9f8e7d6c5b4a39281706f5e4d3c2b1a0ffeeddcc y and /v1/chat/completions stays"
    )
    assert "registered-token" not in text and "abcdefgh12" not in text
    assert "9f8e7d6c5b4a" not in text and "/v1/chat/completions stays" in text


def test_an_image_in_a_tool_result_is_named_as_dropped() -> None:
    image = {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}
    parsed = parse_chat(
        {
            "model": "gpt-4o",
            "messages": [
                {"role": "user", "content": "look"},
                {"role": "tool", "tool_call_id": "c1", "content": [TEXT_S, image]},
            ],
        }
    )
    assert parsed.request.messages[1] == Message.tool_result("c1", "", "s")
    assert parsed.dropped == ("messages[1].content",)
