"""Each wire protocol of the provider specs bound to its adapter package.

A :class:`~openmaas_tui.core.models.provider_specs.ProviderSpec` names its protocol; this module
is the one place that knows which adapter class speaks it and which protocols have a
token-counting endpoint. Adapter packages are imported on first use, so starting the app
loads only the protocols it talks to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import httpx

from openmaas_tui.core.models.provider_specs import Api, WireProtocol
from openmaas_tui.providers.base import Adapter, CountingAdapter

if TYPE_CHECKING:
    from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter
    from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter
    from openmaas_tui.providers.bedrock.adapter import BedrockAdapter
    from openmaas_tui.providers.cohere.adapter import CohereAdapter
    from openmaas_tui.providers.gemini.adapter import GeminiAdapter
    from openmaas_tui.providers.mistral.adapter import MistralAdapter
    from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter
    from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
    from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
    from openmaas_tui.providers.vertex.adapter import VertexAdapter


class AdapterFactory(Protocol):
    """How every adapter class is built: the shared client, the provider's id, its URL."""

    def __call__(self, client: httpx.AsyncClient, *, provider: str, base_url: str) -> Adapter:
        """A new adapter for ``provider`` at ``base_url``."""
        ...


class CountingAdapterFactory(Protocol):
    """An adapter class whose instances also count tokens with their provider."""

    def __call__(
        self, client: httpx.AsyncClient, *, provider: str, base_url: str
    ) -> CountingAdapter:
        """A new counting adapter for ``provider`` at ``base_url``."""
        ...


def _openai_chat() -> type[OpenAIChatAdapter]:
    from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter

    return OpenAIChatAdapter


def _openai_responses() -> type[OpenAIResponsesAdapter]:
    from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter

    return OpenAIResponsesAdapter


def _azure() -> type[AzureOpenAIAdapter]:
    from openmaas_tui.providers.azure.adapter import AzureOpenAIAdapter

    return AzureOpenAIAdapter


def _anthropic() -> type[AnthropicAdapter]:
    from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter

    return AnthropicAdapter


def _gemini() -> type[GeminiAdapter]:
    from openmaas_tui.providers.gemini.adapter import GeminiAdapter

    return GeminiAdapter


def _ollama() -> type[OllamaChatAdapter]:
    from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter

    return OllamaChatAdapter


def _mistral() -> type[MistralAdapter]:
    from openmaas_tui.providers.mistral.adapter import MistralAdapter

    return MistralAdapter


def _cohere() -> type[CohereAdapter]:
    from openmaas_tui.providers.cohere.adapter import CohereAdapter

    return CohereAdapter


def _bedrock() -> type[BedrockAdapter]:
    from openmaas_tui.providers.bedrock.adapter import BedrockAdapter

    return BedrockAdapter


def _vertex() -> type[VertexAdapter]:
    from openmaas_tui.providers.vertex.adapter import VertexAdapter

    return VertexAdapter


_ADAPTERS: dict[WireProtocol, Callable[[], AdapterFactory]] = {
    WireProtocol.OPENAI_CHAT: _openai_chat,
    WireProtocol.ANTHROPIC: _anthropic,
    WireProtocol.GEMINI: _gemini,
    WireProtocol.OLLAMA: _ollama,
    WireProtocol.MISTRAL: _mistral,
    WireProtocol.COHERE: _cohere,
    WireProtocol.OPENAI_RESPONSES: _openai_responses,
    WireProtocol.AZURE: _azure,
    WireProtocol.BEDROCK: _bedrock,
    WireProtocol.VERTEX: _vertex,
}
"""The adapter class of each protocol, loaded on first use."""

_COUNTING: dict[WireProtocol, Callable[[], CountingAdapterFactory]] = {
    WireProtocol.ANTHROPIC: _anthropic,
    WireProtocol.GEMINI: _gemini,
    WireProtocol.VERTEX: _vertex,
}
"""The protocols with a token-counting endpoint (``/v1/messages/count_tokens``,
``:countTokens``), and their adapter classes."""


def has_adapter(protocol: WireProtocol) -> bool:
    """Whether an adapter package speaks ``protocol``."""
    return protocol in _ADAPTERS


def can_count_tokens(protocol: WireProtocol) -> bool:
    """Whether ``protocol`` has a token-counting endpoint its adapter calls."""
    return protocol in _COUNTING


def make_adapter(
    protocol: WireProtocol | str,
    client: httpx.AsyncClient,
    provider: str,
    base_url: str,
    *,
    api: Api | None = None,
) -> Adapter:
    """The adapter for ``protocol`` (``openai``, ``anthropic``, ``gemini``, ``ollama``,
    ``mistral``, ``cohere``, ``openai-responses``, ``azure``).

    Args:
        protocol: the wire protocol, as a spec names it.
        client: the shared HTTP client.
        provider: the provider id put on errors and listed models.
        base_url: where requests go.
        api: for Azure OpenAI, which of its two APIs to ask (default Chat Completions);
            OpenAI's are two protocols (``openai``, ``openai-responses``), chosen by the
            registry.

    Raises:
        ValueError: for a protocol no adapter speaks.
    """
    wire = WireProtocol(protocol)
    if wire is WireProtocol.AZURE and api is not None:
        return _azure()(client, provider=provider, base_url=base_url, api=api)
    return _ADAPTERS[wire]()(client, provider=provider, base_url=base_url)


def make_counting_adapter(
    protocol: WireProtocol, client: httpx.AsyncClient, provider: str, base_url: str
) -> CountingAdapter:
    """The adapter for ``protocol``, able to count tokens with the provider too.

    Raises:
        ValueError: for a protocol without a token-counting endpoint.
    """
    if protocol not in _COUNTING:
        raise ValueError(f"the {protocol} protocol has no token-counting endpoint")
    return _COUNTING[protocol]()(client, provider=provider, base_url=base_url)


__all__ = [
    "AdapterFactory",
    "CountingAdapterFactory",
    "can_count_tokens",
    "has_adapter",
    "make_adapter",
    "make_counting_adapter",
]
