"""The network backend under the shared client's connection pool: httpcore's own, with a
request's head and body written in one piece and the pool's idle check made cheap.

Two costs of httpcore's HTTP/1.1 client are in its use of the network, and both are paid on
every request (the gateway's most of all: one upstream request per request it serves):

- it writes a request's head and its body separately, two system calls, and the server wakes
  for the head only to wait for the body;
- each time a request enters or leaves the pool (twice a request), the pool asks every idle
  connection whether its server closed it (``get_extra_info("is_readable")``: a ``poll`` of
  the socket), and httpcore's AnyIO stream finds that socket through AnyIO's typed attributes,
  which build a table of every attribute of the socket on each call (a ``getpeername`` system
  call among them).

:class:`CoalescingBackend` wraps httpcore's AnyIO backend and hands the pool streams that keep
what is written until the next read (an HTTP/1.1 client always reads the answer once its
request is written), then send it in one write, and that find their socket once, when opened.
Everything else (reading, TLS, timeouts, the errors raised) is httpcore's own. The shared
client speaks HTTP/1.1 only: over HTTP/2 several requests share a connection and a write
could wait behind another request's read.
"""

from __future__ import annotations

import select
import ssl
import typing
from collections.abc import Iterable

import httpcore

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
"""A socket option as httpcore takes it: (level, option, value) or (level, option, None,
length)."""


class _Socket(typing.Protocol):
    """A socket, or asyncio's view of one (``TransportSocket``, what AnyIO hands out)."""

    def fileno(self) -> int: ...


def is_readable(sock: _Socket) -> bool:
    """Whether reading ``sock`` would not wait (data, or the server's close, is there); a
    socket already closed counts as readable, as httpcore counts it."""
    if sock.fileno() < 0:
        return True
    if not hasattr(select, "poll"):  # Windows: select() takes sockets there
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


class CoalescingStream(httpcore.AsyncNetworkStream):
    """httpcore's stream, writing what was written since the last read at the next read, in
    one piece, and answering the pool's idle check from its socket (found once).

    Args:
        stream: the stream httpcore's backend opened.
    """

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        found = stream.get_extra_info("socket")
        self._socket: _Socket | None = found if hasattr(found, "fileno") else None
        self._pending: list[bytes] = []
        self._write_timeout: float | None = None

    async def flush(self) -> None:
        """Write what is kept, in one piece. Raises httpcore.WriteError (or WriteTimeout)."""
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            await self._stream.write(data, self._write_timeout)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        await self.flush()
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if buffer:
            self._pending.append(buffer)
            self._write_timeout = timeout

    async def aclose(self) -> None:
        self._pending.clear()  # closed before its answer was read: nothing more to say
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        await self.flush()
        tls = await self._stream.start_tls(ssl_context, server_hostname, timeout)
        return CoalescingStream(tls)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable" and self._socket is not None:
            return bool(self._pending) or is_readable(self._socket)
        return self._stream.get_extra_info(info)


class CoalescingBackend(httpcore.AsyncNetworkBackend):
    """httpcore's AnyIO network backend opening :class:`CoalescingStream` streams."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return CoalescingStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(path, timeout, socket_options)
        return CoalescingStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def use_backend(transport: object) -> bool:
    """Put a :class:`CoalescingBackend` under ``transport``'s connection pool (a proxy's too)
    before it opens any connection. httpx takes no backend for the pool it builds, so it is
    set on that pool (httpx 0.28's ``_pool``, httpcore 1.0's ``_network_backend``; a test
    checks both).

    Returns:
        Whether it was put there (False for anything else, left as it is).
    """
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or pool._http2:
        return False
    if not hasattr(pool, "_network_backend"):
        return False
    pool._network_backend = CoalescingBackend()
    return True
