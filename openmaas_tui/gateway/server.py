"""The HTTP server under the gateway: uvicorn, bare ASGI, on a socket bound here.

uvicorn parses HTTP/1.1 with httptools (C, a declared dependency) and hands each request to
:class:`~openmaas_tui.gateway.app.GatewayApp` with no framework in between: the gateway's added
latency is the parse, one exchange and the chunk writes (an answer's head goes with its first
piece: :class:`~openmaas_tui.gateway.http_protocol.GatewayHttpProtocol`). Forwarded-address
headers are not read: the gateway serves this machine, and no proxy stands before it. With a
certificate and key (:class:`Tls`) it serves HTTPS through uvicorn's own ``ssl_certfile`` and
``ssl_keyfile``. The socket is bound and listening before the URL is printed (a client told
the URL can connect at once; a taken port is an error here, not an exit inside the server).
ctrl+c or SIGTERM stops accepting, lets open answers finish for up to
:data:`~openmaas_tui.gateway.context.GRACE_S` seconds, then closes what remains with an error
chunk (each such answer recorded as stopped, its upstream connection closed); a second ctrl+c
cancels at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import httptools  # noqa: F401 - uvicorn's fast parser: imported here so a missing one says so
import uvicorn

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.app import GatewayApp
from openmaas_tui.gateway.context import GRACE_S, Gateway
from openmaas_tui.gateway.http_protocol import GatewayHttpProtocol

_SERVER_GRACE_S = int(GRACE_S) + 5
"""uvicorn's own grace, after the gateway's: by then every answer has ended by itself."""

_SIGNALS = (signal.SIGINT, signal.SIGTERM)

HTTP_PROTOCOL = GatewayHttpProtocol
"""uvicorn's HTTP/1.1 implementation: httptools' (llhttp, in C: it parses a request in a
fraction of what h11, in pure Python, takes), sending an answer's head with its first piece."""


class _Server(uvicorn.Server):
    """uvicorn's server, telling the gateway when a stop is asked, and stopping on ctrl+c and
    SIGTERM without raising the signal again afterwards (uvicorn re-raises it, which would end
    the process with the signal's status instead of the gateway's clean exit)."""

    def __init__(self, config: uvicorn.Config, gateway: Gateway) -> None:
        super().__init__(config)
        self.gateway = gateway
        self.loop = asyncio.get_running_loop()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        self.loop.call_soon_threadsafe(self.gateway.stopping.set)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one).

    Raises:
        OpenMaaSError: INVALID_REQUEST when the address cannot be bound (port taken, host not
            of this machine).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not left 0: asyncio sets TCP_NODELAY only on sockets whose proto says
    # TCP, and accepted connections inherit it. Without it Nagle's algorithm held each small
    # SSE write back until the client's delayed ACK (tens of ms to the first token).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            hint="pick another port with --port (0 takes a free one)",
        ) from None
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket, *, tls: bool = False) -> str:
    """``http://HOST:PORT`` of a bound socket (``https://`` when it speaks TLS)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


@dataclass(frozen=True, slots=True)
class Tls:
    """The certificate chain and private key the gateway serves HTTPS with (PEM files)."""

    cert: Path
    key: Path


def _config(gateway: Gateway, tls: Tls | None) -> uvicorn.Config:
    """uvicorn's settings, loaded (the TLS files read now, not at the first request).

    Raises:
        OpenMaaSError: INVALID_SETTINGS when the certificate or key cannot be read or do not
            belong together.
    """
    config = uvicorn.Config(
        GatewayApp(gateway),
        http=HTTP_PROTOCOL,
        proxy_headers=False,
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        timeout_graceful_shutdown=_SERVER_GRACE_S,
        timeout_keep_alive=30,
        ssl_certfile=None if tls is None else str(tls.cert),
        ssl_keyfile=None if tls is None else str(tls.key),
    )
    try:
        config.load()
    except (OSError, ssl.SSLError) as exc:
        raise OpenMaaSError(
            ErrorCode.INVALID_SETTINGS,
            f"cannot use the TLS certificate and key: {exc.strerror or exc}",
            hint="give --tls-cert a PEM certificate (chain) and --tls-key its PEM private key",
        ) from None
    return config


async def serve(
    gateway: Gateway,
    sock: socket.socket,
    *,
    ready: Callable[[], None],
    tls: Tls | None = None,
) -> None:
    """Serve on ``sock`` until ctrl+c or SIGTERM; ``ready`` is called once accepting.

    Args:
        gateway: what every request shares.
        sock: the listening socket (:func:`bind`).
        ready: called once, when the server is about to accept.
        tls: serve HTTPS with this certificate and key (uvicorn's ``ssl_certfile`` and
            ``ssl_keyfile``), or plain HTTP when None.

    Raises:
        OpenMaaSError: INVALID_SETTINGS for TLS files that cannot be used.
    """
    config = _config(gateway, tls)
    server = _Server(config, gateway)
    # ctrl+c and SIGTERM are the server's before the URL is printed: a client told the URL may
    # stop the gateway at once, and it still stops cleanly (uvicorn takes them only in serve).
    with server.capture_signals():
        ready()
        await server.serve(sockets=[sock])
