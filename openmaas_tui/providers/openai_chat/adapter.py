"""The OpenAI Chat Completions adapter, also used for every OpenAI-compatible server (Groq,
OpenRouter, DeepSeek, Mistral, Cerebras, Hugging Face router, Ollama ``/v1``, LM Studio, vLLM,
llama.cpp server, and the offline demo model).

Wire reference: https://platform.openai.com/docs/api-reference/chat/create (request),
https://platform.openai.com/docs/api-reference/chat-streaming (stream chunks),
https://platform.openai.com/docs/api-reference/models/list (model list). The parsing of
answers lives in :mod:`.parse`, the request's
parts shared with other protocols that speak the same wire in :mod:`.wire`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.models.provider_specs import SPECS, WireProtocol
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    StreamEvent,
)
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
from openmaas_tui.providers.http_errors import error_from_payload
from openmaas_tui.providers.openai_chat.parse import ChunkParser, parse_completion, plain_text
from openmaas_tui.providers.openai_chat.wire import (
    add_tools,
    chat_messages,
    passthrough_body,
    response_format,
)
from openmaas_tui.providers.sse_tap import iter_sse_data_reads

_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")
DEFAULT_BASE_URL = SPECS["openai"].base_url
"""Where requests go when no base URL is given: the openai spec's endpoint."""
_STREAM_OPTIONS = {"include_usage": True}


def _rejects_stream_options(error: OpenMaaSError) -> bool:
    return error.status in (400, 422) and "stream_options" in error.message


