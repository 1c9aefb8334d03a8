"""Anthropic Messages SSE events turned into our stream events.

Event reference: https://docs.anthropic.com/en/api/messages-streaming. A stream is
``message_start``, then per content block ``content_block_start`` / ``content_block_delta``\\* /
``content_block_stop``, then ``message_delta`` (stop reason, cumulative usage) and
``message_stop``; ``ping`` may come anywhere and ``error`` may replace the rest of the stream.
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.reasoning import ANTHROPIC
from openmaas_tui.core.types import (
    Finish,
    ReasoningDelta,
    ServerToolUse,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    UsageReport,
)
from openmaas_tui.providers.anthropic.server_tools import (
    SERVER_TOOL_USE,
    is_result,
    result_of,
    use_of,
)
from openmaas_tui.providers.anthropic.wire import RawUsage, finish_reason, thinking_delta
from openmaas_tui.providers.base import text_or_none
from openmaas_tui.providers.http_errors import error_from_payload

_NOTHING: tuple[StreamEvent, ...] = ()


def _text(value: Any) -> str:
    """A text field of a block or delta: a string (``null`` reads as empty).

    Raises:
        TypeError: for any other JSON value.
    """
    return text_or_none(value) or ""


class AnthropicStreamState:
    """Folds Anthropic stream events, one parsed ``data`` object at a time, into our events.

    Only client ``tool_use`` blocks are tool calls; ``server_tool_use`` and ``*_tool_result``
    blocks (code execution, web search) run on Anthropic's side and become
    :class:`~openmaas_tui.core.types.ServerToolUse` events: the use once its input is whole
    (at its block's stop), the result when its block starts. A thinking
    block's ``signature_delta`` closes it (a reasoning delta with the signature); a
    ``redacted_thinking`` block arrives whole and shows as ``[redacted thinking]``. Tool calls
    are numbered 0, 1, … in the order their blocks start.

    Attributes:
        stopped: whether ``message_stop`` arrived (the stream ended as the protocol says).
    """

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.stopped = False
        self._usage = RawUsage()
        self._blocks: set[int] = set()  # indexes of the content blocks started so far
        self._calls: dict[int, int] = {}  # content block index -> tool call number
        self._empty_calls: dict[int, str] = {}  # block index -> its start input, no args yet
        self._server: dict[int, tuple[dict[str, Any], list[str]]] = {}  # block, input so far

    def feed(self, data: Any) -> tuple[StreamEvent, ...]:
        """The events for one parsed event payload.

        Raises:
            OpenMaaSError: for an ``error`` event (code from its error type, e.g.
                PROVIDER_UNAVAILABLE for ``overloaded_error``).
            KeyError, TypeError, AttributeError, ValueError: for a payload without the
                documented shape (a delta or stop for a block never started among them).
        """
        kind = data["type"]
        if kind == "content_block_delta":
            return self._delta(data["index"], data["delta"])
        if kind == "content_block_start":
            return self._block_start(data["index"], data["content_block"])
        if kind == "content_block_stop":
            return self._block_stop(data["index"])
        if kind == "message_start":
            self._usage.merge(data["message"].get("usage") or {})
            return (UsageReport(self._usage.to_usage()),)
        if kind == "message_delta":
            return self._message_delta(data)
        if kind == "message_stop":
            self.stopped = True
            return _NOTHING
        if kind == "error":
            raise error_from_payload(self.provider, data)
        return _NOTHING  # ping, and event types added after this was written

    def _delta(self, index: int, delta: dict[str, Any]) -> tuple[StreamEvent, ...]:
        if index not in self._blocks:
            raise KeyError(f"delta for content block {index!r}, never started")
        kind = delta["type"]
        if kind == "text_delta":
            text = _text(delta["text"])
            return (TextDelta(text),) if text else _NOTHING
        if kind == "thinking_delta":
            thinking = _text(delta["thinking"])
            return (ReasoningDelta(thinking),) if thinking else _NOTHING
        if kind == "input_json_delta":
            call = self._calls.get(index)
            fragment = _text(delta["partial_json"])
            if index in self._server:
                self._server[index][1].append(fragment)
                return _NOTHING
            if call is None or not fragment:
                return _NOTHING
            self._empty_calls.pop(index, None)
            return (ToolCallDelta(call, arguments=fragment),)
        if kind == "signature_delta":
            return (ReasoningDelta("", _text(delta["signature"]), origin=ANTHROPIC),)
        return _NOTHING  # citations_delta

    def _block_start(self, index: int, block: dict[str, Any]) -> tuple[StreamEvent, ...]:
        if type(index) is not int:
            raise TypeError(f"content block index {index!r}")
        self._blocks.add(index)
        kind = block["type"]
        if kind == "text":
            text = _text(block.get("text"))
            return (TextDelta(text),) if text else _NOTHING
        if kind == "thinking":
            thinking = _text(block.get("thinking"))
            return (ReasoningDelta(thinking),) if thinking else _NOTHING
        if kind == "redacted_thinking":
            return (thinking_delta(block),)
        if kind == "tool_use":
            name, call_id = text_or_none(block["name"]), text_or_none(block.get("id"))
            call = len(self._calls)
            self._calls[index] = call
            self._empty_calls[index] = json.dumps(block.get("input") or {})
            return (ToolCallDelta(call, id=call_id, name=name),)
        if kind == SERVER_TOOL_USE:
            self._server[index] = (block, [])
            return _NOTHING
        if is_result(kind):
            return (ServerToolUse(result_of(block)),)
        return _NOTHING

    def _block_stop(self, index: int) -> tuple[StreamEvent, ...]:
        if index not in self._blocks:
            raise KeyError(f"stop for content block {index!r}, never started")
        server = self._server.pop(index, None)
        if server is not None:
            return (ServerToolUse(use_of(server[0], "".join(server[1]))),)
        # A call without arguments streams only an empty input_json_delta: give it its
        # start input ("{}") so every call carries a JSON argument string.
        start_input = self._empty_calls.pop(index, None)
        if start_input is None:
            return _NOTHING
        return (ToolCallDelta(self._calls[index], arguments=start_input),)

    def _message_delta(self, data: dict[str, Any]) -> tuple[StreamEvent, ...]:
        usage = data.get("usage")
        events: list[StreamEvent] = []
        if usage:
            self._usage.merge(usage)
            events.append(UsageReport(self._usage.to_usage()))
        raw = text_or_none(data["delta"].get("stop_reason"))
        if raw:
            events.append(Finish(finish_reason(raw), raw))
        return tuple(events)
