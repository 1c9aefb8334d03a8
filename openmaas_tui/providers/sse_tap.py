"""Server-sent events read from a response while its raw bytes go to a tap.

:func:`~openmaas_tui.providers.base.iter_sse` reads text through httpx-sse; a same-protocol
request of the gateway (:class:`~openmaas_tui.core.passthrough.Passthrough`) also needs each
piece of the body as bytes, before it is parsed, to hand the client the provider's own bytes.
This reader does both with httpx-sse's own line and event decoders, so the events are exactly
those :func:`iter_sse` yields: LF, CR and CRLF line ends, comments skipped, multi-line ``data``
joined, the body read as UTF-8
(https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
"""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator

import httpx
from httpx_sse import ServerSentEvent
from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from openmaas_tui.core.passthrough import ByteSink


async def iter_sse_tapped(
    response: httpx.Response, sink: ByteSink
) -> AsyncIterator[ServerSentEvent]:
    """The server-sent events of ``response``; each piece of its body (content-encoding undone)
    goes to ``sink`` first, in order, as it is read."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    lines = SSELineDecoder()
    events = SSEDecoder()
    async for piece in response.aiter_bytes():
        sink(piece)
        for line in lines.decode(text.decode(piece)):
            event = events.decode(line)
            if event is not None:
                yield event
    tail = text.decode(b"", final=True)
    for line in [*(lines.decode(tail) if tail else ()), *lines.flush()]:
        event = events.decode(line)
        if event is not None:
            yield event
