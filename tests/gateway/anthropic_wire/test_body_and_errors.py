"""Whole answers and errors in Anthropic's shapes, read by the official ``anthropic`` SDK's
``messages.create(...)``: the message is the answer that went in, and each error raises the SDK
exception its status stands for, with our code and hint in the message."""

from __future__ import annotations

import json

import anthropic
import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.types import ChatRequest, FinishReason, Message, ToolCall, Usage
from openmaas_tui.gateway.anthropic_wire.body import message_body, message_bytes, tool_input
from openmaas_tui.gateway.anthropic_wire.errors import (
    error_body,
    error_event,
    error_response,
    error_status,
)
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from tests.gateway.anthropic_wire.conftest import sdk_create, sdk_text, sdk_thinking, sdk_usage
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

RECORD = AnswerRecord(
    text="1. Pouch\n2. Scoop",
    reasoning="Short names suit a pelican.",
    tool_calls=(ToolCall("weather", '{"city": "Paris"}', "call_1"), ToolCall("f", "not json")),
    usage=Usage(input_tokens=300, output_tokens=80, cached_input_tokens=200, reasoning_tokens=9),
    finish_reason=FinishReason.TOOL_CALLS,
    finish_reason_raw="tool_calls",
)


async def test_a_whole_answer_reads_back(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic
) -> None:
    server.queue(Reply(body=message_bytes(RECORD, model="gpt-4o", message_id="msg_abc")))
    message = await sdk_create(sdk)

    assert (message.id, message.model, message.role) == ("msg_abc", "gpt-4o", "assistant")
    assert [b.type for b in message.content] == ["thinking", "text", "tool_use", "tool_use"]
    assert sdk_thinking(message) == RECORD.reasoning
    assert sdk_text(message) == RECORD.text
    tools = [b for b in message.content if b.type == "tool_use"]
    assert (tools[0].id, tools[0].name, tools[0].input) == ("call_1", "weather", {"city": "Paris"})
    assert tools[1].input == {"arguments": "not json"} and tools[1].id.startswith("toolu_")
    assert message.stop_reason == "tool_use"
    assert sdk_usage(message) == RECORD.usage


def test_an_answer_without_usage_reports_the_fallback() -> None:
    body = message_body(AnswerRecord(text="hi"), model="m", input_tokens=12)
    assert body["usage"] == {
        "input_tokens": 12,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": 0,
    }
    assert body["content"] == [{"type": "text", "text": "hi"}]
    assert body["stop_reason"] == "end_turn" and body["stop_sequence"] is None


def test_a_lone_surrogate_is_written_escaped() -> None:
    data = message_bytes(AnswerRecord(text="a\ud800b"), model="m")
    assert json.loads(data)["content"][0]["text"] == "a\ud800b"


@pytest.mark.parametrize(
    ("arguments", "expected_input"),
    [("", {}), ("  ", {}), ('{"a": [1]}', {"a": [1]}), ("[1]", {"arguments": "[1]"})],
)
def test_tool_input(arguments: str, expected_input: dict[str, object]) -> None:
    assert tool_input(arguments) == expected_input


@pytest.mark.parametrize(
    ("name", "adapter_kind"),
    [
        ("anthropic/json_text.json", "anthropic"),
        ("anthropic/json_thinking_tool_use.json", "anthropic"),
        ("openai/chat_json_tool_call.json", "openai"),
        ("openai/chat_json_reasoning_tokens.json", "openai"),
    ],
)
async def test_recorded_whole_answers_read_back(
    server: ReplayServer, sdk: anthropic.AsyncAnthropic, name: str, adapter_kind: str
) -> None:
    upstream = ReplayServer(fixture_reply(fixture_path(name)))
    await upstream.start()
    try:
        async with httpx.AsyncClient() as client:
            adapter = (
                AnthropicAdapter(client, base_url=upstream.url)
                if adapter_kind == "anthropic"
                else OpenAIChatAdapter(client, base_url=upstream.url + "/v1")
            )
            request = ChatRequest("m", (Message.user("hi"),), stream=False)
            completion = await adapter.complete(request, Credentials.of_key("k"))
    finally:
        await upstream.stop()
    record = AnswerRecord(
        text=completion.text,
        reasoning=completion.reasoning,
        tool_calls=completion.tool_calls,
        usage=completion.usage,
        finish_reason=completion.finish_reason,
        finish_reason_raw=completion.finish_reason_raw,
    )
    server.queue(Reply(body=message_bytes(record, model="m")))
    message = await sdk_create(sdk)

    want = expected(name)
    assert sdk_text(message) == want["text"]
    assert message.usage.output_tokens == want["usage"]["output_tokens"]
    calls = [(b.name, b.input) for b in message.content if b.type == "tool_use"]
    assert calls == [(t["name"], json.loads(t["arguments"])) for t in want["tool_calls"]]


