"""boto3's ``bedrock-runtime`` client and BedrockAdapter read the same recorded bytes: same text,
reasoning, client tool calls, stop reason and usage. The client talks to the loopback replay
server (``endpoint_url``) with fixed credentials; it is the oracle, never shipped."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.types import ChatRequest, Completion, Message
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.bedrock.wire import is_server_tool
from tests.support.recordings import fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply

MODEL = "us.amazon.nova-micro-v1:0"
STREAMS = [n for n in fixtures_of("bedrock", {"bedrock_stream"}) if n.endswith(".bin")]
BODIES = [
    n
    for n in fixtures_of("bedrock", {"bedrock_json"})
    if json.loads(fixture_path(n).read_bytes()).get("output")
]


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    replay = ReplayServer()
    replay.start_in_thread()
    yield replay
    replay.stop_thread()


def _client(url: str) -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIDCONFORMANCE0001",
        aws_secret_access_key="conformance-secret-key",
        config=Config(retries={"max_attempts": 1}),
    )


def _sdk_stream(url: str) -> dict[str, Any]:
    """What boto3 assembles from ``converse_stream``: text, reasoning, client calls, usage."""
    response = _client(url).converse_stream(
        modelId=MODEL, messages=[{"role": "user", "content": [{"text": "hi"}]}]
    )
    text, reasoning, calls, stop, usage = [], [], {}, None, None
    skipped: set[int] = set()
    for event in response["stream"]:
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            tool = start["start"].get("toolUse")
            if tool is not None and is_server_tool(tool):
                skipped.add(start["contentBlockIndex"])
            elif tool is not None:
                calls[start["contentBlockIndex"]] = [tool["name"], ""]
        elif "contentBlockDelta" in event:
            delta, index = (
                event["contentBlockDelta"]["delta"],
                event["contentBlockDelta"]["contentBlockIndex"],
            )
            text.append(delta.get("text", ""))
            content = delta.get("reasoningContent", {})
            # a redacted block is bytes to boto3; we show it as what it is
            reasoning.append("[redacted thinking]\n" if "redactedContent" in content else "")
            reasoning.append(content.get("text", ""))
            if "toolUse" in delta and index not in skipped:
                calls[index][1] += delta["toolUse"]["input"]
        elif "messageStop" in event:
            stop = event["messageStop"]["stopReason"]
        elif "metadata" in event:
            usage = event["metadata"]["usage"]
    return {
        "text": "".join(text),
        "reasoning": "".join(reasoning) or None,
        "calls": [tuple(c) for c in calls.values()],
        "stop": stop,
        "usage": usage,
    }


def _ours(url: str, *, stream: bool) -> Completion:
    async def run() -> Completion:
        creds = Credentials(
            "bedrock",
            {
                Part.ACCESS_KEY_ID: "AKIDCONFORMANCE0001",
                Part.SECRET_ACCESS_KEY: "conformance-secret-key",
                Part.REGION: "us-east-1",
            },
        )
        request = ChatRequest(model=MODEL, messages=(Message.user("hi"),))
        async with httpx.AsyncClient() as client:
            adapter = BedrockAdapter(client, base_url=url)
            if stream:
                return await collect(adapter.stream(request, creds), MODEL)
            return await adapter.complete(request, creds)

    return asyncio.run(run())


def _same(ours: Completion, sdk: dict[str, Any]) -> None:
    assert ours.text == sdk["text"]
    assert ours.reasoning == sdk["reasoning"]
    assert [(c.name, c.arguments) for c in ours.tool_calls] == sdk["calls"]
    assert ours.finish_reason_raw == sdk["stop"]
    usage = sdk["usage"]
    assert ours.usage.input_tokens == usage["inputTokens"] + usage.get("cacheReadInputTokens", 0)
    assert ours.usage.output_tokens == usage["outputTokens"]


@pytest.mark.parametrize("name", STREAMS)
def test_converse_stream_agrees_with_boto3(server: ReplayServer, name: str) -> None:
    server.default = fixture_reply(fixture_path(name))
    sdk = _sdk_stream(server.url)
    ours = _ours(server.url, stream=True)
    _same(ours, sdk)
    assert sdk["text"] or sdk["calls"]  # the oracle read something


@pytest.mark.parametrize("name", BODIES)
def test_converse_agrees_with_boto3(server: ReplayServer, name: str) -> None:
    server.default = fixture_reply(fixture_path(name))
    answer = _client(server.url).converse(
        modelId=MODEL, messages=[{"role": "user", "content": [{"text": "hi"}]}]
    )
    ours = _ours(server.url, stream=False)
    blocks = answer["output"]["message"]["content"]
    assert ours.text == "".join(b.get("text", "") for b in blocks)
    calls = [(b["toolUse"]["name"], b["toolUse"]["input"]) for b in blocks if "toolUse" in b]
    assert [(c.name, json.loads(c.arguments)) for c in ours.tool_calls] == calls
    assert ours.finish_reason_raw == answer["stopReason"]
    assert ours.usage.input_tokens == answer["usage"]["inputTokens"]
    assert ours.usage.output_tokens == answer["usage"]["outputTokens"]


def test_boto3_asks_the_same_path_as_the_adapter(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("bedrock/converse_stream_nova.bin"))
    _sdk_stream(server.url)
    sdk_path = server.last.path
    _ours(server.url, stream=True)
    assert server.last.path == sdk_path == "/model/us.amazon.nova-micro-v1%3A0/converse-stream"
