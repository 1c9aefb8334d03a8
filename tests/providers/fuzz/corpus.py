"""The wire formats under test, the recorded fixtures the mutations start from, and bodies
cut into frames (see the package docstring for the contract)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import HealthCheck, settings

from openmaas_tui.core.credentials.credentials import Credentials, Part
from tests.support.eventstream import frame as event_frame
from tests.support.recordings import OPENAI_COMPATIBLE, fixture_path, fixtures_of
from tests.support.replay import EVENT_STREAM, load_meta, split_events

WIRES = (
    "openai",
    "anthropic",
    "gemini",
    "ollama",
    "mistral",
    "cohere",
    "openai-responses",
    "bedrock",
    "vertex",
)
_OPENAI_PROVIDERS = OPENAI_COMPATIBLE
_PROVIDERS = {
    "openai": _OPENAI_PROVIDERS,
    "anthropic": ("anthropic",),
    "gemini": ("gemini",),
    "ollama": ("ollama",),
    "mistral": ("mistral",),
    "cohere": ("cohere",),
    "openai-responses": ("openai_responses", "azure"),
    "bedrock": ("bedrock",),
    "vertex": ("gemini",),  # Vertex AI speaks Gemini's wire format
}
MODELS = {
    "openai": "test-model",
    "anthropic": "claude-sonnet-4-5",
    "gemini": "gemini-2.5-flash",
    "ollama": "llama3.2",
    "mistral": "magistral-small-latest",
    "cohere": "command-a-03-2025",
    "openai-responses": "gpt-5",
    "bedrock": "us.amazon.nova-micro-v1:0",
    "vertex": "gemini-2.5-flash",
}
STREAM_TYPES = {
    "openai": "text/event-stream",
    "anthropic": "text/event-stream",
    "gemini": "text/event-stream",
    "ollama": "application/x-ndjson",
    "mistral": "text/event-stream",
    "cohere": "text/event-stream",
    "openai-responses": "text/event-stream",
    "bedrock": EVENT_STREAM,
    "vertex": "text/event-stream",
}
CREDENTIALS = {
    "bedrock": Credentials(
        "bedrock",
        {
            Part.ACCESS_KEY_ID: "AKIDFUZZ00000001",
            Part.SECRET_ACCESS_KEY: "fuzz-secret-access-key",
            Part.REGION: "us-east-1",
        },
    ),
}
"""What each wire signs with when one API key cannot (Vertex AI takes it as an express-mode
key)."""
SQLITE_MAX = 2**63 - 1
"""Token counts end up in SQLite INTEGER columns: none may exceed this."""

SETTINGS = settings(
    max_examples=int(os.environ.get("OPENMAAS_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the fixtures the mutations start from ---------------------------------------------------


def _names(wire: str, formats: set[str], *, ok: bool) -> list[str]:
    """Fixtures of ``wire``'s providers in ``formats``, with status 200 (``ok``) or >= 400."""
    names = [n for p in _PROVIDERS[wire] for n in fixtures_of(p, formats)]
    return [n for n in names if (load_meta(fixture_path(n))["status"] == 200) == ok]


_STREAM_FORMATS = {
    "openai": {"openai_chat_sse"},
    "anthropic": {"anthropic_sse"},
    "gemini": {"gemini_sse"},
    "ollama": {"ollama_ndjson"},
    "mistral": {"mistral_sse"},  # constructed: no Mistral stream was recorded
    "cohere": {"cohere_sse"},
    "openai-responses": {"openai_responses_sse"},
    "bedrock": {"bedrock_stream"},
    "vertex": {"gemini_sse"},
}
_JSON_FORMATS = {
    "openai": {"openai_chat_json"},
    "anthropic": {"anthropic_json"},
    "gemini": {"gemini_json"},
    "ollama": {"ollama_json"},
    "mistral": {"openai_chat_json", "mistral_json"},
    "cohere": {"cohere_json"},
    "openai-responses": {"openai_responses_json"},
    "bedrock": {"bedrock_json"},
    "vertex": {"gemini_json"},
}
STREAMS = {w: _names(w, _STREAM_FORMATS[w], ok=True) for w in WIRES}
BODIES = {
    w: [n for n in _names(w, _JSON_FORMATS[w], ok=True) if not n.endswith("/tags.json")]
    for w in WIRES
}
ERROR_BODIES = {w: _names(w, _STREAM_FORMATS[w] | _JSON_FORMATS[w], ok=False) for w in WIRES}

