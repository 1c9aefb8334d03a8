"""Server-sent events read from a response a read at a time, its raw bytes going to a tap.

:func:`~openmaas_tui.providers.base.iter_sse` reads text through httpx-sse; a same-protocol
request of the gateway (:class:`~openmaas_tui.core.passthrough.Passthrough`) also needs each
piece of the body as bytes, before it is parsed, to hand the client the provider's own bytes,
and an adapter that merges the deltas of one read (:mod:`.coalesce`) needs to know which events
came in one read (:func:`iter_sse_reads`, :func:`iter_sse_data_reads`). This reader frames the
bytes into events itself, whole events at a time (an event ends at a blank line), and reads the
common one-line ``data: …`` event at once; any other event (several lines, ``event:``, ``id:``,
comments) goes line by line through httpx-sse's own decoder, so the events are those
:func:`iter_sse` yields: LF, CR and CRLF line ends, comments skipped, multi-line ``data``
joined, the body read as UTF-8, an unfinished last event never dispatched
(https://html.spec.whatwg.org/multipage/server-sent-events.html#parsing-an-event-stream).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from httpx_sse import ServerSentEvent
from httpx_sse._decoders import SSEDecoder

from openmaas_tui.core.passthrough import ByteSink


def _normalised(data: bytes) -> bytes:
    """``data`` with CRLF and CR line ends as LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n") if b"\r" in data else data


async def iter_sse_tapped(
    response: httpx.Response, sink: ByteSink
) -> AsyncIterator[ServerSentEvent]:
    """The server-sent events of ``response``; each piece of its body (content-encoding undone)
    goes to ``sink`` first, in order, as it is read."""
    async for events in iter_sse_reads(response, sink):
        for event in events:
            yield event


async def iter_sse_reads(
    response: httpx.Response, sink: ByteSink | None = None
) -> AsyncIterator[list[ServerSentEvent]]:
    """The server-sent events of ``response``, a list per piece of its body read (the whole
    events that piece completed; a piece that completes none gives none); with a ``sink``, each
    piece (content-encoding undone) goes to it first, in order, as it is read."""
    decoder = SSEDecoder()
    async for text in _whole_events(response, sink):
        yield _events(text, decoder)


async def iter_sse_data_reads(
    response: httpx.Response, sink: ByteSink | None = None
) -> AsyncIterator[list[str]]:
    """The ``data`` of each server-sent event of ``response`` that has any, a list per piece
    of its body read, as :func:`iter_sse_reads` reads them: for a protocol that reads nothing
    else of an event (OpenAI's Chat Completions, Mistral's), without building an event object
    for each token."""
    decoder = SSEDecoder()
    async for text in _whole_events(response, sink):
        data = _data_lines(text)
        if data is not None:
            yield data
            continue
        data = []
        for block in text.split("\n\n")[:-1]:
            if block.startswith("data: ") and "\n" not in block:
                if len(block) > 6:
                    data.append(block[6:])
                continue
            event = _decoded(block, decoder)
            if event is not None and event.data:
                data.append(event.data)
        yield data


async def _whole_events(response: httpx.Response, sink: ByteSink | None) -> AsyncIterator[str]:
    """The whole events each piece of ``response``'s body completed, decoded, LF line ends,
    ending with a blank line (pieces that complete none give nothing). It is decoded at once:
    a line end never falls inside a UTF-8 character, so that reads every event as decoding each
    on its own would."""
    buffer = b""
    async for piece in response.aiter_bytes():
        if sink is not None:
            sink(piece)
        buffer += piece
        # A CR at the very end may be half of a CRLF: it waits for the next piece.
        cut = len(buffer) - 1 if buffer.endswith(b"\r") else len(buffer)
        text = _normalised(buffer[:cut])
        end = text.rfind(b"\n\n")
        if end < 0:
            buffer = text + buffer[cut:]
            continue
        buffer = text[end + 2 :] + buffer[cut:]
        yield text[: end + 2].decode("utf-8", errors="replace")
    text = _normalised(buffer)  # the body's last CR, if any, ends a line after all
    end = text.rfind(b"\n\n")
    if end >= 0:
        yield text[: end + 2].decode("utf-8", errors="replace")


def _data_lines(text: str) -> list[str] | None:
    """The non-empty ``data`` of each event of ``text`` (whole events, LF line ends, ending
    with a blank line) when every event is one ``data: …`` line and nothing else, else None.

    That is a stream's usual read, and the check and the split are a few passes in C over the
    text instead of Python work per event: ``text`` is ``data: D1\n\ndata: D2\n\n…`` exactly
    when it starts with ``data: ``, ends with a blank line, and its only line ends are the two
    before each ``data: `` after the first and the two at its end (no ``D`` then holds a line
    end, so each is one field's whole value).
    """
    if not text.startswith("data: "):
        return None
    joins = text.count("\n\ndata: ")
    if text.count("\n") != 2 * joins + 2:
        return None
    data = text[6:-2].split("\n\ndata: ") if joins else [text[6:-2]]
    return data if "" not in data else [d for d in data if d]


def _decoded(block: str, decoder: SSEDecoder) -> ServerSentEvent | None:
    """The event of one block of lines (no blank line in it), through httpx-sse's decoder."""
    for line in block.split("\n"):
        decoder.decode(line)
    return decoder.decode("")


def _events(text: str, decoder: SSEDecoder) -> list[ServerSentEvent]:
    """The events of ``text``: whole events, LF line ends, ending with a blank line."""
    events = []
    for block in text.split("\n\n")[:-1]:
        if block.startswith("data: ") and "\n" not in block:
            events.append(ServerSentEvent(data=block[6:]))
            continue
        event = _decoded(block, decoder)
        if event is not None:
            events.append(event)
    return events
