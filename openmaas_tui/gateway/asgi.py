"""The few ASGI shapes the gateway speaks, over the bare ASGI 3 interface.

No web framework sits between uvicorn and the gateway: a request is one ``scope`` plus the
``receive`` and ``send`` callables (https://asgi.readthedocs.io/en/latest/specs/www.html), and
these helpers read a body, answer with JSON, and start and feed a ``text/event-stream``.
Response headers never include CORS headers: no browser page may read the gateway.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from openmaas_tui.gateway.stop import StopSignal

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


async def until_disconnect(
    work: Awaitable[None], receive: Receive, stopping: StopSignal, grace_s: float
) -> str:
    """Run ``work`` (which answers the request) in the calling task, cancelling it if the
    client goes away first (an abandoned answer is stopped at once and its upstream connection
    closed), or if it is still running ``grace_s`` seconds after ``stopping`` is set (the
    gateway shutting down).

    ``work`` runs where it is awaited, not in a task of its own: one task watches for the
    client leaving, and the stop is a callback (:class:`~.stop.StopSignal`), so an answer's
    first byte waits for no extra turn of the event loop. Must be called once the request body
    has been read.

    Returns:
        ``"done"`` when ``work`` ran to its end, ``"left"`` when the client left first,
        ``"stopped"`` when the gateway's stop cut it short.

    Raises:
        asyncio.CancelledError: the calling task was cancelled by someone else (the server);
            ``work`` was cancelled with it.
    """
    task = asyncio.current_task()
    if task is None:
        raise RuntimeError("until_disconnect runs in a task")
    loop = asyncio.get_running_loop()
    outcome = "done"
    timer: asyncio.TimerHandle | None = None

    def cut(why: str) -> None:
        nonlocal outcome
        if outcome == "done":
            outcome = why
            task.cancel()

    def on_stop() -> None:  # let the answer finish for a while
        nonlocal timer
        timer = loop.call_later(grace_s, cut, "stopped")

    async def watch() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        cut("left")

    watcher = loop.create_task(watch())
    stopping.subscribe(on_stop)
    try:
        await work
    except asyncio.CancelledError:
        if outcome == "done" or task.uncancel() > 0:  # not (only) our cut: the server's
            raise
        return outcome
    finally:
        watcher.cancel()
        stopping.unsubscribe(on_stop)
        if timer is not None:
            timer.cancel()
    if outcome != "done":  # cut, but ``work`` ended without raising: the cut is spent
        task.uncancel()
    return outcome
