"""A minimal asyncio HTTP/1.1 server bound to 127.0.0.1 on a free port.

It exists to stand in for LLM providers: a handler returns a :class:`Reply` whose body can be
streamed in chunks (``Transfer-Encoding: chunked``) with delays, a delayed first byte, or a
connection dropped after N body bytes. Every request received is recorded.

Run it in the caller's event loop (``await server.start()``) or in a thread of its own
(:meth:`LoopbackServer.start_in_thread`) for synchronous clients.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    529: "Overloaded",
}


@dataclass(frozen=True, slots=True)
class Request:
    """A request the server received: method, path (without query), query, lowercased
    headers and the raw body."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(slots=True)
class Reply:
    """What to answer.

    Attributes:
        status: HTTP status code.
        body: the whole body, used when ``chunks`` and ``stream`` are None.
        content_type: the ``content-type`` header.
        headers: further headers.
        chunks: the body cut into pieces sent one by one (chunked encoding).
        stream: an async iterator producing body pieces (chunked encoding), e.g. a paced answer.
        chunk_delay_s: seconds to wait before each chunk after the first.
        first_byte_delay_s: seconds to wait before sending anything at all.
        drop_after: close the connection abruptly after this many body bytes.
    """

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] | None = None
    stream: AsyncIterator[bytes] | None = None
    chunk_delay_s: float = 0.0
    first_byte_delay_s: float = 0.0
    drop_after: int | None = None

    @classmethod
    def json_body(cls, payload: Any, status: int = 200) -> Reply:
        """A JSON reply."""
        return cls(status=status, body=json.dumps(payload).encode())


Handler = Callable[[Request], Reply | Awaitable[Reply]]


class _Dropped(Exception):
    pass


class LoopbackServer:
    """An HTTP/1.1 server on 127.0.0.1 that answers every request with ``handler(request)``.

    Attributes:
        requests: every request received, in order.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.requests: list[Request] = []
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0) -> None:
        """Listen on ``port`` (0: a free one) in the running event loop.

        Raises:
            OSError: the port is taken.
        """
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await self._server.wait_closed()
            self._server = None

    def start_in_thread(self) -> None:
        """Run the server in a daemon thread with its own event loop (for sync clients)."""
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            loop.run_until_complete(self.start())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

        self._thread = threading.Thread(target=run, name="loopback-server", daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop_thread(self) -> None:
        """Stop a server started with :meth:`start_in_thread`."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            await self._serve_connection(reader, writer)
        except asyncio.CancelledError:
            # The loop is shutting down. End quietly: Python 3.11's start_server logs a
            # cancelled connection task as an "Exception in callback" error.
            writer.transport.abort()
        finally:
            self._writers.discard(writer)

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                self.requests.append(request)
                reply = self._handler(request)
                if inspect.isawaitable(reply):
                    reply = await reply
                try:
                    await _write_reply(writer, reply)
                finally:
                    await _close_stream(reply)
        except _Dropped:
            writer.transport.abort()
            return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        try:
            writer.close()
            await writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = await reader.readexactly(length) if length else b""
    parts = urlsplit(target)
    return Request(method, parts.path, dict(parse_qsl(parts.query)), headers, body)


async def _close_stream(reply: Reply) -> None:
    """Close a reply's body stream now (an async generator's ``finally`` runs when the client
    goes away, not at some later garbage collection)."""
    aclose = getattr(reply.stream, "aclose", None)
    if aclose is not None:
        await aclose()


async def _body_pieces(reply: Reply) -> AsyncIterator[bytes]:
    if reply.stream is not None:
        first = True
        async for piece in reply.stream:
            if not first and reply.chunk_delay_s:
                await asyncio.sleep(reply.chunk_delay_s)
            first = False
            yield piece
        return
    pieces = reply.chunks if reply.chunks is not None else [reply.body]
    for index, piece in enumerate(pieces):
        if index and reply.chunk_delay_s:
            await asyncio.sleep(reply.chunk_delay_s)
        yield piece


async def _write_reply(writer: asyncio.StreamWriter, reply: Reply) -> None:
    if reply.first_byte_delay_s:
        await asyncio.sleep(reply.first_byte_delay_s)
    chunked = reply.stream is not None or reply.chunks is not None or reply.drop_after is not None
    head = [
        f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}",
        f"content-type: {reply.content_type}",
    ]
    head += [f"{name}: {value}" for name, value in reply.headers.items()]
    head.append("transfer-encoding: chunked" if chunked else f"content-length: {len(reply.body)}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
    if not chunked:
        writer.write(reply.body)
        await writer.drain()
        return
    sent = 0
    async for piece in _body_pieces(reply):
        if reply.drop_after is not None and sent + len(piece) >= reply.drop_after:
            piece = piece[: reply.drop_after - sent]
            if piece:
                writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
            raise _Dropped
        sent += len(piece)
        if piece:
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()
