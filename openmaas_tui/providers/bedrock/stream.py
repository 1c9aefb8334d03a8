"""ConverseStream events turned into our stream events.

Event reference: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html.
A stream is ``messageStart``, then per content block an optional ``contentBlockStart`` (tool
use), ``contentBlockDelta``\\* (``text``, ``toolUse.input`` fragments, ``reasoningContent``
``text`` / ``signature`` / ``redactedContent``) and ``contentBlockStop``, then ``messageStop``
(``stopReason``) and ``metadata`` (``usage``, ``metrics.latencyMs``). Every payload also
carries a random-length ``p`` padding field, ignored.
"""

from __future__ import annotations

import json
from typing import Any

from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.types import (
    Finish,
    ServerToolUse,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    UsageReport,
)
from openmaas_tui.providers.base import text_or_none
from openmaas_tui.providers.bedrock.wire import (
    finish_reason,
    is_server_tool,
    reasoning_delta,
    server_result_text,
    usage_from,
)

_NOTHING: tuple[StreamEvent, ...] = ()


def _index(data: dict[str, Any]) -> int:
    index = data["contentBlockIndex"]
    if type(index) is not int:
        raise TypeError(f"content block index {index!r}")
    return index


class ConverseStreamState:
    """Folds ConverseStream events, one parsed payload at a time, into our events.

    Only client ``toolUse`` blocks are tool calls, numbered 0, 1, … as they start; server
    tools (``type: server_tool_use``, e.g. Nova's code interpreter) and their ``toolResult``
    blocks run on Bedrock's side and become
    :class:`~openmaas_tui.core.types.ServerToolUse` events (the use at its block's stop, the
    result as its delta arrives). A reasoning ``signature`` closes its block;
    ``redactedContent`` shows as ``[redacted thinking]`` (both kept to send back).

    Attributes:
        stopped: whether ``messageStop`` arrived (the answer ended as the protocol says).
    """

    def __init__(self) -> None:
        self.stopped = False
        self._calls: dict[int, int] = {}  # content block index -> tool call number
        self._no_args: set[int] = set()  # block indexes of calls without arguments yet
        self._server: dict[int, tuple[str, str, list[str]]] = {}  # index -> id, name, input
        self._results: dict[int, tuple[str, str | None]] = {}  # index -> use id, status

    def feed(self, kind: str | None, data: Any) -> tuple[StreamEvent, ...]:
        """The events for one event's parsed payload.

        Raises:
            KeyError, TypeError, AttributeError, ValueError: for a payload without the
                documented shape.
        """
        if not isinstance(data, dict):
            raise TypeError(f"event payload {data!r}")
        if kind == "contentBlockDelta":
            return self._delta(_index(data), data["delta"])
        if kind == "contentBlockStart":
            return self._start(_index(data), data["start"])
        if kind == "contentBlockStop":
            return self._stop(_index(data))
        if kind == "messageStop":
            self.stopped = True
            raw = text_or_none(data["stopReason"])
            return (Finish(finish_reason(raw), raw),) if raw else _NOTHING
        if kind == "metadata":
            usage = data.get("usage")
            return (UsageReport(usage_from(usage)),) if usage is not None else _NOTHING
        return _NOTHING  # messageStart, and event types added after this was written

    def _start(self, index: int, start: dict[str, Any]) -> tuple[StreamEvent, ...]:
        tool = start.get("toolUse")
        result = start.get("toolResult")
        if result is not None:  # a server tool's result (the client sends its own)
            use_id = text_or_none(result["toolUseId"]) or ""
            self._results[index] = (use_id, text_or_none(result.get("status")))
            return _NOTHING
        if tool is None:
            return _NOTHING
        if is_server_tool(tool):
            use_id, name = text_or_none(tool["toolUseId"]) or "", text_or_none(tool["name"])
            self._server[index] = (use_id, name or "", [])
            return _NOTHING
        name, call_id = text_or_none(tool["name"]), text_or_none(tool.get("toolUseId"))
        call = self._calls.setdefault(index, len(self._calls))
        self._no_args.add(index)
        return (ToolCallDelta(call, id=call_id, name=name),)

    def _delta(self, index: int, delta: dict[str, Any]) -> tuple[StreamEvent, ...]:
        if "text" in delta:
            text = text_or_none(delta["text"])
            return (TextDelta(text),) if text else _NOTHING
        reasoning = delta.get("reasoningContent")
        if reasoning is not None:
            event = reasoning_delta(reasoning)
            keep = event.text or event.signature is not None
            return (event,) if keep else _NOTHING
        tool = delta.get("toolUse")
        if tool is not None and index in self._server:
            self._server[index][2].append(text_or_none(tool["input"]) or "")
            return _NOTHING
        if "toolResult" in delta and index in self._results:
            use_id, status = self._results[index]
            result = server_result_text(delta["toolResult"])
            return (ServerToolUse(ServerToolCall(use_id, "", "", result, status)),)
        if tool is not None:
            call = self._calls.get(index)
            fragment = text_or_none(tool["input"])
            if call is None or not fragment:
                return _NOTHING
            self._no_args.discard(index)
            return (ToolCallDelta(call, arguments=fragment),)
        return _NOTHING  # toolResult, citations, and delta kinds added later

    def _stop(self, index: int) -> tuple[StreamEvent, ...]:
        server = self._server.pop(index, None)
        if server is not None:
            use_id, name, given = server
            return (ServerToolUse(ServerToolCall(use_id, name, "".join(given))),)
        # A call that streamed no input fragment still gets a JSON argument string.
        if index in self._no_args:
            self._no_args.discard(index)
            return (ToolCallDelta(self._calls[index], arguments=json.dumps({})),)
        return _NOTHING


__all__ = ["ConverseStreamState"]
