"""A client's Messages request read into our ChatRequest: every field carried or named as
dropped, and every bad body refused with INVALID_REQUEST naming its field, never a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.tools import ToolCall, ToolChoice, ToolChoiceMode, ToolDefinition
from openmaas_tui.core.types import ImagePart, Message, Role, TextPart
from openmaas_tui.gateway.anthropic_wire.request import (
    ParsedMessages,
    load_body,
    parse_messages_request,
)

PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
    "rkJggg=="
)


def body(**fields: Any) -> dict[str, Any]:
    """A minimal valid body with ``fields`` changed (None removes a field)."""
    base: dict[str, Any] = {
        "model": "gpt-4o",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def refused(raw: object) -> OpenMaaSError:
    with pytest.raises(OpenMaaSError) as caught:
        parse_messages_request(raw)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    return caught.value


def test_a_minimal_request() -> None:
    parsed = parse_messages_request(body())
    assert parsed == ParsedMessages(parsed.request, "gpt-4o", False, (), None)
    request = parsed.request
    assert (request.model, request.max_tokens, request.stream) == ("gpt-4o", 256, False)
    assert request.messages == (Message.user("Hi"),)
    assert request.system is None and request.stop == () and request.thinking_budget is None


def test_every_carried_field() -> None:
    parsed = parse_messages_request(
        body(
            system="Be brief.",
            temperature=0.3,
            top_p=0.9,
            stop_sequences=["\n\nHuman:", "END"],
            stream=True,
            thinking={"type": "enabled", "budget_tokens": 2048},
            messages=[
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": [{"type": "text", "text": "Hello"}]},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "What is this?"},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                        },
                    ],
                },
            ],
        )
    )
    request = parsed.request
    assert parsed.stream and request.stream
    assert request.system == "Be brief."
    assert (request.temperature, request.top_p) == (0.3, 0.9)
    assert request.stop == ("\n\nHuman:", "END")
    assert request.thinking_budget == 2048
    assert request.messages == (
        Message.user("Hi"),
        Message.assistant("Hello"),
        Message(Role.USER, (TextPart("What is this?"), ImagePart(PNG, "image/png"))),
    )
    assert parsed.dropped == ()


def test_a_system_of_text_blocks_is_joined_and_cache_control_noted() -> None:
    parsed = parse_messages_request(
        body(
            system=[
                {"type": "text", "text": "You are a CLI."},
                {"type": "text", "text": "Be terse.", "cache_control": {"type": "ephemeral"}},
            ]
        )
    )
    assert parsed.request.system == "You are a CLI.\n\nBe terse."
    assert parsed.dropped == ("cache_control",)


def test_what_cannot_be_carried_is_named_once_in_order() -> None:
    messages = [
        {"role": "user", "content": "weather?"},
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "hm", "signature": "s"},
                {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "url", "url": "https://x/y.png"}},
                {"type": "text", "text": "and now?", "cache_control": {"type": "ephemeral"}},
            ],
        },
    ]
    parsed = parse_messages_request(
        body(
            messages=messages,
            top_k=40,
            metadata={"user_id": "u-1"},
            tools=[{"type": "web_search_20250305", "name": "web_search"}],
            tool_choice={"type": "auto", "disable_parallel_tool_use": True},
            service_tier="auto",
        )
    )
    assert parsed.dropped == (
        "server_tool_use",
        "thinking",  # kept with its turn, but the turn had nothing else to carry
        "image.url",
        "cache_control",
        "top_k",
        "metadata",
        "tools.web_search_20250305",
        "tool_choice.disable_parallel_tool_use",
        "service_tier",
    )
    assert parsed.top_k == 40
    # the assistant turn held only dropped blocks: it goes with them
    assert parsed.request.messages == (Message.user("weather?"), Message.user("and now?"))
    assert parsed.request.tools == ()


def test_tools_calls_and_results_are_carried() -> None:
    messages = [
        {"role": "user", "content": "weather in Paris and Oslo?"},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Looking."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "weather",
                    "input": {"city": "Paris"},
                },
                {"type": "tool_use", "id": "toolu_2", "name": "weather", "input": {"city": "Oslo"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"},
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "content": [
                        {"type": "text", "text": "no such"},
                        {"type": "text", "text": "city"},
                    ],
                    "is_error": True,
                },
                {"type": "text", "text": "and tomorrow?"},
            ],
        },
    ]
    tools = [
        {"name": "weather", "description": "Today's weather", "input_schema": {"type": "object"}},
        {"type": "custom", "name": "noop", "input_schema": {"type": "object", "properties": {}}},
    ]
    parsed = parse_messages_request(
        body(messages=messages, tools=tools, tool_choice={"type": "tool", "name": "weather"})
    )
    request = parsed.request
    assert parsed.dropped == ()
    assert request.tools == (
        ToolDefinition("weather", "Today's weather", {"type": "object"}),
        ToolDefinition("noop", "", {"type": "object", "properties": {}}),
    )
    assert request.tool_choice == ToolChoice(ToolChoiceMode.FUNCTION, "weather")
    assert request.messages == (
        Message.user("weather in Paris and Oslo?"),
        Message.assistant(
            "Looking.",
            (
                ToolCall("weather", '{"city": "Paris"}', "toolu_1"),
                ToolCall("weather", '{"city": "Oslo"}', "toolu_2"),
            ),
        ),
        Message.tool_result("toolu_1", "weather", "sunny"),
        Message.tool_result("toolu_2", "weather", "no such\n\ncity", is_error=True),
        Message.user("and tomorrow?"),
    )


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ({"type": "auto"}, ToolChoice(ToolChoiceMode.AUTO)),
        ({"type": "any"}, ToolChoice(ToolChoiceMode.REQUIRED)),
        ({"type": "none"}, ToolChoice(ToolChoiceMode.NONE)),
    ],
)
def test_tool_choice_words(choice: dict[str, Any], expected: ToolChoice) -> None:
    tools = [{"name": "f", "input_schema": {"type": "object"}}]
    parsed = parse_messages_request(body(tools=tools, tool_choice=choice))
    assert parsed.request.tool_choice == expected


def test_thinking_disabled_and_adaptive() -> None:
    off = parse_messages_request(body(thinking={"type": "disabled"}))
    assert off.request.thinking_budget is None and off.dropped == ()
    adaptive = parse_messages_request(body(thinking={"type": "adaptive"}))
    assert adaptive.request.thinking_budget is None and adaptive.dropped == ("thinking",)


def test_raw_bytes_and_text_are_read_too() -> None:
    raw = json.dumps(body(stream=True))
    assert parse_messages_request(raw.encode()).stream
    assert parse_messages_request(raw).stream


def test_max_tokens_is_required_except_for_counting() -> None:
    error = refused(body(max_tokens=None))
    assert error.message.startswith("max_tokens: is required")
    counted = parse_messages_request(body(max_tokens=None), require_max_tokens=False)
    assert counted.request.max_tokens is None


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"model": None}, "model: is required"),
        ({"model": ""}, "model: must not be empty"),
        ({"model": 4}, "model: must be a string"),
        ({"messages": []}, "messages: must hold at least one message"),
        ({"messages": "Hi"}, "messages: must be an array"),
        ({"messages": [{"role": "system", "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": ["user"], "content": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "content": 3}]}, "messages[0].content"),
        ({"messages": [{"role": "user", "content": [{"text": "x"}]}]}, "content[0].type"),
        ({"messages": [{"role": "user", "content": [{"type": "text"}]}]}, "content[0].text"),
        ({"max_tokens": 0}, "max_tokens: must be at least 1"),
        ({"max_tokens": True}, "max_tokens: must be an integer"),
        ({"max_tokens": 1.5}, "max_tokens: must be an integer"),
        ({"temperature": 1.5}, "temperature: must be between 0 and 1"),
        ({"temperature": "hot"}, "temperature: must be a number"),
        ({"temperature": float("nan")}, "temperature: must be a finite number"),
        ({"top_p": float("inf")}, "top_p: must be a finite number"),
        ({"top_k": -1}, "top_k: must be at least 0"),
        ({"stop_sequences": "END"}, "stop_sequences: must be an array"),
        ({"stop_sequences": [""]}, "stop_sequences[0]: must not be empty"),
        ({"stream": "yes"}, "stream: must be true or false"),
        ({"system": [{"type": "image"}]}, "system[0].type"),
        ({"system": 7}, "system: must be an array"),
        ({"thinking": {"type": "enabled"}}, "thinking.budget_tokens: is required"),
        ({"thinking": {"type": "on"}}, "thinking.type"),
        ({"metadata": "u-1"}, "metadata: must be an object"),
        ({"tools": {"name": "x"}}, "tools: must be an array"),
        ({"tools": [{"input_schema": {}}]}, "tools[0].name"),
        ({"tool_choice": "auto"}, "tool_choice: must be an object"),
        ({"tool_choice": {"type": "maybe"}}, "tool_choice.type: must be"),
        ({"tool_choice": {"type": "tool"}}, "tool_choice.name"),
        ({"tools": [{"name": "a b", "input_schema": {}}]}, "tools[0].name: must be 1-64"),
        ({"tools": [{"name": "f"}, {"name": "f"}]}, "tools[1].name: 'f' is defined twice"),
        ({"tools": [{"name": "f", "input_schema": []}]}, "tools[0].input_schema"),
        ({"bad\r\nheader": 1}, "body: has a field whose name is not a plain identifier"),
    ],
)
def test_bad_fields_are_named(fields: dict[str, Any], where: str) -> None:
    assert where in refused(body(**fields)).message


@pytest.mark.parametrize(
    ("block", "where"),
    [
        ({"type": "image", "source": {"type": "base64", "media_type": "image/tiff", "data": "x"}},
         "source.media_type: must be one of"),
        ({"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "é"}},
         "source.data: must be base64"),
        ({"type": "image"}, "content[0].source: must be an object"),
        ({"type": "tool_use", "id": "t", "name": "f", "input": []}, "content[0].input"),
        ({"type": "tool_result", "tool_use_id": "t", "content": 3}, "content[0].content"),
        ({"type": "tool_use", "id": "t", "name": "f", "input": {}}, "content[0].type: tool_use"),
        ({"type": "tool_result", "tool_use_id": "t", "is_error": 1}, "content[0].is_error"),
        ({"type": "text", "text": "\ud800"}, "content[0].text: is not valid Unicode"),
    ],
)  # fmt: skip
def test_bad_blocks_are_named(block: dict[str, Any], where: str) -> None:
    messages = [{"role": "user", "content": [block]}]
    assert where in refused(body(messages=messages)).message


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"{",
        b"[]",
        b"null",
        b'"text"',
        b"\xff\xfe",
        b'{"model": NaN}',
        b'{"max_tokens": Infinity}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"model": "x", "max_tokens": 1e999, "messages": [{"role": "user", "content": "x"}]}',
        b'{"max_tokens": ' + b"9" * 5000 + b"}",
    ],
    ids=lambda raw: repr(raw[:24]),
)
def test_bad_bodies_are_refused(raw: bytes) -> None:
    error = refused(raw)
    assert error.message.startswith(("body", "max_tokens"))


def test_load_body_refuses_nan() -> None:
    with pytest.raises(OpenMaaSError, match="NaN"):
        load_body(b'{"temperature": NaN}')


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "model",
        "messages",
        "max_tokens",
        "system",
        "temperature",
        "top_p",
        "top_k",
        "stop_sequences",
        "stream",
        "thinking",
        "metadata",
        "tools",
        "tool_choice",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(FIELDS, JSON, max_size=6).map(lambda f: body(**f)) | JSON)
def test_any_json_is_read_or_refused_with_invalid_request(raw: object) -> None:
    """A valid body with any fields replaced by any JSON, or any JSON at all."""
    try:
        parsed = parse_messages_request(raw)
    except OpenMaaSError as error:
        assert error.code is ErrorCode.INVALID_REQUEST
        assert ": " in error.message
    else:
        assert parsed.request.model


MESSAGE = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "system", 1])},
    optional={"content": JSON | st.lists(st.dictionaries(st.sampled_from(
        ["type", "text", "source", "id", "name", "input", "tool_use_id", "content"]
    ), JSON | st.sampled_from(["text", "image", "tool_use", "tool_result", "base64"])))},
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(MESSAGE, max_size=4), st.binary(max_size=40))
def test_any_messages_and_bytes_never_raise_anything_else(
    messages: list[object], raw: bytes
) -> None:
    for candidate in (body(messages=messages), raw):
        try:
            parse_messages_request(candidate)
        except OpenMaaSError as error:
            assert error.code is ErrorCode.INVALID_REQUEST