class OpenAIChatAdapter:
    """Talks to ``POST {base_url}/chat/completions`` and ``GET {base_url}/models``.

    The key travels as ``Authorization: Bearer KEY`` and nowhere else. Streams ask for usage
    with ``stream_options.include_usage``; a server that refuses that option (a 400 or 422
    whose message names it) is asked again at once without it, and this adapter stops sending
    it to that server.

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
        self._stream_options = True

    def _headers(self, creds: Credentials) -> dict[str, str]:
        return bearer_headers(creds)

    def _endpoint(self, model: str, creds: Credentials) -> tuple[str, dict[str, str] | None]:
        """The URL and query parameters a request for ``model`` goes to (Azure OpenAI's
        deployment path differs; see :mod:`openmaas_tui.providers.azure.adapter`)."""
        return f"{self.base_url}/chat/completions", None

    def _models_endpoint(self, creds: Credentials) -> tuple[str, dict[str, str] | None]:
        """The URL and query parameters of the model listing."""
        return f"{self.base_url}/models", None

    def _max_tokens_field(self, model: str) -> str:
        """``max_completion_tokens`` for OpenAI reasoning models (they refuse ``max_tokens``),
        ``max_tokens`` for everything else (most compatible servers know only that one)."""
        if self.provider == "openai" and model.startswith(_REASONING_PREFIXES):
            return "max_completion_tokens"
        info = find_model(self.provider, model)
        return "max_completion_tokens" if info is not None and info.reasoning else "max_tokens"

    def build_body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        """The JSON body for ``request``; parameters left as None (or no stop sequences) are
        not sent. ``thinking_budget`` is never sent (Chat Completions has no such field;
        reasoning models take ``reasoning_effort``).

        A request carrying the client's own Chat Completions body
        (:attr:`ChatRequest.passthrough`) sends that body, with only ``model``, ``stream`` and
        ``stream_options.include_usage`` set here (:func:`passthrough_body`).

        Args:
            request: what to ask.
            stream: add ``stream: true`` (and ``stream_options`` unless this server refused it).
        """
        own = request.passthrough
        if own is not None and own.protocol == WireProtocol.OPENAI_CHAT:
            return passthrough_body(own.body, request.model, stream, self._stream_options)
        messages = chat_messages(request)
        body: dict[str, Any] = {"model": request.model, "messages": messages}
        if request.temperature is not None:
            body["temperature"] = request.temperature
        if request.top_p is not None:
            body["top_p"] = request.top_p
        if request.max_tokens is not None:
            body[self._max_tokens_field(request.model)] = request.max_tokens
        if request.stop:
            body["stop"] = list(request.stop)
        if request.seed is not None:
            body["seed"] = request.seed
        if request.presence_penalty is not None:
            body["presence_penalty"] = request.presence_penalty
        if request.frequency_penalty is not None:
            body["frequency_penalty"] = request.frequency_penalty
        if request.reasoning_effort is not None:
            body["reasoning_effort"] = request.reasoning_effort
        fmt = request.json_mode
        if fmt is not None:
            body["response_format"] = response_format(fmt)
        add_tools(body, request)
        if stream:
            body["stream"] = True
            if self._stream_options:
                body["stream_options"] = dict(_STREAM_OPTIONS)
        return body

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request`` as events.

        The stream is complete at ``data: [DONE]``, or, when the server closes it without one,
        if a finish reason arrived: every recorded server sends ``[DONE]``, but some never send
        a finish reason (Snowflake Cortex, some OpenRouter routes), and servers that omit
        ``[DONE]`` still end with a finish reason. A stream that closes with neither was cut.

        Raises:
            OpenMaaSError: any transport or HTTP code; an ``error`` object inside the stream
                (OpenRouter) after the events before it; STREAM_PARSING_FAILED for a
                malformed chunk; STREAM_INTERRUPTED when the stream closes before its end
                (an empty body and SSE comments alone among them).
        """
        body = self.build_body(request, stream=True)
        headers = self._headers(creds)
        url, params = self._endpoint(request.model, creds)
        provider = self.provider
        async with AsyncExitStack() as stack:
            try:
                response = await stack.enter_async_context(
                    open_stream(
                        self._client, provider, url, json=body, headers=headers, params=params
                    )
                )
            except OpenMaaSError as error:
                if "stream_options" not in body or not _rejects_stream_options(error):
                    raise
                self._stream_options = False  # ask this server without it from now on
                del body["stream_options"]
                response = await stack.enter_async_context(
                    open_stream(
                        self._client, provider, url, json=body, headers=headers, params=params
                    )
                )
            if is_json_response(response):
                completion = self._completion(await response.aread(), request.model)
                for event in completion.events():
                    yield event
                return
            # The hot path: one JSON parse per chunk, no event built for a chunk of plain text,
            # and the deltas of one read handed on merged (:mod:`..coalesce`).
            parser = ChunkParser(provider)
            received = ended = False

            def add(data: str, read: ReadEvents) -> bool:
                nonlocal received, ended
                if data.startswith("[DONE]"):
                    ended = True
                    return True
                received = True
                chunk = load_json(provider, data)
                text = plain_text(chunk)
                if text is not None:  # most chunks: one token of text
                    read.add_text(text)
                else:
                    read.add(parser.feed(chunk))
                    if chunk.get("error"):
                        raise error_from_payload(provider, chunk)
                return False

            own = request.passthrough
            reads = iter_sse_data_reads(response, own.sink if own is not None else None)
            async for event in read_by_read(reads, add):
                yield event
            if ended:
                await drain(reads)
                return
            if not parser.finished:  # closed before [DONE] and before any finish reason
                raise stream_cut(provider, "data: [DONE] or a finish reason", received=received)

    def _completion(self, raw: bytes, model: str) -> Completion:
        payload = load_json(self.provider, raw)
        if isinstance(payload, dict) and payload.get("error") and not payload.get("choices"):
            raise error_from_payload(self.provider, payload)
        return parse_completion(payload, model, self.provider)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer to ``request`` from one non-streaming call (its body handed to the
        request's passthrough sink, when there is one, before it is parsed).

        Raises:
            OpenMaaSError: any transport or HTTP code, or STREAM_PARSING_FAILED.
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
        """The models ``GET {base_url}/models`` lists, with catalog facts where known.

        Raises:
            OpenMaaSError: AUTH_FAILED for a bad key, any transport code, or
                STREAM_PARSING_FAILED for a body without ``data[].id`` (non-empty strings).
        """
        url, params = self._models_endpoint(creds)
        response = await send_request(
            self._client, self.provider, "GET", url, headers=self._headers(creds), params=params
        )
        payload = load_json(self.provider, response.content)
        try:
            ids = [entry["id"] for entry in payload["data"]]
            if not all(type(model_id) is str and model_id for model_id in ids):
                raise TypeError("a model id that is not a non-empty string")
        except MALFORMED:
            text = response.content.decode("utf-8", errors="replace")  # whatever its charset
            raise parsing_failed(self.provider, text) from None
        models = []
        for model_id in ids:
            info = find_model(self.provider, model_id)
            models.append(
                replace(info, id=model_id) if info else ModelInfo(model_id, self.provider)
            )
        return models
