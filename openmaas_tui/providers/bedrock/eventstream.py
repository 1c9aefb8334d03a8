"""The ``application/vnd.amazon.eventstream`` framing of ConverseStream, read by botocore.

Each message is a binary frame: total length, headers length, prelude CRC32, string headers
(``:message-type``, ``:event-type`` or ``:exception-type``, ``:content-type``), a JSON payload and
a CRC32 of the whole message
(https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html#streaming-event-stream
describes the same framing). ``botocore.eventstream.EventStreamBuffer`` splits the frames and
checks both CRCs; a frame that fails is STREAM_PARSING_FAILED, and bytes left over when the
connection closes (a frame cut short) are STREAM_INTERRUPTED.
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.providers.base import MALFORMED, parsing_failed
from openmaas_tui.providers.bedrock.signing import EXTRA
from openmaas_tui.providers.optional import require

_PRELUDE_AND_CRC = 16
"""Bytes of a frame outside its headers and payload: the 12-byte prelude and the message
CRC. A frame claiming to be shorter is malformed."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One event-stream message.

    Attributes:
        message_type: ``event``, ``exception`` or ``error`` (``:message-type``).
        kind: the event type (``contentBlockDelta``), the exception type
            (``throttlingException``) or the error code.
        payload: the payload bytes (JSON for events and exceptions).
    """

    message_type: str
    kind: str | None
    payload: bytes


def _frame(headers: dict[str, Any], payload: bytes) -> Frame:
    message_type = headers.get(":message-type")
    if message_type == "event":
        kind = headers.get(":event-type")
    elif message_type == "exception":
        kind = headers.get(":exception-type")
    elif message_type == "error":
        kind = headers.get(":error-code")
        payload = payload or str(headers.get(":error-message") or "").encode()
    else:
        raise ValueError(f"message type {message_type!r}")
    if kind is not None and type(kind) is not str:
        raise TypeError(f"event type {kind!r}")
    return Frame(str(message_type), kind, bytes(payload))


async def iter_frames(response: httpx.Response, provider: str) -> AsyncIterator[Frame]:
    """The frames of an event-stream ``response``, in order, as their bytes arrive.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when botocore is not installed; STREAM_PARSING_FAILED
            for a frame whose CRC, lengths or headers are wrong; STREAM_INTERRUPTED when the
            body ends inside a frame.
    """
    eventstream = require("botocore.eventstream", extra=EXTRA, provider=provider)
    broken = (eventstream.ParserError, struct.error, *MALFORMED)
    buffer = eventstream.EventStreamBuffer()
    received = consumed = 0
    async for chunk in response.aiter_bytes():
        buffer.add_data(chunk)
        received += len(chunk)
        while True:
            try:
                message = next(buffer, None)
                if message is None:
                    break
                size = message.prelude.total_length
                if size < _PRELUDE_AND_CRC:
                    raise ValueError(f"a frame of {size} bytes")
                frame = _frame(message.headers, message.payload)
            except broken as exc:
                raise parsing_failed(provider, f"an event-stream frame ({exc})") from None
            consumed += size
            yield frame
    if consumed != received:
        raise OpenMaaSError(
            ErrorCode.STREAM_INTERRUPTED,
            f"the {provider} stream ended inside an event-stream frame",
            provider=provider,
        )


__all__ = ["Frame", "iter_frames"]
