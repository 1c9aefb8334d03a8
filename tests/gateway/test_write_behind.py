"""A streamed body written behind its loop: the first piece at once, pieces made without a
wait between them in one write, everything written before the last write, and a failed
send raised to the loop."""

from __future__ import annotations

import asyncio

import pytest

from openmaas_tui.gateway.asgi import Message
from openmaas_tui.gateway.write_behind import MAX_QUEUED_BYTES, WriteBehind


class _Client:
    """An ASGI send that keeps each body write."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.writes: list[bytes] = []
        self.fail_after = fail_after

    async def send(self, message: Message) -> None:
        if self.fail_after is not None and len(self.writes) >= self.fail_after:
            raise OSError("the client went away")
        self.writes.append(message["body"])


async def test_the_first_piece_at_once_then_what_came_together_in_one_write() -> None:
    client = _Client()
    body = WriteBehind(client.send)
    await body.write(b"first")
    assert client.writes == [b"first"]  # before the loop waits at all
    for piece in (b"a", b"b", b"c"):  # one read's events, no wait between them
        await body.write(piece)
    assert client.writes == [b"first"]
    await asyncio.sleep(0)  # the loop waits (for the provider's next read)
    await asyncio.sleep(0)
    assert client.writes == [b"first", b"abc"]
    await body.write(b"d")
    await body.drain()
    assert client.writes == [b"first", b"abc", b"d"]
    await body.close()


async def test_drain_waits_for_every_piece_and_close_stops_the_writer() -> None:
    client = _Client()
    body = WriteBehind(client.send)
    await body.drain()  # nothing written yet: nothing to wait for
    await body.write(b"1")
    await body.write(b"2")
    await body.write(b"3")
    await body.drain()
    assert b"".join(client.writes) == b"123"
    await body.close()
    await body.close()


async def test_too_much_queued_waits_for_the_client() -> None:
    client = _Client()
    body = WriteBehind(client.send)
    await body.write(b"first")
    big = b"x" * (MAX_QUEUED_BYTES // 2)
    await body.write(big)
    assert len(client.writes) == 1
    await body.write(big)  # the limit reached: written before write returns
    assert client.writes == [b"first", big + big]
    await body.close()


async def test_a_failed_send_is_raised_to_the_loop() -> None:
    client = _Client(fail_after=1)
    body = WriteBehind(client.send)
    await body.write(b"first")
    await body.write(b"second")
    with pytest.raises(OSError, match="went away"):
        await body.drain()
    with pytest.raises(OSError, match="went away"):
        await body.write(b"third")
    await body.close()
