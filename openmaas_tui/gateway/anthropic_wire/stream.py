"""Our stream events written as Anthropic's Messages SSE, byte for byte in its shapes.

Reference: https://docs.anthropic.com/en/api/messages-streaming, checked against the recorded
streams in tests/fixtures/anthropic/. A stream reads::

    event: message_start        the message: id, model, empty content, usage.input_tokens
    event: content_block_start  per block: text, thinking, redacted_thinking or tool_use,
                                at index 0, 1, ...
    event: ping                 once, after the first block starts (as Anthropic sends it)
    event: content_block_delta  text_delta / thinking_delta / signature_delta /
                                input_json_delta
    event: content_block_stop
    event: message_delta        stop_reason, stop_sequence, cumulative usage
    event: message_stop

or, when it fails after the 200, ends with ``event: error`` instead of the last three.

Each event costs O(1) plus its own text: the frame around a delta is prepared once per block
and the text is quoted by the C JSON string encoder. A signed piece of reasoning (Claude on
Bedrock, Gemini's thought signatures) ends its thinking block with a ``signature_delta``, and a
redacted block is a ``redacted_thinking`` block holding its data, as Anthropic writes them
(https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#streaming-thinking), so a
Claude client keeps them and sends them back with its next turn (which :mod:`.content` reads
into the turn's reasoning blocks). A tool call's own signature (Gemini signs function calls)
is an empty signed thinking block right before the call's ``tool_use``. Thinking no provider
signed keeps the empty ``signature`` of its ``content_block_start``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from json.encoder import encode_basestring, encode_basestring_ascii

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.retry import RetryWait
from openmaas_tui.core.types import (
    Finish,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.gateway.anthropic_wire.errors import error_event
from openmaas_tui.gateway.anthropic_wire.wire import (
    new_message_id,
    new_tool_use_id,
    stop_reason,
    usage_object,
)

PING = b'event: ping\ndata: {"type": "ping"}\n\n'
"""Anthropic's keep-alive event, as it sends it (with the space)."""

MESSAGE_STOP = b'event: message_stop\ndata: {"type":"message_stop"}\n\n'

_DELTA_END = b"}}\n\n"
_NOTHING = b""
_TEXTS = (TextDelta, ReasoningDelta)


def quote(text: str) -> bytes:
    """``text`` as a JSON string literal in UTF-8 (quotes included), as Anthropic writes it;
    a text holding a lone surrogate (which UTF-8 cannot carry) is written ``\\uXXXX``-escaped."""
    try:
        return encode_basestring(text).encode()
    except UnicodeEncodeError:
        return encode_basestring_ascii(text).encode()


