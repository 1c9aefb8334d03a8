"""Each official SDK builds the same prompt with an image and sends it to a loopback server;
our adapter's request for it must carry the same messages. Where an SDK has its own image type
it builds the part from the raw bytes (google-genai's ``Part.from_bytes``, ollama's ``Image``,
boto3 encoding ``bytes``, mistralai's ``ImageURLChunk``, cohere's ``ImageUrlContent``), so the
comparison checks our base64 and our shapes against the provider's own code."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from typing import Any

import anthropic
import boto3
import cohere
import httpx
import ollama
import openai
import pytest
from botocore.config import Config
from google import genai
from google.genai import types
from mistralai.client import Mistral
from mistralai.client.models import ImageURL, ImageURLChunk, TextChunk, UserMessage

from openmaas_tui.core.attachments.images import image_part
from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.types import ChatRequest, Message, Role, TextPart
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import Adapter, collect
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.support.images import png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "test-key-0123456789"
PNG = png(3, 2)
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
QUESTION = "What is in this picture?"
REQUEST = ChatRequest(
    "test-model", (Message(Role.USER, (TextPart(QUESTION), image_part(PNG, "dot.png"))),)
)


async def _ours(adapter: Adapter, server: ReplayServer, fixture: str) -> dict[str, Any]:
    server.queue(fixture_reply(fixture_path(fixture)))
    await collect(adapter.stream(REQUEST, Credentials.of_key(KEY)), REQUEST.model)
    body: dict[str, Any] = server.last.json()
    return body


async def test_openai_chat_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://platform.openai.com/docs/guides/images-vision#giving-a-model-images-as-input"""
    server.queue(fixture_reply(fixture_path("openai/chat_json_text_after_tools.json")))
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=server.url + "/v1")
    content: Any = [
        {"type": "text", "text": QUESTION},
        {"type": "image_url", "image_url": {"url": DATA_URL}},
    ]
    await sdk.chat.completions.create(
        model="test-model", messages=[{"role": "user", "content": content}]
    )
    want = server.last.json()
    adapter = OpenAIChatAdapter(client, base_url=server.url + "/v1")
    ours = await _ours(adapter, server, "openai/chat_stream_tool_call_usage.sse")
    assert ours["messages"] == want["messages"]


async def test_responses_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://platform.openai.com/docs/guides/images-vision?api-mode=responses"""
    server.queue(fixture_reply(fixture_path("openai_responses/json_basic.json")))
    sdk = openai.AsyncOpenAI(api_key=KEY, base_url=server.url + "/v1")
    await sdk.responses.create(
        model="test-model",
        input=[
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": QUESTION},
                    {"type": "input_image", "image_url": DATA_URL, "detail": "auto"},
                ],
            }
        ],
    )
    want = server.last.json()
    adapter = OpenAIResponsesAdapter(client, base_url=server.url + "/v1")
    ours = await _ours(adapter, server, "openai_responses/stream_basic.sse")
    assert ours["input"] == want["input"]


async def test_anthropic_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.anthropic.com/en/docs/build-with-claude/vision#base64-encoded-image-example"""
    server.queue(fixture_reply(fixture_path("anthropic/json_text.json")))
    sdk = anthropic.AsyncAnthropic(api_key=KEY, base_url=server.url)
    source: Any = {
        "type": "base64",
        "media_type": "image/png",
        "data": base64.standard_b64encode(PNG).decode("utf-8"),
    }
    await sdk.messages.create(
        model="test-model",
        max_tokens=100,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": QUESTION},
                    {"type": "image", "source": source},
                ],
            }
        ],
    )
    want = server.last.json()
    ours = await _ours(
        AnthropicAdapter(client, base_url=server.url), server, "anthropic/stream_text.sse"
    )
    assert ours["messages"] == want["messages"]


