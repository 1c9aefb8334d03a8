"""A streamed answer's body written behind the loop that makes it, in as few writes as the
provider's reads allow.

A provider's stream reaches the gateway in socket reads that often hold many of its HTTP
chunks (one kilobyte-sized write of the provider's each), and the exchange hands on each chunk's
events as soon as it is parsed, without waiting between them. Writing each chunk's bytes to the
client at once costs one system call (and one wake-up of the client) per chunk: on a fast
stream that was the largest share of the gateway's CPU. :class:`WriteBehind` writes the first
piece at once (the client's time to its first token), then queues the pieces and has a task
of its own write everything queued, in one write, whenever the loop making them waits (for
the provider's next read, or for the exchange's turn every few milliseconds). Nothing waits
longer than the loop takes to reach its next wait; more than :data:`MAX_QUEUED_BYTES` queued
makes the loop wait for the client (backpressure, as a direct write would).
"""

from __future__ import annotations

import asyncio

from openmaas_tui.gateway.asgi import Send, send_bytes

MAX_QUEUED_BYTES = 256 * 1024
"""The most bytes queued before the loop making them waits until they are written."""


class WriteBehind:
    """The body of one streamed answer (see the module docstring); its head was sent.

    Call :meth:`write` for each piece, then :meth:`drain` before the body's last write (which
    the caller makes itself), and :meth:`close` in any case (a ``finally``).

    Args:
        send: the ASGI send callable of the request.
    """

    def __init__(self, send: Send) -> None:
        self._send = send
        self._pieces: list[bytes] = []
        self._queued = 0
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._writer: asyncio.Task[None] | None = None

    async def write(self, data: bytes) -> None:
        """Send ``data``: the first piece at once, later ones queued for the writer.

        Raises:
            Exception: whatever the writer's last send raised.
        """
        writer = self._writer
        if writer is None:
            await send_bytes(self._send, data)
            self._writer = asyncio.create_task(self._run())
            return
        if writer.done():
            writer.result()  # its failure, raised here
        self._pieces.append(data)
        self._queued += len(data)
        self._idle.clear()
        self._wake.set()
        if self._queued >= MAX_QUEUED_BYTES:
            await self.drain()

    async def drain(self) -> None:
        """Wait until every queued piece was written.

        Raises:
            Exception: whatever the writer's send raised.
        """
        writer = self._writer
        if writer is None or not self._pieces and self._idle.is_set():
            return
        idle = asyncio.ensure_future(self._idle.wait())
        try:
            await asyncio.wait((idle, writer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            idle.cancel()
        if writer.done():
            writer.result()

    async def close(self) -> None:
        """Stop the writer; what is still queued is dropped (the answer was cut short)."""
        writer = self._writer
        if writer is not None and not writer.done():
            writer.cancel()
            await asyncio.wait((writer,))

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pieces:
                data = b"".join(self._pieces)
                self._pieces.clear()
                self._queued = 0
                await send_bytes(self._send, data)
            self._idle.set()
