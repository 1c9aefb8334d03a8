"""The providers openMaaS knows, one frozen :class:`ProviderSpec` each.

A spec declares everything about a provider except its wire format: the protocol it speaks
(which adapter package under :mod:`openmaas_tui.providers` serves it), its default endpoint,
what it needs to sign a request and which environment variables hold it, which model names
route to it, whether its models are listed at run time and whether it counts tokens itself.
Routing (:func:`~openmaas_tui.core.models.catalog.route`), the key store's fallbacks, the
provider registry, model discovery, the provider token count, ``openmaas keys``, the keys
screen and ``openmaas models`` all read them. Adding a provider is one spec in :data:`SPECS`,
plus an adapter package when it speaks a protocol of its own.

The kinds a spec is made of (:class:`WireProtocol`, :class:`CredentialKind`, :class:`Discovery`,
:class:`TokenCounting`, :class:`Api`) are in :mod:`.provider_kinds`, re-exported here; the
ranges of each provider's request parameters in :mod:`.param_ranges`.

The table lives in core rather than beside the adapters because core reads it too (routing
``NAME/model``, key fallbacks, refusing endpoint names that shadow a provider) and core never
imports :mod:`openmaas_tui.providers`. A custom endpoint of ``config.toml`` gets its spec from
:func:`~openmaas_tui.core.config.endpoint.endpoint_spec`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from openmaas_tui.core.models.provider_kinds import (
    API_PROVIDERS,
    Api,
    CredentialKind,
    Discovery,
    TokenCounting,
    WireProtocol,
)

if TYPE_CHECKING:
    from collections.abc import Mapping


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """One provider openMaaS can talk to.

    Attributes:
        id: the name used in ``provider/model``, ``--provider``, the keyring and
            ``openmaas keys``.
        label: the name shown to people.
        protocol: the wire protocol, which picks the adapter package.
        base_url: the default endpoint (the offline demo's is :data:`DEMO_BASE_URL`); empty
            when there is none (Azure OpenAI: each person's own resource, set by ``host_env``,
            ``[providers.NAME] base_url`` or ``--base-url``).
        credential: what the provider needs to sign a request.
        key_env: environment variables read, in this order, as a fallback for its key.
        host_env: an environment variable that moves the endpoint (``host``, ``host:port`` or
            a URL, read as Ollama reads ``OLLAMA_HOST``), or None.
        routes: model-name prefixes that route to this provider without naming it (``gpt-``).
        default_model: the model used when only the provider is named (``--provider``), or
            None (custom endpoints: the model must be named).
        discovery: whether and when its models are listed at run time.
        token_count: how input tokens are counted before sending.
        preset: an OpenAI-compatible service known by name only so that ``NAME/model`` works
            without writing config; an ``[endpoints.NAME]`` table of the same name replaces it.
    """

    id: str
    label: str
    protocol: WireProtocol
    base_url: str
    credential: CredentialKind = CredentialKind.API_KEY
    key_env: tuple[str, ...] = ()
    host_env: str | None = None
    routes: tuple[str, ...] = ()
    default_model: str | None = None
    discovery: Discovery = Discovery.ON_REQUEST
    token_count: TokenCounting = TokenCounting.LOCAL
    preset: bool = False


_OPENAI = WireProtocol.OPENAI_CHAT

DEMO_BASE_URL = "http://demo.openmaas.invalid/v1"
"""Where the offline demo model is asked. The shared client answers this origin in-process
(:mod:`openmaas_tui.demo.transport`), so nothing listens and nothing leaves the machine; the
``.invalid`` name never resolves, so a client without that transport fails at once."""

_BUILT_IN = (
    ProviderSpec(
        "openai",
        "OpenAI",
        _OPENAI,
        "https://api.openai.com/v1",
        key_env=("OPENAI_API_KEY",),
        routes=("gpt-", "chatgpt-", "o1", "o3", "o4"),
        default_model="gpt-4o-mini",
    ),
    ProviderSpec(
        "azure",
        "Azure OpenAI",
        WireProtocol.AZURE,
        "",
        credential=CredentialKind.AZURE,
        key_env=("AZURE_OPENAI_API_KEY",),
        host_env="AZURE_OPENAI_ENDPOINT",
    ),
    ProviderSpec(
        "anthropic",
        "Anthropic",
        WireProtocol.ANTHROPIC,
        "https://api.anthropic.com",
        key_env=("ANTHROPIC_API_KEY",),
        routes=("claude-",),
        default_model="claude-sonnet-4-5",
        token_count=TokenCounting.PROVIDER,
    ),
    ProviderSpec(
        "gemini",
        "Google Gemini",
        WireProtocol.GEMINI,
        "https://generativelanguage.googleapis.com",
        key_env=("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        routes=("gemini-",),
        default_model="gemini-2.5-flash",
        token_count=TokenCounting.PROVIDER,
    ),
    ProviderSpec(
        "vertex",
        "Google Vertex AI",
        WireProtocol.VERTEX,
        "https://{location}-aiplatform.googleapis.com",
        credential=CredentialKind.GOOGLE_CLOUD,
        default_model="gemini-2.5-flash",
        token_count=TokenCounting.PROVIDER,
    ),
    ProviderSpec(
        "bedrock",
        "AWS Bedrock",
        WireProtocol.BEDROCK,
        "https://bedrock-runtime.{region}.amazonaws.com",
        credential=CredentialKind.AWS,
        default_model="amazon.nova-micro-v1:0",
    ),
    ProviderSpec(
        "ollama",
        "Ollama",
        WireProtocol.OLLAMA,
        "http://localhost:11434",
        credential=CredentialKind.NONE,
        host_env="OLLAMA_HOST",
        default_model="llama3.2",
        discovery=Discovery.AUTOMATIC,
    ),
    ProviderSpec(
        "groq",
        "Groq",
        _OPENAI,
        "https://api.groq.com/openai/v1",
        key_env=("GROQ_API_KEY",),
        default_model="llama-3.1-8b-instant",
    ),
    ProviderSpec(
        "openrouter",
        "OpenRouter",
        _OPENAI,
        "https://openrouter.ai/api/v1",
        key_env=("OPENROUTER_API_KEY",),
        default_model="openrouter/auto",
    ),
    ProviderSpec(
        "deepseek",
        "DeepSeek",
        _OPENAI,
        "https://api.deepseek.com/v1",
        key_env=("DEEPSEEK_API_KEY",),
        default_model="deepseek-chat",
    ),
    ProviderSpec(
        "mistral",
        "Mistral",
        WireProtocol.MISTRAL,
        "https://api.mistral.ai/v1",
        key_env=("MISTRAL_API_KEY",),
        default_model="mistral-small-latest",
    ),
    ProviderSpec(
        "cohere",
        "Cohere",
        WireProtocol.COHERE,
        "https://api.cohere.com",
        key_env=("CO_API_KEY", "COHERE_API_KEY"),
        default_model="command-a-03-2025",
    ),
    ProviderSpec(
        "cerebras",
        "Cerebras",
        _OPENAI,
        "https://api.cerebras.ai/v1",
        key_env=("CEREBRAS_API_KEY",),
        default_model="llama3.1-8b",
    ),
    # Presets: OpenAI-compatible services, each at the base URL and key variable its own
    # documentation gives (read 2026-12): Together https://docs.together.ai/docs/openai-api-compatibility,
    # xAI https://docs.x.ai/docs/api-reference, Fireworks
    # https://docs.fireworks.ai/tools-sdks/openai-compatibility, Perplexity
    # https://docs.perplexity.ai/api-reference/chat-completions-post, Hugging Face
    # https://huggingface.co/docs/inference-providers/index, vLLM
    # https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html, llama.cpp's
    # llama-server (tools/server/README.md) and LM Studio https://lmstudio.ai/docs/app/api.
    ProviderSpec(
        "together",
        "Together AI",
        _OPENAI,
        "https://api.together.xyz/v1",
        key_env=("TOGETHER_API_KEY",),
        default_model="meta-llama/Llama-3.3-70B-Instruct-Turbo",
        preset=True,
    ),
    ProviderSpec(
        "xai",
        "xAI",
        _OPENAI,
        "https://api.x.ai/v1",
        key_env=("XAI_API_KEY",),
        routes=("grok-",),
        default_model="grok-4",
        preset=True,
    ),
    ProviderSpec(
        "fireworks",
        "Fireworks AI",
        _OPENAI,
        "https://api.fireworks.ai/inference/v1",
        key_env=("FIREWORKS_API_KEY",),
        default_model="accounts/fireworks/models/llama-v3p1-8b-instruct",
        preset=True,
    ),
    ProviderSpec(
        "perplexity",
        "Perplexity",
        _OPENAI,
        "https://api.perplexity.ai",
        key_env=("PERPLEXITY_API_KEY",),
        routes=("sonar",),
        default_model="sonar",
        preset=True,
    ),
    ProviderSpec(
        "huggingface",
        "Hugging Face router",
        _OPENAI,
        "https://router.huggingface.co/v1",
        key_env=("HF_TOKEN",),
        default_model="meta-llama/Llama-3.1-8B-Instruct",
        preset=True,
    ),
    ProviderSpec(
        "vllm",
        "vLLM (local)",
        _OPENAI,
        "http://localhost:8000/v1",
        credential=CredentialKind.OPTIONAL_KEY,
        key_env=("VLLM_API_KEY",),
        discovery=Discovery.AUTOMATIC,
        preset=True,
    ),
    ProviderSpec(
        "llamacpp",
        "llama.cpp server (local)",
        _OPENAI,
        "http://localhost:8080/v1",
        credential=CredentialKind.OPTIONAL_KEY,
        key_env=("LLAMA_API_KEY",),
        discovery=Discovery.AUTOMATIC,
        preset=True,
    ),
    ProviderSpec(
        "lmstudio",
        "LM Studio (local)",
        _OPENAI,
        "http://localhost:1234/v1",
        credential=CredentialKind.NONE,
        discovery=Discovery.AUTOMATIC,
        preset=True,
    ),
    ProviderSpec(
        "demo",
        "Demo (offline)",
        _OPENAI,
        DEMO_BASE_URL,
        credential=CredentialKind.NONE,
        default_model="demo",
        discovery=Discovery.NONE,
    ),
)

SPECS: Mapping[str, ProviderSpec] = MappingProxyType({spec.id: spec for spec in _BUILT_IN})
"""The built-in providers by id, in the order they are listed. Custom endpoints are not here:
see :func:`~openmaas_tui.core.config.endpoint.endpoint_spec`."""


__all__ = [
    "API_PROVIDERS",
    "SPECS",
    "Api",
    "CredentialKind",
    "Discovery",
    "ProviderSpec",
    "TokenCounting",
    "WireProtocol",
]
