"""The Cohere v2 chat adapter.

Wire reference: https://docs.cohere.com/reference/chat (``POST /v2/chat``, streaming and not),
https://docs.cohere.com/reference/list-models (``GET /v1/models?endpoint=chat``) and
https://docs.cohere.com/reference/errors (error bodies ``{"id", "message"}``). Requests and whole
answers are in :mod:`.wire`, stream events in :mod:`.events`.

A stream is whole once ``message-end`` arrives (``data: [DONE]`` follows it); one that stops
before it is STREAM_INTERRUPTED. A ``message-end`` with finish reason ERROR (or TIMEOUT) yields
its finish and then raises, so the text so far is kept.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import (
    MALFORMED,
    bearer_headers,
    is_json_response,
    iter_sse,
    load_json,
    open_stream,
    parsing_failed,
    send_request,
    stream_cut,
)
from openmaas_tui.providers.cohere.events import StreamParser
from openmaas_tui.providers.cohere.wire import build_body, listed_models, parse_completion
from openmaas_tui.providers.drain import drain

DEFAULT_BASE_URL = SPECS["cohere"].base_url
"""Where requests go when no base URL is given: ``https://api.cohere.com``."""


class CohereAdapter:
    """Talks to ``POST {base_url}/v2/chat`` and ``GET {base_url}/v1/models``.

    The key travels as ``Authorization: Bearer KEY`` and nowhere else.

    Attributes:
        provider: the provider name used in errors and model listings.
        base_url: the endpoint root, e.g. ``https://api.cohere.com``.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "cohere",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._client = client

    def _headers(self, creds: Credentials) -> dict[str, str]:
        return bearer_headers(creds)

    def build_body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        """The JSON body for ``request`` (see :func:`.wire.build_body`)."""
        return build_body(request, stream=stream)

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request`` as events.

        Raises:
            OpenMaaSError: any transport or HTTP code; for a ``message-end`` with finish
                reason ERROR, the code its message gives (PROVIDER_UNAVAILABLE unless it says
                more), for TIMEOUT STREAM_TIMEOUT, both after the events before it;
                STREAM_PARSING_FAILED for a malformed event; STREAM_INTERRUPTED when the
                stream ends before ``message-end``.
        """
        provider = self.provider
        url = f"{self.base_url}/v2/chat"
        body = build_body(request, stream=True)
        parser = StreamParser(provider)
        async with open_stream(
            self._client, provider, url, json=body, headers=self._headers(creds)
        ) as response:
            if is_json_response(response):
                completion = self._completion(await response.aread(), request.model)
                for event in completion.events():
                    yield event
                return
            received = False
            reads = iter_sse(response)
            async for sse in reads:
                data = sse.data
                if not data:
                    continue
                received = True
                if data.startswith("[DONE]"):
                    if parser.ended:
                        await drain(reads)
                        return
                    break
                payload = load_json(provider, data)
                for event in parser.feed(payload):
                    yield event
                failure = parser.failure(payload)
                if failure is not None:
                    raise failure
            if parser.ended:
                return
            raise stream_cut(provider, "message-end", received=received)

    def _completion(self, raw: bytes, model: str) -> Completion:
        return parse_completion(load_json(self.provider, raw), model, self.provider)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer to ``request`` from one non-streaming call.

        Raises:
            OpenMaaSError: any transport or HTTP code, or STREAM_PARSING_FAILED.
        """
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            f"{self.base_url}/v2/chat",
            headers=self._headers(creds),
            json=build_body(request, stream=False),
        )
        return self._completion(response.content, request.model)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The chat models ``GET {base_url}/v1/models?endpoint=chat`` lists (its first page of
        up to 1000), with catalog facts where known.

        Raises:
            OpenMaaSError: AUTH_FAILED for a bad key, any transport code, or
                STREAM_PARSING_FAILED for a body without ``models[].name`` (non-empty strings).
        """
        response = await send_request(
            self._client,
            self.provider,
            "GET",
            f"{self.base_url}/v1/models",
            headers=self._headers(creds),
            params={"endpoint": "chat", "page_size": "1000"},
        )
        payload = load_json(self.provider, response.content)
        try:
            return listed_models(payload, self.provider)
        except MALFORMED:
            text = response.content.decode("utf-8", errors="replace")
            raise parsing_failed(self.provider, text) from None
