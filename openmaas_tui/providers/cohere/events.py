"""Reading a Cohere v2 chat stream: one parsed SSE event at a time into our events.

Events (https://docs.cohere.com/reference/chat-stream; ``event:`` names match each ``type``):
``message-start``; ``content-start`` / ``content-delta`` / ``content-end`` (text in
``delta.message.content.text``, a reasoning model's thinking in ``.thinking``);
``tool-plan-delta`` (``delta.message.tool_plan``, shown as reasoning); ``tool-call-start``
(``delta.message.tool_calls`` with ``id`` and ``function.name``), ``tool-call-delta``
(``function.arguments`` pieces), ``tool-call-end``, keyed by the event's ``index``;
``citation-start`` / ``citation-end`` and ``debug`` (ignored); ``message-end`` with
``delta.finish_reason`` and ``delta.usage``. Then ``data: [DONE]``.

A failed generation is still an HTTP 200 stream: its ``message-end`` has ``finish_reason:
"ERROR"`` and the reason as a string in ``delta.error`` (with ``delta.error_type``, e.g.
``INVALID_TOOL_GENERATION``), recorded in ``tests/fixtures/cohere/stream_sql_agent_*.sse``.
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import (
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    UsageReport,
)
from openmaas_tui.providers.base import MALFORMED, parsing_failed, text_or_none
from openmaas_tui.providers.cohere.wire import finish_of, usage_of
from openmaas_tui.providers.http_errors import classify


def _message(event: dict[str, Any]) -> dict[str, Any]:
    """``delta.message`` of an event (an empty object when the event has none)."""
    delta = event.get("delta") or {}
    message: dict[str, Any] = delta.get("message") or {}
    return message


def _index(event: dict[str, Any]) -> int:
    index = event.get("index", 0)
    if type(index) is not int or index < 0:
        raise TypeError(f"index {index!r}")
    return index


def _arguments(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


class StreamParser:
    """Turns a Cohere stream's parsed events into ours. One per stream.

    Attributes:
        ended: whether ``message-end`` arrived (the stream is whole).
    """

    __slots__ = ("_provider", "ended")

    def __init__(self, provider: str) -> None:
        self._provider = provider
        self.ended = False

    def feed(self, event: Any) -> list[StreamEvent]:
        """The events in one parsed stream event, in order.

        Raises:
            OpenMaaSError: STREAM_PARSING_FAILED for an event without the known shape.
        """
        try:
            return self._events(event)
        except MALFORMED:
            raise parsing_failed(self._provider, json.dumps(event)) from None

    def failure(self, event: dict[str, Any]) -> OpenMaaSError | None:
        """The error a ``message-end`` reports (finish reason ERROR or TIMEOUT), or None.

        ERROR is coded from its message and ``error_type`` as an in-stream error with no HTTP
        status (PROVIDER_UNAVAILABLE unless the words say more); TIMEOUT is STREAM_TIMEOUT.
        """
        if event.get("type") != "message-end":
            return None
        delta = event.get("delta") or {}
        raw = delta.get("finish_reason")
        if raw not in ("ERROR", "TIMEOUT"):
            return None
        said = delta.get("error")
        message = said if isinstance(said, str) and said else None
        if raw == "TIMEOUT":
            text = message or f"{self._provider} stopped generating: it timed out"
            return OpenMaaSError(ErrorCode.STREAM_TIMEOUT, text, provider=self._provider)
        kind = delta.get("error_type")
        text = message or f"{self._provider} reported that the generation failed"
        code = classify(None, text, kind if isinstance(kind, str) else None)
        return OpenMaaSError(code, text, provider=self._provider)

    def _events(self, event: dict[str, Any]) -> list[StreamEvent]:
        kind = event["type"]
        if kind in ("content-delta", "content-start"):
            content = _message(event).get("content") or {}
            thinking = text_or_none(content.get("thinking"))
            text = text_or_none(content.get("text"))
            events: list[StreamEvent] = []
            if thinking:
                events.append(ReasoningDelta(thinking))
            if text:
                events.append(TextDelta(text))
            return events
        if kind == "tool-plan-delta":
            plan = text_or_none(_message(event).get("tool_plan"))
            return [ReasoningDelta(plan)] if plan else []
        if kind in ("tool-call-start", "tool-call-delta"):
            call = _message(event).get("tool_calls") or {}
            function = call.get("function") or {}
            return [
                ToolCallDelta(
                    index=_index(event),
                    id=text_or_none(call.get("id")),
                    name=text_or_none(function.get("name")),
                    arguments=_arguments(function.get("arguments")),
                )
            ]
        if kind == "message-end":
            return self._end(event.get("delta") or {})
        if type(kind) is not str:
            raise TypeError(f"event type {kind!r}")
        return []  # message-start, content-end, tool-call-end, citations, debug, newer kinds

    def _end(self, delta: dict[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        usage = delta.get("usage")
        if usage is not None:
            if type(usage) is not dict:
                raise TypeError(f"usage is {usage!r}")
            counted = usage_of(usage)
            if counted is not None:
                events.append(UsageReport(counted))
        raw = text_or_none(delta.get("finish_reason"))
        if raw:
            events.append(finish_of(raw))
        self.ended = True
        return events


__all__ = ["StreamParser"]
