"""The Google Gemini API adapter: ``generateContent`` and ``streamGenerateContent``.

Wire facts from the API reference (https://ai.google.dev/api/generate-content):

- ``POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`` streams ``data:`` events
  (separated by CRLF CRLF); ``:generateContent`` answers with one JSON body; without
  ``alt=sse`` the streaming endpoint answers with one JSON array of chunks.
- The key travels in the ``x-goog-api-key`` header
  (https://ai.google.dev/gemini-api/docs/api-key), never in the URL.
- The body has ``contents`` (roles ``user`` / ``model``; ``text``, ``inlineData``,
  ``functionCall`` and ``functionResponse`` parts), ``systemInstruction``,
  ``generationConfig`` (https://ai.google.dev/api/generate-content#generationconfig), and
  ``tools`` / ``toolConfig`` (:mod:`.tools`).
- ``GET {base}/v1beta/models`` lists models (https://ai.google.dev/api/models#method:-models.list).

Chunks are turned into events by :mod:`.gemini_events`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.reasoning import GEMINI
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    ContentPart,
    Message,
    Role,
    StreamEvent,
    TextPart,
)
from openmaas_tui.providers.base import (
    MALFORMED,
    completion_from,
    load_json,
    parsing_failed,
    send_request,
    text_or_none,
    token_count,
)
from openmaas_tui.providers.gemini.events import events_from_body
from openmaas_tui.providers.gemini.streaming import stream_generate_content
from openmaas_tui.providers.gemini.tools import add_tools, call_parts, response_part

DEFAULT_BASE_URL = SPECS["gemini"].base_url
"""The Gemini API endpoint when no base URL is given: the gemini spec's."""

_API_VERSION = "v1beta"
_MAX_MODEL_PAGES = 20


def _part(part: ContentPart) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"text": part.text}
    return {"inlineData": {"mimeType": part.media_type, "data": part.data_base64}}


def _content(message: Message, call_ids: frozenset[str]) -> dict[str, Any]:
    role = "model" if message.role is Role.ASSISTANT else "user"
    parts: list[dict[str, Any]]
    if message.role is Role.TOOL:
        return {"role": "user", "parts": [response_part(message, call_ids)]}
    if isinstance(message.content, str):
        parts = [{"text": message.content}] if message.content or not message.tool_calls else []
    else:
        parts = [_part(p) for p in message.content]
    signature = next(
        (b.signature for b in message.reasoning_blocks if b.replayable_to(GEMINI)), None
    )
    texts = [p for p in parts if "text" in p]
    if signature and texts:  # back on the text part it came on (thought-signatures guide)
        texts[0]["thoughtSignature"] = signature
    return {"role": role, "parts": parts + call_parts(message)}


def _contents(request: ChatRequest) -> list[dict[str, Any]]:
    """``contents``: one per message, except that consecutive tool results (answers to
    parallel calls) share one user turn, as the API wants them."""
    call_ids = frozenset(c.id for m in request.messages for c in m.tool_calls if c.id)
    contents: list[dict[str, Any]] = []
    previous: Message | None = None
    for message in request.messages:
        content = _content(message, call_ids)
        if previous is not None and previous.role is Role.TOOL and message.role is Role.TOOL:
            contents[-1]["parts"].extend(content["parts"])
        else:
            contents.append(content)
        previous = message
    return contents


def request_body(request: ChatRequest) -> dict[str, Any]:
    """The ``GenerateContentRequest`` JSON for ``request``: ``contents``, then
    ``systemInstruction`` and ``generationConfig`` only when something in them is set.

    ``generationConfig`` carries ``temperature``, ``topP``, ``maxOutputTokens``,
    ``stopSequences``, ``seed``, ``presencePenalty``, ``frequencyPenalty``, each only when set,
    ``responseMimeType: application/json`` for JSON (with ``responseJsonSchema`` for a
    schema), and ``thinkingConfig`` with ``thinkingBudget`` (tokens, Gemini 2.5) or
    ``thinkingLevel`` (the reasoning effort, Gemini 3)
    (https://ai.google.dev/api/generate-content#generationconfig,
    https://ai.google.dev/gemini-api/docs/thinking,
    https://ai.google.dev/gemini-api/docs/structured-output).
    """
    body: dict[str, Any] = {"contents": _contents(request)}
    if request.system:
        body["systemInstruction"] = {"parts": [{"text": request.system}]}
    config: dict[str, Any] = {}
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.top_p is not None:
        config["topP"] = request.top_p
    if request.max_tokens is not None:
        config["maxOutputTokens"] = request.max_tokens
    if request.stop:
        config["stopSequences"] = list(request.stop)
    if request.seed is not None:
        config["seed"] = request.seed
    if request.presence_penalty is not None:
        config["presencePenalty"] = request.presence_penalty
    if request.frequency_penalty is not None:
        config["frequencyPenalty"] = request.frequency_penalty
    fmt = request.json_mode
    if fmt is not None:
        config["responseMimeType"] = "application/json"
        if fmt.kind == "json_schema":
            config["responseJsonSchema"] = fmt.schema
    thinking: dict[str, Any] = {}
    if request.thinking_budget is not None:
        thinking["thinkingBudget"] = request.thinking_budget
    elif request.reasoning_effort is not None:
        thinking["thinkingLevel"] = request.reasoning_effort
    if thinking:
        config["thinkingConfig"] = thinking
    if config:
        body["generationConfig"] = config
    add_tools(body, request)
    return body