async def test_gemini_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://ai.google.dev/gemini-api/docs/image-understanding#inline-image: the SDK's
    ``Part.from_bytes`` encodes the raw bytes itself."""
    server.queue(fixture_reply(fixture_path("gemini/json_text.json")))
    options = types.HttpOptions(base_url=server.url, api_version="v1beta")
    sdk = genai.Client(api_key=KEY, http_options=options)
    await sdk.aio.models.generate_content(
        model="test-model",
        contents=[
            types.Content(
                role="user",
                parts=[
                    types.Part(text=QUESTION),
                    types.Part.from_bytes(data=PNG, mime_type="image/png"),
                ],
            )
        ],
    )
    want = server.last.json()
    ours = await _ours(GeminiAdapter(client, base_url=server.url), server, "gemini/sse_text.sse")
    # The SDK writes the blob with the proto field name (``mime_type``) and URL-safe base64;
    # the API's JSON mapping reads both spellings of each (https://protobuf.dev/programming-
    # guides/json/: "accepts either standard or URL-safe base64", field names "or the proto
    # field name"). The content must be the same: the text, the media type and the bytes.
    (sdk_text, sdk_blob), (our_text, our_blob) = (
        want["contents"][0]["parts"],
        ours["contents"][0]["parts"],
    )
    assert our_text == sdk_text and ours["contents"][0]["role"] == want["contents"][0]["role"]
    assert our_blob["inlineData"]["mimeType"] == sdk_blob["inlineData"]["mime_type"]
    assert base64.b64decode(our_blob["inlineData"]["data"]) == PNG
    assert base64.urlsafe_b64decode(sdk_blob["inlineData"]["data"]) == PNG


async def test_ollama_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-images: the
    SDK's ``Image`` encodes the raw bytes itself."""
    server.queue(fixture_reply(fixture_path("ollama/chat_json_text.json")))
    async with ollama.AsyncClient(host=server.url) as sdk:
        message = ollama.Message(role="user", content=QUESTION, images=[ollama.Image(value=PNG)])
        await sdk.chat(model="test-model", messages=[message])
    want = server.last.json()
    adapter = OllamaChatAdapter(client, base_url=server.url)
    ours = await _ours(adapter, server, "ollama/chat_stream_text.ndjson")
    assert ours["messages"] == want["messages"]


async def test_mistral_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.mistral.ai/capabilities/vision/#passing-a-base64-encoded-image"""
    server.queue(fixture_reply(fixture_path("mistral/json_text.json")))
    sdk = Mistral(api_key=KEY, server_url=server.url)
    chunks: Any = [TextChunk(text=QUESTION), ImageURLChunk(image_url=ImageURL(url=DATA_URL))]
    await sdk.chat.complete_async(model="test-model", messages=[UserMessage(content=chunks)])
    want = server.last.json()
    adapter = MistralAdapter(client, base_url=server.url + "/v1")
    ours = await _ours(adapter, server, "mistral/stream_text.sse")
    assert ours["messages"] == want["messages"]


async def test_cohere_matches_the_sdk(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.cohere.com/docs/image-inputs"""
    server.queue(fixture_reply(fixture_path("cohere/json_text.json")))
    sdk = cohere.AsyncClientV2(api_key=KEY, base_url=server.url)
    content: Any = [
        cohere.TextContent(text=QUESTION),
        cohere.ImageUrlContent(image_url=cohere.ImageUrl(url=DATA_URL)),
    ]
    await sdk.chat(model="test-model", messages=[cohere.UserChatMessageV2(content=content)])
    want = server.last.json()
    ours = await _ours(CohereAdapter(client, base_url=server.url), server, "cohere/stream_text.sse")
    assert ours["messages"] == want["messages"]


@pytest.fixture
def thread_server() -> Iterator[ReplayServer]:
    replay = ReplayServer()
    replay.start_in_thread()
    yield replay
    replay.stop_thread()


def test_bedrock_matches_boto3(thread_server: ReplayServer) -> None:
    """https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html:
    boto3 is handed the raw ``bytes`` and base64-encodes them into the REST body itself."""
    server = thread_server
    server.default = fixture_reply(fixture_path("bedrock/converse_stream_nova.bin"))
    sdk = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKIDIMAGES0001",
        aws_secret_access_key="images-secret-key",
        config=Config(retries={"max_attempts": 1}),
    )
    image = {"image": {"format": "png", "source": {"bytes": PNG}}}
    response = sdk.converse_stream(
        modelId="test-model", messages=[{"role": "user", "content": [{"text": QUESTION}, image]}]
    )
    for _ in response["stream"]:
        pass
    want = server.last.json()

    async def ours() -> None:
        creds = Credentials(
            "bedrock",
            {
                Part.ACCESS_KEY_ID: "AKIDIMAGES0001",
                Part.SECRET_ACCESS_KEY: "images-secret-key",
                Part.REGION: "us-east-1",
            },
        )
        async with httpx.AsyncClient() as client:
            adapter = BedrockAdapter(client, base_url=server.url)
            await collect(adapter.stream(REQUEST, creds), REQUEST.model)

    asyncio.run(ours())
    assert server.last.json()["messages"] == want["messages"]
