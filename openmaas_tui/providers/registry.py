"""From a model name to a ready adapter: routing, base URL, key and capabilities in one place.

``Providers`` is what the CLI and the UI hold: given ``gpt-4o`` or ``ollama/llama3.2`` (and
optionally an explicit provider and base URL) it reads the provider's spec
(:mod:`~openmaas_tui.core.models.provider_specs`; a custom endpoint's comes from settings) and
builds the adapter for its wire protocol (:mod:`.protocols`) with the URL and the provider's
:class:`~openmaas_tui.core.credentials.credentials.Credentials`, refusing with MISSING_KEY
before anything is sent when the spec requires a key and there is none. The
offline demo model is asked like any OpenAI-compatible server, at
:data:`~openmaas_tui.core.models.provider_specs.DEMO_BASE_URL`, which the shared client answers
in-process (see :mod:`openmaas_tui.services`)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, replace

import httpx

from openmaas_tui.core.config.endpoint import endpoint_spec
from openmaas_tui.core.config.settings import Settings
from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS, Credentials
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.capabilities import RESPONSES_PARAMS
from openmaas_tui.core.models.catalog import ModelInfo, Route, applicable, model_info, route
from openmaas_tui.core.models.provider_specs import (
    API_PROVIDERS,
    SPECS,
    Api,
    Discovery,
    ProviderSpec,
    TokenCounting,
    WireProtocol,
)
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import Adapter, TokenCounter, missing_key
from openmaas_tui.providers.hosts import fill_url, resource_url, url_from_host
from openmaas_tui.providers.protocols import make_adapter, make_counting_adapter


@dataclass(frozen=True, slots=True)
class Target:
    """A model ready to be asked.

    Attributes:
        route: provider and model id.
        info: what the model can do (catalog entry, or a permissive default).
        base_url: where requests go.
        adapter: the adapter for the provider's protocol.
        credentials: what the requests are signed with (sent only in headers or a
            signature; masked in every repr).
        counter: the provider's own token count when its spec has one
            (:attr:`~openmaas_tui.core.models.provider_specs.TokenCounting.PROVIDER`), else
            None.
        protocol: the wire protocol ``adapter`` speaks (OpenAI's Responses when the
            registry chose that API), or None when not known; a same-protocol request of the
            gateway goes through only when it matches
            (:class:`~openmaas_tui.core.passthrough.Passthrough`).
    """

    route: Route
    info: ModelInfo
    base_url: str
    adapter: Adapter
    credentials: Credentials = NO_CREDENTIALS
    counter: TokenCounter | None = None
    protocol: WireProtocol | None = None

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
        return self.adapter.stream(request, self.credentials)

    async def complete(self, request: ChatRequest) -> Completion:
        """Ask without streaming. Raises OpenMaaSError."""
        return await self.adapter.complete(request, self.credentials)

    @property
    def counts_tokens(self) -> bool:
        """Whether the provider can count a request's input tokens before it is sent."""
        return self.counter is not None

    async def count_tokens(self, request: ChatRequest) -> int:
        """The provider's count of ``request``'s (prepared) input tokens.

        Raises:
            OpenMaaSError: INVALID_REQUEST when the provider has no count (see
                :attr:`counts_tokens`); from the provider otherwise.
        """
        if self.counter is None:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"{self.label} has no token-counting endpoint",
                provider=self.route.provider,
                hint="the local estimate (≈) is all there is",
            )
        return await self.counter.count_tokens(request, self.credentials)


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

    def specs(self) -> list[ProviderSpec]:
        """Every provider's spec: built-ins, then custom endpoints."""
        return [self.spec(name) for name in self.names()]

    def names(self) -> list[str]:
        """Every provider name: built-ins, then custom endpoints."""
        return [*SPECS, *(n for n in self.settings.endpoints if n not in SPECS)]

    def spec(self, name: str) -> ProviderSpec:
        """The spec of provider ``name``: a custom endpoint's (from settings), else a
        built-in's.

        Raises:
            OpenMaaSError: INVALID_REQUEST for an unknown name.
        """
        endpoint = self.settings.endpoints.get(name)
        if endpoint is not None:
            return endpoint_spec(endpoint)
        spec = SPECS.get(name)
        if spec is None:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"unknown provider {name!r}",
                hint="use one of: " + ", ".join(self.names()),
            )
        return spec

    def model_for(self, spec: str | None, provider: str | None) -> str:
        """The model to use when ``spec`` may be missing: ``spec`` itself; else, with a
        provider named, the settings' ``default_model`` when it belongs to that provider, or the
        provider spec's ``default_model``; else the settings' default.

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
        built_in = SPECS.get(provider) if provider not in self.settings.endpoints else None
        if built_in is not None and built_in.default_model is not None:
            return built_in.default_model
        raise OpenMaaSError(
            ErrorCode.INVALID_MODEL,
            f"no model named for {provider}",
            provider=provider,
            hint=f"name one with -m (`openmaas models --discover` lists what {provider} offers)",
        )

    def _default_url(self, spec: ProviderSpec, creds: Credentials) -> str:
        """The spec's endpoint: ``config.toml``'s ``[providers.NAME] base_url``, else the
        spec's moved by its ``host_env`` when that is set, its ``{region}`` or ``{location}``
        filled from the credentials.

        Raises:
            OpenMaaSError: MISSING_KEY when the URL needs a part that is not set (a Bedrock
                region); INVALID_REQUEST when the provider has no default endpoint (Azure's is
                the person's own resource) and none is set.
        """
        url = self.settings.providers.get(spec.id, {}).get("base_url")
        if url is None and spec.host_env is not None:
            raw = self._environ.get(spec.host_env, "")
            # A local server's host:port (OLLAMA_HOST), or a hosted resource's URL (Azure).
            url = url_from_host(raw, spec.base_url) if spec.base_url else resource_url(raw)
        url = url or spec.base_url
        if not url:
            where = f"{spec.host_env} or " if spec.host_env else ""
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"no endpoint for {spec.id}",
                provider=spec.id,
                hint=f"set {where}base_url in [providers.{spec.id}] of config.toml, "
                "or pass --base-url",
            )
        return fill_url(url, creds)

    def api_for(self, spec: ProviderSpec, info: ModelInfo, api: Api | str | None) -> Api | None:
        """Which API ``info``'s model is asked through, for a provider that offers two: ``api``
        (``--api``), else ``[providers.NAME] api`` of ``config.toml``, else Responses for a
        model the catalog says is offered only there; None for every other provider.

        Raises:
            OpenMaaSError: INVALID_REQUEST for ``api`` named for a provider with one API, or
                an unknown value.
        """
        offers_both = spec.id in API_PROVIDERS or (
            spec.id not in SPECS and spec.protocol in (WireProtocol.OPENAI_CHAT, WireProtocol.AZURE)
        )
        if not offers_both:
            if api is not None:
                raise OpenMaaSError(
                    ErrorCode.INVALID_REQUEST,
                    f"{spec.id} has one API; --api is for " + " and ".join(sorted(API_PROVIDERS)),
                    provider=spec.id,
                )
            return None
        chosen = api or self.settings.providers.get(spec.id, {}).get("api")
        if chosen is None:
            return Api.RESPONSES if info.responses_only else None
        try:
            return Api(chosen)
        except ValueError:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"no API named {chosen!r}",
                provider=spec.id,
                hint="use chat or responses",
            ) from None

    async def target(
        self,
        spec: str,
        *,
        provider: str | None = None,
        base_url: str | None = None,
        api: Api | str | None = None,
    ) -> Target:
        """Resolve ``spec`` (``gpt-4o``, ``ollama/llama3.2``, ``NAME/model``, ``demo``).

        Args:
            spec: the model; with ``provider`` given it is passed to that provider verbatim.
            provider: force this provider.
            base_url: send requests here instead of the provider's endpoint. The provider's
                key is sent if there is one, but none is required (a local proxy may need none).
            api: ``chat`` or ``responses`` for OpenAI, Azure OpenAI and custom endpoints
                speaking their protocols (see :meth:`api_for`); None to let the settings and
                the catalog decide.

        Raises:
            OpenMaaSError: INVALID_MODEL / INVALID_REQUEST from routing or a misnamed ``api``;
                INVALID_REQUEST when the provider has no endpoint set (Azure); MISSING_KEY
                when the provider needs a key and has none.
        """
        r = route(spec, provider, self.settings.endpoints)
        found = self.spec(r.provider)
        # The keyring blocks (D-Bus on Linux): ask it from a thread, never on the event loop.
        creds = (
            await asyncio.to_thread(self.keys.credentials, r.provider)
            if r.provider != "demo"
            else NO_CREDENTIALS
        )
        url = (fill_url(base_url, creds) if base_url else self._default_url(found, creds)).rstrip(
            "/"
        )
        if creds.api_key is None and base_url is None and found.credential.requires_key:
            raise missing_key(r.provider)
        info = model_info(r)
        chosen = self.api_for(found, info, api)
        protocol = found.protocol
        if chosen is Api.RESPONSES:
            info = replace(info, params=info.params & RESPONSES_PARAMS)
            if protocol is WireProtocol.OPENAI_CHAT:
                protocol = WireProtocol.OPENAI_RESPONSES
        adapter: Adapter
        counter: TokenCounter | None = None
        if found.token_count is TokenCounting.PROVIDER:
            adapter = counter = make_counting_adapter(protocol, self.client, r.provider, url)
        else:
            adapter = make_adapter(protocol, self.client, r.provider, url, api=chosen)
        return Target(r, info, url, adapter, creds, counter, protocol)

    async def list_models(self, provider: str) -> list[ModelInfo]:
        """The models ``provider`` (or a custom endpoint) lists, asked with the key in force: a
        cheap call that also tests the key.

        Raises:
            OpenMaaSError: INVALID_REQUEST for a provider whose spec lists no models
                (:attr:`~openmaas_tui.core.models.provider_specs.Discovery.NONE`) or an
                unknown one; MISSING_KEY before anything is sent; AUTH_FAILED and the other
                HTTP and transport codes from the provider.
        """
        if self.spec(provider).discovery is Discovery.NONE:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"{provider} lists no models",
                provider=provider,
                hint="`openmaas models` shows the ones it has",
            )
        target = await self.target(f"{provider}/-")
        return await target.adapter.list_models(target.credentials)


__all__ = ["Providers", "Target"]
