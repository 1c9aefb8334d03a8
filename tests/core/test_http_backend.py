"""The shared client's pool runs on asyncio's own transports: requests work and reuse their
connection, over TLS too (a certificate not trusted is the error that points at
SSL_CERT_FILE), a refused connection and a Unix socket are httpcore's, and an idle connection
the server closed is not reused."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import httpcore
import httpx
import pytest

from openmaas_tui.core.http import make_client
from openmaas_tui.core.http_backend import AsyncioBackend, _connected
from openmaas_tui.core.http_stream import AsyncioStream
from openmaas_tui.providers.http_errors import map_transport_error
from tests.support.certificates import self_signed
from tests.support.server import LoopbackServer, Reply

_ANSWER = (
    b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
)


def _pool_streams(client: httpx.AsyncClient) -> list[object]:
    transport = client._transport._transport  # type: ignore[attr-defined]
    pool = transport._pool
    assert isinstance(pool._network_backend, AsyncioBackend)
    return [connection._connection._network_stream for connection in pool.connections]


async def test_the_shared_client_uses_the_backend_and_keeps_its_connection() -> None:
    server = LoopbackServer(lambda _: Reply(body=b'{"ok": true}', content_type="application/json"))
    await server.start()
    client = make_client()
    try:
        answers = []
        for _ in range(3):  # the same connection, kept alive, asked again
            response = await client.post(server.url + "/v1/x", json={"model": "m"})
            answers.append(response.content)
        streams = _pool_streams(client)
    finally:
        await client.aclose()
        await server.stop()
    assert answers == [b'{"ok": true}'] * 3
    assert [request.json() for request in server.requests] == [{"model": "m"}] * 3
    assert len(streams) == 1 and isinstance(streams[0], AsyncioStream)


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    connections = 0

    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await reader.readuntil(b"\r\n\r\n")
        writer.write(_ANSWER)
        await writer.drain()
        writer.close()  # keep-alive announced, yet closed once answered

    server = await asyncio.start_server(answer_once, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = make_client()
    try:
        first = await client.get(f"http://127.0.0.1:{port}/")
        await asyncio.sleep(0.05)  # the close reaches the client
        second = await client.get(f"http://127.0.0.1:{port}/")
    finally:
        await client.aclose()
        server.close()
    assert first.json() == second.json() == {"ok": True}
    assert connections == 2


async def _tls_server(cert: Path, key: Path) -> asyncio.Server:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(_ANSWER)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            writer.close()

    return await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)


async def test_a_request_over_tls_is_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate
    server = await _tls_server(cert, key)
    port = server.sockets[0].getsockname()[1]
    client = make_client()
    try:
        answers = [(await client.get(f"https://127.0.0.1:{port}/")).json() for _ in range(2)]
        streams = _pool_streams(client)
    finally:
        await client.aclose()
        server.close()
    assert answers == [{"ok": True}] * 2
    assert len(streams) == 1 and isinstance(streams[0], AsyncioStream)
    assert isinstance(streams[0].get_extra_info("ssl_object"), ssl.SSLObject)


async def test_a_certificate_not_trusted_points_at_ssl_cert_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    server = await _tls_server(cert, key)
    port = server.sockets[0].getsockname()[1]
    client = make_client()
    try:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get(f"https://127.0.0.1:{port}/")
    finally:
        await client.aclose()
        server.close()
    error = map_transport_error("openai", caught.value, mid_stream=False)
    assert error.hint is not None and "SSL_CERT_FILE" in error.hint


async def test_a_refused_connection_is_a_connect_error() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()  # nothing listens there any more
    with pytest.raises(httpcore.ConnectError):
        await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)


async def test_a_connection_that_never_opens_times_out() -> None:
    never: asyncio.Future[tuple[asyncio.BaseTransport, object]]
    never = asyncio.get_running_loop().create_future()
    with pytest.raises(httpcore.ConnectTimeout):
        await _connected(never, 0.01, None)  # type: ignore[arg-type]


async def test_a_unix_socket_connects(tmp_path: Path) -> None:
    path = str(tmp_path / "server.sock")

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(_ANSWER)
        await writer.drain()
        writer.close()

    server = await asyncio.start_unix_server(answer, path)
    try:
        stream = await AsyncioBackend().connect_unix_socket(path, timeout=5)
        await stream.write(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        received = b""
        while chunk := await stream.read(1024, timeout=5):
            received += chunk
        await stream.aclose()
    finally:
        server.close()
    assert received == _ANSWER


def test_httpx_still_builds_the_pool_the_backend_is_put_on() -> None:
    """The two private names :func:`use_backend` relies on (httpx 0.28, httpcore 1.0)."""
    transport = httpx.AsyncHTTPTransport()
    assert isinstance(transport._pool, httpcore.AsyncConnectionPool)
    assert hasattr(transport._pool, "_network_backend")
