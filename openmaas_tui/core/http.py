"""The one shared ``httpx.AsyncClient`` every adapter uses.

Adapters never build their own client (STYLE.md, convention 3). The pool is sized for the
largest compare (8 targets) plus model discovery running beside it.

The transport is built in a thread while the app starts (:class:`DeferredTransport`); it sends
httpx's requests with aiohttp's client (:mod:`.http_transport`). The client keeps no cookies
(:class:`SharedClient`).
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading
from collections.abc import Mapping
from typing import Any
from urllib.request import getproxies

import httpx

from openmaas_tui import __version__

CONNECT_TIMEOUT_S = 10.0
"""Seconds to establish a connection (TCP + TLS) before STREAM_CONNECTION_FAILED."""

READ_TIMEOUT_S = 120.0
"""Seconds without a single byte before STREAM_TIMEOUT. Reasoning models can think for a long
time before their first token, so this is generous. ``read_timeout_s`` in config.toml and
``--timeout`` (``ask``, ``compare``) change it."""

MAX_CONNECTIONS = 32


def _load_certificates(context: ssl.SSLContext) -> None:
    """Trust what httpx trusts: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` if set, else certifi."""
    if os.environ.get("SSL_CERT_FILE"):
        context.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
    elif os.environ.get("SSL_CERT_DIR"):
        context.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
    else:
        import certifi

        context.load_verify_locations(cafile=certifi.where())


class DeferredTransport(httpx.AsyncBaseTransport):
    """The shared client's transport (:class:`~.http_transport.AiohttpTransport`), built in a
    thread when :meth:`start` is called (the app calls it once its first screen is shown) or
    at the first request: loading the trusted certificates and importing aiohttp take about
    0.12 s together (20 ms and 100 ms; aiohttp's import loads the system's CA store for its own
    default context), kept off the way to the first screen. A request waits for the thread if
    it has not finished.

    Args:
        context: the TLS context; its certificates are loaded in the thread.
        limits: the pool's limits (``max_connections``, ``keepalive_expiry``).
    """

    def __init__(self, context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._transport: httpx.AsyncBaseTransport | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._context = context
        self._limits = limits
        self._started = False

    def start(self) -> None:
        """Start building the transport in a thread (once)."""
        if not self._started:
            self._started = True
            threading.Thread(target=self._build, name="http-transport", daemon=True).start()

    def _build(self) -> None:
        try:
            _load_certificates(self._context)
            from openmaas_tui.core.http_transport import AiohttpTransport

            self._transport = AiohttpTransport(self._context, self._limits)
        except BaseException as exc:  # re-raised by the first request
            self._error = exc
        finally:
            self._ready.set()

    async def _ready_transport(self) -> httpx.AsyncBaseTransport | None:
        self.start()
        if not self._ready.is_set():
            await asyncio.to_thread(self._ready.wait)
        return self._transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` once the transport is built.

        Raises:
            httpx.ConnectError: the transport could not be built (e.g. ``SSL_CERT_FILE``
                names a missing file); adapters report it as STREAM_CONNECTION_FAILED.
        """
        transport = await self._ready_transport()
        if transport is None:
            raise httpx.ConnectError(f"cannot set up HTTPS: {self._error}", request=request)
        return await transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._started and (transport := await self._ready_transport()) is not None:
            await transport.aclose()


class _NoCookies(httpx.Cookies):
    """A cookie jar that never takes a cookie."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing of ``response``'s ``Set-Cookie`` headers."""


_NO_COOKIES = _NoCookies()


class SharedClient(httpx.AsyncClient):
    """httpx's client, keeping no cookies.

    Provider APIs authenticate each request by its key and need no cookie; a cookie one answer
    set (a load balancer's, a bot filter's) would ride on every later request to that host,
    from any face and, through the gateway, from any program on the machine, tying them
    together. And reading each answer's ``Set-Cookie`` through the standard library's cookie
    jar was about 30 microseconds a request, on the way to its first byte. Setting the
    client's cookies is refused (TypeError).
    """

    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        raise TypeError("the shared client keeps no cookies")

    def build_request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        data: Any = None,
        files: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        cookies: Any = None,
        timeout: Any = httpx.USE_CLIENT_DEFAULT,
        extensions: Any = None,
    ) -> httpx.Request:
        """httpx's request, as ``httpx.AsyncClient.build_request`` builds it.

        An adapter's usual request (an absolute URL already parsed, a body of bytes, a header
        mapping, nothing else) is built by :func:`_plain_request`, in about 9 microseconds
        instead of 21: httpx merges the client's headers into the request's by deleting each
        one the request overrides and searching the rest, then sets ``Host`` and
        ``Content-Length`` the same way. Anything else goes to httpx.
        """
        if (
            type(content) is bytes
            and content
            and type(url) is httpx.URL
            and url.is_absolute_url
            and isinstance(headers, Mapping)
            and data is None
            and files is None
            and json is None
            and params is None  # httpx drops the URL's query for an empty mapping
            and cookies is None
            and timeout is httpx.USE_CLIENT_DEFAULT
            and extensions is None
        ):
            request = _plain_request(self, method, url, content, headers)
            if request is not None:
                return request
        return super().build_request(
            method,
            url,
            content=content,
            data=data,
            files=files,
            json=json,
            params=params,
            headers=headers,
            cookies=cookies,
            timeout=timeout,
            extensions=extensions,
        )


