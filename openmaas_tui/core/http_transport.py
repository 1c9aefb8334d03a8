"""The shared client's transport: httpx's requests sent by aiohttp's client.

httpx stays the adapters' interface (requests, responses, errors, timeouts, mounts, proxies);
underneath, this transport (httpx's documented extension point, ``AsyncBaseTransport``) hands
each request to an ``aiohttp.ClientSession``, whose connection pool, HTTP/1.1 writer and parser
(llhttp, compiled) replace httpcore's and h11's, which are pure Python. Measured through the
gateway (``bench/gateway.py``, 500-token streams, alternating runs): its CPU per stream fell by
a quarter to a third (3.0-3.2 to 1.9-2.2 ms in a quiet sitting), its streams/s at 16
concurrent from 0.59-0.66 to 0.73-1.00 of the direct route's, and the TTFT it adds by 0.1-0.3
ms while it shares two cores with its client and upstream (not with a core of its own: the
cost per byte read fell, not the cost up to the first byte).

What is sent is what httpx built: its headers (none of aiohttp's own added, no cookie kept),
its body bytes. What is received is handed back untouched (``auto_decompress`` off: httpx
decodes ``content-encoding`` as before). Redirects are not followed.

Errors are httpx's, raised with the request and chained to aiohttp's
(:func:`transport_error`), so :func:`~openmaas_tui.providers.http_errors.map_transport_error`
sees the same kinds as before: ConnectError (refused, name not found, a certificate not
trusted), ConnectTimeout (connecting, or waiting for a pooled connection), ReadTimeout (no
byte for the read timeout), RemoteProtocolError (the server closed or spoke something not
HTTP), ReadError (the connection failed otherwise).

Sources: https://www.python-httpx.org/advanced/transports/ (custom transports),
https://docs.aiohttp.org/en/stable/client_reference.html (ClientSession, TCPConnector,
ClientTimeout, the client exceptions).
"""

from __future__ import annotations

import os
import ssl
from collections.abc import AsyncIterator

import aiohttp
import httpx
from yarl import URL

_HEADER_BYTES = 1 << 16
"""The longest status line, and header line, an answer may have (aiohttp's default is 8190
bytes; a provider's long ``set-cookie`` or trace header is not an error)."""

_OWN_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
"""Headers aiohttp adds when a request has none: never, the request is httpx's as built."""


def transport_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError:
    """The httpx error for what aiohttp (or the socket under it) raised.

    Args:
        exc: an ``aiohttp.ClientError`` or ``OSError`` (``TimeoutError`` among them).
        request: the request it was raised for, kept on the error (its ``timeout``
            extension names the read limit in STREAM_TIMEOUT's message).

    Returns:
        ConnectError, ConnectTimeout, ReadTimeout, RemoteProtocolError, UnsupportedProtocol or
        ReadError; the caller raises it ``from exc``.
    """
    message = str(exc) or type(exc).__name__
    kind: type[httpx.TransportError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
        message = "timed out connecting"  # aiohttp's message holds the whole URL
    elif isinstance(exc, TimeoutError):  # SocketTimeoutError and the rest: no byte in time
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):  # incl. certificate and name errors
        kind = httpx.ConnectError
        reason = exc.os_error
        errno = reason.errno if isinstance(reason.errno, int) else 0
        said = os.strerror(errno) if errno > 0 else reason.strerror or str(reason)
        message = f"{exc.host}:{exc.port}: {said}"  # "127.0.0.1:1: Connection refused"
    elif isinstance(exc, aiohttp.InvalidURL):
        kind = httpx.UnsupportedProtocol
        message = "the URL cannot be asked"
    elif isinstance(exc, aiohttp.ClientResponseError):  # an answer not HTTP; str() holds the URL
        kind = httpx.RemoteProtocolError
        message = f"the answer is not valid HTTP: {exc.message}"
    elif isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        kind = httpx.RemoteProtocolError
    else:
        kind = httpx.ReadError
    return kind(message, request=request)


class _Body(httpx.AsyncByteStream):
    """An answer's body as the server sent it: each HTTP chunk (of a chunked answer) on its
    own, as soon as it is in, never two joined (an SSE server sends an event, or the events it
    had, per chunk: joining what a fast server sent would make the first event wait for the
    parsing of all the others); an answer not chunked, as it arrives."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        content = self._response.content
        try:
            while True:
                piece, chunk_ended = await content.readchunk()
                if piece:
                    yield piece
                elif not chunk_ended:  # the end of the body (else: the end of a chunk read
                    return  # already, told once its closing line came)
        except (aiohttp.ClientError, OSError) as exc:
            raise transport_error(exc, self._request) from exc

    async def aclose(self) -> None:
        """Hand the connection back: kept for the next request when the body was read to its
        end, closed when it was not (the server stops sending at once)."""
        self._response.release()


def _text_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    """httpx's headers as aiohttp takes them: text, in their order and with their names' case
    (as httpx's own transport sends them; ``Headers.multi_items`` lowercases the names),
    decoded as httpx encoded them."""
    encoding = headers.encoding
    return [(name.decode(encoding), value.decode(encoding)) for name, value in headers.raw]


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx's requests with one ``aiohttp.ClientSession``, opened at the first request
    (in the running loop) and closed by :meth:`aclose`.

    Args:
        context: the TLS context (certificates, verification) for every HTTPS connection.
        limits: httpx's limits: ``max_connections`` across all hosts (None: no limit) and
            ``keepalive_expiry`` (seconds an idle connection is kept).
    """

    def __init__(self, context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._context = context
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None

    def _open_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            ssl=self._context,
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry or 0,
        )
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=_OWN_HEADERS,
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
            max_line_size=_HEADER_BYTES,
            max_field_size=_HEADER_BYTES,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and return its answer once its status and headers are in; the body
        streams as it arrives.

        Raises:
            httpx.TransportError: see :func:`transport_error`.
        """
        session = self._session
        if session is None:
            session = self._session = self._open_session()
        timeouts = request.extensions.get("timeout") or {}
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeouts.get("pool"),
            sock_connect=timeouts.get("connect"),
            sock_read=timeouts.get("read"),
        )
        url = request.url
        if url.userinfo:  # httpx made it the Authorization header, if anything; aiohttp would
            url = url.copy_with(userinfo=b"")  # refuse both, and never sends it itself
        body = await request.aread()
        try:
            response = await session.request(
                request.method,
                URL(str(url), encoded=True),
                headers=_text_headers(request.headers),
                data=body or None,
                allow_redirects=False,
                timeout=timeout,
            )
        except (aiohttp.ClientError, OSError) as exc:
            raise transport_error(exc, request) from exc
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        """Close every connection (the session cannot be used again)."""
        if self._session is not None:
            await self._session.close()
