"""A same-protocol Chat Completions stream handed to the client as the provider sent it.

The adapter gives every piece of the upstream body to :meth:`ChatRelay.sink` before parsing it
(:class:`~openmaas_tui.core.passthrough.Passthrough`); the handler sends what
:meth:`ChatRelay.take` returns whenever the exchange yields an event, so one upstream read
becomes at most one write to the client, whatever number of events it held. Bytes go out
unchanged and whole events at a time, except the stream's tail: the gateway always asks for
usage upstream, so from the usage-only chunk (``"choices":[]``) or ``data: [DONE]`` on, the
bytes are held, and :meth:`ChatRelay.tail` ends the stream the client's way: the usage chunk
with ``usage.cost`` and ``usage.price_as_of`` added when it asked for
``stream_options.include_usage``, none when it did not
(https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options).
"""

from __future__ import annotations

import json
import re
from typing import Any

from openmaas_tui.gateway.openai_wire.chunks import DONE
from openmaas_tui.gateway.sse_bytes import event_end


class ChatRelay:
    """The client's bytes of one passed-through Chat Completions stream.

    Attributes:
        received: whether any byte arrived from upstream.
    """

    def __init__(self) -> None:
        self._pending = bytearray()
        self._held = bytearray()
        self._first: bytes | None = None
        self.received = False

    def sink(self, piece: bytes) -> None:
        """Take one piece of the upstream body (the adapter calls it; O(1))."""
        self._pending += piece
        self.received = True

    def take(self) -> bytes:
        """The bytes ready for the client: every complete event before the tail; b"" if none."""
        pending = self._pending
        if not pending or self._held:
            return b""
        end = event_end(pending)
        if not end:
            return b""
        ready = bytes(pending[:end])
        start = _tail_start(ready)
        if start >= 0:
            self._held += ready[start:]
            ready = ready[:start]
        del pending[:end]
        if self._first is None and ready:
            self._first = ready
        return ready

    def _head(self) -> dict[str, Any]:
        """``id``, ``object``, ``created`` and ``model`` of the first chunk sent, for a usage
        chunk made here (upstream sent none)."""
        first = (self._first or b"").replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].strip()
        try:
            parsed = json.loads(first[5:]) if first.startswith(b"data:") else None
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            return {"object": "chat.completion.chunk"}
        return {k: parsed[k] for k in ("id", "object", "created", "model") if k in parsed}

    def rest(self) -> bytes:
        """The complete events not yet taken, tail included, when the stream broke off (a
        partial last event is dropped: the error chunk that follows must start a line)."""
        end = event_end(self._pending)
        rest = bytes(self._held) + bytes(self._pending[:end])
        self._held.clear()
        self._pending.clear()
        return rest

    def whole(self) -> bytes:
        """Everything received (a whole, not streamed, answer's body)."""
        whole = bytes(self._pending)
        self._pending.clear()
        return whole

    def tail(self, usage: dict[str, Any] | None) -> bytes:
        """The stream's end for the client: the held events as received, then the usage chunk
        with ``usage``'s ``cost`` and ``price_as_of`` merged into the provider's ``usage``
        object when ``usage`` is given (the client asked for it; built from the first chunk's
        ``id``, ``object``, ``created`` and ``model`` and ``usage`` itself when the provider
        sent none), then ``data: [DONE]``. ``usage`` None: no usage chunk."""
        held = bytes(self._held) + bytes(self._pending)
        self._held.clear()
        self._pending.clear()
        kept: list[bytes] = []
        chunk: dict[str, Any] | None = None
        for frame in _BOUNDARY.split(held):
            data = frame.strip()
            if not data or data in _DONE_LINES:
                continue
            parsed = _usage_chunk(data)
            if parsed is not None:
                chunk = parsed
            else:
                kept.append(frame + b"\n\n")
        if usage is None:
            return b"".join(kept) + DONE
        if chunk is None:
            chunk = {**self._head(), "choices": []}
        given = chunk.get("usage")
        if isinstance(given, dict):  # the provider's counts as sent, the cost added
            chunk["usage"] = {**given, "cost": usage["cost"], "price_as_of": usage["price_as_of"]}
        else:
            chunk["usage"] = usage
        text = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
        return b"".join(kept) + b"data: " + text.encode() + b"\n\n" + DONE


_BOUNDARY = re.compile(rb"\r\n\r\n|\n\n|\r\r")
"""The blank line that ends an event, whichever line ends the server uses."""

_DONE_LINES = (b"data: [DONE]", b"data:[DONE]")

_MARKS = re.compile(rb"\[\]|\[DONE\]")
"""``[]`` or ``[DONE]``: one of them is in every event the tail starts with."""


def _usage_chunk(data: bytes) -> dict[str, Any] | None:
    """The chunk of a one-line ``data:`` event when it is the usage-only chunk
    (``"choices": []``), else None."""
    if not data.startswith(b"data:") or b"[]" not in data:
        return None
    try:
        parsed = json.loads(data[5:])
    except ValueError:
        return None
    if isinstance(parsed, dict) and parsed.get("choices") == []:
        return parsed
    return None


def _tail_start(ready: bytes) -> int:
    """Where the held tail starts in ``ready`` (the start of the usage-only chunk's or
    ``data: [DONE]``'s event), or -1. Only when ``[]`` or ``[DONE]`` occurs anywhere (rarely
    before the end) are the events looked at one by one."""
    if _MARKS.search(ready) is None:  # one pass for what every mark holds
        return -1
    start = 0
    for boundary in _BOUNDARY.finditer(ready):
        data = ready[start : boundary.start()].strip()
        if data in _DONE_LINES or _usage_chunk(data) is not None:
            return start
        start = boundary.end()
    return -1
