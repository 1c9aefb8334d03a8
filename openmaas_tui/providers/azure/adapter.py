"""Azure OpenAI: OpenAI's Chat Completions and Responses APIs at a person's own resource.

Azure speaks OpenAI's bytes; only the URL, the credentials and content filtering differ, so
this adapter reuses the :mod:`~openmaas_tui.providers.openai_chat` and
:mod:`~openmaas_tui.providers.openai_responses` adapters with those three changed.

- URL. ``base_url`` is the resource endpoint (``https://NAME.openai.azure.com``). Without an
  ``api-version`` the v1 API is used: ``{base}/openai/v1/chat/completions`` and
  ``{base}/openai/v1/responses`` with the deployment as ``model``
  (https://learn.microsoft.com/azure/ai-foundry/openai/api-version-lifecycle). With one
  (:attr:`Part.API_VERSION`) the dated API: ``{base}/openai/deployments/{deployment}/chat/
  completions?api-version=…`` and ``{base}/openai/responses?api-version=…``, the URLs the
  ``openai`` SDK's ``AzureOpenAI`` client builds for the same settings.
- Credentials. An Entra ID token travels as ``Authorization: Bearer TOKEN`` (it wins when
  both are set, as in the SDK), a key as ``api-key: KEY``; with neither the request is
  refused before anything is sent (MISSING_KEY).
- Content filtering. A filtered answer ends with ``finish_reason: "content_filter"`` (Chat)
  or ``incomplete_details.reason: "content_filter"`` (Responses): CONTENT_FILTER; a filtered
  prompt is a 400 whose ``error.code`` is ``content_filter`` (``innererror.code``
  ``ResponsibleAIPolicyViolation``): CONTENT_FILTERED
  (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter).
- ``-m`` names a deployment, which the catalog does not know: its price and capabilities are
  unknown unless ``pricing.toml`` or the catalog has an entry for that name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import quote

import httpx

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.credentials.redact import register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.provider_specs import Api
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.adapter import OpenAIResponsesAdapter
from openmaas_tui.providers.openai_responses.wire import is_reasoning_model


def azure_headers(provider: str, creds: Credentials) -> dict[str, str]:
    """The headers that sign an Azure OpenAI request.

    Raises:
        OpenMaaSError: MISSING_KEY when neither a key nor an Entra ID token is set.
    """
    headers = {"accept": "application/json, text/event-stream"}
    token = creds.get(Part.TOKEN)
    key = creds.api_key
    if token:
        register_secret(token)
        headers["authorization"] = f"Bearer {token}"
    elif key:
        register_secret(key)
        headers["api-key"] = key
    else:
        raise OpenMaaSError(
            ErrorCode.MISSING_KEY,
            f"no API key or Entra ID token for {provider}",
            provider=provider,
            hint=f"set AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN), or add one with "
            f"`openmaas keys set {provider}` (or f2 in the app)",
        )
    return headers


def _version(creds: Credentials) -> dict[str, str] | None:
    version = creds.get(Part.API_VERSION)
    return {"api-version": version} if version else None


class _AzureChat(OpenAIChatAdapter):
    """Chat Completions at an Azure resource."""

    def _headers(self, creds: Credentials) -> dict[str, str]:
        return azure_headers(self.provider, creds)

    def _endpoint(self, model: str, creds: Credentials) -> tuple[str, dict[str, str] | None]:
        params = _version(creds)
        if params is None:
            return f"{self.base_url}/openai/v1/chat/completions", None
        deployment = quote(model, safe="")
        return f"{self.base_url}/openai/deployments/{deployment}/chat/completions", params

    def _models_endpoint(self, creds: Credentials) -> tuple[str, dict[str, str] | None]:
        params = _version(creds)
        prefix = "/openai" if params else "/openai/v1"
        return f"{self.base_url}{prefix}/models", params

    def _max_tokens_field(self, model: str) -> str:
        """``max_completion_tokens`` for deployments of reasoning models (named after one)."""
        reasoning = is_reasoning_model(self.provider, model)
        return "max_completion_tokens" if reasoning else "max_tokens"


class _AzureResponses(OpenAIResponsesAdapter):
    """Responses at an Azure resource."""

    def _headers(self, creds: Credentials) -> dict[str, str]:
        return azure_headers(self.provider, creds)

    def _endpoint(self, model: str, creds: Credentials) -> tuple[str, dict[str, str] | None]:
        params = _version(creds)
        prefix = "/openai" if params else "/openai/v1"
        return f"{self.base_url}{prefix}/responses", params


class AzureOpenAIAdapter:
    """Asks an Azure OpenAI resource through Chat Completions or Responses.

    Attributes:
        provider: the provider name used in errors.
        base_url: the resource endpoint, e.g. ``https://NAME.openai.azure.com``.
        api: which API the requests go to.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "azure",
        base_url: str,
        api: Api = Api.CHAT,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self.api = api
        self._chat = _AzureChat(client, provider=provider, base_url=self.base_url)
        self._inner: OpenAIChatAdapter | OpenAIResponsesAdapter = (
            _AzureResponses(client, provider=provider, base_url=self.base_url)
            if api is Api.RESPONSES
            else self._chat
        )

    def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request``.

        Raises:
            OpenMaaSError: MISSING_KEY before anything is sent without a key or token;
                CONTENT_FILTERED for a filtered prompt; any transport, HTTP or parsing code.
        """
        return self._inner.stream(request, creds)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer to ``request`` from one non-streaming call.

        Raises:
            OpenMaaSError: as :meth:`stream`.
        """
        return await self._inner.complete(request, creds)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The models the resource offers (``GET {base}/openai/v1/models``, or
        ``{base}/openai/models?api-version=…``): base models, not deployments.

        Raises:
            OpenMaaSError: MISSING_KEY, AUTH_FAILED, any transport code, or
                STREAM_PARSING_FAILED.
        """
        return await self._chat.list_models(creds)


__all__ = ["AzureOpenAIAdapter", "azure_headers"]
