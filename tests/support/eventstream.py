"""AWS event-stream frames built for tests (Bedrock ConverseStream shapes the recordings do not
hold: exception events, a cut or corrupt frame). The layout is the one botocore's
``EventStreamBuffer`` reads: total length, headers length, prelude CRC32, string headers
(type 7), payload, message CRC32."""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any


def _header(name: str, value: str) -> bytes:
    raw_name, raw_value = name.encode(), value.encode()
    return (
        struct.pack(">B", len(raw_name))
        + raw_name
        + b"\x07"
        + struct.pack(">H", len(raw_value))
        + raw_value
    )


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One frame with ``headers`` (string values) and ``payload``, both CRCs right."""
    raw_headers = b"".join(_header(k, v) for k, v in headers.items())
    total = 12 + len(raw_headers) + len(payload) + 4
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    message = prelude + raw_headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def event(kind: str, payload: dict[str, Any]) -> bytes:
    """A ConverseStream event frame (``:message-type: event``)."""
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return frame(headers, json.dumps(payload).encode())


def exception(kind: str, message: str) -> bytes:
    """An exception frame (``:message-type: exception``, ``:exception-type``)."""
    headers = {
        ":exception-type": kind,
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return frame(headers, json.dumps({"message": message}).encode())
