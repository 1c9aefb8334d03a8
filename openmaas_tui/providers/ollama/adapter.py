"""Ollama's native chat API: ``POST /api/chat`` streamed as NDJSON, ``GET /api/tags``.

Wire facts from the Ollama API reference (https://github.com/ollama/ollama/blob/main/docs/api.md):

- A streamed answer is one JSON object per line (``application/x-ndjson``). Each carries
  ``message`` (``role``, ``content``, and ``thinking`` for thinking models, ``tool_calls`` with a
  function ``name`` and an ``arguments`` *object*) and ``done: false``; the last one has
  ``done: true``, ``done_reason`` (``stop``, ``length``, …) and the counts ``prompt_eval_count``
  (prompt tokens) and ``eval_count`` (generated tokens).
- ``stream: false`` returns that final object alone, with the whole ``message``.
- Sampling parameters travel in ``options`` under Modelfile names (``num_predict`` is the output
  token limit). Images are base64 strings in the message's ``images`` list.
- Tools are OpenAI function tools in ``tools``; an assistant turn's calls go back as
  ``tool_calls`` (``function.name``, ``function.arguments`` as an object) and a result as
  ``{"role": "tool", "content", "tool_name"}``
  (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-tools,
  https://ollama.com/blog/tool-support). There is no ``tool_choice``.
- Errors are ``{"error": "message"}``: with an HTTP status before a stream starts, or as a line
  of their own in the middle of one.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.provider_specs import SPECS
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    Finish,
    FinishReason,
    ImagePart,
    ReasoningDelta,
    Role,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.base import (
    MALFORMED,
    completion_from,
    is_json_response,
    load_json,
    open_stream,
    parsing_failed,
    send_request,
    stream_cut,
    text_or_none,
    token_count,
)
from openmaas_tui.providers.hosts import url_from_host
from openmaas_tui.providers.http_errors import error_from_payload

_SPEC = SPECS["ollama"]
DEFAULT_BASE_URL = _SPEC.base_url
"""Where a local Ollama server listens unless ``OLLAMA_HOST`` says otherwise."""

_FINISH = {"stop": FinishReason.STOP, "length": FinishReason.LENGTH}


def ollama_base_url(environ: Mapping[str, str]) -> str:
    """The server's base URL from ``OLLAMA_HOST``, the ollama spec's ``host_env`` (see
    :func:`~openmaas_tui.providers.hosts.url_from_host` for the forms it takes).

    Args:
        environ: the environment (``os.environ`` or a test's dict).

    Returns:
        A URL without a trailing slash; ``http://localhost:11434`` when the variable is unset.
    """
    raw = environ.get(_SPEC.host_env, "") if _SPEC.host_env else ""
    return url_from_host(raw, DEFAULT_BASE_URL)


def chat_body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    """The JSON body of ``POST /api/chat`` for ``request``: the system prompt as a first
    ``system`` message, images as the ``images`` list, and only the options that are set
    (``presence_penalty`` and ``frequency_penalty`` are options too); a JSON response format
    becomes ``format`` (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion).
    Reasoning effort and thinking budget are not sent (``/api/chat`` has neither)."""
    messages: list[dict[str, Any]] = []
    if request.system:
        messages.append({"role": "system", "content": request.system})
    for message in request.messages:
        entry: dict[str, Any] = {"role": str(message.role), "content": message.text}
        if not isinstance(message.content, str):
            images = [p.data_base64 for p in message.content if isinstance(p, ImagePart)]
            if images:
                entry["images"] = images
        if message.tool_calls:
            if not entry["content"]:
                del entry["content"]  # as the official client sends a turn of calls alone
            entry["tool_calls"] = [
                {"function": {"name": c.name, "arguments": c.arguments_object()}}
                for c in message.tool_calls
            ]
        if message.role is Role.TOOL and message.tool_name:
            entry["tool_name"] = message.tool_name
        messages.append(entry)
    body: dict[str, Any] = {"model": request.model, "messages": messages, "stream": stream}
    if request.tools:
        body["tools"] = [tool.to_openai() for tool in request.tools]
    options: dict[str, Any] = {
        name: value
        for name, value in (
            ("temperature", request.temperature),
            ("top_p", request.top_p),
            ("num_predict", request.max_tokens),
            ("seed", request.seed),
            ("presence_penalty", request.presence_penalty),
            ("frequency_penalty", request.frequency_penalty),
        )
        if value is not None
    }
    if request.stop:
        options["stop"] = list(request.stop)
    if options:
        body["options"] = options
    fmt = request.json_mode
    if fmt is not None:
        # "json", or the JSON schema itself (https://ollama.com/blog/structured-outputs).
        body["format"] = fmt.schema if fmt.kind == "json_schema" else "json"
    return body


@dataclass(slots=True)
class _ChunkReader:
    """Turns the objects of one answer into events, numbering tool calls across lines (Ollama
    sends each call whole) and remembering whether the final object arrived."""

    provider: str
    tool_calls: int = 0
    done: bool = False
    received: bool = False

    def events(self, chunk: Any) -> list[StreamEvent]:
        """The events of one parsed object, all or none.

        Raises:
            OpenMaaSError: the object's ``error``, mapped; STREAM_PARSING_FAILED when it is
                not an object of the documented shape (a field of the wrong type among them).
        """
        if not isinstance(chunk, dict):
            raise parsing_failed(self.provider, repr(chunk))
        if "error" in chunk:
            raise error_from_payload(self.provider, chunk)
        try:
            return list(self._events(chunk))
        except MALFORMED:
            raise parsing_failed(self.provider, repr(chunk)) from None

    def _events(self, chunk: dict[str, Any]) -> Iterator[StreamEvent]:
        message = chunk.get("message") or {}
        if not isinstance(message, dict):
            raise TypeError(f"message is {message!r}")
        if thinking := text_or_none(message.get("thinking")):
            yield ReasoningDelta(thinking)
        if content := text_or_none(message.get("content")):
            yield TextDelta(content)
        for call in message.get("tool_calls") or ():
            yield self._tool_call(call)
        done = chunk.get("done")
        if done is not None and type(done) is not bool:
            raise TypeError(f"done is {done!r}")
        if done:
            self.done = True
            yield UsageReport(
                Usage(
                    input_tokens=token_count(chunk.get("prompt_eval_count")),
                    output_tokens=token_count(chunk.get("eval_count")),
                )
            )
            raw = text_or_none(chunk.get("done_reason"))
            reason = _FINISH.get(raw or "stop", FinishReason.STOP)
            if self.tool_calls and reason is FinishReason.STOP:
                reason = FinishReason.TOOL_CALLS
            yield Finish(reason, raw)

    def _tool_call(self, call: Any) -> ToolCallDelta:
        function = call.get("function") if isinstance(call, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            raise TypeError(f"tool call {call!r}")
        arguments = function.get("arguments")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments if arguments is not None else {})
        name, call_id = text_or_none(function["name"]), text_or_none(call.get("id"))
        index, self.tool_calls = self.tool_calls, self.tool_calls + 1
        return ToolCallDelta(index, call_id or None, name, arguments)


async def _lines(response: httpx.Response) -> AsyncIterator[tuple[str, bool]]:
    """The body's lines (``\n`` or ``\r\n`` ends, decoded as UTF-8), each with whether its
    line end arrived: only the last one can lack it, when the body was cut inside it."""
    response.encoding = "utf-8"  # NDJSON is UTF-8 whatever charset is named
    parts: list[str] = []
    async for text in response.aiter_text():
        if "\n" not in text:
            parts.append(text)
            continue
        lines = text.split("\n")
        lines[0] = "".join(parts) + lines[0]
        parts = [lines.pop()]
        for line in lines:
            yield line.removesuffix("\r"), True
    if rest := "".join(parts):
        yield rest, False


class OllamaChatAdapter:
    """Ollama's native ``/api/chat`` (NDJSON stream) and ``/api/tags`` (model discovery).

    A local server needs no key. When one is given (ollama.com, or a proxy in front of a server),
    it is sent as ``Authorization: Bearer KEY``.

    Attributes:
        provider: the provider name put on errors and models.
        base_url: the server's root, e.g. ``http://localhost:11434``
            (see :func:`ollama_base_url`).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        provider: str = "ollama",
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self._client = client
        self.provider = provider
        self.base_url = base_url.rstrip("/")

    def _headers(self, creds: Credentials) -> dict[str, str]:
        key = creds.api_key
        return {"authorization": f"Bearer {key}"} if key else {}

    async def stream(self, request: ChatRequest, creds: Credentials) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request``, one event per NDJSON field as it arrives.

        Raises:
            OpenMaaSError: from the HTTP status or transport (see ``open_stream``), an
                ``{"error": ...}`` line, STREAM_PARSING_FAILED for a line that is not JSON, and
                STREAM_INTERRUPTED when the stream ends without its ``done: true`` line (a last
                line cut short, which is not JSON, among them). Events received before the
                failure have been yielded.
        """
        reader = _ChunkReader(self.provider)
        async with open_stream(
            self._client,
            self.provider,
            f"{self.base_url}/api/chat",
            json=chat_body(request, stream=True),
            headers=self._headers(creds),
        ) as response:
            if is_json_response(response):  # a proxy that answered with one JSON document
                for event in reader.events(load_json(self.provider, await response.aread())):
                    yield event
            else:
                async for line, whole in _lines(response):
                    if reader.done or not line.strip():
                        continue  # nothing follows the final line; blank lines carry nothing
                    try:
                        chunk = load_json(self.provider, line)
                    except OpenMaaSError:
                        if whole:
                            raise
                        break  # the body ended inside its last line: a cut, not a bad line
                    reader.received = True
                    for event in reader.events(chunk):
                        yield event
        if not reader.done:
            end = "its final (done: true) line"
            raise stream_cut(self.provider, end, received=reader.received)

    async def complete(self, request: ChatRequest, creds: Credentials) -> Completion:
        """Ask for the whole answer in one JSON object (``stream: false``).

        Raises:
            OpenMaaSError: from the status, the transport, or an unreadable body.
        """
        response = await send_request(
            self._client,
            self.provider,
            "POST",
            f"{self.base_url}/api/chat",
            headers=self._headers(creds),
            json=chat_body(request, stream=False),
        )
        payload = load_json(self.provider, response.content)
        return completion_from(_ChunkReader(self.provider).events(payload), request.model)

    async def list_models(self, creds: Credentials) -> list[ModelInfo]:
        """The models the server has pulled (``GET /api/tags``); context windows are unknown.

        Raises:
            OpenMaaSError: STREAM_CONNECTION_FAILED when no server answers, or from the status.
        """
        response = await send_request(
            self._client,
            self.provider,
            "GET",
            f"{self.base_url}/api/tags",
            headers=self._headers(creds),
        )
        payload = load_json(self.provider, response.content)
        models = payload.get("models") if isinstance(payload, dict) else None
        if not isinstance(models, list):
            raise parsing_failed(self.provider, repr(payload))
        names = [m.get("name") or m.get("model") for m in models if isinstance(m, dict)]
        if not all(name is None or type(name) is str for name in names):
            raise parsing_failed(self.provider, repr(payload))
        return [ModelInfo(name, self.provider) for name in names if name]