def _frame(event: str, data: object) -> bytes:
    """One SSE event whose ``data`` is ``data`` as compact JSON."""
    payload = json.dumps(data, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def _block_stop(index: int) -> bytes:
    return b'event: content_block_stop\ndata: {"type":"content_block_stop","index":%d}\n\n' % index


def _delta_prefix(index: int, kind: bytes, field: bytes) -> bytes:
    """Everything of a ``content_block_delta`` frame before its quoted text."""
    return (
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":%d,'
        b'"delta":{"type":"%s","%s":' % (index, kind, field)
    )


def _ends_block(event: ReasoningDelta) -> bool:
    """Whether a piece of reasoning ends a signed block or is a redacted one."""
    return event.signature is not None or event.redacted is not None


class MessageStreamEncoder:
    """Turns one exchange's events into Anthropic Messages SSE bytes.

    Feed it every event the exchange yields (:meth:`encode`), then end with :meth:`finish` when
    the exchange completed, or :meth:`fail` when it failed; write every returned byte string
    (some are empty) to the client as it comes. The ``message_start`` goes out with the first
    event (or at :meth:`start`), so an Anthropic upstream's prompt count, which comes first,
    is in it; other providers report usage at the end, and ``message_start`` then carries
    ``input_tokens`` (an estimate, or 0) while ``message_delta`` carries the reported counts,
    which a client takes over the start's.

    Text, thinking and tool calls each go in their own content block; a block closes when
    another kind of content begins. Tool calls streamed interleaved (parallel calls of an
    OpenAI-compatible server) keep their blocks open side by side until other content or the
    end (a fragment of a call whose block was stopped is still written at its index, which a
    client's accumulator takes). ``Finish`` and ``UsageReport`` are kept for
    ``message_delta``; a ``RetryWait`` (the exchange waiting to ask again) is sent as a
    ``ping``, keeping the connection alive.

    Args:
        model: the ``model`` the message names (the model the client asked for, say).
        message_id: the message's ``id``; a fresh ``msg_…`` by default.
        input_tokens: ``usage.input_tokens`` of ``message_start`` until a provider reports
            its own (e.g. the exchange's local estimate); 0 by default.

    Attributes:
        message_id: the message's id.
        started: whether ``message_start`` has been written (after which an error can only
            be an ``event: error`` in the stream, not an HTTP status).
        usage: the last usage reported, or None.
        finish_event: the finish the stream reported, or None.
    """

    def __init__(self, model: str, *, message_id: str | None = None, input_tokens: int = 0):
        self.model = model
        self.message_id = message_id or new_message_id()
        self.input_tokens = input_tokens
        self.started = False
        self.usage: Usage | None = None
        self.finish_event: Finish | None = None
        self._blocks = 0  # content blocks started so far (the next block's index)
        self._open: int | None = None  # index of the open text or thinking block
        self._open_kind: type[StreamEvent] | None = None
        self._prefix = _NOTHING  # the open text/thinking block's delta frame up to its text
        self._tools: dict[int, tuple[int, bytes]] = {}  # call -> (block index, delta prefix)
        self._open_tools: list[int] = []  # block indexes of tool blocks not stopped yet
        self._called_tools = False

    def start(self) -> bytes:
        """The ``message_start`` event, once (empty after the first call)."""
        if self.started:
            return _NOTHING
        self.started = True
        usage = usage_object(self.usage, input_fallback=self.input_tokens)
        usage["output_tokens"] = 0
        message: dict[str, object] = {
            "id": self.message_id,
            "type": "message",
            "role": "assistant",
            "model": self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": usage,
        }
        return _frame("message_start", {"type": "message_start", "message": message})

    def encode(self, event: StreamEvent | RetryWait) -> bytes:
        """The bytes for one event (often a single ``content_block_delta``; empty for usage and
        finish, which :meth:`finish` writes)."""
        if isinstance(event, _TEXTS):
            if isinstance(event, ReasoningDelta) and _ends_block(event):
                return self._signed(event)
            kind = type(event)
            text = event.text
            if not text:
                return _NOTHING
            head = _NOTHING if self._open_kind is kind else self._open_block(kind)
            return head + self._prefix + quote(text) + _DELTA_END
        if isinstance(event, UsageReport):
            self.usage = event.usage
            return _NOTHING if self.started or event.usage.input_tokens is None else self.start()
        if isinstance(event, ToolCallDelta):
            return self._tool_delta(event)
        if isinstance(event, Finish):
            self.finish_event = event
            return _NOTHING
        if isinstance(event, RetryWait):
            return self.start() + PING
        return _NOTHING  # a server tool's use: the provider's own, not the client's

    def finish(
        self, usage: Usage | None = None, *, extra: Mapping[str, object] | None = None
    ) -> bytes:
        """The end of a complete answer: open blocks stopped, ``message_delta`` (stop reason,
        usage) and ``message_stop``.

        Args:
            usage: the counts to report (the exchange's record's, which are local estimates
                when the provider reported none); default the last usage the stream reported.
            extra: fields added to ``message_delta``'s ``usage`` (the gateway's ``cost`` in
                USD and ``price_as_of``), which a client's SDK keeps as extra attributes.
        """
        head = self.start() + self._close_all()
        finish = self.finish_event
        reason = stop_reason(
            finish.reason if finish else None,
            finish.raw if finish else None,
            called_tools=self._called_tools,
        )
        counts = usage_object(usage or self.usage, input_fallback=self.input_tokens)
        if extra:
            counts.update(extra)
        delta = {
            "type": "message_delta",
            "delta": {"stop_reason": reason, "stop_sequence": None},
            "usage": counts,
        }
        return head + _frame("message_delta", delta) + MESSAGE_STOP

    def fail(self, error: OpenMaaSError) -> bytes:
        """The end of a stream that failed after its 200: ``message_start`` if it never went
        out, then ``event: error`` (no block stops, no ``message_stop``, as Anthropic ends)."""
        return self.start() + error_event(error)

    def _open_block(self, kind: type[StreamEvent]) -> bytes:
        """Stop what is open and start a text or thinking block (with the first ``ping``)."""
        head = self.start() + self._close_all()
        index = self._blocks
        self._blocks += 1
        self._open, self._open_kind = index, kind
        if kind is TextDelta:
            block: dict[str, str] = {"type": "text", "text": ""}
            self._prefix = _delta_prefix(index, b"text_delta", b"text")
        else:
            block = {"type": "thinking", "thinking": "", "signature": ""}
            self._prefix = _delta_prefix(index, b"thinking_delta", b"thinking")
        start = {"type": "content_block_start", "index": index, "content_block": block}
        return head + _frame("content_block_start", start) + (PING if index == 0 else _NOTHING)

    def _signed(self, event: ReasoningDelta) -> bytes:
        """A redacted block whole, or the end of a thinking block: its last text, its
        ``signature_delta``, its stop (a thinking block opened for it when none is)."""
        if event.redacted is not None:
            head = self.start() + self._close_all()
            index = self._blocks
            self._blocks += 1
            block = {"type": "redacted_thinking", "data": event.redacted}
            start = {"type": "content_block_start", "index": index, "content_block": block}
            ping = PING if index == 0 else _NOTHING
            return head + _frame("content_block_start", start) + ping + _block_stop(index)
        if self._open_kind is ReasoningDelta and self._open is not None:
            out, index = _NOTHING, self._open
        else:
            out, index = self._open_block(ReasoningDelta), self._blocks - 1
        if event.text:
            out += self._prefix + quote(event.text) + _DELTA_END
        signature = _delta_prefix(index, b"signature_delta", b"signature")
        out += signature + quote(event.signature or "") + _DELTA_END + _block_stop(index)
        self._open = self._open_kind = None
        return out

    def _close_all(self) -> bytes:
        out = _NOTHING
        if self._open is not None:
            out = _block_stop(self._open)
            self._open = self._open_kind = None
        if self._open_tools:
            out += b"".join(_block_stop(i) for i in self._open_tools)
            self._open_tools = []
        return out

    def _tool_delta(self, event: ToolCallDelta) -> bytes:
        head = _NOTHING
        known = self._tools.get(event.index)
        if known is None:
            # a call's own signature (Gemini's thoughtSignature) rides in the thinking block
            # right before its tool_use, where the client's next turn keeps it
            head = self.start() + (
                self._signed(ReasoningDelta("", event.signature)) if event.signature else _NOTHING
            )
            if self._open is not None:
                head += _block_stop(self._open)
                self._open = self._open_kind = None
            index = self._blocks
            self._blocks += 1
            self._called_tools = True
            prefix = _delta_prefix(index, b"input_json_delta", b"partial_json")
            known = self._tools[event.index] = (index, prefix)
            self._open_tools.append(index)
            block = {
                "type": "tool_use",
                "id": event.id or new_tool_use_id(),
                "name": event.name or "",
                "input": {},
            }
            start = {"type": "content_block_start", "index": index, "content_block": block}
            head += _frame("content_block_start", start) + (PING if index == 0 else _NOTHING)
        if not event.arguments:
            return head
        return head + known[1] + quote(event.arguments) + _DELTA_END
