"""The exchange's events as OpenAI ``chat.completion.chunk`` server-sent events.

Shapes from https://platform.openai.com/docs/api-reference/chat-streaming: every chunk has
``id``, ``object``, ``created``, ``model`` and ``choices`` (one, index 0, with a ``delta`` and a
``finish_reason``); the first delta carries the role, the stream ends with ``data: [DONE]``, and
when the client asked (``stream_options.include_usage``) a last chunk with ``choices: []`` and
``usage`` comes before it. Reasoning goes out as ``delta.reasoning_content``, as DeepSeek's
and vLLM's OpenAI-compatible servers send it.

This is the hot path (one call per event): each chunk is a prefix and a suffix made once per
answer around the one JSON-encoded value that changes. An adapter hands on the text that came
in one read of the provider's stream as one delta (:mod:`~openmaas_tui.providers.coalesce`),
so a client gets one chunk per read rather than one per token when tokens arrive together, as
from any proxy under load; its text is the same.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from openmaas_tui.core.types import (
    Finish,
    FinishReason,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
)

DONE = b"data: [DONE]\n\n"

FINISH_REASONS: dict[FinishReason, str] = {
    FinishReason.STOP: "stop",
    FinishReason.LENGTH: "length",
    FinishReason.TOOL_CALLS: "tool_calls",
    FinishReason.CONTENT_FILTER: "content_filter",
    FinishReason.ERROR: "stop",
}
"""Our finish reasons in OpenAI's words (OpenAI has no ``error``: the error chunk says it)."""


def completion_id() -> str:
    """A fresh ``chatcmpl-…`` id."""
    return "chatcmpl-" + secrets.token_hex(12)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class ChunkWriter:
    """Writes one answer's chunks as SSE bytes.

    Args:
        model: the ``model`` echoed in every chunk (the field as the client sent it).
        answer_id: the ``id`` of every chunk.
        created: the ``created`` of every chunk (Unix seconds).
    """

    def __init__(self, model: str, answer_id: str | None = None, created: int | None = None):
        self.answer_id = answer_id or completion_id()
        self.created = int(time.time()) if created is None else created
        self.model = model
        head = (
            f'data: {{"id":{_dumps(self.answer_id)},"object":"chat.completion.chunk",'
            f'"created":{self.created},"model":{_dumps(model)},'
        )
        self._head = head
        self._choice = head + '"choices":[{"index":0,"delta":'
        self._open = ',"logprobs":null,"finish_reason":null}]}\n\n'
        self._text = self._choice + '{"content":'
        self._reasoning = self._choice + '{"reasoning_content":'
        self._close = "}" + self._open
        self.finish: str | None = None

    def role(self) -> bytes:
        """The first chunk: ``{"role": "assistant", "content": ""}``."""
        return (self._choice + '{"role":"assistant","content":""}' + self._open).encode()

    def event(self, event: StreamEvent) -> bytes:
        """The chunk for one event (``b""`` for usage reports, which go in :meth:`usage`)."""
        if isinstance(event, TextDelta):
            return (self._text + _dumps(event.text) + self._close).encode()
        if isinstance(event, ReasoningDelta):
            if not event.text:  # a block's signature: nothing an OpenAI client can take
                return b""
            return (self._reasoning + _dumps(event.text) + self._close).encode()
        if isinstance(event, ToolCallDelta):
            call: dict[str, Any] = {"index": event.index}
            if event.id:
                call["id"] = event.id
                call["type"] = "function"
            function: dict[str, str] = {"arguments": event.arguments}
            if event.name:
                function["name"] = event.name
            call["function"] = function
            return (self._choice + _dumps({"tool_calls": [call]}) + self._open).encode()
        if isinstance(event, Finish):
            self.finish = FINISH_REASONS[event.reason]
            return (
                self._choice + f'{{}},"logprobs":null,"finish_reason":"{self.finish}"}}]}}\n\n'
            ).encode()
        return b""

    def usage(self, usage: dict[str, Any]) -> bytes:
        """The last chunk before ``[DONE]``: ``choices: []`` and ``usage``."""
        return (self._head + '"choices":[],"usage":' + _dumps(usage) + "}\n\n").encode()

    def error(self, error: dict[str, Any]) -> bytes:
        """An error that ended the stream after it began, as OpenRouter sends one:
        ``data: {"error": {...}}`` (the openai SDK raises ``APIError`` on it)."""
        return ("data: " + _dumps(error) + "\n\n").encode()
