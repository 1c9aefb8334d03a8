"""The offline demo model: an OpenAI-compatible Chat Completions server on 127.0.0.1.

It streams the bundled answers of :mod:`openmaas_tui.demo.answers` token by token at a set
pace, so the playground and ``openmaas ask -m demo`` work with no key and no network, through
the same OpenAI-compatible adapter as any real server.

Endpoints (shapes as in https://platform.openai.com/docs/api-reference/chat):

- ``POST /v1/chat/completions``: with ``stream: true`` a ``text/event-stream`` of
  ``chat.completion.chunk`` objects (role first, then content pieces, then ``finish_reason``,
  then a usage chunk with ``choices: []`` when ``stream_options.include_usage`` is set, then
  ``data: [DONE]``); otherwise one ``chat.completion`` object. ``max_tokens`` /
  ``max_completion_tokens`` cut the answer (``finish_reason: "length"``) and ``stop`` strings
  end it early. Any model name is answered.
- ``GET /v1/models`` and ``GET /v1/models/demo``.
- Anything else: a 404 with an OpenAI-style error body.

Run by hand: ``python -m openmaas_tui.demo`` prints the base URL and serves until
interrupted.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

from openmaas_tui.demo.answers import InvalidRequest, Plan, plan_answer
from openmaas_tui.loopback.server import LoopbackServer, Reply, Request

MODEL_ID = "demo"
_MODEL_CREATED = 1_735_689_600  # 2025-01-01, a fixed date for /v1/models
_KEEP_REQUESTS = 20  # recorded requests kept (each carries the whole conversation)
_SSE = "text/event-stream; charset=utf-8"


def _error(
    status: int, message: str, *, param: str | None = None, code: str | None = None
) -> Reply:
    """An OpenAI-style error reply."""
    payload = {
        "error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    }
    return Reply.json_body(payload, status)


def _sse(payload: dict[str, Any]) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"data: {data}\n\n".encode()


class DemoServer:
    """The demo model's server on 127.0.0.1, on a free port.

    Args:
        tokens_per_s: pace of the stream; 0 or negative sends as fast as possible.
        first_token_delay_s: wait before the first chunk (and before a non-streamed answer),
            like a real model's time to first token.

    Use ``await start()`` / ``await stop()`` in the caller's event loop (or ``async with``),
    or :meth:`start_in_thread` / :meth:`stop_thread` for synchronous callers.

    Attributes:
        tokens_per_s: as given; a change applies to the requests that follow.
        first_token_delay_s: as given; a change applies to the requests that follow.
        active_streams: streams being sent right now. A stream whose client went away ends at
            its next write, within one token's time.
    """

    def __init__(self, *, tokens_per_s: float = 60.0, first_token_delay_s: float = 0.25) -> None:
        self.tokens_per_s = tokens_per_s
        self.first_token_delay_s = first_token_delay_s
        self.active_streams = 0
        self._server = LoopbackServer(self._handle)

    @property
    def requests(self) -> list[Request]:
        """The most recent requests received (a bounded number), oldest first."""
        return self._server.requests

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``.

        Raises:
            RuntimeError: the server is not running.
        """
        if not self._server.port:
            raise RuntimeError("the demo server is not started")
        return self._server.url

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``, the base URL for an OpenAI-compatible client."""
        return self.url + "/v1"

    async def start(self) -> None:
        """Listen on a free port in the running event loop."""
        await self._server.start()

    async def stop(self) -> None:
        """Stop listening and close open connections (streams in flight end abruptly)."""
        await self._server.stop()
        self._server.port = 0

    def start_in_thread(self) -> None:
        """Serve from a daemon thread with its own event loop (for synchronous callers)."""
        self._server.start_in_thread()

    def stop_thread(self) -> None:
        """Stop a server started with :meth:`start_in_thread`."""
        self._server.stop_thread()
        self._server.port = 0

    async def __aenter__(self) -> DemoServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle(self, request: Request) -> Reply:
        del self._server.requests[:-_KEEP_REQUESTS]
        try:
            return await self._route(request)
        except Exception as exc:  # a bug here must not kill the connection task silently
            return Reply.json_body(
                {
                    "error": {
                        "message": f"demo server error: {exc}",
                        "type": "server_error",
                        "param": None,
                        "code": None,
                    }
                },
                500,
            )

    async def _route(self, request: Request) -> Reply:
        method, path = request.method.upper(), request.path
        if method == "POST" and path == "/v1/chat/completions":
            return await self._chat(request)
        if method == "GET" and path == "/v1/models":
            return Reply.json_body({"object": "list", "data": [_model_object()]})
        if method == "GET" and path.startswith("/v1/models/"):
            name = path.removeprefix("/v1/models/")
            if name == MODEL_ID:
                return Reply.json_body(_model_object())
            return _error(
                404, f"The model '{name}' does not exist", param="model", code="model_not_found"
            )
        return _error(
            404,
            f"Unknown request URL: {method} {path}. Only /v1/chat/completions and /v1/models "
            "are served by the offline demo model.",
            code="unknown_url",
        )

    async def _chat(self, request: Request) -> Reply:
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return _error(400, "We could not parse the JSON body of your request.")
        try:
            plan = plan_answer(body)
        except InvalidRequest as exc:
            return _error(400, str(exc), param=exc.param, code=exc.code)
        reply_id = f"chatcmpl-demo{uuid.uuid4().hex[:20]}"
        created = int(time.time())
        if body.get("stream") is True:
            options = body.get("stream_options")
            usage = isinstance(options, dict) and options.get("include_usage") is True
            stream = self._chunks(plan, reply_id, created, include_usage=usage)
            return Reply(content_type=_SSE, headers={"cache-control": "no-cache"}, stream=stream)
        if self.first_token_delay_s > 0:
            await asyncio.sleep(self.first_token_delay_s)
        return Reply.json_body(_completion(plan, reply_id, created))

    async def _chunks(
        self, plan: Plan, reply_id: str, created: int, *, include_usage: bool
    ) -> AsyncIterator[bytes]:
        """The SSE body, paced: the role chunk after the first-token delay, then one content
        piece every ``1 / tokens_per_s`` seconds (on a fixed schedule, so pauses do not add up).
        """
        head: dict[str, Any] = {
            "id": reply_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "system_fingerprint": None,
        }
        extra: dict[str, Any] = {"usage": None} if include_usage else {}
        tokens_per_s, delay_s = self.tokens_per_s, self.first_token_delay_s

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return _sse({**head, "choices": [choice], **extra})

        self.active_streams += 1
        try:
            loop = asyncio.get_running_loop()
            if delay_s > 0:
                await asyncio.sleep(delay_s)
            yield chunk({"role": "assistant", "content": "", "refusal": None})
            start = loop.time()
            for index, piece in enumerate(plan.pieces):
                if tokens_per_s > 0:
                    delay = start + index / tokens_per_s - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                yield chunk({"content": piece})
            yield chunk({}, plan.finish_reason)
            if include_usage:
                yield _sse({**head, "choices": [], "usage": plan.usage})
            yield b"data: [DONE]\n\n"
        finally:
            self.active_streams -= 1


def _model_object() -> dict[str, Any]:
    return {"id": MODEL_ID, "object": "model", "created": _MODEL_CREATED, "owned_by": "openmaas"}


def _completion(plan: Plan, reply_id: str, created: int) -> dict[str, Any]:
    message = {"role": "assistant", "content": "".join(plan.pieces), "refusal": None}
    return {
        "id": reply_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "system_fingerprint": None,
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": plan.finish_reason}
        ],
        "usage": plan.usage,
    }