# Model listings in each API's documented shape (only Ollama's was recorded; Mistral's per
# https://docs.mistral.ai/api/ ``ModelList``, Cohere's per https://docs.cohere.com/reference/list-models).
LISTINGS: dict[str, Any] = {
    "openai": {
        "object": "list",
        "data": [
            {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
            {"id": "some-new-model", "object": "model", "created": 1, "owned_by": "someone"},
        ],
    },
    "anthropic": {
        "data": [
            {
                "type": "model",
                "id": "claude-sonnet-4-5-20250929",
                "display_name": "Claude Sonnet 4.5",
                "created_at": "2025-09-29T00:00:00Z",
            },
            {"type": "model", "id": "claude-new", "display_name": "New", "created_at": "x"},
        ],
        "has_more": False,
        "first_id": "claude-sonnet-4-5-20250929",
        "last_id": "claude-new",
    },
    "gemini": {
        "models": [
            {
                "name": "models/gemini-2.5-flash",
                "displayName": "Gemini 2.5 Flash",
                "inputTokenLimit": 1048576,
                "outputTokenLimit": 65536,
                "supportedGenerationMethods": ["generateContent", "countTokens"],
                "thinking": True,
            },
            {
                "name": "models/gemini-new",
                "displayName": "New",
                "inputTokenLimit": 32768,
                "outputTokenLimit": 8192,
                "supportedGenerationMethods": ["generateContent"],
            },
        ]
    },
    "ollama": json.loads(fixture_path("ollama/tags.json").read_bytes()),
    "bedrock": {
        "modelSummaries": [
            {
                "modelId": "amazon.nova-micro-v1:0",
                "modelName": "Nova Micro",
                "providerName": "Amazon",
                "inputModalities": ["TEXT"],
                "outputModalities": ["TEXT"],
                "responseStreamingSupported": True,
                "inferenceTypesSupported": ["ON_DEMAND"],
            },
            {
                "modelId": "some.new-model-v1:0",
                "modelName": "New",
                "inputModalities": ["TEXT", "IMAGE"],
                "outputModalities": ["TEXT"],
                "inferenceTypesSupported": ["ON_DEMAND", "PROVISIONED"],
            },
        ]
    },
    "vertex": {
        "publisherModels": [
            {"name": "publishers/google/models/gemini-2.5-flash", "versionId": "001"},
            {"name": "publishers/google/models/gemini-new", "versionId": "001"},
        ],
        "nextPageToken": "",
    },
    "mistral": {
        "object": "list",
        "data": [
            {
                "id": "mistral-small-latest",
                "object": "model",
                "capabilities": {"completion_chat": True, "function_calling": True},
                "max_context_length": 131072,
            },
            {"id": "mistral-embed", "capabilities": {"completion_chat": False}},
        ],
    },
    "cohere": {
        "models": [
            {"name": "command-a-03-2025", "endpoints": ["chat"], "context_length": 256000},
            {"name": "c4ai-new", "endpoints": ["chat"], "features": ["tools", "vision"]},
        ],
        "next_page_token": None,
    },
}
LISTINGS["openai-responses"] = LISTINGS["openai"]  # the same GET /models


# --- frames: a body cut into events, each either raw bytes or JSON between two byte strings ----

RAW = object()
_DATA_LINE = re.compile(rb"^data: ?(.*?)[ \t]*(?:\r\n|\r|\n|$)", re.MULTILINE)


@dataclass(frozen=True)
class Frame:
    """One event of a body: ``head + payload + tail`` where ``payload`` is JSON whose parsed
    form is ``value``; ``value`` is ``RAW`` for a frame without exactly one JSON ``data``
    line (kept as is)."""

    head: bytes
    value: Any = RAW
    payload: bytes = b""
    tail: bytes = b""
    headers: tuple[tuple[str, str], ...] | None = None

    def render(self, value: Any = RAW) -> bytes:
        """The frame's bytes as recorded, or with ``value`` serialised in place of its JSON (an
        AWS event-stream frame is built again around it, lengths and CRCs right)."""
        if value is RAW:
            return self.head + self.payload + self.tail
        if self.headers is not None:
            return event_frame(dict(self.headers), json.dumps(value).encode())
        return self.head + json.dumps(value).encode() + self.tail


def _event_stream_frames(body: bytes) -> tuple[Frame, ...]:
    """An AWS event-stream body cut into its frames (read by botocore), each with its JSON
    payload as the mutable value and its headers to build it again."""
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    buffer.add_data(body)
    frames, start = [], 0
    for message in buffer:
        size = message.prelude.total_length
        raw = body[start : start + size]
        payload_start = message.prelude.headers_end
        payload_end = payload_start + len(message.payload)
        headers = tuple((str(k), str(v)) for k, v in message.headers.items())
        frames.append(
            Frame(
                raw[:payload_start],
                json.loads(message.payload),
                raw[payload_start:payload_end],
                raw[payload_end:],
                headers,
            )
        )
        start += size
    return tuple(frames)


def _frame(piece: bytes, *, ndjson: bool) -> Frame:
    if ndjson:
        line = piece.rstrip(b"\r\n")
        start, end = 0, len(line)
    else:
        matches = list(_DATA_LINE.finditer(piece))
        if len(matches) != 1:
            return Frame(piece)
        start, end = matches[0].span(1)
    try:
        value = json.loads(piece[start:end])
    except ValueError:
        return Frame(piece)
    return Frame(piece[:start], value, piece[start:end], piece[end:])


@cache
def frames_of(name: str) -> tuple[Frame, ...]:
    """The fixture cut into frames (one per SSE event or NDJSON line; one for a JSON body)."""
    body = fixture_path(name).read_bytes()
    if name.endswith(".json"):
        return (Frame(b"", json.loads(body), body),)
    if name.endswith(".bin"):
        return _event_stream_frames(body)
    ndjson = name.endswith(".ndjson")
    return tuple(_frame(piece, ndjson=ndjson) for piece in split_events(body))
