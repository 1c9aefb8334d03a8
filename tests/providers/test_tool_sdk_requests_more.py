"""The two SDK checks of a tool result that tests/providers/test_tool_sdk_requests.py lacks:
the ``openai`` SDK building a Responses request with a ``function_call`` and its
``function_call_output``, and boto3 building a Converse request with a ``toolUse`` and its
``toolResult``; our adapter's request for the same conversation (from
:mod:`tests.providers.test_tool_sdk_requests`) must carry the same items, messages and tools."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import boto3
import httpx
import openai
import pytest
from botocore.config import Config

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.types import ToolChoice
from openmaas_tui.providers.base import collect
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.providers.test_tool_sdk_requests import KEY, QUESTION, REQUEST, SCHEMA
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

AWS = {"access_key_id": "AKIDTOOLSDK0001", "secret_access_key": "tool-sdk-secret-key"}


async def test_responses_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://platform.openai.com/docs/guides/function-calling?api-mode=responses (the call
    and its output as input items; a function tool flat; a named choice
    ``{"type": "function", "name"}``)."""
    server.queue(fixture_reply(fixture_path("openai_responses/json_basic.json")))
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=server.url + "/v1")
    items: Any = [
        {"role": "user", "content": QUESTION},
        {
            "type": "function_call",
            "call_id": "call_1",
            "name": "lookup",
            "arguments": '{"q": "Paris"}',
        },
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
    ]
    tools: Any = [
        {
            "type": "function",
            "name": "lookup",
            "description": "Look something up.",
            "parameters": SCHEMA,
            "strict": False,
        }
    ]
    choice: Any = {"type": "function", "name": "lookup"}
    await sdk.responses.create(model="test-model", input=items, tools=tools, tool_choice=choice)
    want = server.last.json()
    server.queue(fixture_reply(fixture_path("openai_responses/stream_basic.sse")))
    adapter = OpenAIResponsesAdapter(client, base_url=server.url + "/v1")
    await collect(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model)
    ours = server.last.json()
    for name in ("input", "tools", "tool_choice"):
        assert ours[name] == want[name], name


@pytest.fixture
def thread_server() -> Iterator[ReplayServer]:
    """A replay server in its own thread: boto3 blocks."""
    replay = ReplayServer(fixture_reply(fixture_path("bedrock/converse_json_text.json")))
    replay.start_in_thread()
    yield replay
    replay.stop_thread()


def test_bedrock_matches_boto3(thread_server: ReplayServer) -> None:
    """https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
    (``toolUse`` in the assistant turn, ``toolResult`` in a user turn, ``toolConfig`` with
    ``toolSpec`` and a named ``toolChoice``): boto3 serialises the same conversation."""
    server = thread_server
    sdk = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id=AWS["access_key_id"],
        aws_secret_access_key=AWS["secret_access_key"],
        config=Config(retries={"max_attempts": 1}),
    )
    messages: Any = [
        {"role": "user", "content": [{"text": QUESTION}]},
        {
            "role": "assistant",
            "content": [
                {"toolUse": {"toolUseId": "call_1", "name": "lookup", "input": {"q": "Paris"}}}
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": "call_1",
                        "content": [{"text": "sunny"}],
                        "status": "success",
                    }
                }
            ],
        },
    ]
    tool_config: Any = {
        "tools": [
            {
                "toolSpec": {
                    "name": "lookup",
                    "description": "Look something up.",
                    "inputSchema": {"json": SCHEMA},
                }
            }
        ],
        "toolChoice": {"tool": {"name": "lookup"}},
    }
    sdk.converse(modelId="test-model", messages=messages, toolConfig=tool_config)
    want = server.last.json()

    async def ours() -> None:
        creds = Credentials(
            "bedrock",
            {
                Part.ACCESS_KEY_ID: AWS["access_key_id"],
                Part.SECRET_ACCESS_KEY: AWS["secret_access_key"],
                Part.REGION: "us-east-1",
            },
        )
        async with httpx.AsyncClient() as client:
            await BedrockAdapter(client, base_url=server.url).complete(REQUEST, creds)

    asyncio.run(ours())
    assert REQUEST.tool_choice == ToolChoice.parse("lookup")
    ours_body = server.last.json()
    assert ours_body["messages"] == want["messages"]
    assert ours_body["toolConfig"] == want["toolConfig"]
