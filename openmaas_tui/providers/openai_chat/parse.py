"""Reading OpenAI Chat Completions answers: stream chunks into events, whole bodies into a
:class:`~openmaas_tui.core.types.Completion`.

Wire facts (https://platform.openai.com/docs/api-reference/chat/object and
https://platform.openai.com/docs/api-reference/chat-streaming/streaming):

- A chunk is ``{"choices": [{"index", "delta": {...}, "finish_reason"}], "usage": ...}``;
  with ``stream_options.include_usage`` the last chunk has ``choices: []`` and the usage.
- ``delta.content`` is a string. Mistral sends a list of typed chunks instead
  (``{"type": "text", "text"}``, ``{"type": "thinking", "thinking": [{"type": "text", ...}]}``;
  https://docs.mistral.ai/capabilities/reasoning/).
- Reasoning text is ``reasoning_content`` (DeepSeek,
  https://api-docs.deepseek.com/guides/reasoning_model) or ``reasoning`` (Groq gpt-oss,
  OpenRouter, Ollama ``/v1``, vLLM).
- Tool calls are keyed by ``index``; some servers repeat ``id`` and ``name`` in every delta.
- Usage: ``prompt_tokens`` (cached included), ``completion_tokens`` (reasoning included),
  ``prompt_tokens_details.cached_tokens``, ``completion_tokens_details.reasoning_tokens``;
  DeepSeek's ``prompt_cache_hit_tokens``; Groq puts it in ``x_groq.usage``
  (https://console.groq.com/docs/api-reference#chat-create).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from openmaas_tui.core.types import (
    Completion,
    Finish,
    FinishReason,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.base import MALFORMED, parsing_failed, text_or_none, token_count

_FINISH = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALLS,
    "function_call": FinishReason.TOOL_CALLS,
    "content_filter": FinishReason.CONTENT_FILTER,
    # OpenRouter normalises every model's reason to stop, length, tool_calls, content_filter
    # or error (https://openrouter.ai/docs/api-reference/overview#finish-reason).
    "error": FinishReason.ERROR,
}


def finish_of(raw: str) -> Finish:
    """The :class:`Finish` for a raw ``finish_reason``. Reasons outside OpenAI's vocabulary
    (``eos``, ``end_turn``, ``stop_sequence``, …) count as STOP; ``raw`` keeps the original."""
    return Finish(_FINISH.get(raw, FinishReason.STOP), raw)


def usage_of(raw: dict[str, Any]) -> Usage:
    """Our :class:`Usage` from an OpenAI-style ``usage`` object (already in our convention:
    ``prompt_tokens`` includes cached tokens and ``completion_tokens`` includes reasoning).

    Raises:
        ValueError: a count that is not a non-negative integer (see :func:`.token_count`).
        AttributeError: ``raw`` is not an object.
    """
    cached = None
    details = raw.get("prompt_tokens_details")
    if isinstance(details, dict):
        cached = token_count(details.get("cached_tokens"))
    if cached is None:
        cached = token_count(raw.get("prompt_cache_hit_tokens"))
    reasoning = None
    out_details = raw.get("completion_tokens_details")
    if isinstance(out_details, dict):
        reasoning = token_count(out_details.get("reasoning_tokens"))
    return Usage(
        input_tokens=token_count(raw.get("prompt_tokens")),
        output_tokens=token_count(raw.get("completion_tokens")),
        cached_input_tokens=cached,
        reasoning_tokens=reasoning,
    )


def _thinking_text(thinking: Any) -> str:
    if isinstance(thinking, str):
        return thinking
    return "".join(part.get("text") or "" for part in thinking or () if isinstance(part, dict))


def split_content(content: Any) -> tuple[str, str]:
    """``(text, reasoning)`` of a ``content`` value: a string, or a list of typed chunks."""
    if content is None:
        return "", ""
    if isinstance(content, str):
        return content, ""
    text: list[str] = []
    reasoning: list[str] = []
    for part in content:
        kind = part.get("type")
        if kind == "text":
            text.append(part.get("text") or "")
        elif kind == "thinking":
            reasoning.append(_thinking_text(part.get("thinking")))
    return "".join(text), "".join(reasoning)


def _reasoning_field(holder: dict[str, Any]) -> str | None:
    """``reasoning_content`` or ``reasoning``, whichever is set (vLLM may send both, equal)."""
    value = holder.get("reasoning_content") or holder.get("reasoning")
    return value if isinstance(value, str) else None


def _arguments(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


_NO_DELTA: dict[str, Any] = {}


def plain_text(chunk: Any) -> str | None:
    """The text of a chunk that says nothing but a piece of the answer's text, else None.

    Most chunks of a stream are one token each: ``{"choices": [{"index": 0, "delta":
    {"content": "…"}, "finish_reason": null}]}``, some with ``"role"`` in the delta (OpenRouter)
    and with fields no one reads (``id``, ``logprobs``, ``usage: null``, …). For such a chunk
    this returns its ``content`` (non-empty), which is exactly the one
    :class:`~openmaas_tui.core.types.TextDelta` :meth:`ChunkParser.feed` would give, at a
    fraction of the cost; any other chunk (a finish, usage, an error, reasoning, a tool call,
    typed content parts, a second choice, anything malformed) gives None and goes to
    :meth:`ChunkParser.feed`. Never raises.
    """
    if type(chunk) is not dict or chunk.get("usage") is not None or "error" in chunk:
        return None
    choices = chunk.get("choices")
    if type(choices) is not list or len(choices) != 1 or "x_groq" in chunk:
        return None
    choice = choices[0]
    if type(choice) is not dict or choice.get("finish_reason") or choice.get("index", 0) != 0:
        return None
    delta = choice.get("delta")
    if type(delta) is not dict or len(delta) > 2:
        return None
    content = delta.get("content")
    if type(content) is not str or not content:
        return None
    if len(delta) == 2 and type(delta.get("role")) is not str:
        return None
    return content


FinishOf = Callable[[str], Finish]
"""How a protocol reads a raw ``finish_reason`` (:func:`finish_of` for OpenAI's vocabulary)."""


class ChunkParser:
    """Turns parsed stream chunks into events. One per stream: it remembers the last finish
    reason so a reason repeated on several chunks is reported once.

    Args:
        provider: the provider name put on errors.
        finish: how raw finish reasons are read; protocols with a vocabulary of their own
            (Mistral's ``model_length``) pass theirs.
    """

    __slots__ = ("_provider", "_finish_raw", "_finish_of")

    def __init__(self, provider: str, finish: FinishOf = finish_of) -> None:
        self._provider = provider
        self._finish_raw: str | None = None
        self._finish_of = finish

    @property
    def finished(self) -> bool:
        """Whether a finish reason arrived (the answer itself is over; usage may follow)."""
        return self._finish_raw is not None

    def feed(self, chunk: Any) -> list[StreamEvent]:
        """The events in one chunk, in order: reasoning, text, tool calls, finish, usage.

        Raises:
            OpenMaaSError: STREAM_PARSING_FAILED when the chunk does not have the known shape.
        """
        try:
            return self._events(chunk)
        except MALFORMED:
            raise parsing_failed(self._provider, json.dumps(chunk)) from None

    def _events(self, chunk: dict[str, Any]) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        choices = chunk.get("choices")
        if choices:
            choice = choices[0]
            if len(choices) > 1 or choice.get("index", 0) != 0:  # n > 1 is never requested
                choice = next((c for c in choices if c.get("index", 0) == 0), {})
            delta = choice.get("delta", _NO_DELTA)
            if delta:
                _delta_events(delta, events)
            elif delta is None:
                raise TypeError("delta is null")
            raw = choice.get("finish_reason")
            if raw and raw != self._finish_raw:
                self._finish_raw = text_or_none(raw)
                events.append(self._finish_of(raw))
        usage = chunk.get("usage")
        if usage is not None and type(usage) is not dict:
            raise TypeError(f"usage is {usage!r}")
        if not usage and "x_groq" in chunk:
            usage = _groq_usage(chunk)
        if usage:
            events.append(UsageReport(usage_of(usage)))
        return events


def _groq_usage(chunk: dict[str, Any]) -> dict[str, Any] | None:
    groq = chunk.get("x_groq")
    return groq.get("usage") if groq else None


def _delta_events(delta: dict[str, Any], events: list[StreamEvent]) -> None:
    """Append the events of one ``delta`` to ``events``."""
    if "reasoning_content" in delta or "reasoning" in delta:
        reasoning = _reasoning_field(delta)
        if reasoning:
            events.append(ReasoningDelta(reasoning))
    content = delta.get("content")
    if content:
        if isinstance(content, str):
            events.append(TextDelta(content))
        else:
            text, thinking = split_content(content)
            if thinking:
                events.append(ReasoningDelta(thinking))
            if text:
                events.append(TextDelta(text))
    calls = delta.get("tool_calls")
    if calls:
        for position, call in enumerate(calls):
            function = call.get("function") or {}
            index = call.get("index", position)
            if type(index) is not int or index < 0:
                raise TypeError(f"tool call index {index!r}")
            events.append(
                ToolCallDelta(
                    index=index,
                    id=text_or_none(call.get("id")),
                    name=text_or_none(function.get("name")),
                    arguments=_arguments(function.get("arguments")),
                )
            )
    legacy = delta.get("function_call")
    if legacy:
        name = text_or_none(legacy.get("name"))
        events.append(ToolCallDelta(0, None, name, _arguments(legacy.get("arguments"))))


def parse_completion(
    payload: Any, model: str, provider: str, finish: FinishOf = finish_of
) -> Completion:
    """The :class:`Completion` in a non-streaming ``chat.completion`` body; ``finish`` reads
    its raw finish reason (as for :class:`ChunkParser`).

    Raises:
        OpenMaaSError: STREAM_PARSING_FAILED when the body does not have the known shape.
    """
    try:
        return _completion(payload, model, finish)
    except MALFORMED:
        raise parsing_failed(provider, json.dumps(payload)[:200]) from None


def _completion(payload: dict[str, Any], model: str, finish_of: FinishOf) -> Completion:
    choices = payload.get("choices") or [{}]
    choice = choices[0]
    message = choice.get("message") or {}
    text, thinking = split_content(message.get("content"))
    reasoning = (_reasoning_field(message) or "") + thinking
    calls = tuple(
        ToolCall(
            name=text_or_none((call.get("function") or {}).get("name")) or "",
            arguments=_arguments((call.get("function") or {}).get("arguments")),
            id=text_or_none(call.get("id")),
        )
        for call in message.get("tool_calls") or ()
    )
    raw = text_or_none(choice.get("finish_reason"))
    finish = finish_of(raw) if raw else None
    usage = payload.get("usage")
    return Completion(
        text=text,
        reasoning=reasoning or None,
        tool_calls=calls,
        finish_reason=finish.reason if finish else None,
        finish_reason_raw=raw or None,
        usage=usage_of(usage) if isinstance(usage, dict) else Usage(),
        model=model,
    )
