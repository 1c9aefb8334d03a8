"""Tool calls through both surfaces of a real ``openmaas serve``, each SDK unmodified and each
upstream a recording: the ``openai`` SDK to an Anthropic upstream that answers with
``tool_use`` and then answers the tool results, and the ``anthropic`` SDK to an OpenAI upstream
that calls a function and then answers its result. Each side's tools, calls and results reach
the upstream in its own protocol, and the calls come back in the client's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
import openai

from tests.conftest import FIXTURES
from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply

PELICAN = "pelican_name_generator"


def recorded(path: Path) -> dict[str, Any]:
    """A fixture's meta: the request it answered and what it is expected to give."""
    meta = path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")
    result: dict[str, Any] = json.loads(meta.read_text())
    return result


def openai_client(gateway: GatewayProcess) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.token, max_retries=0)


def anthropic_client(gateway: GatewayProcess) -> anthropic.AsyncAnthropic:
    root = gateway.url.removesuffix("/v1")
    return anthropic.AsyncAnthropic(base_url=root, api_key=gateway.token, max_retries=0)


OPENAI_PELICAN_TOOL: Any = {
    "type": "function",
    "function": {"name": PELICAN, "parameters": {"type": "object", "properties": {}}},
}


async def test_the_openai_sdk_gets_tool_calls_from_an_anthropic_upstream(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "anthropic/stream_tool_use.sse"
    upstream.queue(fixture_reply(path))
    raw = await openai_client(gateway).chat.completions.with_raw_response.create(
        model="claude-haiku-4-5",
        messages=[{"role": "user", "content": "Generate one name for a pet pelican"}],
        tools=[OPENAI_PELICAN_TOOL],
        tool_choice="auto",
        stream=True,
    )
    assert "x-openmaas-dropped" not in raw.headers
    chunks = [chunk async for chunk in raw.parse()]
    calls = [c for chunk in chunks for c in chunk.choices[0].delta.tool_calls or ()]
    assert calls[0].index == 0 and calls[0].type == "function"
    assert calls[0].id == "toolu_01CzN6riCPqw4pVSuTd9Dwn7"
    assert calls[0].function is not None and calls[0].function.name == PELICAN
    arguments = "".join(c.function.arguments or "" for c in calls if c.function)
    assert json.loads(arguments or "{}") == {}
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
    sent = upstream.last.json()
    want = recorded(path)["request"]["body"]["tools"][0]
    assert sent["tools"] == [{"name": PELICAN, "input_schema": want["input_schema"]}]
    assert sent["tool_choice"] == {"type": "auto"}


async def test_the_openai_sdk_sends_tool_results_to_an_anthropic_upstream(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "anthropic/stream_after_tool_result.sse"
    meta = recorded(path)
    upstream.queue(fixture_reply(path))
    ids = ["toolu_01LtHJmixrs9NcWQkK8hu8hj", "toolu_01N8a4jWyf116qKTMqKKmjyt"]
    calls: Any = [
        {"id": i, "type": "function", "function": {"name": PELICAN, "arguments": "{}"}} for i in ids
    ]
    stream = await openai_client(gateway).chat.completions.create(
        model="claude-haiku-4-5",
        messages=[
            {"role": "user", "content": "Two names for a pet pelican"},
            {"role": "assistant", "content": None, "tool_calls": calls},
            {"role": "tool", "tool_call_id": ids[0], "content": "Charles"},
            {"role": "tool", "tool_call_id": ids[1], "content": "Sammy"},
        ],
        tools=[OPENAI_PELICAN_TOOL],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = [chunk async for chunk in stream]
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == meta["expected"]["text"]
    usage = chunks[-1].usage
    assert usage is not None and usage.prompt_tokens == meta["expected"]["usage"]["input_tokens"]
    sent = upstream.last.json()["messages"]
    recorded_turns = meta["request"]["body"]["messages"]
    assert sent[1]["content"] == [b for b in recorded_turns[1]["content"] if b["type"] != "text"]
    assert sent[2] == recorded_turns[2]  # both results in one user turn, as Anthropic wants


ANTHROPIC_CAPITAL_TOOL: Any = {
    "name": "get_capital",
    "description": "The capital of a country",
    "input_schema": {
        "type": "object",
        "properties": {"country": {"type": "string"}},
        "required": ["country"],
    },
}


async def test_the_anthropic_sdk_gets_tool_use_from_an_openai_upstream(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "openai/chat_stream_tool_call_usage.sse"
    meta = recorded(path)
    upstream.queue(fixture_reply(path))
    async with anthropic_client(gateway).messages.stream(
        model="gpt-4o-mini",
        max_tokens=256,
        messages=[{"role": "user", "content": "What is the capital of the UK?"}],
        tools=[ANTHROPIC_CAPITAL_TOOL],
        tool_choice={"type": "auto"},
    ) as stream:
        events = [event async for event in stream]
        message = await stream.get_final_message()
    blocks = [b for b in message.content if b.type == "tool_use"]
    assert [(b.id, b.name, b.input) for b in blocks] == [
        ("call_ZR5UUuTt3pf61kjwAJIYdVMj", "get_capital", {"country": "UK"})
    ]
    assert message.stop_reason == "tool_use"
    assert message.usage.output_tokens == meta["expected"]["usage"]["output_tokens"]
    deltas = [e for e in events if e.type == "content_block_delta"]
    assert deltas and all(e.delta.type == "input_json_delta" for e in deltas)
    sent = upstream.last.json()
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_capital",
                "description": "The capital of a country",
                "parameters": ANTHROPIC_CAPITAL_TOOL["input_schema"],
            },
        }
    ]
    assert sent["tool_choice"] == "auto"


TRUE: Any = {"type": "text", "text": "true"}


async def test_the_anthropic_sdk_sends_tool_results_to_an_openai_upstream(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    path = FIXTURES / "openai/chat_json_text_after_tools.json"
    meta = recorded(path)
    upstream.queue(fixture_reply(path))
    first, second = "call_TTY8UFNo7rNCaOBUNtlRSvMG", "call_aq9UyiSFkzX6W8Ydc33DoI9Y"
    tools: Any = [
        {"name": "lookup_population", "input_schema": {"type": "object"}},
        {"name": "can_have_dragons", "input_schema": {"type": "object"}},
    ]
    message = await anthropic_client(gateway).messages.create(
        model="gpt-4o-mini",
        max_tokens=64,
        tools=tools,
        messages=[
            {"role": "user", "content": "Can the country of Crumpet have dragons?"},
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": first,
                        "name": "lookup_population",
                        "input": {"country": "Crumpet"},
                    }
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": first, "content": "123124"}],
            },
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "tool_use",
                        "id": second,
                        "name": "can_have_dragons",
                        "input": {"population": 123124},
                    }
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": second, "content": [TRUE]}
                ],
            },
        ],
    )  # fmt: skip
    assert message.content[0].type == "text"
    assert message.content[0].text == meta["expected"]["text"]
    assert message.stop_reason == "end_turn"
    sent = upstream.last.json()["messages"]
    want = meta["request"]["body"]["messages"]
    assert [m["role"] for m in sent] == [m["role"] for m in want]
    assert [m.get("tool_call_id") for m in sent] == [m.get("tool_call_id") for m in want]
    calls = [c for m in sent for c in m.get("tool_calls") or ()]
    assert [
        (c["id"], c["function"]["name"], json.loads(c["function"]["arguments"])) for c in calls
    ] == [
        (first, "lookup_population", {"country": "Crumpet"}),
        (second, "can_have_dragons", {"population": 123124}),
    ]
    assert [m["content"] for m in sent if m["role"] == "tool"] == ["123124", "true"]


