"""The Anthropic Messages adapter: ``POST /v1/messages`` streamed or not, ``GET /v1/models``.

API reference: https://docs.anthropic.com/en/api/messages,
https://docs.anthropic.com/en/api/messages-streaming, https://docs.anthropic.com/en/api/errors
and https://docs.anthropic.com/en/api/models-list. Wire details live in :mod:`.anthropic_wire`
(request, usage, stop reasons) and :mod:`.anthropic_stream` (SSE events).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
from httpx_sse import ServerSentEvent

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.models.provider_specs import SPECS, WireProtocol
from openmaas_tui.core.types import ChatRequest, Completion, StreamEvent
from openmaas_tui.providers.anthropic.stream import AnthropicStreamState
from openmaas_tui.providers.anthropic.wire import (
    client_headers,
    headers,
    parse_message,
    request_body,
)
from openmaas_tui.providers.base import (
    MALFORMED,
    is_json_response,
    load_json,
    open_stream,
    parsing_failed,
    send_request,
    stream_cut,
    text_or_none,
)
from openmaas_tui.providers.coalesce import ReadEvents, read_by_read
from openmaas_tui.providers.http_errors import error_from_payload
from openmaas_tui.providers.sse_tap import iter_sse_reads

DEFAULT_BASE_URL = SPECS["anthropic"].base_url
"""Where requests go when no base URL is given: the anthropic spec's endpoint."""
_MODEL_PAGES = 20  # at most this many pages of /v1/models (1000 models each) are read


class AnthropicAdapter:
    """Speaks the Anthropic Messages API over the shared ``httpx.AsyncClient``.

    The key travels only in the ``x-api-key`` header; with no key no auth header is sent.
    ``seed`` is not part of the API and is never sent; ``max_tokens``, which the API requires,
    gets a default when the request has none (see
    :func:`~openmaas_tui.providers.anthropic.wire.default_max_tokens`).

    Args:
        client: the shared HTTP client.
        provider: the provider name used in errors and model entries.
        base_url: the API root, without ``/v1``.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "anthropic",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._client = client
        self.provider = provider
        self.base_url = base_url.rstrip("/")

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request`` as events, in arrival order.

        Yields:
            TextDelta, ReasoningDelta (``thinking_delta``; a ``signature_delta`` closing the block;
            a whole ``redacted_thinking`` block), ToolCallDelta (client ``tool_use`` blocks),
            UsageReport (at ``message_start`` and ``message_delta``; the last one is complete)
            and Finish.

        Raises:
            OpenMaaSError: from the HTTP status or transport, from an ``error`` event in the
                stream (after everything before it was yielded), STREAM_PARSING_FAILED for an
                unreadable event, STREAM_INTERRUPTED when the stream ends without
                ``message_stop``.
        """
        body = self._body(request, stream=True)
        own = request.passthrough
        state = AnthropicStreamState(self.provider)
        received = False
        url = f"{self.base_url}/v1/messages"
        async with open_stream(
            self._client, self.provider, url, json=body, headers=self._headers(request, creds)
        ) as response:
            if is_json_response(response):  # a proxy that ignored "stream": true
                completion = self._completion(await response.aread(), request.model)
                for event in completion.events():
                    yield event
                return

            def add(sse: ServerSentEvent, read: ReadEvents) -> bool:
                nonlocal received
                if sse.data:
                    received = True
                    try:
                        read.add(state.feed(load_json(self.provider, sse.data)))
                    except MALFORMED:
                        raise parsing_failed(self.provider, sse.data) from None
                return False  # the stream ends with the body, after message_stop

            # The deltas of one read handed on merged, the first token alone (:mod:`..coalesce`).
            reads = iter_sse_reads(response, own.sink if own is not None else None)
            async for event in read_by_read(reads, add):
                yield event
        if not state.stopped:
            raise stream_cut(self.provider, "message_stop", received=received)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer to ``request`` from one non-streaming call.

        Raises:
            OpenMaaSError: from the HTTP status or transport; STREAM_PARSING_FAILED for a body
                that is not a message.
        """
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            f"{self.base_url}/v1/messages",
            headers=self._headers(request, creds),
            json=self._body(request, stream=False),
        )
        own = request.passthrough
        if own is not None and own.sink is not None:
            own.sink(response.content)
        return self._completion(response.content, request.model)

    def _body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        """The Messages body: built from ``request``, or, for a request carrying the client's
        own Messages body (:attr:`ChatRequest.passthrough`), that body with only ``model`` and
        ``stream`` set here (usage is always in ``message_start`` and ``message_delta``); its
        answer's bytes then go to the passthrough's sink before they are parsed."""
        own = request.passthrough
        if own is not None and own.protocol == WireProtocol.ANTHROPIC:
            return own.sent(request.model, stream)
        return request_body(request, self.provider, stream=stream)

    def _headers(self, request: ChatRequest, creds: Credentials) -> dict[str, str]:
        """The request's headers: the key and ``anthropic-version``, and for a request carrying
        the client's own Messages body, the client's ``anthropic-version`` and
        ``anthropic-beta`` in their place (:func:`~.wire.client_headers`)."""
        own = request.passthrough
        sent = headers(creds.api_key)
        if own is not None and own.protocol == WireProtocol.ANTHROPIC:
            sent.update(client_headers(own.headers))
        return sent

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The models the key can use (``GET /v1/models``, ``data[].id`` and
        ``display_name``, paged with ``after_id`` while ``has_more``), with catalog facts
        added for the models the catalog knows.

        Raises:
            OpenMaaSError: AUTH_FAILED for a bad key, or any transport code.
        """
        models: list[ModelInfo] = []
        params: dict[str, str] = {"limit": "1000"}
        for _ in range(_MODEL_PAGES):
            response = await send_request(
                self._client,
                self.provider,
                "GET",
                f"{self.base_url}/v1/models",
                headers=headers(creds.api_key),
                params=params,
            )
            page = load_json(self.provider, response.content)
            try:
                for item in page["data"]:
                    model_id, label = item["id"], text_or_none(item.get("display_name"))
                    if type(model_id) is not str or not model_id:
                        raise TypeError(f"model id {model_id!r}")
                    models.append(self._model_info(model_id, label))
                if not page.get("has_more") or not page.get("last_id"):
                    break
                params = {"limit": "1000", "after_id": str(page["last_id"])}
            except MALFORMED:
                raise parsing_failed(self.provider, json.dumps(page)[:200]) from None
        return models

    async def count_tokens(self, request: ChatRequest, creds: Credentials) -> int:
        """Anthropic's estimate of ``request``'s input tokens (``/v1/messages/count_tokens``,
        see :mod:`.anthropic_messages_count`).

        Raises:
            OpenMaaSError: from the HTTP status or transport, or STREAM_PARSING_FAILED.
        """
        from openmaas_tui.providers.anthropic.count import count_tokens

        return await count_tokens(self._client, self.provider, self.base_url, request, creds)

    def _model_info(self, model_id: str, display_name: str | None) -> ModelInfo:
        known = find_model(self.provider, model_id) or find_model("anthropic", model_id)
        label = display_name or ""
        if known is None:
            return ModelInfo(model_id, self.provider, label=label)
        return replace(known, id=model_id, provider=self.provider, label=label or known.label)

    def _completion(self, raw: bytes, model: str) -> Completion:
        payload = load_json(self.provider, raw)
        if isinstance(payload, dict) and payload.get("type") == "error":
            raise error_from_payload(self.provider, payload)
        try:
            return parse_message(payload, model)
        except MALFORMED:
            raise parsing_failed(self.provider, raw.decode("utf-8", errors="replace")) from None
