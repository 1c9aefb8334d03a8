"""Gemini ``GenerateContentResponse`` chunks turned into stream events.

One parser serves every shape the Gemini API answers in: the ``data:`` events of
``streamGenerateContent?alt=sse``, the elements of the JSON array that the same endpoint returns
without ``alt=sse``, and the single JSON body of ``generateContent``. Each is a
``GenerateContentResponse`` (https://ai.google.dev/api/generate-content#generatecontentresponse):
``candidates[0].content.parts`` (``text``, ``thought: true`` text, ``functionCall``, the
built-in tools' parts of :mod:`~openmaas_tui.providers.gemini.server_tools`; a part's
``thoughtSignature`` kept to send back, https://ai.google.dev/gemini-api/docs/thought-signatures),
``candidates[0].finishReason`` on the last chunk, ``usageMetadata`` on every chunk (provisional
until the last one) and ``promptFeedback.blockReason`` when the prompt itself was refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from openmaas_tui.core.reasoning import GEMINI
from openmaas_tui.core.types import (
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
from openmaas_tui.providers.base import (
    MALFORMED,
    load_json,
    parsing_failed,
    text_or_none,
    token_count,
)
from openmaas_tui.providers.gemini.server_tools import GeminiServerTools
from openmaas_tui.providers.http_errors import error_from_payload

# https://ai.google.dev/api/generate-content#FinishReason
_FINISH: dict[str, FinishReason] = {
    "STOP": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "SAFETY": FinishReason.CONTENT_FILTER,
    "RECITATION": FinishReason.CONTENT_FILTER,
    "BLOCKLIST": FinishReason.CONTENT_FILTER,
    "PROHIBITED_CONTENT": FinishReason.CONTENT_FILTER,
    "SPII": FinishReason.CONTENT_FILTER,
    "IMAGE_SAFETY": FinishReason.CONTENT_FILTER,
    "IMAGE_PROHIBITED_CONTENT": FinishReason.CONTENT_FILTER,
    "IMAGE_RECITATION": FinishReason.CONTENT_FILTER,
    "MALFORMED_FUNCTION_CALL": FinishReason.ERROR,
    "UNEXPECTED_TOOL_CALL": FinishReason.ERROR,
    "TOO_MANY_TOOL_CALLS": FinishReason.ERROR,
}


def map_finish(raw: str, *, called_tool: bool = False) -> FinishReason:
    """Our :class:`FinishReason` for Gemini's ``finishReason``.

    Gemini ends a turn that called a function with ``STOP`` (it has no separate reason for
    it); that is reported as TOOL_CALLS when ``called_tool``, the raw ``STOP`` kept beside it.
    Reasons not known here (``OTHER``, ``LANGUAGE``, …) map to STOP.

    Args:
        raw: the ``finishReason`` value.
        called_tool: whether the answer contained a ``functionCall`` part.
    """
    reason = _FINISH.get(raw, FinishReason.STOP)
    if reason is FinishReason.STOP and called_tool:
        return FinishReason.TOOL_CALLS
    return reason


def _count(meta: dict[str, Any], name: str) -> int | None:
    return token_count(meta.get(name))


def usage_from(meta: dict[str, Any]) -> Usage:
    """Our :class:`Usage` from a ``usageMetadata`` object
    (https://ai.google.dev/api/generate-content#UsageMetadata).

    ``output_tokens`` is ``candidatesTokenCount + thoughtsTokenCount`` (thinking is billed as
    output); a missing count counts as 0 when the other is present, and the total is None when
    both are missing. ``input_tokens`` is ``promptTokenCount`` (which includes cached content)
    plus ``toolUsePromptTokenCount`` (results of built-in tools such as search or URL fetch fed
    back to the model, billed as input; ``totalTokenCount`` counts them too),
    ``cached_input_tokens`` is ``cachedContentTokenCount``.

    Raises:
        ValueError: a count that is not a non-negative integer (see :func:`.token_count`).
        AttributeError: ``meta`` is not an object.
    """
    candidates = _count(meta, "candidatesTokenCount")
    thoughts = _count(meta, "thoughtsTokenCount")
    output = None
    if candidates is not None or thoughts is not None:
        output = (candidates or 0) + (thoughts or 0)
    prompt = _count(meta, "promptTokenCount")
    tool_prompt = _count(meta, "toolUsePromptTokenCount")
    return Usage(
        input_tokens=None if prompt is None else prompt + (tool_prompt or 0),
        output_tokens=output,
        cached_input_tokens=_count(meta, "cachedContentTokenCount"),
        reasoning_tokens=thoughts,
    )


class GeminiChunkParser:
    """Turns ``GenerateContentResponse`` chunks of one answer into events, in order.

    State kept across chunks: how many function calls were seen (their delta index, and
    whether a final ``STOP`` means TOOL_CALLS), and whether the answer has ended
    (:attr:`finished`).

    Args:
        provider: the provider name used in errors.
    """

    __slots__ = ("_provider", "_calls", "_server", "finished")

    def __init__(self, provider: str) -> None:
        self._provider = provider
        self._calls = 0
        self._server = GeminiServerTools()
        self.finished = False
        """Whether the answer's end arrived: a ``finishReason``, or a refused prompt."""

    def feed(self, chunk: Any) -> list[StreamEvent]:
        """The events carried by one parsed chunk: text, reasoning and tool-call deltas, then a
        :class:`UsageReport` when it has ``usageMetadata``, then :class:`Finish` when it ends
        the answer.

        Raises:
            OpenMaaSError: the chunk's ``error`` object, mapped (an error sent inside a 200
                stream); STREAM_PARSING_FAILED when the chunk has an unexpected shape.
        """
        if not isinstance(chunk, dict):
            raise parsing_failed(self._provider, repr(chunk))
        try:
            return self._events(chunk)
        except MALFORMED:
            raise parsing_failed(self._provider, repr(chunk)) from None

    def _events(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        if "error" in chunk:
            raise error_from_payload(self._provider, chunk)
        events: list[StreamEvent] = []
        meta = chunk.get("usageMetadata")
        if meta is not None:  # ahead of the chunk's content: the prompt's count, known first
            events.append(UsageReport(usage_from(meta)))
        finish_raw: str | None = None
        candidates = chunk.get("candidates")
        if candidates:
            candidate = candidates[0]
            content = candidate.get("content")
            parts = content.get("parts") if content else None
            if parts is not None and type(parts) is not list:
                raise TypeError(f"parts is {parts!r}")
            for part in parts or ():
                text = part.get("text")
                if text is not None:
                    if type(text) is not str:
                        raise TypeError(f"text is {text!r}")
                    if text:
                        thought = part.get("thought")
                        events.append(ReasoningDelta(text) if thought else TextDelta(text))
                    # Gemini 3 signs its thinking on a text part too: kept to send back
                    signature = text_or_none(part.get("thoughtSignature"))
                    if signature:
                        events.append(ReasoningDelta("", signature, origin=GEMINI))
                    continue
                call = part.get("functionCall")
                if call is not None:
                    name, call_id = text_or_none(call["name"]), text_or_none(call.get("id"))
                    arguments = json.dumps(call.get("args") or {})
                    signature = text_or_none(part.get("thoughtSignature"))
                    events.append(ToolCallDelta(self._calls, call_id, name, arguments, signature))
                    self._calls += 1
                    continue
                server = self._server.from_part(part)
                if server is not None:
                    events.append(ServerToolUse(server))
            events.extend(ServerToolUse(s) for s in self._server.from_candidate(candidate))
            finish_raw = text_or_none(candidate.get("finishReason"))
        if finish_raw:
            events.append(Finish(map_finish(finish_raw, called_tool=self._calls > 0), finish_raw))
            self.finished = True
        elif not candidates:
            feedback = chunk.get("promptFeedback")
            blocked = text_or_none(feedback.get("blockReason")) if feedback else None
            if blocked:
                events.append(Finish(FinishReason.CONTENT_FILTER, blocked))
                self.finished = True
        return events


def events_from_chunks(provider: str, chunks: Iterable[Any]) -> Iterator[StreamEvent]:
    """The events of an answer given as parsed chunks (the JSON array that
    ``streamGenerateContent`` returns without ``alt=sse``, or one ``generateContent`` body).

    Raises:
        OpenMaaSError: as :meth:`GeminiChunkParser.feed`.
    """
    parser = GeminiChunkParser(provider)
    for chunk in chunks:
        yield from parser.feed(chunk)


def events_from_body(provider: str, body: bytes) -> Iterator[StreamEvent]:
    """The events of a whole JSON body: a ``GenerateContentResponse`` object or an array of them.

    Raises:
        OpenMaaSError: STREAM_PARSING_FAILED when the body is not such JSON; a mapped error
            for an ``error`` object in it.
    """
    payload = load_json(provider, body)
    if isinstance(payload, dict):
        payload = [payload]
    elif not isinstance(payload, list):
        raise parsing_failed(provider, repr(payload))
    return events_from_chunks(provider, payload)
