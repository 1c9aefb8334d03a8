"""One pooled connection on asyncio's transport, as httpcore reads and writes it: writes go out
in one piece at the next read, reads take what was received (split at the size asked), wait
with a deadline, end cleanly or with the connection's error, reading pauses while too much is
unread, writing waits while asyncio holds too much, and the idle check answers from what the
protocol was told."""

from __future__ import annotations

import asyncio
import select
import socket

import httpcore
import pytest

from openmaas_tui.core import http_stream
from openmaas_tui.core.http_stream import AsyncioStream, ReceiveProtocol, is_readable


class _Transport(asyncio.Transport):
    """A transport that keeps what is written to it and what it was asked to do."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closing = False
        self.aborted = False
        self.reading = True
        self.buffered = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = self.aborted = True

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_reading(self) -> bool:
        return self.reading

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 443), "sockname": ("127.0.0.1", 50000)}.get(name, default)


def _connected() -> tuple[AsyncioStream, ReceiveProtocol, _Transport]:
    protocol = ReceiveProtocol()
    transport = _Transport()
    protocol.connection_made(transport)
    return AsyncioStream(protocol), protocol, transport


async def test_what_is_written_goes_out_in_one_piece_at_the_next_read() -> None:
    stream, protocol, transport = _connected()
    await stream.write(b"POST / HTTP/1.1\r\n\r\n")
    await stream.write(b"")
    await stream.write(b'{"a": 1}')
    assert transport.writes == []  # nothing sent before the answer is read
    protocol.data_received(b"answer")
    assert await stream.read(100) == b"answer"
    assert transport.writes == [b'POST / HTTP/1.1\r\n\r\n{"a": 1}']
    protocol.data_received(b"more")
    assert await stream.read(100) == b"more"
    assert len(transport.writes) == 1  # nothing more was written


async def test_a_read_takes_what_was_received_at_most_the_size_asked() -> None:
    stream, protocol, _ = _connected()
    protocol.data_received(b"abcdef")
    protocol.data_received(b"gh")
    assert await stream.read(4) == b"abcd"
    assert await stream.read(100) == b"ef"  # the rest of the first piece first
    assert await stream.read(100) == b"gh"
    assert protocol.size == 0


async def test_a_read_waits_for_bytes() -> None:
    stream, protocol, _ = _connected()
    reading = asyncio.ensure_future(stream.read(100, timeout=5))
    await asyncio.sleep(0)
    assert not reading.done()
    protocol.data_received(b"late")
    assert await reading == b"late"


async def test_a_read_gives_up_after_its_timeout() -> None:
    stream, protocol, _ = _connected()
    with pytest.raises(httpcore.ReadTimeout):
        await stream.read(100, timeout=0.01)
    protocol.data_received(b"then")  # the connection still reads what comes after
    assert await stream.read(100) == b"then"


async def test_the_end_of_the_stream_reads_empty_after_what_was_received() -> None:
    stream, protocol, _ = _connected()
    protocol.data_received(b"last")
    protocol.eof_received()
    assert await stream.read(100) == b"last"
    assert await stream.read(100) == b""


async def test_a_broken_connection_is_a_read_error_and_a_write_error() -> None:
    stream, protocol, _ = _connected()
    reading = asyncio.ensure_future(stream.read(100, timeout=5))
    await asyncio.sleep(0)
    protocol.connection_lost(ConnectionResetError("reset by peer"))
    with pytest.raises(httpcore.ReadError, match="reset by peer"):
        await reading
    await stream.write(b"again")
    with pytest.raises(httpcore.WriteError, match="reset by peer"):
        await stream.read(100)


async def test_reading_pauses_while_too_much_is_unread() -> None:
    stream, protocol, transport = _connected()
    piece = b"x" * (1 << 16)
    for _ in range((http_stream._PAUSE_BYTES // len(piece)) - 1):
        protocol.data_received(piece)
    assert transport.reading
    protocol.data_received(piece)
    assert not transport.reading
    while protocol.size > http_stream._RESUME_BYTES:
        assert not transport.reading
        await stream.read(1 << 16)
    assert transport.reading


async def test_a_write_waits_while_asyncio_holds_too_much() -> None:
    stream, protocol, transport = _connected()
    protocol.pause_writing()
    await stream.write(b"request")
    reading = asyncio.ensure_future(stream.read(100, timeout=5))
    await asyncio.sleep(0)
    assert transport.writes == [b"request"]
    assert not reading.done()
    protocol.resume_writing()
    protocol.data_received(b"answer")
    assert await reading == b"answer"


async def test_a_write_gives_up_after_its_timeout() -> None:
    stream, protocol, _ = _connected()
    protocol.pause_writing()
    await stream.write(b"request", timeout=0.01)
    with pytest.raises(httpcore.WriteTimeout):
        await stream.read(100)


async def test_the_idle_check_answers_from_what_the_protocol_was_told() -> None:
    stream, protocol, transport = _connected()
    assert stream.get_extra_info("is_readable") is False
    protocol.data_received(b"unasked")  # a server speaking out of turn: not reusable
    assert stream.get_extra_info("is_readable") is True
    stream, protocol, transport = _connected()
    protocol.eof_received()
    assert stream.get_extra_info("is_readable") is True
    stream, protocol, transport = _connected()
    await stream.write(b"unsent")
    assert stream.get_extra_info("is_readable") is True
    assert stream.get_extra_info("server_addr") == ("127.0.0.1", 443)
    assert stream.get_extra_info("client_addr") == ("127.0.0.1", 50000)
    assert stream.get_extra_info("ssl_object") is None


async def test_closing_lets_go_of_a_server_that_stopped_reading() -> None:
    stream, _, transport = _connected()
    await stream.aclose()
    assert transport.closing and not transport.aborted
    stream, _, transport = _connected()
    transport.buffered = 10
    await stream.aclose()
    assert transport.aborted


def test_the_socket_poll_sees_a_close() -> None:
    mine, theirs = socket.socketpair()
    try:
        assert not is_readable(mine)
        theirs.close()  # the server closed the idle connection
        assert is_readable(mine)
    finally:
        mine.close()
    assert is_readable(mine)  # a closed socket counts as readable


def test_the_socket_poll_works_without_poll(monkeypatch: pytest.MonkeyPatch) -> None:
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
