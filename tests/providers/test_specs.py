"""The provider specs seen from the adapters: every protocol a spec names has an adapter, token
counting and model discovery follow the specs, and nothing is found by probing an adapter."""

from __future__ import annotations

import httpx
import pytest

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.config.settings import Settings
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import (
    SPECS,
    Discovery,
    ProviderSpec,
    TokenCounting,
    WireProtocol,
)
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter
from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
from openmaas_tui.providers.cohere.adapter import CohereAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.mistral.adapter import MistralAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from openmaas_tui.providers.protocols import (
    can_count_tokens,
    has_adapter,
    make_adapter,
    make_counting_adapter,
)
from openmaas_tui.providers.registry import Providers
from openmaas_tui.providers.vertex.adapter import VertexAdapter

ADAPTER_CLASSES = {
    WireProtocol.OPENAI_CHAT: OpenAIChatAdapter,
    WireProtocol.OPENAI_RESPONSES: OpenAIResponsesAdapter,
    WireProtocol.AZURE: AzureOpenAIAdapter,
    WireProtocol.ANTHROPIC: AnthropicAdapter,
    WireProtocol.GEMINI: GeminiAdapter,
    WireProtocol.OLLAMA: OllamaChatAdapter,
    WireProtocol.MISTRAL: MistralAdapter,
    WireProtocol.COHERE: CohereAdapter,
    WireProtocol.BEDROCK: BedrockAdapter,
    WireProtocol.VERTEX: VertexAdapter,
}
BUILT_IN = [s for s in SPECS.values() if s.id != "demo"]


def _providers(client: httpx.AsyncClient, endpoints: dict[str, Endpoint]) -> Providers:
    """A registry whose every built-in key variable holds a fake key."""
    environ = {name: f"test-key-{name.lower()}" for s in SPECS.values() for name in s.key_env}
    environ["AZURE_OPENAI_ENDPOINT"] = "https://test-resource.openai.azure.com"
    environ |= {"AWS_REGION": "us-east-1", "GOOGLE_CLOUD_PROJECT": "test-project"}
    settings = Settings(endpoints=endpoints)
    keys = KeyStore(endpoints, environ=environ, use_keyring=False)
    return Providers(client, settings, keys, environ=environ)


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
async def test_every_specs_protocol_has_an_adapter(spec: ProviderSpec) -> None:
    assert has_adapter(spec.protocol)
    async with httpx.AsyncClient() as client:
        adapter = make_adapter(spec.protocol, client, spec.id, spec.base_url or "http://x")
    assert isinstance(adapter, ADAPTER_CLASSES[spec.protocol])
    assert adapter.provider == spec.id


def test_every_protocol_has_an_adapter_and_the_counting_ones_are_known() -> None:
    assert all(has_adapter(protocol) for protocol in WireProtocol)
    assert {p for p in WireProtocol if can_count_tokens(p)} == {
        WireProtocol.ANTHROPIC,
        WireProtocol.GEMINI,
        WireProtocol.VERTEX,
    }
    for spec in SPECS.values():
        if spec.token_count is TokenCounting.PROVIDER:
            assert can_count_tokens(spec.protocol), spec.id


async def test_a_protocol_without_a_count_endpoint_has_no_counting_adapter() -> None:
    async with httpx.AsyncClient() as client:
        with pytest.raises(ValueError, match="no token-counting endpoint"):
            make_counting_adapter(WireProtocol.OPENAI_CHAT, client, "openai", "http://x")
        with pytest.raises(ValueError):
            make_adapter("smoke-signals", client, "x", "http://x")


@pytest.mark.parametrize("spec", BUILT_IN, ids=[s.id for s in BUILT_IN])
async def test_targets_count_tokens_where_the_spec_says(spec: ProviderSpec) -> None:
    async with httpx.AsyncClient() as client:
        target = await _providers(client, {}).target(f"{spec.id}/{spec.default_model}")
        assert isinstance(target.adapter, ADAPTER_CLASSES[spec.protocol])
        assert target.counts_tokens == (spec.token_count is TokenCounting.PROVIDER)
        if target.counts_tokens:
            assert isinstance(target.counter, ADAPTER_CLASSES[spec.protocol])
            return
        request = ChatRequest(model=target.route.model, messages=(Message.user("hi"),))
        with pytest.raises(OpenMaaSError) as info:
            await target.count_tokens(request)
        assert info.value.code is ErrorCode.INVALID_REQUEST


async def test_a_custom_endpoint_is_resolved_through_its_spec() -> None:
    endpoints = {"labbox": Endpoint("labbox", "http://localhost:1234/v1")}
    async with httpx.AsyncClient() as client:
        providers = _providers(client, endpoints)
        assert providers.names()[-1] == "labbox"
        assert providers.spec("labbox").discovery is Discovery.AUTOMATIC
        target = await providers.target("labbox/qwen2.5")
        assert isinstance(target.adapter, OpenAIChatAdapter) and not target.counts_tokens
        with pytest.raises(OpenMaaSError) as info:
            providers.spec("nosuch")
        assert info.value.code is ErrorCode.INVALID_REQUEST


async def test_discovery_asks_the_specs_that_discover_automatically() -> None:
    endpoints = {
        "labbox": Endpoint("labbox", "http://localhost:1234/v1"),
        "gpubox": Endpoint("gpubox", "http://localhost:8000/v1"),
    }
    async with httpx.AsyncClient() as client:
        providers = _providers(client, endpoints)
        automatic = [s.id for s in providers.specs() if s.discovery is Discovery.AUTOMATIC]
        assert automatic == ["ollama", "vllm", "llamacpp", "lmstudio", "labbox", "gpubox"]
        with pytest.raises(OpenMaaSError) as info:
            await providers.list_models("demo")  # Discovery.NONE: refused before anything
        assert info.value.code is ErrorCode.INVALID_REQUEST
