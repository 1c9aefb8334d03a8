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

from openmaas_tui.core.types import (
    Finish,
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
    tools (``type: server_tool_use``) and their ``toolResult`` blocks run on Bedrock's side and
    are skipped. A reasoning ``signature`` closes its block; ``redactedContent`` shows as
    ``[redacted thinking]`` (both kept to send back with the turn).

    Attributes:
        stopped: whether ``messageStop`` arrived (the answer ended as the protocol says).
    """

    def __init__(self) -> None:
        self.stopped = False
        self._calls: dict[int, int] = {}  # content block index -> tool call number
        self._no_args: set[int] = set()  # block indexes of calls without arguments yet
        self._skipped: set[int] = set()  # block indexes of server tool calls

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
        if tool is None:
            return _NOTHING  # toolResult of a server tool, and other block kinds
        if is_server_tool(tool):
            self._skipped.add(index)
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
        if tool is not None and index not in self._skipped:
            call = self._calls.get(index)
            fragment = text_or_none(tool["input"])
            if call is None or not fragment:
                return _NOTHING
            self._no_args.discard(index)
            return (ToolCallDelta(call, arguments=fragment),)
        return _NOTHING  # toolResult, citations, and delta kinds added later

    def _stop(self, index: int) -> tuple[StreamEvent, ...]:
        # A call that streamed no input fragment still gets a JSON argument string.
        if index in self._no_args:
            self._no_args.discard(index)
            return (ToolCallDelta(self._calls[index], arguments=json.dumps({})),)
        return _NOTHING


__all__ = ["ConverseStreamState"]
