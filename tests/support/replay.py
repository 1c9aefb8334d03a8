"""The replay server: recorded provider responses served on loopback, byte for byte.

A fixture is a body file beside a ``.meta.json`` (``tests/fixtures/<provider>/<name>.sse`` and
``<name>.meta.json``, the layout of the recorded corpus): the meta gives the status, content
type and response headers. Bodies can be cut at event boundaries and paced, to replay a stream
with realistic timing.

Run by hand, from the repository root::

    python -m tests.support.replay tests/fixtures/anthropic/stream_text.sse [--port N] [--delay S]

prints the URL (``http://127.0.0.1:PORT``; a free port unless ``--port`` names one) and serves
that recording to every request, its events ``--delay`` seconds apart (default 0.05), until
ctrl+c. Point a client at it, e.g.
``openmaas ask --provider anthropic --base-url http://127.0.0.1:PORT -m claude-sonnet-4-5 "hi"``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.support.server import LoopbackServer, Reply, Request

_EVENT_END = re.compile(rb"\r\n\r\n|\n\n|\r\r")


def split_events(body: bytes) -> list[bytes]:
    """Cut an SSE body after each blank line (``\\n\\n``, ``\\r\\n\\r\\n`` or ``\\r\\r``), or an
    NDJSON body after each line; the pieces joined give back ``body`` exactly."""
    pieces: list[bytes] = []
    start = 0
    pattern = _EVENT_END if _EVENT_END.search(body) else re.compile(rb"\n")
    for match in pattern.finditer(body):
        pieces.append(body[start : match.end()])
        start = match.end()
    if start < len(body):
        pieces.append(body[start:])
    return pieces


EVENT_STREAM = "application/vnd.amazon.eventstream"
"""The content type of AWS event streams (Bedrock ConverseStream): binary frames."""


def split_frames(body: bytes) -> list[bytes]:
    """Cut an AWS event-stream body after each frame (each starts with its total length, a
    big-endian uint32); a tail too short to be a frame is kept as the last piece. The pieces
    joined give back ``body`` exactly."""
    pieces: list[bytes] = []
    start = 0
    while start + 4 <= len(body):
        size = int.from_bytes(body[start : start + 4], "big")
        if size < 16 or start + size > len(body):
            break
        pieces.append(body[start : start + size])
        start += size
    if start < len(body):
        pieces.append(body[start:])
    return pieces


def split_body(body: bytes, content_type: str) -> list[bytes]:
    """A recorded body cut at its events: frames of an AWS event stream, else SSE events or
    NDJSON lines (:func:`split_events`)."""
    if content_type.partition(";")[0].strip() == EVENT_STREAM:
        return split_frames(body)
    return split_events(body)


def load_meta(body_path: Path) -> dict[str, Any]:
    """The ``.meta.json`` beside a fixture body."""
    meta_path = body_path.with_name(body_path.name.rsplit(".", 1)[0] + ".meta.json")
    result: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    return result


def fixture_reply(
    body_path: Path | str,
    *,
    chunked: bool = True,
    chunk_delay_s: float = 0.0,
    first_byte_delay_s: float = 0.0,
    drop_after: int | None = None,
) -> Reply:
    """A :class:`Reply` that replays the fixture at ``body_path`` with its recorded status,
    content type and headers; streams are cut at event boundaries (AWS event-stream frames)
    when ``chunked``."""
    path = Path(body_path)
    meta = load_meta(path)
    body = path.read_bytes()
    headers = {k: str(v) for k, v in (meta.get("response_headers") or {}).items()}
    content_type = meta.get("content_type") or "application/json"
    return Reply(
        status=int(meta["status"]),
        body=body,
        content_type=content_type,
        headers=headers,
        chunks=split_body(body, content_type) if chunked else None,
        chunk_delay_s=chunk_delay_s,
        first_byte_delay_s=first_byte_delay_s,
        drop_after=drop_after,
    )


class ReplayServer(LoopbackServer):
    """A loopback server answering from queued replies.

    ``queue(reply)`` answers the next request with ``reply``; ``queue(reply, path=P)`` the next
    request for path P. When nothing is queued, the ``default`` reply is served again (a copy
    each time). Requests are recorded in ``requests``.
    """

    def __init__(self, default: Reply | None = None) -> None:
        super().__init__(self._answer)
        self.default = default
        self._queued: deque[tuple[str | None, Reply]] = deque()

    def queue(self, reply: Reply, *, path: str | None = None) -> None:
        """Answer the next matching request with ``reply``."""
        self._queued.append((path, reply))

    def _answer(self, request: Request) -> Reply:
        for item in self._queued:
            path, reply = item
            if path is None or request.path == path:
                self._queued.remove(item)
                return reply
        if self.default is not None:
            return replace(self.default, headers=dict(self.default.headers))
        return Reply.json_body({"error": {"message": f"nothing queued for {request.path}"}}, 404)

    @property
    def last(self) -> Request:
        """The most recent request received."""
        return self.requests[-1]


def main(argv: list[str] | None = None) -> None:
    """Serve one recording until ctrl+c: ``python -m tests.support.replay FILE [--port N]``."""
    import argparse
    import asyncio

    parser = argparse.ArgumentParser(
        prog="python -m tests.support.replay",
        description="Serve one recorded provider response on 127.0.0.1 until ctrl+c.",
    )
    parser.add_argument("fixture", type=Path, help="a body file beside its .meta.json")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: free)")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds between events")
    args = parser.parse_args(argv)

    async def run() -> None:
        server = ReplayServer(fixture_reply(args.fixture, chunk_delay_s=args.delay))
        await server.start(port=args.port)
        print(server.url, flush=True)
        print(f"serving {args.fixture} until ctrl+c", file=sys.stderr, flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
