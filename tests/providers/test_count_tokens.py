"""Provider token counts: Anthropic ``/v1/messages/count_tokens`` and Gemini ``:countTokens``
against the loopback server: what is sent (path, body, key only in a header) and what is read.

The success bodies have the shape of the API references (Anthropic
https://docs.anthropic.com/en/api/messages-count-tokens, Gemini
https://ai.google.dev/api/tokens#method:-models.counttokens), checked against the official
SDKs' response types; the Gemini 404 is a recorded response (gemini/error_404_count_tokens).
"""

from __future__ import annotations

import json

import httpx
import pytest
from anthropic.types import MessageTokensCount
from google.genai.types import CountTokensResponse

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

KEY = "test-key-0123456789SECRET"
ANTHROPIC_COUNT = b'{"input_tokens":14}'
GEMINI_COUNT = (
    b'{\n  "totalTokens": 31,\n  "promptTokensDetails": [\n'
    b'    {\n      "modality": "TEXT",\n      "tokenCount": 31\n    }\n  ]\n}\n'
)


def _request(model: str) -> ChatRequest:
    return ChatRequest(
        model=model,
        messages=(Message.user("Hello, Claude"), Message.assistant("Hi"), Message.user("More")),
        system="You are a scientist",
        temperature=0.2,
        max_tokens=100,
        stop=("END",),
    )


def _json(status: int, body: bytes) -> Reply:
    return Reply(status=status, body=body, content_type="application/json")


def test_the_success_bodies_have_the_sdks_shape() -> None:
    assert MessageTokensCount.model_validate_json(ANTHROPIC_COUNT).input_tokens == 14
    parsed = CountTokensResponse._from_response(response=json.loads(GEMINI_COUNT), kwargs={})
    assert parsed.total_tokens == 31


async def test_anthropic_count_tokens(server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(_json(200, ANTHROPIC_COUNT))
    adapter = AnthropicAdapter(client, base_url=server.url)
    assert await adapter.count_tokens(_request("claude-sonnet-4-5"), Credentials.of_key(KEY)) == 14
    sent = server.last
    assert (sent.method, sent.path) == ("POST", "/v1/messages/count_tokens")
    assert sent.headers["x-api-key"] == KEY and KEY.encode() not in sent.body
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert sent.json() == {  # no max_tokens, sampling parameters or stop sequences
        "model": "claude-sonnet-4-5",
        "system": "You are a scientist",
        "messages": [
            {"role": "user", "content": "Hello, Claude"},
            {"role": "assistant", "content": "Hi"},
            {"role": "user", "content": "More"},
        ],
    }


async def test_gemini_count_tokens(server: ReplayServer, client: httpx.AsyncClient) -> None:
    server.queue(_json(200, GEMINI_COUNT))
    adapter = GeminiAdapter(client, base_url=server.url)
    assert await adapter.count_tokens(_request("gemini-2.5-flash"), Credentials.of_key(KEY)) == 31
    sent = server.last
    assert (sent.method, sent.path) == ("POST", "/v1beta/models/gemini-2.5-flash:countTokens")
    assert sent.headers["x-goog-api-key"] == KEY and KEY.encode() not in sent.body
    assert not sent.query
    body = sent.json()
    assert list(body) == ["generateContentRequest"]
    inner = body["generateContentRequest"]
    assert inner["model"] == "models/gemini-2.5-flash"
    assert inner["systemInstruction"] == {"parts": [{"text": "You are a scientist"}]}
    assert [c["role"] for c in inner["contents"]] == ["user", "model", "user"]
    assert "generationConfig" not in inner


async def test_gemini_recorded_404_is_invalid_model(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(fixture_reply(fixture_path("gemini/error_404_count_tokens.json")))
    adapter = GeminiAdapter(client, base_url=server.url)
    with pytest.raises(OpenMaaSError) as caught:
        await adapter.count_tokens(_request("nonexistent-model"), Credentials.of_key(KEY))
    assert caught.value.code is ErrorCode.INVALID_MODEL
    assert "countTokens" in caught.value.message


@pytest.mark.parametrize(
    "body", [b'{"tokens": 3}', b'{"input_tokens": -1}', b'{"input_tokens": "3"}', b"[]", b"no"]
)
async def test_anthropic_malformed_count_is_a_parsing_error(
    server: ReplayServer, client: httpx.AsyncClient, body: bytes
) -> None:
    server.queue(_json(200, body))
    adapter = AnthropicAdapter(client, base_url=server.url)
    with pytest.raises(OpenMaaSError) as caught:
        await adapter.count_tokens(_request("claude-haiku-4-5"), Credentials.of_key(KEY))
    assert caught.value.code is ErrorCode.STREAM_PARSING_FAILED


async def test_gemini_malformed_count_is_a_parsing_error(
    server: ReplayServer, client: httpx.AsyncClient
) -> None:
    server.queue(_json(200, b'{"promptTokensDetails": []}'))
    adapter = GeminiAdapter(client, base_url=server.url)
    with pytest.raises(OpenMaaSError) as caught:
        await adapter.count_tokens(_request("gemini-2.5-flash"), Credentials.of_key(KEY))
    assert caught.value.code is ErrorCode.STREAM_PARSING_FAILED


async def test_anthropic_auth_failure(server: ReplayServer, client: httpx.AsyncClient) -> None:
    error = (
        b'{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}'
    )
    server.queue(_json(401, error))
    adapter = AnthropicAdapter(client, base_url=server.url)
    with pytest.raises(OpenMaaSError) as caught:
        await adapter.count_tokens(_request("claude-haiku-4-5"), NO_CREDENTIALS)
    assert caught.value.code is ErrorCode.AUTH_FAILED
    assert "x-api-key" not in server.last.headers