SDK_ERRORS = [
    (OpenMaaSError(ErrorCode.AUTH_FAILED, "invalid x-api-key", status=401, provider="openai"),
     anthropic.AuthenticationError, "authentication_error"),
    (OpenMaaSError(ErrorCode.AUTH_FAILED, "forbidden", status=403),
     anthropic.PermissionDeniedError, "permission_error"),
    (OpenMaaSError(ErrorCode.MISSING_KEY, "no key for openai", provider="openai"),
     anthropic.AuthenticationError, "authentication_error"),
    (OpenMaaSError(ErrorCode.INVALID_MODEL, "no such model"),
     anthropic.NotFoundError, "not_found_error"),
    (OpenMaaSError(ErrorCode.INVALID_REQUEST, "max_tokens: is required"),
     anthropic.BadRequestError, "invalid_request_error"),
    (OpenMaaSError(ErrorCode.CONTEXT_TOO_LONG, "prompt is too long"),
     anthropic.BadRequestError, "invalid_request_error"),
    (OpenMaaSError(ErrorCode.RATE_LIMITED, "slow down", status=429, retry_after=7.2),
     anthropic.RateLimitError, "rate_limit_error"),
    (OpenMaaSError(ErrorCode.PROVIDER_UNAVAILABLE, "Overloaded"),
     anthropic.OverloadedError, "overloaded_error"),
    (OpenMaaSError(ErrorCode.PROVIDER_UNAVAILABLE, "unavailable", status=503),
     anthropic.ServiceUnavailableError, "api_error"),
    (OpenMaaSError(ErrorCode.STREAM_TIMEOUT, "no bytes for 60 s"),
     anthropic.GatewayTimeoutError, "timeout_error"),
    (OpenMaaSError(ErrorCode.STREAM_CONNECTION_FAILED, "refused"),
     anthropic.InternalServerError, "api_error"),
    (OpenMaaSError(ErrorCode.STORAGE_FAILED, "disk full"),
     anthropic.InternalServerError, "api_error"),
]  # fmt: skip


@pytest.mark.parametrize(("error", "sdk_class", "kind"), SDK_ERRORS)
async def test_errors_raise_the_sdk_exception_of_their_status(
    server: ReplayServer,
    sdk: anthropic.AsyncAnthropic,
    error: OpenMaaSError,
    sdk_class: type[anthropic.APIStatusError],
    kind: str,
) -> None:
    status, body, headers = error_response(error)
    server.queue(Reply(status=status, body=body, headers=headers))
    with pytest.raises(anthropic.APIStatusError) as caught:
        await sdk_create(sdk)

    assert type(caught.value) is sdk_class
    assert caught.value.status_code == status == error_status(error)
    assert caught.value.body == error_body(error)
    assert caught.value.body["error"]["type"] == kind
    assert f"{error.code}: {error.message}" in caught.value.message
    assert error.hint is None or error.hint in caught.value.message


def test_retry_after_is_given_in_whole_seconds() -> None:
    limited = OpenMaaSError(ErrorCode.RATE_LIMITED, "slow", retry_after=7.2)
    assert error_response(limited)[2] == {
        "content-type": "application/json",
        "retry-after": "8",
    }
    assert "retry-after" not in error_response(OpenMaaSError(ErrorCode.RATE_LIMITED, "x"))[2]


def test_an_upstream_status_is_kept() -> None:
    assert error_status(OpenMaaSError(ErrorCode.INVALID_REQUEST, "x", status=422)) == 422
    assert error_body(OpenMaaSError(ErrorCode.INVALID_REQUEST, "x", status=422))["error"] == {
        "type": "invalid_request_error",
        "message": "INVALID_REQUEST: x",
    }
    assert error_status(OpenMaaSError(ErrorCode.AUTH_FAILED, "x", status=200)) == 401


def test_the_error_event_is_one_sse_frame() -> None:
    frame = error_event(OpenMaaSError(ErrorCode.RATE_LIMITED, "slow"))
    head, data = frame.removesuffix(b"\n\n").split(b"\n")
    assert head == b"event: error"
    assert json.loads(data.removeprefix(b"data: "))["error"]["type"] == "rate_limit_error"


def test_a_key_in_an_error_never_shows() -> None:
    key = "sk-ant-api03-" + "x" * 40
    status, body, _ = error_response(
        OpenMaaSError(ErrorCode.AUTH_FAILED, f"invalid key {key}", status=401)
    )
    assert key.encode() not in body and key[:20].encode() not in body
