"""Synthetic OpenAI Chat Completions streams, for tests and benchmarks that need a long or
specific answer rather than a recording.

The chunks follow the shape of OpenAI's ``chat.completion.chunk`` events (see
https://platform.openai.com/docs/api-reference/chat-streaming): a role chunk, one chunk per
content piece, a chunk with ``finish_reason``, a usage chunk with empty ``choices`` (as sent
with ``stream_options.include_usage``), then ``data: [DONE]``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tests.support.server import Reply


def _sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


def openai_chunks(
    pieces: Sequence[str],
    *,
    model: str = "synthetic",
    input_tokens: int = 10,
    finish_reason: str = "stop",
) -> list[bytes]:
    """One SSE event per piece of ``pieces``; the usage chunk reports ``input_tokens`` in and
    ``len(pieces)`` out (one piece = one token)."""
    head = {"id": "chatcmpl-synthetic", "object": "chat.completion.chunk", "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return _sse({**head, "choices": [choice]})

    usage = {
        "prompt_tokens": input_tokens,
        "completion_tokens": len(pieces),
        "total_tokens": input_tokens + len(pieces),
    }
    return [
        chunk({"role": "assistant", "content": ""}),
        *(chunk({"content": piece}) for piece in pieces),
        chunk({}, finish_reason),
        _sse({**head, "choices": [], "usage": usage}),
        b"data: [DONE]\n\n",
    ]


def openai_stream_reply(
    pieces: Sequence[str], *, chunk_delay_s: float = 0.0, **kwargs: Any
) -> Reply:
    """A :class:`Reply` streaming :func:`openai_chunks` (``text/event-stream``)."""
    return Reply(
        content_type="text/event-stream",
        chunks=openai_chunks(pieces, **kwargs),
        chunk_delay_s=chunk_delay_s,
    )
