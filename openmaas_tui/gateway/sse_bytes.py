"""Where the whole events end in the bytes of a server-sent event stream, as the relays of
passed-through streams hand them on: whole events only, a partial last one kept for the next
read (https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream:
an event ends at a blank line, its lines ended by LF or CRLF)."""

from __future__ import annotations


def event_end(data: bytes | bytearray) -> int:
    """The end of the last complete event in ``data`` (after its blank line), or 0 when no
    event is complete yet."""
    lf = data.rfind(b"\n\n")
    crlf = data.rfind(b"\r\n\r\n")
    return max(lf + 2 if lf >= 0 else 0, crlf + 4 if crlf >= 0 else 0)
