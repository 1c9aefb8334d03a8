"""The shared client's pool runs on the coalescing backend: a request's writes go out in one
piece at the next read, the idle check polls the socket itself, and requests still work."""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
import typing

import httpcore
import httpx
import pytest

from openmaas_tui.core.http import make_client
from openmaas_tui.core.http_backend import CoalescingBackend, CoalescingStream, is_readable
from tests.support.server import LoopbackServer, Reply


class _Recorded(httpcore.AsyncNetworkStream):
    """A stream that keeps what is written to it and answers reads from a script."""

    def __init__(self, sock: socket.socket | None = None) -> None:
        self.writes: list[bytes] = []
        self.closed = False
        self.sock = sock

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return b"answer"

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.writes.append(buffer)

    async def aclose(self) -> None:
        self.closed = True

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return self

    def get_extra_info(self, info: str) -> typing.Any:
        return self.sock if info == "socket" else None


def test_what_is_written_goes_out_in_one_piece_at_the_next_read() -> None:
    raw = _Recorded()
    stream = CoalescingStream(raw)

    async def exchange() -> bytes:
        await stream.write(b"POST / HTTP/1.1\r\n\r\n")
        await stream.write(b"")
        await stream.write(b'{"a": 1}')
        assert raw.writes == []  # nothing sent before the answer is read
        return await stream.read(100)

    assert asyncio.run(exchange()) == b"answer"
    assert raw.writes == [b'POST / HTTP/1.1\r\n\r\n{"a": 1}']
    asyncio.run(stream.read(100))
    assert len(raw.writes) == 1  # nothing more was written


def test_the_idle_check_polls_the_socket() -> None:
    mine, theirs = socket.socketpair()
    try:
        stream = CoalescingStream(_Recorded(mine))
        assert stream.get_extra_info("is_readable") is False
        theirs.close()  # the server closed the idle connection
        assert stream.get_extra_info("is_readable") is True
        assert is_readable(mine)
    finally:
        mine.close()
    assert is_readable(mine)  # a closed socket counts as readable


def test_the_idle_check_works_without_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no select.poll: select() answers there."""
    monkeypatch.delattr(select, "poll")
    mine, theirs = socket.socketpair()
    try:
        assert not is_readable(mine)
        theirs.sendall(b"x")
        assert is_readable(mine)
    finally:
        mine.close()
        theirs.close()


def test_the_shared_client_uses_the_backend_and_its_requests_work() -> None:
    server = LoopbackServer(lambda _: Reply(body=b'{"ok": true}', content_type="application/json"))

    async def ask() -> tuple[object, list[bytes]]:
        client = make_client()
        try:
            answers = []
            for _ in range(3):  # the same connection, kept alive, asked again
                response = await client.post(server.url + "/v1/x", json={"model": "m"})
                answers.append(response.content)
            transport = client._transport._transport  # type: ignore[attr-defined]
            return transport._pool._network_backend, answers
        finally:
            await client.aclose()

    server.start_in_thread()
    try:
        backend, answers = asyncio.run(ask())
    finally:
        server.stop_thread()
    assert isinstance(backend, CoalescingBackend)
    assert answers == [b'{"ok": true}'] * 3
    assert [request.json() for request in server.requests] == [{"model": "m"}] * 3


def test_httpx_still_builds_the_pool_the_backend_is_put_on() -> None:
    """The two private names :func:`use_backend` relies on (httpx 0.28, httpcore 1.0)."""
    transport = httpx.AsyncHTTPTransport()
    assert isinstance(transport._pool, httpcore.AsyncConnectionPool)
    assert hasattr(transport._pool, "_network_backend")