async def test_whole_answers_carry_tool_calls_across_the_protocols(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    """Not streamed: Anthropic's parallel ``tool_use`` blocks as OpenAI ``tool_calls``, and an
    OpenAI ``tool_calls`` message as Anthropic ``tool_use`` blocks."""
    parallel = FIXTURES / "anthropic/json_parallel_tool_calls.json"
    upstream.queue(fixture_reply(parallel))
    tool: Any = {"type": "function", "function": {"name": "retrieve_entity_info"}}
    answer = await openai_client(gateway).chat.completions.create(
        model="claude-haiku-4-5",
        messages=[{"role": "user", "content": "Who is the youngest?"}],
        tools=[tool],
    )
    want = recorded(parallel)["expected"]
    choice = answer.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content == want["text"]
    calls = choice.message.tool_calls or []
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == [  # type: ignore[union-attr]
        (t["name"], json.loads(t["arguments"])) for t in want["tool_calls"]
    ]
    assert all(c.id.startswith("toolu_") for c in calls)

    single = FIXTURES / "openai/chat_json_tool_call.json"
    upstream.queue(fixture_reply(single))
    message = await anthropic_client(gateway).messages.create(
        model="gpt-4o-mini",
        max_tokens=64,
        messages=[{"role": "user", "content": "Population of Crumpet?"}],
        tools=[{"name": "lookup_population", "input_schema": {"type": "object"}}],
        tool_choice={"type": "any"},
    )
    assert message.stop_reason == "tool_use"
    blocks = [b for b in message.content if b.type == "tool_use"]
    assert [(b.name, b.input) for b in blocks] == [("lookup_population", {"country": "Crumpet"})]
    assert upstream.last.json()["tool_choice"] == "required"
