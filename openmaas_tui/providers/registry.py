"""From a model name to a ready adapter: routing, base URL, key and capabilities in one place.

``Providers`` is what the CLI and the UI hold: given ``gpt-4o`` or ``ollama/llama3.2`` (and
optionally an explicit provider and base URL) it picks the adapter for the provider's wire
protocol, the URL, and the key, and refuses with MISSING_KEY before anything is sent when a
provider needs a key and has none. The offline demo model is asked like any OpenAI-compatible
server, at :data:`~openmaas_tui.core.models.catalog.DEMO_BASE_URL`, which the shared client
answers in-process (see :mod:`openmaas_tui.services`).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import httpx

from openmaas_tui.core.config.settings import Settings
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import (
    DEFAULT_MODELS,
    PROVIDERS,
    ModelInfo,
    Route,
    applicable,
    model_info,
    route,
)
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import Adapter, missing_key


def make_adapter(wire: str, client: httpx.AsyncClient, provider: str, base_url: str) -> Adapter:
    """The adapter for a wire protocol (``openai``, ``anthropic``, ``gemini``, ``ollama``)."""
    if wire == "anthropic":
        from openmaas_tui.providers.anthropic.adapter import AnthropicAdapter

        return AnthropicAdapter(client, provider=provider, base_url=base_url)
    if wire == "gemini":
        from openmaas_tui.providers.gemini.adapter import GeminiAdapter

        return GeminiAdapter(client, provider=provider, base_url=base_url)
    if wire == "ollama":
        from openmaas_tui.providers.ollama.adapter import OllamaChatAdapter

        return OllamaChatAdapter(client, provider=provider, base_url=base_url)
    from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter

    return OpenAIChatAdapter(client, provider=provider, base_url=base_url)


@dataclass(frozen=True, slots=True)
class Target:
    """A model ready to be asked.

    Attributes:
        route: provider and model id.
        info: what the model can do (catalog entry, or a permissive default).
        base_url: where requests go.
        adapter: the adapter for the provider's protocol.
        key: the key sent (only in a header), or None.
    """

    route: Route
    info: ModelInfo
    base_url: str
    adapter: Adapter
    key: str | None = None

    @property
    def label(self) -> str:
        """How the model is shown: ``provider/model``, or ``demo (offline)``."""
        return "demo (offline)" if self.is_demo else self.route.ref

    @property
    def is_demo(self) -> bool:
        """Whether this is the offline demo model."""
        return self.route.provider == "demo"

    def prepare(self, request: ChatRequest) -> tuple[ChatRequest, list[str]]:
        """``request`` aimed at this model with unsupported parameters dropped, and the notes
        saying which were dropped."""
        return applicable(request.with_model(self.route.model), self.info)

    def stream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        """Stream ``request`` (already prepared) through the adapter. Raises OpenMaaSError."""
        return self.adapter.stream(request, self.key)

    async def complete(self, request: ChatRequest) -> Completion:
        """Ask without streaming. Raises OpenMaaSError."""
        return await self.adapter.complete(request, self.key)


class Providers:
    """Resolves model names to :class:`Target` values over one shared client.

    Args:
        client: the shared ``httpx.AsyncClient``.
        settings: settings (custom endpoints, demo pace).
        keys: the key store.
        environ: environment for ``OLLAMA_HOST`` (default ``os.environ``; never written).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        keys: KeyStore,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.keys = keys
        self._environ = os.environ if environ is None else environ

    def names(self) -> list[str]:
        """Every provider name: built-ins, then custom endpoints."""
        return [*PROVIDERS, *(n for n in self.settings.endpoints if n not in PROVIDERS)]

    def model_for(self, spec: str | None, provider: str | None) -> str:
        """The model to use when ``spec`` may be missing: ``spec`` itself; else, with a
        provider named, the settings' ``default_model`` when it belongs to that provider, or the
        provider's usual default (:data:`DEFAULT_MODELS`); else the settings' default.

        Raises:
            OpenMaaSError: INVALID_MODEL for a custom endpoint named without a model.
        """
        if spec:
            return spec
        default = self.settings.default_model
        if provider is None:
            return default
        try:
            routed = route(default, endpoints=self.settings.endpoints)
        except OpenMaaSError:
            routed = None
        if routed is not None and routed.provider == provider:
            return routed.model
        if provider in DEFAULT_MODELS:
            return DEFAULT_MODELS[provider]
        raise OpenMaaSError(
            ErrorCode.INVALID_MODEL,
            f"no model named for {provider}",
            provider=provider,
            hint=f"name one with -m (`openmaas models --discover` lists what {provider} offers)",
        )

    def _default_url(self, provider: str) -> str:
        if provider in self.settings.endpoints:
            return self.settings.endpoints[provider].base_url
        if provider == "ollama":
            from openmaas_tui.providers.ollama.adapter import ollama_base_url

            return ollama_base_url(self._environ)
        return PROVIDERS[provider].base_url

    async def target(
        self, spec: str, *, provider: str | None = None, base_url: str | None = None
    ) -> Target:
        """Resolve ``spec`` (``gpt-4o``, ``ollama/llama3.2``, ``NAME/model``, ``demo``).

        Args:
            spec: the model; with ``provider`` given it is passed to that provider verbatim.
            provider: force this provider.
            base_url: send requests here instead of the provider's endpoint. The provider's
                key is sent if there is one, but none is required (a local proxy may need none).

        Raises:
            OpenMaaSError: INVALID_MODEL / INVALID_REQUEST from routing; MISSING_KEY when the
                provider needs a key and has none.
        """
        r = route(spec, provider, self.settings.endpoints)
        wire = "openai" if r.provider in self.settings.endpoints else PROVIDERS[r.provider].wire
        url = (base_url or self._default_url(r.provider)).rstrip("/")
        # The keyring blocks (D-Bus on Linux): ask it from a thread, never on the event loop.
        key = await asyncio.to_thread(self.keys.get, r.provider) if r.provider != "demo" else None
        info = PROVIDERS.get(r.provider)
        if key is None and base_url is None and info is not None and info.needs_key:
            raise missing_key(r.provider)
        adapter = make_adapter(wire, self.client, r.provider, url)
        return Target(r, model_info(r), url, adapter, key)

    async def list_models(self, provider: str) -> list[ModelInfo]:
        """The models ``provider`` (or a custom endpoint) lists, asked with the key in force: a
        cheap call that also tests the key.

        Raises:
            OpenMaaSError: MISSING_KEY before anything is sent; AUTH_FAILED and the other
                HTTP and transport codes from the provider.
        """
        target = await self.target(f"{provider}/-")
        return await target.adapter.list_models(target.key)
