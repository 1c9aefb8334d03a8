"""The registry: model names to adapters, URLs and keys; MISSING_KEY before sending; only an
endpoint's own key; default models when only a provider is named."""

from __future__ import annotations

import httpx
import pytest

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.config.settings import Settings
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import DEMO_BASE_URL
from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
from openmaas_tui.providers.gemini.adapter import GeminiAdapter
from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.registry import Providers

OPENAI_KEY = "sk-test-registry-0000000000000000"


def _providers(
    environ: dict[str, str], settings: Settings | None = None
) -> tuple[Providers, httpx.AsyncClient]:
    settings = settings or Settings(
        endpoints={
            "labbox": Endpoint("labbox", "http://localhost:1234/v1"),
            "gpubox": Endpoint("gpubox", "http://localhost:8000/v1", "GPU_KEY"),
        }
    )
    client = httpx.AsyncClient()
    keys = KeyStore(settings.endpoints, environ=environ, use_keyring=False)
    return Providers(client, settings, keys, environ=environ), client


async def test_each_provider_gets_its_adapter_url_and_key() -> None:
    environ = {
        "OPENAI_API_KEY": OPENAI_KEY,
        "ANTHROPIC_API_KEY": "sk-ant-test-000000000000",
        "GEMINI_API_KEY": "gemini-test-key-00000000",
        "OLLAMA_HOST": "gpu-box:11434",
        "GPU_KEY": "gpubox-test-key-000000000",
    }
    providers, client = _providers(environ)
    try:
        cases = [
            ("gpt-4o-mini", OpenAIChatAdapter, "https://api.openai.com/v1", OPENAI_KEY),
            (
                "claude-haiku-4-5",
                AnthropicAdapter,
                "https://api.anthropic.com",
                environ["ANTHROPIC_API_KEY"],
            ),
            (
                "gemini-2.5-flash",
                GeminiAdapter,
                "https://generativelanguage.googleapis.com",
                environ["GEMINI_API_KEY"],
            ),
            ("ollama/llama3.2", OllamaChatAdapter, "http://gpu-box:11434", None),
            ("labbox/qwen2.5", OpenAIChatAdapter, "http://localhost:1234/v1", None),
            ("gpubox/qwen2.5", OpenAIChatAdapter, "http://localhost:8000/v1", environ["GPU_KEY"]),
        ]
        for spec, adapter, url, key in cases:
            target = await providers.target(spec)
            assert isinstance(target.adapter, adapter), spec
            assert (target.base_url, target.credentials.api_key) == (url, key), spec
    finally:
        await client.aclose()


async def test_missing_key_is_refused_before_sending() -> None:
    providers, client = _providers({})
    try:
        with pytest.raises(OpenMaaSError) as info:
            await providers.target("claude-sonnet-4-5")
        assert info.value.code is ErrorCode.MISSING_KEY
        assert "openmaas keys set anthropic" in (info.value.hint or "")
        target = await providers.target("claude-sonnet-4-5", base_url="http://127.0.0.1:9/")
        assert target.credentials.api_key is None and target.base_url == "http://127.0.0.1:9"
    finally:
        await client.aclose()


async def test_an_endpoint_never_receives_another_providers_key() -> None:
    providers, client = _providers({"OPENAI_API_KEY": OPENAI_KEY})
    try:
        target = await providers.target("labbox/qwen2.5")
        assert target.credentials.api_key is None
    finally:
        await client.aclose()


def test_default_models_when_only_a_provider_is_named() -> None:
    providers, _client = _providers({}, Settings(default_model="claude-haiku-4-5"))
    assert providers.model_for("gpt-4o", None) == "gpt-4o"
    assert providers.model_for(None, None) == "claude-haiku-4-5"
    assert providers.model_for(None, "anthropic") == "claude-haiku-4-5"
    assert providers.model_for(None, "openai") == "gpt-4o-mini"
    assert providers.model_for(None, "ollama") == "llama3.2"
    endpoints = {"lm": Endpoint("lm", "http://localhost:1234/v1")}
    providers, _client = _providers({}, Settings(endpoints=endpoints))
    with pytest.raises(OpenMaaSError) as info:
        providers.model_for(None, "lm")
    assert info.value.code is ErrorCode.INVALID_MODEL


async def test_the_demo_is_asked_at_its_in_process_url() -> None:
    providers, client = _providers({})
    try:
        target = await providers.target("demo")
    finally:
        await client.aclose()
    assert target.base_url == DEMO_BASE_URL
    assert isinstance(target.adapter, OpenAIChatAdapter)
    assert target.is_demo and target.label == "demo (offline)"
    assert target.credentials.api_key is None


async def test_a_providers_table_moves_a_built_in_and_an_endpoint_speaks_its_protocol() -> None:
    from openmaas_tui.core.models.provider_specs import WireProtocol
    from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter

    settings = Settings(
        endpoints={
            "corp": Endpoint("corp", "https://proxy.example/a", protocol=WireProtocol.ANTHROPIC)
        },
        providers={"openai": {"base_url": "https://proxy.example/openai"}},
    )
    providers, client = _providers({"OPENAI_API_KEY": OPENAI_KEY}, settings)
    async with client:
        moved = await providers.target("gpt-4o")
        assert moved.base_url == "https://proxy.example/openai"
        assert moved.credentials.api_key == OPENAI_KEY
        corp = await providers.target("corp/claude-sonnet-4-5")
        assert isinstance(corp.adapter, AnthropicAdapter)
        assert corp.base_url == "https://proxy.example/a" and corp.credentials.empty
