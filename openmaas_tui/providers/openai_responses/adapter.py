"""The OpenAI Responses API adapter (``POST {base_url}/responses``).

Wire reference: https://platform.openai.com/docs/api-reference/responses (request and
response object), https://platform.openai.com/docs/api-reference/responses-streaming (stream
events). The body is built in :mod:`.wire`, answers are read in :mod:`.events`. Azure
OpenAI's Responses endpoint speaks the same bytes at another URL with other headers
(:mod:`openmaas_tui.providers.azure.adapter` overrides ``_endpoint`` and ``_headers``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.provider_specs import WireProtocol
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import (
    bearer_headers,
    is_json_response,
    iter_sse,
    load_json,
    open_stream,
    send_request,
    stream_cut,
)
from openmaas_tui.providers.drain import drain
from openmaas_tui.providers.openai_chat.adapter import DEFAULT_BASE_URL, OpenAIChatAdapter
from openmaas_tui.providers.openai_responses.events import EventParser, parse_response
from openmaas_tui.providers.openai_responses.wire import build_body


class OpenAIResponsesAdapter:
    """Talks to ``POST {base_url}/responses`` and lists models at ``GET {base_url}/models``.

    The key travels as ``Authorization: Bearer KEY`` and nowhere else. A stream is whole only
    once ``response.completed``, ``response.incomplete`` or ``response.failed`` arrived; one
    that stops before raises STREAM_INTERRUPTED after yielding what came.

    Attributes:
        provider: the provider name used in errors and model listings.
        base_url: the endpoint root, e.g. ``https://api.openai.com/v1``.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "openai",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._client = client

    def _headers(self, creds: Credentials) -> dict[str, str]:
        return bearer_headers(creds)

    def _endpoint(self, model: str, creds: Credentials) -> tuple[str, dict[str, str] | None]:
        """The URL and query parameters a request for ``model`` goes to."""
        return f"{self.base_url}/responses", None

    def build_body(self, request: ChatRequest, *, stream: bool) -> dict[str, object]:
        """The JSON body for ``request`` (see :func:`.wire.build_body`); a request carrying
        the client's own Responses body (:attr:`ChatRequest.passthrough`) sends that body with
        only ``model`` and ``stream`` set here (usage is always in the final response)."""
        own = request.passthrough
        if own is not None and own.protocol == WireProtocol.OPENAI_RESPONSES:
            return own.sent(request.model, stream)
        return build_body(request, provider=self.provider, stream=stream)

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request`` as events.

        Raises:
            OpenMaaSError: any transport or HTTP code; the mapped code of a
                ``response.failed`` or ``error`` event after the events before it;
                STREAM_PARSING_FAILED for a malformed event; STREAM_INTERRUPTED when the
                stream ends before its terminal event.
        """
        headers = self._headers(creds)
        url, params = self._endpoint(request.model, creds)
        body = self.build_body(request, stream=True)
        provider = self.provider
        async with open_stream(
            self._client, provider, url, json=body, headers=headers, params=params
        ) as response:
            if is_json_response(response):
                completion = self._completion(await response.aread(), request.model)
                for event in completion.events():
                    yield event
                return
            parser = EventParser(provider)
            received = False
            own = request.passthrough
            reads = iter_sse(response, own.sink if own is not None else None)
            async for sse in reads:
                if not sse.data:
                    continue
                received = True
                for event in parser.feed(load_json(provider, sse.data)):
                    yield event
                if parser.done:
                    await drain(reads)
                    return
            raise stream_cut(provider, "response.completed", received=received)

    def _completion(self, raw: bytes, model: str) -> Completion:
        return parse_response(load_json(self.provider, raw), model, self.provider)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer to ``request`` from one non-streaming call.

        Raises:
            OpenMaaSError: any transport or HTTP code, the mapped code of a ``failed``
                response, or STREAM_PARSING_FAILED.
        """
        url, params = self._endpoint(request.model, creds)
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            url,
            headers=self._headers(creds),
            json=self.build_body(request, stream=False),
            params=params,
        )
        own = request.passthrough
        if own is not None and own.sink is not None:
            own.sink(response.content)
        return self._completion(response.content, request.model)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The models ``GET {base_url}/models`` lists: the same listing as Chat Completions'.

        Raises:
            OpenMaaSError: AUTH_FAILED for a bad key, any transport code, or
                STREAM_PARSING_FAILED.
        """
        chat = OpenAIChatAdapter(self._client, provider=self.provider, base_url=self.base_url)
        return await chat.list_models(creds)


__all__ = ["OpenAIResponsesAdapter"]
