"""The shared client's transport (aiohttp under httpx) over real loopback connections: what is
sent is the request httpx built, connections are kept and not reused once closed, TLS works
and an untrusted certificate points at SSL_CERT_FILE, and every failure is the httpx error the
adapters map to the right code."""

from __future__ import annotations

import asyncio
import gzip
import ssl
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.http import make_client
from openmaas_tui.providers.http_errors import map_transport_error
from tests.support.certificates import self_signed

_ANSWER = (
    b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class _Server:
    """A raw asyncio server on 127.0.0.1: counts connections, keeps each request's bytes."""

    def __init__(self, handler: Handler, context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.context = context
        self.connections = 0
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> _Server:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            try:
                await self.handler(reader, writer)
            except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
                pass
            finally:
                writer.close()

        self.server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=self.context)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    def url(self, scheme: str = "http") -> str:
        assert self.server is not None
        return f"{scheme}://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"


async def _read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head + await reader.readexactly(length)


async def _keep_answering(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        await _read_request(reader)
        writer.write(_ANSWER)
        await writer.drain()


async def test_requests_keep_their_connection_and_send_what_httpx_built() -> None:
    seen: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            seen.append(await _read_request(reader))
            writer.write(_ANSWER)
            await writer.drain()

    async with _Server(answer) as server, make_client() as client:
        request = client.build_request("POST", server.url() + "/v1/x?a=1", json={"model": "m"})
        answers = [(await client.send(request)).json() for _ in range(3)]
    assert answers == [{"ok": True}] * 3
    assert server.connections == 1
    head, _, body = seen[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v1/x?a=1 HTTP/1.1"
    sent = [tuple(line.split(": ", 1)) for line in lines[1:]]
    assert sent == [(name.decode(), value.decode()) for name, value in request.headers.raw]
    assert body == b'{"model":"m"}'


async def test_an_idle_connection_the_server_closed_is_not_reused() -> None:
    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(_ANSWER)  # keep-alive announced, yet closed once answered
        await writer.drain()

    async with _Server(answer_once) as server, make_client() as client:
        first = await client.get(server.url())
        await asyncio.sleep(0.05)  # the close reaches the client
        second = await client.get(server.url())
    assert first.json() == second.json() == {"ok": True}
    assert server.connections == 2


def _tls_context(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


async def test_a_request_over_tls_is_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context, cert = _tls_context(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts this certificate
    async with _Server(_keep_answering, context) as server, make_client() as client:
        answers = [(await client.get(server.url("https"))).json() for _ in range(2)]
    assert answers == [{"ok": True}] * 2
    assert server.connections == 1


async def test_a_certificate_not_trusted_points_at_ssl_cert_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context, _ = _tls_context(tmp_path)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    async with _Server(_keep_answering, context) as server, make_client() as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get(server.url("https"))
    error = map_transport_error("openai", caught.value, mid_stream=False)
    assert error.code is ErrorCode.STREAM_CONNECTION_FAILED and not error.transient
    assert error.hint is not None and "SSL_CERT_FILE" in error.hint


async def test_a_refused_connection_is_a_connect_error() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()  # nothing listens there any more
    async with make_client() as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get(f"http://127.0.0.1:{port}/")
    assert caught.value.request.url.port == port
    assert str(caught.value).startswith(f"127.0.0.1:{port}: ")  # the host, then the reason
    error = map_transport_error("openai", caught.value, mid_stream=False)
    assert error.code is ErrorCode.STREAM_CONNECTION_FAILED and error.transient


async def test_waiting_too_long_for_a_pooled_connection_is_a_connect_timeout() -> None:
    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n")  # the body never comes
        await writer.drain()
        await asyncio.sleep(5)

    async with _Server(hold) as server, make_client(max_connections=1) as client:
        async with client.stream("GET", server.url()):  # the pool's one connection, busy
            with pytest.raises(httpx.ConnectTimeout):
                await client.get(server.url(), timeout=httpx.Timeout(5, pool=0.05))


async def test_no_byte_for_the_read_timeout_is_a_read_timeout_naming_it() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        await asyncio.sleep(5)

    async with _Server(silent) as server, make_client(read_timeout_s=0.05) as client:
        with pytest.raises(httpx.ReadTimeout) as caught:
            await client.get(server.url())
    error = map_transport_error("openai", caught.value, mid_stream=False)
    assert error.code is ErrorCode.STREAM_TIMEOUT
    assert "no data from openai for 0.05 s" in error.message


async def test_a_body_that_stops_coming_is_a_read_timeout() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc")
        await writer.drain()
        await asyncio.sleep(5)

    async with _Server(stall) as server, make_client(read_timeout_s=0.05) as client:
        async with client.stream("GET", server.url()) as response:
            with pytest.raises(httpx.ReadTimeout):
                await response.aread()


async def test_a_close_before_the_answer_is_a_protocol_error_worth_retrying() -> None:
    async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)

    async with _Server(close) as server, make_client() as client:
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            await client.get(server.url())
    error = map_transport_error("openai", caught.value, mid_stream=False)
    assert error.code is ErrorCode.STREAM_CONNECTION_FAILED and error.transient


async def test_a_close_mid_body_interrupts_the_stream_keeping_what_arrived() -> None:
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n")
        await writer.drain()

    received = b""
    async with _Server(drop) as server, make_client() as client:
        async with client.stream("GET", server.url()) as response:
            with pytest.raises(httpx.RemoteProtocolError) as caught:
                async for piece in response.aiter_bytes():
                    received += piece
    assert received == b"hello"
    error = map_transport_error("openai", caught.value, mid_stream=True)
    assert error.code is ErrorCode.STREAM_INTERRUPTED


async def test_an_answer_not_http_is_a_protocol_error() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        await writer.drain()

    async with _Server(garbage) as server, make_client() as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(server.url())


async def test_leaving_a_stream_early_closes_its_connection() -> None:
    closed = asyncio.Event()

    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if server.connections > 1:
            return await _keep_answering(reader, writer)
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        try:
            while True:
                writer.write(b"5\r\ntoken\r\n")
                await writer.drain()
                await asyncio.sleep(0.001)
        finally:
            closed.set()

    async with _Server(endless) as server, make_client() as client:
        async with client.stream("GET", server.url()) as response:
            async for _ in response.aiter_bytes():
                break  # the reader went away (a cancel, a stop)
        await asyncio.wait_for(closed.wait(), 2)
        assert (await client.get(server.url())).json() == {"ok": True}
    assert server.connections == 2


async def test_an_encoded_body_is_decoded_by_httpx_and_long_headers_are_fine() -> None:
    body = gzip.compress(b'{"ok":true}')
    trace = "x" * 20_000

    async def zipped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        head = f"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\nx-trace: {trace}\r\n"
        writer.write(head.encode() + b"content-length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()

    async with _Server(zipped) as server, make_client() as client:
        response = await client.get(server.url())
    assert response.json() == {"ok": True}
    assert response.headers["x-trace"] == trace


async def test_a_big_answer_read_slowly_arrives_whole() -> None:
    body = bytes(range(256)) * (3 * 4096)  # 3 MiB

    async def send_all(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()

    received = bytearray()
    async with _Server(send_all) as server, make_client() as client:
        async with client.stream("GET", server.url()) as response:
            async for piece in response.aiter_raw():
                received += piece
                await asyncio.sleep(0.0005)  # a slow reader: the server is faster
    assert bytes(received) == body


async def test_credentials_in_the_url_never_reach_the_request_line() -> None:
    seen: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        seen.append(await _read_request(reader))
        writer.write(_ANSWER)
        await writer.drain()

    async with _Server(answer) as server, make_client() as client:
        url = server.url().replace("http://", "http://me:k3y-in-url@", 1) + "/v1/models"
        response = await client.get(url, headers={"authorization": "Bearer sk-test-0000"})
    assert response.json() == {"ok": True}
    request_line, _, _ = seen[0].partition(b"\r\n")
    assert request_line == b"GET /v1/models HTTP/1.1"


async def test_each_chunk_is_read_on_its_own_and_a_late_chunk_end_ends_nothing() -> None:
    async def late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        writer.write(b"5\r\nhello")  # the chunk's data, its closing line later
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"\r\n6\r\n world\r\n1\r\n!\r\n")
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    async with _Server(late) as server, make_client() as client:
        async with client.stream("GET", server.url()) as response:
            pieces = [piece async for piece in response.aiter_raw()]
    assert pieces == [b"hello", b" world", b"!"]