_SET_BY_HTTPX = frozenset((b"host", b"content-length", b"transfer-encoding"))
"""Headers httpx sets itself unless the request has them."""


def _plain_request(
    client: httpx.AsyncClient,
    method: str,
    url: httpx.URL,
    content: bytes,
    headers: Mapping[str, str],
) -> httpx.Request | None:
    """The request httpx builds for ``content`` with ``headers`` to ``url`` (absolute): ``Host``
    first, then the client's headers the request does not override, then the request's, then
    ``Content-Length``; the body read; the client's timeouts. None when ``headers`` sets
    ``Host``, ``Content-Length`` or ``Transfer-Encoding`` (httpx's rules for those apply)."""
    given = httpx.Headers(headers)
    names = {name.lower() for name, _ in given.raw}
    if names & _SET_BY_HTTPX:
        return None
    raw = [(b"Host", url.netloc)]
    raw += [(name, value) for name, value in client.headers.raw if name.lower() not in names]
    raw += given.raw
    raw.append((b"Content-Length", b"%d" % len(content)))
    request = httpx.Request(
        method,
        url,
        headers=raw,
        stream=httpx.ByteStream(content),
        extensions={"timeout": client.timeout.as_dict()},
    )
    request.read()
    return request


def _deferred(client: httpx.AsyncClient) -> DeferredTransport | None:
    """``client``'s :class:`DeferredTransport`, if it was built with one."""
    transport = client._transport  # httpx <0.29: the transport given to the client
    return transport if isinstance(transport, DeferredTransport) else None


def prepare_transport(client: httpx.AsyncClient) -> None:
    """Start building ``client``'s transport now (see :class:`DeferredTransport`)."""
    if (transport := _deferred(client)) is not None:
        transport.start()


async def transport_ready(client: httpx.AsyncClient) -> None:
    """Build ``client``'s transport now if it is not built yet, and wait until it is (what a
    request waits for anyway; a benchmark lets this start-up work finish before it measures)."""
    if (transport := _deferred(client)) is not None:
        await transport._ready_transport()


def make_client(
    *,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    read_timeout_s: float = READ_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
    mounts: Mapping[str, httpx.AsyncBaseTransport] | None = None,
) -> httpx.AsyncClient:
    """Build the shared client with explicit connect and read timeouts.

    Args:
        connect_timeout_s: seconds to connect.
        read_timeout_s: seconds to wait for the next bytes of a response.
        max_connections: pool size across all hosts.
        mounts: transports for particular origins (``{"http://host": transport}``), used
            instead of the network for those origins only; e.g. the offline demo model's.

    Returns:
        An ``httpx.AsyncClient``; the caller closes it (``await client.aclose()``).
    """
    timeout = httpx.Timeout(
        connect=connect_timeout_s, read=read_timeout_s, write=30.0, pool=connect_timeout_s
    )
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections // 2
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # hostname checked, certificate required
    if getproxies():
        # httpx builds proxy transports itself, with this context: give it its certificates now.
        _load_certificates(context)
    return SharedClient(
        timeout=timeout,
        limits=limits,
        verify=context,
        transport=DeferredTransport(context, limits),
        headers={"user-agent": f"openmaas-tui/{__version__}"},
        follow_redirects=False,
        trust_env=True,
        mounts=dict(mounts or {}),
    )


def set_read_timeout(client: httpx.AsyncClient, read_timeout_s: float) -> None:
    """Give up on a response after ``read_timeout_s`` seconds without a byte (``--timeout``),
    keeping the client's other timeouts."""
    current = client.timeout
    client.timeout = httpx.Timeout(
        connect=current.connect, read=read_timeout_s, write=current.write, pool=current.pool
    )
