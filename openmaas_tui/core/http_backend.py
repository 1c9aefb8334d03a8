"""The network backend under the shared client's connection pool: connections on asyncio's own
transports (:mod:`.http_stream`), opened as httpcore's AnyIO backend opens them.

:class:`AsyncioBackend` connects (TCP, with the same "happy eyeballs" as AnyIO for a host with
several addresses, and Unix sockets) and hands the pool :class:`~.http_stream.AsyncioStream`
streams; TLS is asyncio's (``loop.start_tls``). It runs in an asyncio event loop, as the app,
the command line and the gateway all do. The shared client speaks HTTP/1.1 only: over HTTP/2
several requests share a connection and a write kept until the next read could wait behind
another request's read.
"""

from __future__ import annotations

import asyncio
import typing
from collections.abc import Iterable

import httpcore

from openmaas_tui.core.http_stream import AsyncioStream, ReceiveProtocol

SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)
"""A socket option as httpcore takes it: (level, option, value) or (level, option, None,
length)."""

HAPPY_EYEBALLS_DELAY_S = 0.25
"""Seconds before trying a host's next address while the first still connects (RFC 8305's
recommended 250 ms; AnyIO's too)."""


async def _connected(
    opening: typing.Awaitable[tuple[asyncio.BaseTransport, ReceiveProtocol]],
    timeout: float | None,
    socket_options: Iterable[SocketOption] | None,
) -> AsyncioStream:
    """The stream of a connection being opened. Raises httpcore.ConnectError (refused,
    unreachable, a name that does not resolve), httpcore.ConnectTimeout."""
    try:
        async with asyncio.timeout(timeout):
            transport, protocol = await opening
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(str(exc) or "connecting timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(str(exc)) from exc
    sock = transport.get_extra_info("socket")
    for option in socket_options or ():
        sock.setsockopt(*option)
    return AsyncioStream(protocol)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend on asyncio's transports (see the module docstring)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A TCP connection to ``host``:``port``. Raises httpcore.ConnectError,
        httpcore.ConnectTimeout."""
        loop = asyncio.get_running_loop()
        opening = loop.create_connection(
            ReceiveProtocol,
            host,
            port,
            local_addr=(local_address, 0) if local_address else None,
            happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY_S,
        )
        return await _connected(opening, timeout, socket_options)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A connection to the Unix socket at ``path``. Raises httpcore.ConnectError,
        httpcore.ConnectTimeout."""
        opening = asyncio.get_running_loop().create_unix_connection(ReceiveProtocol, path)
        return await _connected(opening, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def use_backend(transport: object) -> bool:
    """Put an :class:`AsyncioBackend` under ``transport``'s connection pool (a proxy's too)
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
    pool._network_backend = AsyncioBackend()
    return True
