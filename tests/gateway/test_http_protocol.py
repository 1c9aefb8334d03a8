"""An answer's head goes out with the write after it: one system call where there were two,
and no byte of a body kept waiting."""

from __future__ import annotations

import asyncio
import socket
from asyncio import selector_events
from typing import Any

import httpx
import pytest
import uvicorn

from openmaas_tui.gateway.asgi import Receive, Scope, Send
from openmaas_tui.gateway.http_protocol import GatewayHttpProtocol, HeadJoiningTransport

HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n"


class _Socket(asyncio.Transport):
    """A transport that keeps each write (one system call each)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_write_buffer_size(self) -> int:
        return 0


async def test_the_head_goes_with_the_next_write_and_a_body_write_at_once() -> None:
    sock = _Socket()
    transport = HeadJoiningTransport(sock, asyncio.get_running_loop())
    transport.write(HEAD)
    assert sock.writes == []
    assert transport.get_write_buffer_size() == len(HEAD)
    transport.write(b"5\r\nfirst\r\n")
    assert sock.writes == [HEAD + b"5\r\nfirst\r\n"]
    transport.write(b"4\r\nnext\r\n")  # a body write: at once, alone
    assert sock.writes[1:] == [b"4\r\nnext\r\n"]
    await asyncio.sleep(0)
    assert len(sock.writes) == 2  # nothing left for the end of the turn


async def test_a_head_alone_goes_at_the_end_of_the_turn_or_before_a_close() -> None:
    sock = _Socket()
    transport = HeadJoiningTransport(sock, asyncio.get_running_loop())
    transport.write(HEAD)
    await asyncio.sleep(0)
    assert sock.writes == [HEAD]
    transport.write(HEAD)
    transport.close()
    assert sock.writes == [HEAD, HEAD] and sock.closed
    await asyncio.sleep(0)
    assert len(sock.writes) == 2


async def test_an_aborted_connection_drops_the_head() -> None:
    sock = _Socket()
    aborted: list[bool] = []
    sock.abort = lambda: aborted.append(True)  # type: ignore[method-assign]
    transport = HeadJoiningTransport(sock, asyncio.get_running_loop())
    transport.write(HEAD)
    transport.abort()
    await asyncio.sleep(0)
    assert sock.writes == [] and aborted == [True]


async def _stream(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/event-stream")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"data: first\n\n", "more_body": True})
    await asyncio.sleep(0.01)
    await send({"type": "http.response.body", "body": b"data: last\n\n", "more_body": False})


async def test_the_server_sends_a_streamed_answers_head_with_its_first_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent: list[bytes] = []
    socket_transport: Any = getattr(selector_events, "_SelectorSocketTransport")  # noqa: B009
    write = socket_transport.write

    def counted(self: Any, data: Any) -> None:
        sent.append(bytes(data))
        write(self, data)

    monkeypatch.setattr(socket_transport, "write", counted)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        _stream, http=GatewayHttpProtocol, lifespan="off", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            await asyncio.sleep(0.01)
        async with httpx.AsyncClient() as client:
            reply = await client.get(f"http://127.0.0.1:{port}/")
        assert reply.text == "data: first\n\ndata: last\n\n"
    finally:
        server.should_exit = True
        await serving
    heads = [data for data in sent if data.startswith(b"HTTP/1.1 200")]
    assert len(heads) == 1
    assert heads[0].endswith(b"\r\n\r\nd\r\ndata: first\n\n\r\n")  # the head and the first piece
