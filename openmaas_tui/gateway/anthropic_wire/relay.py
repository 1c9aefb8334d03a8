"""A same-protocol Messages answer handed to the client as Anthropic sent it.

The adapter gives every piece of the upstream body to :meth:`MessagesRelay.sink` before
parsing it (:class:`~openmaas_tui.core.passthrough.Passthrough`); the route sends what
:meth:`MessagesRelay.take` returns whenever the exchange yields an event: whole events only,
byte for byte, so one upstream read becomes at most one write to the client. Nothing is held
back or rewritten (usage is in ``message_start`` and ``message_delta`` already; the cost is in
the ledger and, for a whole answer, in a header). When the stream breaks off, :meth:`rest`
gives the whole events still pending (a partial last event is dropped, so an ``event: error``
written after it starts on a line of its own), and :func:`ends_in_error` and
:meth:`MessagesRelay.ended_in_error` say whether Anthropic already ended it with its own
``event: error``, pending or sent
(https://docs.anthropic.com/en/api/messages-streaming, "Error events").
"""

from __future__ import annotations

import re

from openmaas_tui.gateway.sse_bytes import event_end

_BOUNDARY = re.compile(rb"\r\n\r\n|\n\n|\r\r")
"""The blank line that ends an event, whichever line ends the server uses."""


class MessagesRelay:
    """The client's bytes of one passed-through Messages answer.

    Attributes:
        received: whether any byte arrived from upstream.
    """

    def __init__(self) -> None:
        self._pending = bytearray()
        self._taken = b""
        self.received = False

    def sink(self, piece: bytes) -> None:
        """Take one piece of the upstream body (the adapter calls it; O(1))."""
        self._pending += piece
        self.received = True

    def take(self) -> bytes:
        """Every complete event received and not yet taken, as received; b"" if none."""
        pending = self._pending
        if not pending:
            return b""
        end = event_end(pending)
        if not end:
            return b""
        ready = bytes(pending[:end])
        del pending[:end]
        self._taken = ready
        return ready

    def rest(self) -> bytes:
        """The complete events not yet taken, when the stream broke off (a partial last event
        is dropped)."""
        rest = self.take()
        self._pending.clear()
        return rest

    def ended_in_error(self) -> bool:
        """Whether the last event taken (by :meth:`take` or :meth:`rest`) is Anthropic's
        ``event: error``: one read may bring the events before it and the error together,
        all taken and sent before the exchange reports the error."""
        return ends_in_error(self._taken)

    def whole(self) -> bytes:
        """Everything received (a whole, not streamed, answer's body)."""
        whole = bytes(self._pending)
        self._pending.clear()
        return whole


def ends_in_error(data: bytes) -> bool:
    """Whether the last event in ``data`` (whole events) is an ``event: error``."""
    events = [e for e in _BOUNDARY.split(data) if e.strip()]
    if not events:
        return False
    last = events[-1].lstrip()
    return last.startswith((b"event: error", b"event:error"))
