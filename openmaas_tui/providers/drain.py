"""Reading what follows a stream's last event, through the reader the events came from.

A server sends a little after an answer's terminal event (``data: [DONE]``,
``response.completed``): at least the end of the chunked body. It is read so the connection
goes back to the pool for the next request, and it is read through the same iterator the events
were read with, to its end: then every reader under it (this project's SSE framing, httpx's
and httpcore's byte streams, all async generators) ends by itself. Reading the response's byte
stream afresh instead leaves those readers suspended, and the garbage collector hands each to
the event loop's async generator finaliser (a wake-up of the loop through its self-pipe, and a
task to close it): nine per request on the OpenAI path, a share of the gateway's CPU per
request (https://docs.python.org/3/library/sys.html#sys.set_asyncgen_hooks).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx

DRAIN_S = 1.0
"""The most seconds spent reading what follows a stream's terminal event."""


async def drain(reads: AsyncIterator[object]) -> None:
    """Read ``reads`` (the iterator a stream's events were read with, past its terminal event)
    to its end, giving up after :data:`DRAIN_S` seconds; a transport error on the way is
    ignored (the answer is whole already; httpx then closes the connection)."""
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(DRAIN_S):
            async for _ in reads:
                pass
