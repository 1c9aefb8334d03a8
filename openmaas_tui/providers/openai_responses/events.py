"""Reading Responses API answers: typed stream events into our events, a whole ``response``
object into a :class:`~openmaas_tui.core.types.Completion`.

Wire facts (https://platform.openai.com/docs/api-reference/responses-streaming and
https://platform.openai.com/docs/api-reference/responses/object, read 2026-05):

- Every event is ``{"type": ..., "sequence_number": ...}``; the SSE ``event:`` name repeats
  ``type``. Text arrives as ``response.output_text.delta`` (``delta``), the reasoning summary
  as ``response.reasoning_summary_text.delta``; open-weight models served through Responses
  (gpt-oss) stream their raw reasoning as ``response.reasoning_text.delta``.
- A function call opens with ``response.output_item.added`` whose ``item`` is
  ``{"type": "function_call", "call_id", "name", "arguments": ""}`` at an ``output_index``;
  its arguments stream as ``response.function_call_arguments.delta`` and are repeated whole
  in ``response.function_call_arguments.done``. Parallel calls have their own output indexes.
- Tools OpenAI runs itself (``web_search_call``, ``code_interpreter_call``,
  ``file_search_call`` items) become :class:`~openmaas_tui.core.types.ServerToolUse` events
  (:mod:`~openmaas_tui.providers.openai_responses.server_tools`), never tool calls.
- The stream ends with exactly one of ``response.completed``, ``response.incomplete``
  (``incomplete_details.reason``: ``max_output_tokens`` or ``content_filter``) or
  ``response.failed`` (``response.error: {"code", "message"}``), each carrying the whole
  ``response`` with its ``usage``: ``input_tokens`` (cached included,
  ``input_tokens_details.cached_tokens``), ``output_tokens`` (reasoning included,
  ``output_tokens_details.reasoning_tokens``). An ``error`` event (``code``, ``message``) may
  arrive instead. Anything else ends the stream early: STREAM_INTERRUPTED.
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.reasoning import OPENAI_RESPONSES
from openmaas_tui.core.types import (
    Completion,
    CompletionBuilder,
    Finish,
    FinishReason,
    ReasoningDelta,
    ServerToolUse,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.base import MALFORMED, parsing_failed, text_or_none, token_count
from openmaas_tui.providers.http_errors import TRANSIENT_STATUSES, classify
from openmaas_tui.providers.openai_responses.server_tools import server_tool_of

TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})
"""The event types that end a Responses stream."""

_INCOMPLETE = {
    "max_output_tokens": FinishReason.LENGTH,
    "content_filter": FinishReason.CONTENT_FILTER,
}
_ERROR_CODES = {
    "rate_limit_exceeded": ErrorCode.RATE_LIMITED,
    "insufficient_quota": ErrorCode.RATE_LIMITED,
    "server_error": ErrorCode.PROVIDER_UNAVAILABLE,
    "context_length_exceeded": ErrorCode.CONTEXT_TOO_LONG,
    "invalid_prompt": ErrorCode.INVALID_REQUEST,
    "content_filter": ErrorCode.CONTENT_FILTERED,
    "model_not_found": ErrorCode.INVALID_MODEL,
}
"""``response.error.code`` and ``error`` event codes (the Responses reference's list, plus the
API's usual error codes) to ours; the ``invalid_image…`` family and others not listed are
INVALID_REQUEST."""

_TRANSIENT_CODES = frozenset({"rate_limit_exceeded"})
"""The codes that say "not now" as a 429 does, so the failure is retried as that status would
be; ``insufficient_quota`` waits for billing, not time, and ``server_error`` is a 500, which
is not retried either."""

SUMMARY_BREAK = "\n\n"
"""Between the parts of a reasoning summary (``summary_index`` 0, 1, …): each part is its own
paragraph, usually headed by a bold title (https://platform.openai.com/docs/guides/reasoning)."""


def usage_of(raw: dict[str, Any]) -> Usage:
    """Our :class:`Usage` from a Responses ``usage`` object (already in our convention).

    Raises:
        ValueError, AttributeError: a malformed count or object (STREAM_PARSING_FAILED).
    """
    cached = reasoning = None
    details = raw.get("input_tokens_details")
    if isinstance(details, dict):
        cached = token_count(details.get("cached_tokens"))
    out_details = raw.get("output_tokens_details")
    if isinstance(out_details, dict):
        reasoning = token_count(out_details.get("reasoning_tokens"))
    return Usage(
        input_tokens=token_count(raw.get("input_tokens")),
        output_tokens=token_count(raw.get("output_tokens")),
        cached_input_tokens=cached,
        reasoning_tokens=reasoning,
    )


def error_of(provider: str, error: Any, *, status: int | None = None) -> OpenMaaSError:
    """The error for a ``response.error`` object or an ``error`` event (``code``, ``message``)."""
    fields = error if isinstance(error, dict) else {}
    raw_code, raw_message = fields.get("code"), fields.get("message")
    code = raw_code if isinstance(raw_code, str) else None
    message = raw_message if isinstance(raw_message, str) and raw_message else None
    message = message or "the response failed"
    mapped = _ERROR_CODES.get(code or "")
    if mapped is None:
        mapped = classify(status, message, code)
        if mapped is ErrorCode.PROVIDER_UNAVAILABLE and code and code.startswith("invalid_"):
            mapped = ErrorCode.INVALID_REQUEST
    transient = code in _TRANSIENT_CODES or status in TRANSIENT_STATUSES
    return OpenMaaSError(mapped, message, provider=provider, status=status, transient=transient)


def reasoning_item_end(item: dict[str, Any]) -> ReasoningDelta:
    """The end of a ``reasoning`` output item: its ``id``, its ``encrypted_content`` (present
    when the request asked ``include: ["reasoning.encrypted_content"]``) as the signature and
    its ``summary`` parts' texts, kept to send the item back
    (:mod:`openmaas_tui.core.reasoning`); no text of its own, the summary streamed already.

    Raises:
        KeyError, TypeError: an item without a string ``id``.
    """
    item_id = item["id"]
    if not isinstance(item_id, str):
        raise TypeError("a reasoning item's id is a string")
    parts = tuple(p["text"] + "" for p in item.get("summary") or () if p.get("text"))
    encrypted = text_or_none(item.get("encrypted_content"))
    return ReasoningDelta("", encrypted, None, OPENAI_RESPONSES, item_id, parts)


def finish_of(response: dict[str, Any], called_tools: bool) -> Finish | None:
    """The :class:`Finish` of a finished ``response`` object: ``completed`` is STOP (TOOL_CALLS
    when it called a function), ``incomplete`` names its reason (``max_output_tokens`` ->
    LENGTH, ``content_filter`` -> CONTENT_FILTER), kept as the raw value."""
    status = text_or_none(response.get("status"))
    if status == "incomplete":
        details = response.get("incomplete_details") or {}
        reason = text_or_none(details.get("reason")) or status
        return Finish(_INCOMPLETE.get(reason, FinishReason.STOP), reason)
    if status == "completed":
        return Finish(FinishReason.TOOL_CALLS if called_tools else FinishReason.STOP, status)
    if status == "failed":
        return Finish(FinishReason.ERROR, status)
    return None


class EventParser:
    """Turns parsed stream events into our events. One per stream: it numbers function calls
    in the order they open and knows whether the stream has ended.

    Attributes:
        done: a terminal event (:data:`TERMINAL`) has been read.
    """

    __slots__ = ("_provider", "_calls", "_streamed", "done")

    def __init__(self, provider: str) -> None:
        self._provider = provider
        self._calls: dict[Any, int] = {}  # output_index (or item id) -> our tool-call index
        self._streamed: set[int] = set()  # calls whose arguments arrived as deltas
        self.done = False

    def feed(self, event: Any) -> list[StreamEvent]:
        """The events in one stream event.

        Raises:
            OpenMaaSError: the mapped code for ``response.failed`` and ``error`` events;
                STREAM_PARSING_FAILED for an event without the known shape.
        """
        try:
            return self._events(event)
        except MALFORMED:
            raise parsing_failed(self._provider, json.dumps(event)) from None

    def _call(self, event: dict[str, Any]) -> int:
        key = event.get("output_index", event.get("item_id"))
        if key not in self._calls:
            self._calls[key] = len(self._calls)
        return self._calls[key]

    def _events(self, event: dict[str, Any]) -> list[StreamEvent]:
        kind = event["type"]
        if kind == "response.output_text.delta":
            return [TextDelta(event["delta"] + "")] if event["delta"] else []
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            return [ReasoningDelta(event["delta"] + "")] if event["delta"] else []
        if kind == "response.reasoning_summary_part.added" and event.get("summary_index"):
            return [ReasoningDelta(SUMMARY_BREAK)]  # a summary's next part is a new paragraph
        if kind in ("response.output_item.added", "response.output_item.done"):
            item = event["item"]
            server = server_tool_of(item)
            if server is not None:
                return [ServerToolUse(server)]
            if item.get("type") == "reasoning" and kind.endswith(".done"):
                return [reasoning_item_end(item)]
            if item.get("type") != "function_call" or kind.endswith(".done"):
                return []
            index = self._call(event)
            arguments = text_or_none(item.get("arguments")) or ""
            if arguments:
                self._streamed.add(index)
            name = text_or_none(item.get("name"))
            return [ToolCallDelta(index, text_or_none(item.get("call_id")), name, arguments)]
        if kind == "response.function_call_arguments.delta":
            index = self._call(event)
            self._streamed.add(index)
            return [ToolCallDelta(index, arguments=event["delta"] + "")]
        if kind == "response.function_call_arguments.done":
            index = self._call(event)
            if index in self._streamed:
                return []
            self._streamed.add(index)  # arguments sent only whole
            return [ToolCallDelta(index, arguments=event["arguments"] + "")]
        if kind == "error":
            raise error_of(self._provider, event)
        if kind in TERMINAL:
            return self._end(event["response"])
        return []

    def _end(self, response: dict[str, Any]) -> list[StreamEvent]:
        self.done = True
        events: list[StreamEvent] = []
        usage = response.get("usage")
        if usage is not None:
            events.append(UsageReport(usage_of(usage)))
        if response.get("status") == "failed":
            raise error_of(self._provider, response.get("error"))
        finish = finish_of(response, bool(self._calls))
        if finish is not None:
            events.append(finish)
        return events


def parse_response(payload: Any, model: str, provider: str) -> Completion:
    """The :class:`Completion` in a whole ``response`` object (a non-streaming answer).

    Raises:
        OpenMaaSError: the mapped code for a ``failed`` response; STREAM_PARSING_FAILED when
            the body does not have the known shape.
    """
    try:
        return _completion(payload, model, provider)
    except MALFORMED:
        raise parsing_failed(provider, json.dumps(payload)[:200]) from None


def _completion(payload: dict[str, Any], model: str, provider: str) -> Completion:
    if payload.get("status") == "failed" or (payload.get("error") and not payload.get("output")):
        raise error_of(provider, payload.get("error"))
    builder = CompletionBuilder(model)
    calls = 0
    for item in payload.get("output") or ():
        kind = item.get("type")
        if kind == "message":
            for part in item.get("content") or ():
                text = part.get("text") if part.get("type") == "output_text" else None
                if part.get("type") == "refusal":
                    text = part.get("refusal")
                if text:
                    builder.add(TextDelta(text + ""))
        elif kind == "reasoning":
            end = reasoning_item_end(item)
            if end.parts:
                builder.add(ReasoningDelta(SUMMARY_BREAK.join(end.parts)))
            builder.add(end)
        elif (server := server_tool_of(item)) is not None:
            builder.add(ServerToolUse(server))
        elif kind == "function_call":
            name = text_or_none(item.get("name"))
            arguments = text_or_none(item.get("arguments")) or ""
            builder.add(ToolCallDelta(calls, text_or_none(item.get("call_id")), name, arguments))
            calls += 1
    usage = payload.get("usage")
    if usage is not None:
        builder.add(UsageReport(usage_of(usage)))
    finish = finish_of(payload, calls > 0)
    if finish is not None:
        builder.add(finish)
    return builder.build()


__all__ = ["TERMINAL", "EventParser", "error_of", "finish_of", "parse_response", "usage_of"]
