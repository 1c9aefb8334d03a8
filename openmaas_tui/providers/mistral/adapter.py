"""The Mistral chat completions adapter.

Wire reference: https://docs.mistral.ai/api/ (``POST /v1/chat/completions``, ``GET
/v1/models``). Stream chunks and whole answers have the Chat Completions shape and are read by
:mod:`openmaas_tui.providers.openai_chat.parse`: Magistral's ``content`` as a list of typed
chunks (``{"type": "thinking", "thinking": [{"type": "text", "text"}]}`` as reasoning,
``{"type": "text", "text"}`` as text), tool calls keyed by ``index``, usage with
``prompt_tokens_details.cached_tokens`` (the prompt cache). What differs (the request, finish
reasons, the model list) is in :mod:`.wire`.

A stream ends with ``data: [DONE]`` (the reference's ``stream`` field: "the stream terminated by
a data: [DONE] message"); one that stops before it is STREAM_INTERRUPTED.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.base import (
    MALFORMED,
    bearer_headers,
    is_json_response,
    load_json,
    open_stream,
    parsing_failed,
    send_request,
    stream_cut,
)
from openmaas_tui.providers.coalesce import ReadEvents, read_by_read
from openmaas_tui.providers.drain import drain
from openmaas_tui.providers.http_errors import classify, error_message
from openmaas_tui.providers.mistral.wire import build_body, finish_of, listed_models
from openmaas_tui.providers.openai_chat.parse import ChunkParser, parse_completion, plain_text
from openmaas_tui.providers.sse_tap import iter_sse_data_reads

DEFAULT_BASE_URL = SPECS["mistral"].base_url
"""Where requests go when no base URL is given: ``https://api.mistral.ai/v1``."""


def _error_in(payload: Any) -> bool:
    """Whether a chunk or body is an error object (``{"object": "error", "message", ...}``)
    rather than an answer."""
    return isinstance(payload, dict) and payload.get("object") == "error"


def _error_from(provider: str, payload: Any) -> OpenMaaSError:
    message, kind = error_message(payload)
    code = classify(None, message or "", kind)
    return OpenMaaSError(code, message or "the stream reported an error", provider=provider)


class MistralAdapter:
    """Talks to ``POST {base_url}/chat/completions`` and ``GET {base_url}/models``.

    The key travels as ``Authorization: Bearer KEY`` and nowhere else.

    Attributes:
        provider: the provider name used in errors and model listings.
        base_url: the endpoint root, e.g. ``https://api.mistral.ai/v1``.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "mistral",
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
            OpenMaaSError: any transport or HTTP code; an error object inside the stream after
                the events before it; STREAM_PARSING_FAILED for a malformed chunk;
                STREAM_INTERRUPTED when the stream ends before ``data: [DONE]``.
        """
        provider = self.provider
        url = f"{self.base_url}/chat/completions"
        body = build_body(request, stream=True)
        async with open_stream(
            self._client, provider, url, json=body, headers=self._headers(creds)
        ) as response:
            if is_json_response(response):
                completion = self._completion(await response.aread(), request.model)
                for event in completion.events():
                    yield event
                return
            parser = ChunkParser(provider, finish_of)
            received = ended = False

            def add(data: str, read: ReadEvents) -> bool:
                nonlocal received, ended
                received = True
                if data.startswith("[DONE]"):
                    ended = True
                    return True
                chunk = load_json(provider, data)
                text = plain_text(chunk)
                if text is not None:  # most chunks: one token of text
                    read.add_text(text)
                else:
                    if _error_in(chunk):
                        raise _error_from(provider, chunk)
                    read.add(parser.feed(chunk))
                return False

            # The deltas of one read handed on merged (:mod:`..coalesce`).
            reads = iter_sse_data_reads(response)
            async for event in read_by_read(reads, add):
                yield event
            if ended:
                await drain(reads)
                return
            raise stream_cut(provider, "data: [DONE]", received=received)

    def _completion(self, raw: bytes, model: str) -> Completion:
        payload = load_json(self.provider, raw)
        if _error_in(payload):
            raise _error_from(self.provider, payload)
        return parse_completion(payload, model, self.provider, finish_of)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer to ``request`` from one non-streaming call.

        Raises:
            OpenMaaSError: any transport or HTTP code, or STREAM_PARSING_FAILED.
        """
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            f"{self.base_url}/chat/completions",
            headers=self._headers(creds),
            json=build_body(request, stream=False),
        )
        return self._completion(response.content, request.model)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The chat models ``GET {base_url}/models`` lists, with catalog facts where known.

        Raises:
            OpenMaaSError: AUTH_FAILED for a bad key, any transport code, or
                STREAM_PARSING_FAILED for a body without ``data[].id`` (non-empty strings).
        """
        response = await send_request(
            self._client,
            self.provider,
            "GET",
            f"{self.base_url}/models",
            headers=self._headers(creds),
        )
        payload = load_json(self.provider, response.content)
        try:
            return listed_models(payload, self.provider)
        except MALFORMED:
            text = response.content.decode("utf-8", errors="replace")
            raise parsing_failed(self.provider, text) from None