def _resource(model: str) -> str:
    """``models/{model}``; names that already carry a collection (``models/…``,
    ``tunedModels/…``) are kept as they are."""
    return model if "/" in model else f"models/{model}"


class GeminiAdapter:
    """Chat with the Gemini API over the shared client.

    Args:
        client: the shared ``httpx.AsyncClient``.
        provider: the provider name used in errors and model entries.
        base_url: the endpoint, without the API version (``/v1beta`` is added).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "gemini",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._client = client
        self.provider = provider
        self.base_url = base_url.rstrip("/")

    def _url(self, model: str, method: str) -> str:
        return f"{self.base_url}/{_API_VERSION}/{_resource(model)}:{method}"

    @staticmethod
    def _headers(creds: Credentials) -> dict[str, str]:
        key = creds.api_key
        return {"x-goog-api-key": key} if key else {}

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer from ``:streamGenerateContent?alt=sse``.

        A server that ignores ``alt=sse`` and answers with one JSON array is read whole. The
        stream has no end marker: it is complete once a candidate carries ``finishReason`` (or
        ``promptFeedback.blockReason`` refuses the prompt), as every recorded stream ends.

        Raises:
            OpenMaaSError: HTTP and transport failures, an ``error`` object inside the stream,
                or STREAM_PARSING_FAILED; STREAM_INTERRUPTED when the stream closes before a
                finish reason (an empty body and SSE comments alone among them); always after
                yielding everything received before.
        """
        events = stream_generate_content(
            self._client,
            self.provider,
            self._url(request.model, "streamGenerateContent"),
            body=request_body(request),
            headers=self._headers(creds),
        )
        async for event in events:
            yield event

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """The whole answer from ``:generateContent``.

        Raises:
            OpenMaaSError: HTTP and transport failures, or STREAM_PARSING_FAILED for a body
                that is not a ``GenerateContentResponse``.
        """
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            self._url(request.model, "generateContent"),
            headers=self._headers(creds),
            json=request_body(request),
        )
        return completion_from(events_from_body(self.provider, response.content), request.model)

    async def count_tokens(self, request: ChatRequest, creds: Credentials) -> int:
        """Gemini's count of ``request``'s input tokens (``:countTokens``, see
        :mod:`.gemini_generate_count`).

        Raises:
            OpenMaaSError: from the HTTP status or transport, or STREAM_PARSING_FAILED.
        """
        from openmaas_tui.providers.gemini.count import count_body, count_tokens

        body = count_body(request_body(request), _resource(request.model))
        url = self._url(request.model, "countTokens")
        return await count_tokens(self._client, self.provider, url, body, self._headers(creds))

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The models that support ``generateContent``, ids without the ``models/`` prefix.

        Catalog entries are used where they exist; other models get the token limits the
        listing gives (``inputTokenLimit``, ``outputTokenLimit``).

        Raises:
            OpenMaaSError: AUTH_FAILED for a bad key, other HTTP and transport failures,
                STREAM_PARSING_FAILED for an unreadable listing.
        """
        models: list[ModelInfo] = []
        params: dict[str, str] = {"pageSize": "1000"}
        for _ in range(_MAX_MODEL_PAGES):
            response = await send_request(
                self._client,
                self.provider,
                "GET",
                f"{self.base_url}/{_API_VERSION}/models",
                headers=self._headers(creds),
                params=params,
            )
            payload = load_json(self.provider, response.content)
            try:
                models.extend(self._model_infos(payload.get("models") or []))
                token = payload.get("nextPageToken")
            except MALFORMED:
                raise parsing_failed(self.provider, "the model list") from None
            if not token:
                break
            params = {"pageSize": "1000", "pageToken": str(token)}
        return models

    def _model_infos(self, entries: list[dict[str, Any]]) -> list[ModelInfo]:
        infos = []
        for entry in entries:
            if "generateContent" not in (entry.get("supportedGenerationMethods") or ()):
                continue
            model_id = (text_or_none(entry["name"]) or "").removeprefix("models/")
            if not model_id:
                raise TypeError(f"model name {entry['name']!r}")
            known = find_model("gemini", model_id)
            if known is not None and known.id == model_id:
                infos.append(replace(known, provider=self.provider))
                continue
            infos.append(
                ModelInfo(
                    model_id,
                    self.provider,
                    context_window=token_count(entry.get("inputTokenLimit")),
                    max_output_tokens=token_count(entry.get("outputTokenLimit")),
                    reasoning=bool(entry.get("thinking")),
                    label=str(entry.get("displayName") or ""),
                )
            )
        return infos
