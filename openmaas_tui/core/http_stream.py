"""One connection of the shared client's pool, on asyncio's own transport: what httpcore reads
and writes through (its ``AsyncNetworkStream``), without AnyIO's layers in between.

httpcore's default stream for asyncio goes through AnyIO: every read and every write opens a
cancel scope with its own deadline (a timer scheduled and cancelled), and AnyIO's socket
stream adds its own checks and queue on top of asyncio's transport (it stops reading the
socket after every read, and starts again at the next). A streamed answer is read in
hundreds of reads. Here a read takes what asyncio's protocol already holds (a timer only when
it has to wait), and a write is asyncio's own: the shared client's CPU per request to a
loopback server fell by about a sixth (500-token answers: 755-890 to 655-745 microseconds).

Two more costs of httpcore's use of the network are taken away on the way:

- it writes a request's head and its body separately, two system calls, and the server wakes
  for the head only to wait for the body: :class:`AsyncioStream` keeps what is written until
  the next read (an HTTP/1.1 client always reads the answer once its request is written) and
  sends it in one write;
- each time a request enters or leaves the pool (twice a request), the pool asks every idle
  connection whether its server closed it (``get_extra_info("is_readable")``): answered here
  from what the protocol was told, and a ``poll`` of the socket found once.

Errors are httpcore's, as its own streams raise them: ReadError, ReadTimeout, WriteError,
WriteTimeout (httpx turns them into its own, which the adapters map to STREAM_INTERRUPTED and
STREAM_TIMEOUT).
"""

from __future__ import annotations

import asyncio
import select
import ssl
import typing
from collections import deque

import httpcore

_PAUSE_BYTES = 1 << 18
"""Bytes received and not read yet at which the socket is no longer read (resumed at
:data:`_RESUME_BYTES`): a reader slower than its server holds about this much at most (plus
one of asyncio's reads, up to 256 KiB), the rest waiting in the kernel and at the server."""

_RESUME_BYTES = 1 << 16


class _Socket(typing.Protocol):
    """A socket, or asyncio's view of one (``TransportSocket``)."""

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


class ReceiveProtocol(asyncio.Protocol):
    """What asyncio tells of one connection: the bytes received and not read yet, the end of
    the stream (the server's EOF, or the connection lost and why), and whether writing must
    wait. One waiter at a time reads (an HTTP/1.1 connection serves one request at a time)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.size = 0
        self.ended = False
        self.error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        self._write_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        transport = self.transport
        if self.size >= _PAUSE_BYTES and transport is not None and transport.is_reading():
            transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        self.ended = True
        self._wake()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.ended = True
        if exc is not None:
            self.error = exc
        self._wake()
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def pause_writing(self) -> None:
        self._write_paused = True

    def resume_writing(self) -> None:
        self._write_paused = False
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def take(self, max_bytes: int) -> bytes:
        """The oldest chunk received, at most ``max_bytes`` of it (the rest kept first)."""
        chunk = self.chunks.popleft()
        if len(chunk) > max_bytes:
            self.chunks.appendleft(chunk[max_bytes:])
            chunk = chunk[:max_bytes]
        self.size -= len(chunk)
        transport = self.transport
        if self.size <= _RESUME_BYTES and transport is not None and not transport.is_reading():
            transport.resume_reading()  # a closing transport ignores it
        return chunk

    async def received(self, timeout: float | None) -> bool:
        """Wait until something was received or the stream ended; False when ``timeout``
        seconds passed first (None: no limit)."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            return await _within(waiter, timeout)
        finally:
            self._waiter = None

    async def drained(self, timeout: float | None) -> bool:
        """Wait until asyncio can take more to write; False when ``timeout`` seconds passed
        first."""
        if not self._write_paused or self.ended:
            return True
        drained: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._drained = drained
        try:
            return await _within(drained, timeout)
        finally:
            self._drained = None


