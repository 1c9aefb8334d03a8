"""Every recording that holds reasoning or reasoning tokens, replayed through its provider's
adapter on loopback in one table: the reasoning text exactly as the corpus's ``expected``
(redacted blocks shown as ``[redacted thinking]``), the reasoning tokens exactly as reported,
output tokens counting them (Gemini's ``thoughtsTokenCount`` added to
``candidatesTokenCount``), and the cost charging them at the output rate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.pricing.prices import cost_usd
from openmaas_tui.core.reasoning import REDACTED_THINKING
from openmaas_tui.core.types import ChatRequest, Completion, Message
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.base import Adapter, collect
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from tests.conftest import FIXTURES
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

KEY = Credentials.of_key("test-key-0123456789")
AWS = Credentials(
    "bedrock",
    {
        Part.ACCESS_KEY_ID: "AKIDEXAMPLEFIXTURE",
        Part.SECRET_ACCESS_KEY: "fixture-secret-access-key-0000",
        Part.REGION: "us-east-1",
    },
)
PRICE = Price(input=1.0, output=10.0)
"""USD per 1M tokens: output ten times input, so reasoning priced as input would show."""

Make = Callable[[httpx.AsyncClient, str], Adapter]


@dataclass(frozen=True)
class Row:
    """One recording: how to build its adapter, its credentials, and how many redacted
    blocks it holds (the corpus reads those as no reasoning)."""

    make: Make
    creds: Credentials = KEY
    redacted: int = 0


def _chat(provider: str, path: str = "/v1") -> Make:
    return lambda c, url: OpenAIChatAdapter(c, provider=provider, base_url=url + path)


ANTHROPIC = Row(lambda c, url: AnthropicAdapter(c, base_url=url))
BEDROCK = Row(lambda c, url: BedrockAdapter(c, base_url=url), AWS)
GEMINI = Row(lambda c, url: GeminiAdapter(c, base_url=url))

MATRIX: dict[str, Row] = {
    "anthropic/json_thinking_tool_use.json": ANTHROPIC,
    "anthropic/stream_adaptive_thinking_opus46.sse": ANTHROPIC,
    "anthropic/stream_code_execution_server_tool.sse": ANTHROPIC,
    "anthropic/stream_thinking.sse": ANTHROPIC,
    "anthropic/stream_thinking_small.sse": ANTHROPIC,
    "bedrock/converse_json_tool_call.json": BEDROCK,
    "bedrock/converse_stream_empty_text_delta.bin": BEDROCK,
    "bedrock/converse_stream_redacted_thinking.bin": Row(BEDROCK.make, AWS, redacted=2),
    "deepseek/json_reasoning.json": Row(_chat("deepseek", "")),
    "gemini/json_array_stream_text.json": GEMINI,
    "gemini/json_text.json": GEMINI,
    "gemini/json_thinking_model_empty_max_tokens.json": GEMINI,
    "gemini/sse_function_call_thought_signature.sse": GEMINI,
    "gemini/sse_usage_mid_stream.sse": GEMINI,
    "gemini/sse_vertex_flex.sse": GEMINI,
    "gemini/sse_web_fetch.sse": GEMINI,
    "mistral/json_thinking.json": Row(lambda c, url: MistralAdapter(c, base_url=url + "/v1")),
    "mistral/stream_thinking.sse": Row(lambda c, url: MistralAdapter(c, base_url=url + "/v1")),
    "ollama/chat_stream_thinking.ndjson": Row(lambda c, url: OllamaChatAdapter(c, base_url=url)),
    "ollama/openai_compat_json_local.json": Row(_chat("ollama")),
    "openai/chat_json_o3_mini.json": Row(_chat("openai")),
    "openai/chat_json_reasoning_tokens.json": Row(_chat("openai")),
    "openai_responses/stream_usage_reasoning.sse": Row(
        lambda c, url: OpenAIResponsesAdapter(c, provider="openai", base_url=url + "/v1")
    ),
    "openrouter/stream_reasoning.sse": Row(_chat("openrouter", "/api/v1")),
}


async def _replayed(name: str, row: Row, client: httpx.AsyncClient) -> Completion:
    server = ReplayServer(fixture_reply(fixture_path(name)))
    await server.start()
    try:
        adapter = row.make(client, server.url)
        request = ChatRequest(model="test-model", messages=(Message.user("hi"),))
        return await collect(adapter.stream(request, row.creds), request.model)
    finally:
        await server.stop()


@pytest.mark.parametrize("name", sorted(MATRIX))
async def test_reasoning_text_tokens_and_price(name: str, client: httpx.AsyncClient) -> None:
    row = MATRIX[name]
    want = expected(name)
    reported = want["usage"]
    completion = await _replayed(name, row, client)
    shown = (REDACTED_THINKING + "\n") * row.redacted if row.redacted else want["reasoning"]
    assert completion.reasoning == (shown or None)
    assert completion.text == want["text"]
    usage = completion.usage
    assert usage.reasoning_tokens == reported["reasoning_tokens"]
    out = reported["output_tokens"]
    if name.startswith("gemini/"):  # candidatesTokenCount + thoughtsTokenCount
        out = (out or 0) + (reported["reasoning_tokens"] or 0)
    assert usage.output_tokens == out
    if usage.input_tokens is not None and usage.output_tokens is not None:
        uncached = usage.input_tokens - (usage.cached_input_tokens or 0)
        cached = usage.cached_input_tokens or 0
        want_usd = (uncached * 1.0 + cached * 1.0 + usage.output_tokens * 10.0) / 1e6
        assert cost_usd(PRICE, usage) == pytest.approx(want_usd)


def test_every_reasoning_recording_is_in_the_matrix() -> None:
    found = set()
    for meta in FIXTURES.glob("*/*.meta.json"):
        name = f"{meta.parent.name}/{meta.name.removesuffix('.meta.json')}"
        bodies = meta.parent.glob(meta.name.removesuffix(".meta.json") + ".*")
        body = next(p for p in bodies if not p.name.endswith(".meta.json"))
        want = expected(f"{meta.parent.name}/{body.name}")
        if want["reasoning"] or (want["usage"] or {}).get("reasoning_tokens"):
            found.add(f"{name}{body.suffix}")
    assert len(found) >= 20  # the corpus is there
    missing = found - set(MATRIX)  # Cohere's tool plans: test_cohere_fixtures.py
    assert not missing, f"reasoning recordings missing from the matrix: {sorted(missing)}"
