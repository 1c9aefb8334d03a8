"""The request each provider receives for a prompt with an image, read off a loopback server,
field by field against the provider's API reference (cited per test). The image is a real PNG
read the way ``ask -a`` and the playground read one."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from openmaas_tui.core.attachments.images import image_part
from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.types import ChatRequest, Message, Role, TextPart
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
from tests.providers.helpers import drain
from tests.support.images import png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = "test-key-0123456789"
PNG = png(3, 2)
DATA = base64.b64encode(PNG).decode()
IMAGE = image_part(PNG, "dot.png")
QUESTION = "What is in this picture?"
REQUEST = ChatRequest("test-model", (Message(Role.USER, (TextPart(QUESTION), IMAGE)),))
DATA_URL = f"data:image/png;base64,{DATA}"


async def _sent(
    adapter: Adapter, server: ReplayServer, fixture: str, creds: Credentials | None = None
) -> dict[str, Any]:
    server.queue(fixture_reply(fixture_path(fixture)))
    drained = await drain(adapter.stream(REQUEST, creds or Credentials.of_key(KEY)), "test-model")
    assert drained.error is None
    body: dict[str, Any] = server.last.json()
    return body


async def test_openai_chat_sends_an_image_url_data_url(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages (user
    message, content part ``image_url``: ``{"type": "image_url", "image_url": {"url"}}``, the
    URL a ``data:`` URL with the base64 image,
    https://platform.openai.com/docs/guides/images-vision#giving-a-model-images-as-input)."""
    adapter = OpenAIChatAdapter(client, base_url=server.url + "/v1")
    body = await _sent(adapter, server, "openai/chat_stream_tool_call_usage.sse")
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": QUESTION},
                {"type": "image_url", "image_url": {"url": DATA_URL}},
            ],
        }
    ]


async def test_azure_sends_images_as_openai_does(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/gpt-with-vision (the
    Chat Completions ``image_url`` part, a base64 ``data:`` URL)."""
    adapter = AzureOpenAIAdapter(client, provider="azure", base_url=server.url, api=Api.CHAT)
    creds = Credentials("azure", {Part.API_KEY: KEY})
    body = await _sent(adapter, server, "openai/chat_stream_tool_call_usage.sse", creds)
    assert body["messages"][0]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": DATA_URL},
    }


async def test_responses_sends_an_input_image(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
    (``input_text`` and ``input_image`` parts; ``input_image`` has ``image_url``, a URL or a
    base64 ``data:`` URL, and ``detail``, one of ``low``, ``high``, ``auto``)."""
    adapter = OpenAIResponsesAdapter(client, base_url=server.url + "/v1")
    body = await _sent(adapter, server, "openai_responses/stream_basic.sse")
    assert body["input"] == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": QUESTION},
                {"type": "input_image", "image_url": DATA_URL, "detail": "auto"},
            ],
        }
    ]


async def test_anthropic_sends_a_base64_image_block(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://docs.anthropic.com/en/api/messages#body-messages-content (an ``image`` block:
    ``source`` ``{"type": "base64", "media_type", "data"}``; media types image/jpeg,
    image/png, image/gif, image/webp)."""
    adapter = AnthropicAdapter(client, base_url=server.url)
    body = await _sent(adapter, server, "anthropic/stream_text.sse")
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": QUESTION},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": DATA},
                },
            ],
        }
    ]


async def test_gemini_sends_inline_data(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://ai.google.dev/api/caching#Part and #Blob (``inlineData``: ``mimeType`` and
    ``data``, base64-encoded bytes)."""
    adapter = GeminiAdapter(client, base_url=server.url)
    body = await _sent(adapter, server, "gemini/sse_text.sse")
    assert body["contents"] == [
        {
            "role": "user",
            "parts": [{"text": QUESTION}, {"inlineData": {"mimeType": "image/png", "data": DATA}}],
        }
    ]


async def test_vertex_sends_inline_data(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/Content#Part
    (``inlineData`` ``{"mimeType", "data"}``, the same Part as the Gemini API)."""
    adapter = VertexAdapter(client, base_url=server.url)
    creds = Credentials("vertex", {Part.API_KEY: KEY})
    body = await _sent(adapter, server, "gemini/sse_vertex_flex.sse", creds)
    assert body["contents"][0]["parts"][1] == {
        "inlineData": {"mimeType": "image/png", "data": DATA}
    }


async def test_ollama_sends_an_images_list(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-images (the
    message's ``images``: a list of base64-encoded images beside its ``content``)."""
    adapter = OllamaChatAdapter(client, base_url=server.url)
    body = await _sent(adapter, server, "ollama/chat_stream_text.ndjson")
    assert body["messages"] == [{"role": "user", "content": QUESTION, "images": [DATA]}]


async def test_mistral_sends_an_image_url_chunk(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://docs.mistral.ai/api/#tag/chat (``ImageURLChunk``: ``{"type": "image_url",
    "image_url": {"url"}}``, a base64 ``data:`` URL,
    https://docs.mistral.ai/capabilities/vision/#passing-a-base64-encoded-image)."""
    adapter = MistralAdapter(client, base_url=server.url + "/v1")
    body = await _sent(adapter, server, "mistral/stream_text.sse")
    assert body["messages"][0]["content"] == [
        {"type": "text", "text": QUESTION},
        {"type": "image_url", "image_url": {"url": DATA_URL}},
    ]


async def test_cohere_sends_image_url_content(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    """https://docs.cohere.com/reference/chat (a user message's ``content`` list: ``text``
    and ``image_url`` ``{"url"}`` items, a base64 ``data:`` URL,
    https://docs.cohere.com/docs/image-inputs)."""
    adapter = CohereAdapter(client, base_url=server.url)
    body = await _sent(adapter, server, "cohere/stream_text.sse")
    assert body["messages"][0]["content"] == [
        {"type": "text", "text": QUESTION},
        {"type": "image_url", "image_url": {"url": DATA_URL}},
    ]


async def test_bedrock_sends_image_bytes(server: ReplayServer, client: httpx.AsyncClient) -> None:
    """https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html
    (``image``: ``format`` png | jpeg | gif | webp and ``source.bytes``, which the REST body
    carries base64-encoded)."""
    adapter = BedrockAdapter(client, base_url=server.url)
    creds = Credentials(
        "bedrock",
        {
            Part.ACCESS_KEY_ID: "AKIDIMAGES0001",
            Part.SECRET_ACCESS_KEY: "s",
            Part.REGION: "us-east-1",
        },
    )
    body = await _sent(adapter, server, "bedrock/converse_stream_nova.bin", creds)
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"text": QUESTION},
                {"image": {"format": "png", "source": {"bytes": DATA}}},
            ],
        }
    ]
