"""The few ASGI shapes the gateway speaks, over the bare ASGI 3 interface.

No web framework sits between uvicorn and the gateway: a request is one ``scope`` plus the
``receive`` and ``send`` callables (https://asgi.readthedocs.io/en/latest/specs/www.html), and
these helpers read a body, answer with JSON, and start and feed a ``text/event-stream``.
Response headers never include CORS headers: no browser page may read the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

MAX_BODY_BYTES = 32 * 1024 * 1024
"""The largest request body read, in bytes (a long conversation with a few images)."""

JSON_TYPE = (b"content-type", b"application/json")
SSE_HEADERS: Headers = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


class BodyTooLarge(Exception):
    """The request body is larger than :data:`MAX_BODY_BYTES`."""


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of request header ``name`` (lowercase), or None."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


async def read_body(receive: Receive) -> bytes:
    """The whole request body.

    Raises:
        BodyTooLarge: past :data:`MAX_BODY_BYTES`.
    """
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # http.disconnect: the client left
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise BodyTooLarge
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def encode_headers(extra: Iterable[tuple[str, str]]) -> Headers:
    """``(name, value)`` text pairs as ASGI header byte pairs (latin-1, as HTTP/1.1 wants)."""
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra]


async def send_json(
    send: Send, status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()
) -> None:
    """Answer with ``payload`` as a JSON body."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                JSON_TYPE,
                (b"content-length", str(len(body)).encode()),
                *encode_headers(headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def start_stream(send: Send, headers: Iterable[tuple[str, str]] = ()) -> None:
    """Start a 200 ``text/event-stream`` answer."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*SSE_HEADERS, *encode_headers(headers)],
        }
    )


async def send_bytes(send: Send, data: bytes, *, more: bool = True) -> None:
    """Send a piece of the body; ``more=False`` ends it."""
    await send({"type": "http.response.body", "body": data, "more_body": more})


async def _disconnected(receive: Receive) -> None:
    """Return once the client has gone (``http.disconnect``)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def until_disconnect(
    work: Awaitable[None], receive: Receive, stopping: asyncio.Event, grace_s: float
) -> str:
    """Run ``work`` (which answers the request), cancelling it if the client goes away first
    (an abandoned answer is stopped at once and its upstream connection closed), or if it is
    still running ``grace_s`` seconds after ``stopping`` is set (the gateway shutting down).

    Must be called once the request body has been read.

    Returns:
        ``"done"`` when ``work`` ran to its end, ``"left"`` when the client left first,
        ``"stopped"`` when the gateway's stop cut it short.
    """
    task = asyncio.ensure_future(work)
    watcher = asyncio.ensure_future(_disconnected(receive))
    stop = asyncio.ensure_future(stopping.wait())
    outcome = "done"
    try:
        done, _ = await asyncio.wait((task, watcher, stop), return_when=asyncio.FIRST_COMPLETED)
        if task not in done and watcher not in done:  # stopping: let it finish for a while
            done, _ = await asyncio.wait((task, watcher), timeout=grace_s)
            outcome = "stopped"
        if task in done:
            task.result()  # its failure, if any, is the caller's
            return "done"
        outcome = "left" if watcher in done else outcome
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return outcome
    finally:
        watcher.cancel()
        stop.cancel()
        if not task.done():  # the server itself cancelled us: stop the answer too
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