async def _within(waiter: asyncio.Future[None], timeout: float | None) -> bool:
    """Wait for ``waiter``; False when ``timeout`` seconds passed first (a timer only for
    this wait)."""
    timer = None
    if timeout is not None:
        timer = asyncio.get_running_loop().call_later(timeout, _expire, waiter)
    try:
        await waiter
    except TimeoutError:
        return False
    finally:
        if timer is not None:
            timer.cancel()
    return True


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError())


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection as httpcore reads and writes it (see the module docstring).

    Args:
        protocol: the connection's protocol, connected (its ``transport`` set).
    """

    def __init__(self, protocol: ReceiveProtocol) -> None:
        self._protocol = protocol
        transport = protocol.transport
        assert transport is not None
        self._transport = transport
        found = transport.get_extra_info("socket")
        self._socket: _Socket | None = found if hasattr(found, "fileno") else None
        self._pending: list[bytes] = []
        self._write_timeout: float | None = None

    async def flush(self) -> None:
        """Write what is kept, in one piece. Raises httpcore.WriteError (the connection is
        closed) or httpcore.WriteTimeout (the server took nothing for the write timeout)."""
        if not self._pending:
            return
        data = b"".join(self._pending)
        self._pending.clear()
        protocol = self._protocol
        if protocol.ended or self._transport.is_closing():
            raise httpcore.WriteError(_closed_reason(protocol))
        self._transport.write(data)
        if not await protocol.drained(self._write_timeout):
            raise httpcore.WriteTimeout("the server took nothing within the write timeout")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Up to ``max_bytes`` received; b"" once the server ended the stream. Raises
        httpcore.ReadError (the connection broke), httpcore.ReadTimeout (nothing for
        ``timeout`` seconds)."""
        await self.flush()
        protocol = self._protocol
        if not protocol.chunks:
            if not protocol.ended and not await protocol.received(timeout):
                raise httpcore.ReadTimeout("nothing received within the read timeout")
            if not protocol.chunks:
                if protocol.error is not None:
                    raise httpcore.ReadError(str(protocol.error)) from protocol.error
                return b""
        return protocol.take(max_bytes)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Keep ``buffer`` to send at the next read (or :meth:`flush`)."""
        if buffer:
            self._pending.append(buffer)
            self._write_timeout = timeout

    async def aclose(self) -> None:
        self._pending.clear()  # closed before its answer was read: nothing more to say
        transport = self._transport
        if not transport.is_closing():
            transport.close()
        if transport.get_write_buffer_size():  # a server that stopped reading: let go now
            transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """The same connection over TLS (to the server, or through a proxy's tunnel). Raises
        httpcore.ConnectError (the handshake failed: a certificate refused, a TLS error),
        httpcore.ConnectTimeout."""
        await self.flush()
        loop = asyncio.get_running_loop()
        try:
            tls = await loop.start_tls(
                self._transport,
                self._protocol,
                ssl_context,
                server_hostname=server_hostname,
                ssl_handshake_timeout=timeout,
            )
        except TimeoutError as exc:
            self._transport.abort()
            raise httpcore.ConnectTimeout(str(exc) or "TLS handshake timed out") from exc
        except (OSError, ConnectionError) as exc:  # ssl.SSLError is an OSError
            self._transport.abort()
            raise httpcore.ConnectError(str(exc)) from exc
        if tls is None:
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        self._protocol.transport = tls
        return AsyncioStream(self._protocol)

    def get_extra_info(self, info: str) -> typing.Any:
        transport = self._transport
        if info == "is_readable":
            protocol = self._protocol
            if self._pending or protocol.chunks or protocol.ended or transport.is_closing():
                return True
            return self._socket is not None and is_readable(self._socket)
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        return None


def _closed_reason(protocol: ReceiveProtocol) -> str:
    if protocol.error is not None:
        return str(protocol.error) or type(protocol.error).__name__
    return "the connection is closed"
