"""The Vertex AI adapter: Gemini's ``generateContent`` at a Google Cloud endpoint.

The request body and the answer are Gemini's (https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest/v1/projects.locations.publishers.models/streamGenerateContent),
built and read by :mod:`openmaas_tui.providers.gemini`; only the address and the signature
differ:

- with application default credentials, ``POST {base}/v1/projects/{project}/locations/{location}
  /publishers/google/models/{model}:streamGenerateContent?alt=sse`` (and ``:generateContent``,
  ``:countTokens``), base ``https://{location}-aiplatform.googleapis.com``
  (``https://aiplatform.googleapis.com`` for ``global``);
- with an express-mode API key, ``POST https://aiplatform.googleapis.com/v1/publishers/google
  /models/{model}:…`` without project or location
  (https://cloud.google.com/vertex-ai/generative-ai/docs/start/express-mode/vertex-ai-express-mode-api-reference).

Signing is in :mod:`.auth`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import (
    MALFORMED,
    completion_from,
    load_json,
    parsing_failed,
    send_request,
    text_or_none,
)
from openmaas_tui.providers.gemini.adapter import request_body
from openmaas_tui.providers.gemini.count import count_tokens
from openmaas_tui.providers.gemini.events import events_from_body
from openmaas_tui.providers.gemini.streaming import stream_generate_content
from openmaas_tui.providers.vertex.auth import auth_headers, missing_adc

DEFAULT_BASE_URL = SPECS["vertex"].base_url
"""The regional endpoint, ``{location}`` still to fill: the vertex spec's."""

EXPRESS_BASE_URL = "https://aiplatform.googleapis.com"
"""The global endpoint express mode is served from."""

_COUNT_FIELDS = ("contents", "systemInstruction", "tools")
_MAX_MODEL_PAGES = 10


def _is_google_endpoint(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return host == "aiplatform.googleapis.com" or host.endswith("-aiplatform.googleapis.com")


class VertexAdapter:
    """Speaks Gemini on Vertex AI over the shared ``httpx.AsyncClient``.

    A stream must end with a ``finishReason``; one that stops before it is STREAM_INTERRUPTED.

    Args:
        client: the shared HTTP client.
        provider: the provider name used in errors and model entries.
        base_url: the endpoint (location filled in), without a path. With an express-mode key
            a Google endpoint is replaced by the global one; another base URL (a proxy, a
            replay server) is kept.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "vertex",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._client = client
        self.provider = provider
        self.base_url = base_url.rstrip("/")

    def _url(self, creds: Credentials, model: str, method: str) -> str:
        """The URL of ``method`` (``streamGenerateContent``) for ``model``.

        Raises:
            OpenMaaSError: MISSING_KEY when signing with application default credentials and
                no project is set.
        """
        resource = f"publishers/google/models/{model}:{method}"
        if creds.api_key:
            base = EXPRESS_BASE_URL if _is_google_endpoint(self.base_url) else self.base_url
            return f"{base}/v1/{resource}"
        project = creds.get(Part.PROJECT)
        if not project:
            raise missing_adc(self.provider, "no project (set GOOGLE_CLOUD_PROJECT)")
        location = creds.get(Part.LOCATION) or "us-central1"
        return f"{self.base_url}/v1/projects/{project}/locations/{location}/{resource}"

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer from ``:streamGenerateContent?alt=sse``.

        Raises:
            OpenMaaSError: MISSING_KEY or INVALID_SETTINGS (google-auth missing) before
                anything is sent; HTTP and transport failures; an ``error`` object inside the
                stream; STREAM_PARSING_FAILED; STREAM_INTERRUPTED when the stream ends before
                a ``finishReason``. Always after yielding everything received before.
        """
        url = self._url(creds, request.model, "streamGenerateContent")
        headers = await auth_headers(creds, self.provider)
        events = stream_generate_content(
            self._client, self.provider, url, body=request_body(request), headers=headers
        )
        async for event in events:
            yield event

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer from ``:generateContent``.

        Raises:
            OpenMaaSError: as :meth:`stream` before the answer; STREAM_PARSING_FAILED for a
                body that is not a ``GenerateContentResponse``.
        """
        url = self._url(creds, request.model, "generateContent")
        headers = await auth_headers(creds, self.provider)
        response = await send_request(
            self._client, self.provider, "POST", url, headers=headers, json=request_body(request)
        )
        return completion_from(events_from_body(self.provider, response.content), request.model)

    async def count_tokens(self, request: ChatRequest, creds: Credentials) -> int:
        """Vertex AI's count of ``request``'s input tokens (``:countTokens``, whose body holds
        ``contents``, ``systemInstruction`` and ``tools`` directly, not wrapped as the Gemini
        API's ``generateContentRequest``; the answer's ``totalTokens`` is read as there:
        https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/count-tokens).

        Raises:
            OpenMaaSError: from the HTTP status or transport, or STREAM_PARSING_FAILED.
        """
        generate = request_body(request)
        body = {k: generate[k] for k in _COUNT_FIELDS if k in generate}
        url = self._url(creds, request.model, "countTokens")
        headers = await auth_headers(creds, self.provider)
        return await count_tokens(self._client, self.provider, url, body, headers)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """Google's Gemini models in the Model Garden (``GET
        {base}/v1beta1/publishers/google/models``, ``publisherModels[].name``, paged), with
        catalog facts for the models the catalog knows.

        Raises:
            OpenMaaSError: MISSING_KEY, AUTH_FAILED, other HTTP and transport failures,
                STREAM_PARSING_FAILED for an unreadable listing.
        """
        base = self.base_url
        if creds.api_key and _is_google_endpoint(base):
            base = EXPRESS_BASE_URL
        headers = await auth_headers(creds, self.provider)
        models: list[ModelInfo] = []
        params: dict[str, str] = {"pageSize": "100"}
        for _ in range(_MAX_MODEL_PAGES):
            response = await send_request(
                self._client,
                self.provider,
                "GET",
                f"{base}/v1beta1/publishers/google/models",
                headers=headers,
                params=params,
            )
            payload = load_json(self.provider, response.content)
            try:
                models.extend(self._infos(payload.get("publisherModels") or []))
                token = text_or_none(payload.get("nextPageToken"))
            except MALFORMED:
                raise parsing_failed(self.provider, "the model list") from None
            if not token:
                break
            params = {"pageSize": "100", "pageToken": token}
        return models

    def _infos(self, entries: list[dict[str, Any]]) -> list[ModelInfo]:
        infos = []
        for entry in entries:
            name = (text_or_none(entry["name"]) or "").rpartition("/")[2]
            if not name.startswith("gemini"):
                continue
            known = find_model("vertex", name) or find_model("gemini", name)
            if known is not None and known.id == name:
                infos.append(replace(known, provider=self.provider))
            else:
                infos.append(ModelInfo(name, self.provider))
        return infos


__all__ = ["EXPRESS_BASE_URL", "VertexAdapter"]
