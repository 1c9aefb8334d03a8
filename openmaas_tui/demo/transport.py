"""The offline demo model as an in-process ``httpx`` transport: no socket, real HTTP shapes.

:class:`DemoTransport` is mounted on the shared client for :data:`DEMO_BASE_URL` only (see
:func:`demo_mounts`), so a request for the demo model goes through the real OpenAI Chat adapter
(real SSE bytes, the real parser) but never leaves the process. It streams the bundled answers
of :mod:`openmaas_tui.demo.answers` token by token at a set pace, so the playground and
``openmaas ask -m demo`` work with no key and no network.

Requests answered (shapes as in https://platform.openai.com/docs/api-reference/chat):

- ``POST /v1/chat/completions``: with ``stream: true`` a ``text/event-stream`` of
  ``chat.completion.chunk`` objects (role first, then content pieces, then ``finish_reason``,
  then a usage chunk with ``choices: []`` when ``stream_options.include_usage`` is set, then
  ``data: [DONE]``); otherwise one ``chat.completion`` object. ``max_tokens`` /
  ``max_completion_tokens`` cut the answer (``finish_reason: "length"``) and ``stop`` strings
  end it early. Any model name is answered. A body that is not a JSON object, no ``messages``
  or a token limit that is not a positive integer: a 400 with an OpenAI-style error body.
- ``GET /v1/models`` and ``GET /v1/models/demo`` (another name: a 404 ``model_not_found``).
- Anything else: a 404 ``unknown_url``; a failure of the demo itself: a 500 ``server_error``.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import httpx

from openmaas_tui.core.models.provider_specs import DEMO_BASE_URL
from openmaas_tui.demo.answers import InvalidRequest, Plan, plan_answer

MODEL_ID = "demo"
DEMO_ORIGIN = DEMO_BASE_URL.removesuffix("/v1")
"""``http://demo.openmaas.invalid``: the origin the transport is mounted for. ``.invalid``
never resolves (RFC 6761), so a client without the mount fails to connect rather than reach
anything."""

_MODEL_CREATED = 1_735_689_600  # 2025-01-01, a fixed date for /v1/models
_KEEP_REQUESTS = 20  # requests kept (each carries the whole conversation)
_SSE = "text/event-stream; charset=utf-8"


def _json(status: int, payload: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, json=payload)


def _error(
    status: int,
    message: str,
    *,
    param: str | None = None,
    code: str | None = None,
    kind: str = "invalid_request_error",
) -> httpx.Response:
    """An OpenAI-style error response."""
    error = {"message": message, "type": kind, "param": param, "code": code}
    return _json(status, {"error": error})


def _sse(payload: dict[str, Any]) -> bytes:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"data: {data}\n\n".encode()


class _Body(httpx.AsyncByteStream):
    """A streamed response body over an async generator; closing the response closes the
    generator at once (its ``finally`` runs then, not at some later garbage collection)."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks

    async def aclose(self) -> None:
        aclose = getattr(self._chunks, "aclose", None)
        if aclose is not None:
            await aclose()


class DemoTransport(httpx.AsyncBaseTransport):
    """Answers OpenAI Chat Completions requests with the demo model's canned answers.

    Args:
        tokens_per_s: pace of the stream; 0 or negative sends as fast as possible.
        first_token_delay_s: wait before the first chunk (and before a non-streamed answer),
            like a real model's time to first token.

    Attributes:
        tokens_per_s: as given; a change applies to the requests that follow.
        first_token_delay_s: as given; a change applies to the requests that follow.
        requests: the most recent requests received (a bounded number), oldest first.
        active_streams: streams being sent right now. A stream ends as soon as its response
            is closed or the task reading it is cancelled.
    """

    def __init__(self, *, tokens_per_s: float = 60.0, first_token_delay_s: float = 0.25) -> None:
        self.tokens_per_s = tokens_per_s
        self.first_token_delay_s = first_token_delay_s
        self.requests: deque[httpx.Request] = deque(maxlen=_KEEP_REQUESTS)
        self.active_streams = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The demo's response to ``request`` (never raises: failures are 500 responses)."""
        self.requests.append(request)
        try:
            return await self._route(request)
        except Exception as exc:  # a bug here must look like a provider's 500, not a crash
            return _error(500, f"demo model error: {exc}", kind="server_error")

    async def _route(self, request: httpx.Request) -> httpx.Response:
        method, path = request.method.upper(), request.url.path
        if method == "POST" and path == "/v1/chat/completions":
            return await self._chat(await request.aread())
        if method == "GET" and path == "/v1/models":
            return _json(200, {"object": "list", "data": [_model_object()]})
        if method == "GET" and path.startswith("/v1/models/"):
            name = path.removeprefix("/v1/models/")
            if name == MODEL_ID:
                return _json(200, _model_object())
            return _error(
                404, f"The model '{name}' does not exist", param="model", code="model_not_found"
            )
        return _error(
            404,
            f"Unknown request URL: {method} {path}. Only /v1/chat/completions and /v1/models "
            "are served by the offline demo model.",
            code="unknown_url",
        )

    async def _chat(self, raw: bytes) -> httpx.Response:
        try:
            body = json.loads(raw)
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
            chunks = self._chunks(plan, reply_id, created, include_usage=usage)
            headers = {"content-type": _SSE, "cache-control": "no-cache"}
            return httpx.Response(200, headers=headers, stream=_Body(chunks))
        if self.first_token_delay_s > 0:
            await asyncio.sleep(self.first_token_delay_s)
        return _json(200, _completion(plan, reply_id, created))

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


def demo_mounts(*, tokens_per_s: float = 60.0) -> dict[str, httpx.AsyncBaseTransport]:
    """The ``mounts`` that make a client answer :data:`DEMO_BASE_URL` in-process (and only
    it): ``httpx.AsyncClient(mounts=demo_mounts())``.

    Args:
        tokens_per_s: pace of the demo's streams (``demo_tokens_per_s`` in ``config.toml``).
    """
    return {DEMO_ORIGIN: DemoTransport(tokens_per_s=tokens_per_s)}


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
