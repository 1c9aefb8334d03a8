"""uvicorn's HTTP/1.1 protocol (httptools), an answer's head written with its first piece.

uvicorn writes an answer's status line and headers when the application starts the answer, and
each body piece when it is sent: one write each, and an asyncio socket transport sends each
write at once, one system call (and one wake-up of the client) apiece. The gateway starts a
streamed answer just before sending its first piece, so the head went out alone a few
microseconds before it: on a short answer, one system call of three or four.
:class:`HeadJoiningTransport` keeps a write that is a response's head (``HTTP/1.1 …`` up to its
blank line) until the next write, which goes out joined to it, or until the end of the turn of
the event loop that wrote it (``loop.call_soon``), whichever comes first; every other write goes
out at once, as before, so no byte of a body waits. Closing writes what is kept first;
everything else (reading, flow control, the connection's details) is the socket transport's own.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeadJoiningTransport(asyncio.Transport):
    """A socket transport that sends a response's head with the write after it.

    Args:
        transport: the connection's own transport.
        loop: the running loop.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._head: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data`` (with the head kept before it, if any); keep a response's head until
        the next write or the end of this turn of the loop."""
        if not data:
            return
        head = self._head
        if head is not None:
            self._head = None
            self._transport.write(head + bytes(data))
        elif data[:5] == b"HTTP/" and data[-4:] == b"\r\n\r\n":
            self._head = bytes(data)
            self._loop.call_soon(self._flush)
        else:
            self._transport.write(data)

    def _flush(self) -> None:
        """Send the head kept, if the write after it did not take it (nor a close drop it)."""
        head = self._head
        if head is not None:
            self._head = None
            if not self._transport.is_closing():
                self._transport.write(head)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def close(self) -> None:
        """Send what is kept, then close (the transport sends its buffer before closing)."""
        self._flush()
        self._transport.close()

    def abort(self) -> None:
        self._head = None
        self._transport.abort()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def write_eof(self) -> None:
        self._flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        kept = 0 if self._head is None else len(self._head)
        return kept + self._transport.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)


class GatewayHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol writing through a :class:`HeadJoiningTransport`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A stream transport (asyncio's, or another loop's such as uvloop's, which is one
        # without deriving from asyncio.Transport).
        stream = cast(asyncio.Transport, transport)
        super().connection_made(HeadJoiningTransport(stream, self.loop))
