"""Shared machinery of the adapter fuzz tests, and the contract they hold the adapters to.

The contract: whatever bytes a server sends, an adapter ends normally or raises
:class:`OpenMaaSError`. For each of the wire formats (OpenAI Chat SSE, Anthropic SSE, Gemini
SSE, Ollama NDJSON, Mistral SSE, Cohere v2 SSE, OpenAI Responses SSE,
Bedrock's AWS event stream, Gemini on Vertex AI) ``stream``, ``complete``
and ``list_models`` are driven against a loopback server, and beyond "no other exception
escapes": every event and completion must be well typed (text is a string, a tool-call index a
non-negative int, every token count None or a non-negative int that fits an SQLite INTEGER, a
finish reason's raw value a string); a failing stream must first have yielded exactly what the
events before the first mutated one yield on their own; an HTTP error keeps its status and a
finite ``retry_after``. :func:`check` holds every outcome to the typing part; the properties
assert the rest.

Here live the recorded fixtures the mutations start from, bodies cut into :class:`Frame` s,
the Hypothesis strategies (mutations of a JSON tree, random bodies, odd headers), the
:class:`Harness` and the checks. The properties are in ``test_fuzz_mutated`` and
``test_fuzz_random``, the hand-written malformed events in ``test_malformed_events``.

Like ``test_any_chunking``, the tests are synchronous: the server runs in a thread and each
replay runs on one module-wide event loop with one shared client. Each property tries 50
examples (:data:`SETTINGS`); ``OPENMAAS_FUZZ_EXAMPLES=1000`` searches longer.
"""

from __future__ import annotations

import asyncio
import copy
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from typing import Any, Self

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.http import make_client
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.types import (
    ChatRequest,
    Completion,
    CompletionBuilder,
    Finish,
    FinishReason,
    Message,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    Usage,
    UsageReport,
)
from openmaas_tui.providers.protocols import make_adapter
from tests.support.eventstream import frame as event_frame
from tests.support.recordings import OPENAI_COMPATIBLE, fixture_path, fixtures_of
from tests.support.replay import EVENT_STREAM, ReplayServer, load_meta, split_events
from tests.support.server import Reply

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
_MODELS = {
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
_CREDENTIALS = {
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


# --- mutations of a JSON tree --------------------------------------------------------------

# Keys the five wire formats read, so random objects reach past the first lookup.
_WIRE_KEYS = (
    "choices delta content usage index type message candidates parts text done tool_calls "
    "function name arguments id finish_reason prompt_tokens completion_tokens "
    "prompt_tokens_details cached_tokens completion_tokens_details reasoning_tokens "
    "reasoning_content reasoning error x_groq content_block delta stop_reason input_tokens "
    "output_tokens cache_read_input_tokens text_delta thinking_delta input_json_delta "
    "partial_json tool_use message_start message_delta message_stop content_block_start "
    "content_block_delta content_block_stop usageMetadata promptTokenCount "
    "candidatesTokenCount thoughtsTokenCount finishReason functionCall args thought "
    "promptFeedback blockReason prompt_eval_count eval_count done_reason thinking data models "
    "has_more last_id supportedGenerationMethods object capabilities completion_chat "
    "max_context_length tool_plan tool-plan-delta content-delta message-end tool-call-start "
    "tool-call-delta tokens billed_units cached_tokens error_type finish_reason "
    "response output output_index item call_id status incomplete_details "
    "input_tokens_details output_tokens_details summary "
    "response.output_text.delta response.completed response.incomplete response.failed "
    "response.output_item.added response.function_call_arguments.delta "
    "response.reasoning_summary_text.delta function_call code"
).split()

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**53 + 1, 2**64, 10**30, -1, -(2**63)])
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(_WIRE_KEYS)
)
json_values = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(_WIRE_KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Any JSON value (NaN and Infinity included: Python's json reads and writes them)."""

_SPECIAL = st.sampled_from(
    [None, True, False, 0, -1, 2**64, 10**30, 1.5, "", "12", "x", [], {}, [None], {"": None}]
)
_OPS = ("replace", "special", "stringify", "null", "delete", "wrap")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every node of a JSON tree, as the keys and indices leading to it (root first)."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for position, child in enumerate(value):
            yield from _paths(child, (*prefix, position))


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


@st.composite
def mutated(draw: st.DrawFn, tree: Any) -> Any:
    """``tree`` with one node changed: replaced by a value of another type or a special value,
    a number turned into a string, set to null, deleted from its parent, or wrapped in a list."""
    path = draw(st.sampled_from(list(_paths(tree))), label="path")
    op = draw(st.sampled_from(_OPS if path else _OPS[:4] + _OPS[5:]), label="op")
    old = _get(tree, path)
    if op == "delete":
        tree = copy.deepcopy(tree)
        del _get(tree, path[:-1])[path[-1]]
        return tree
    if op == "replace":
        new = draw(json_values.filter(lambda v: type(v) is not type(old)), label="new")
    elif op == "special":
        new = draw(_SPECIAL, label="new")
    elif op == "stringify":
        new = json.dumps(old)
    elif op == "null":
        new = None
    else:
        new = [old]
    if not path:
        return new
    tree = copy.deepcopy(tree)
    _get(tree, path[:-1])[path[-1]] = new
    return tree


@st.composite
def mutated_body(draw: st.DrawFn, name: str) -> tuple[bytes, bytes]:
    """A fixture's body with one to three of its JSON frames mutated (one to three times each),
    and the body of the frames before the first mutated one (what must stream unchanged)."""
    frames = frames_of(name)
    mutable = [i for i, f in enumerate(frames) if f.value is not RAW]
    chosen = draw(
        st.lists(st.sampled_from(mutable), min_size=1, max_size=3, unique=True), label="frames"
    )
    values = {i: frames[i].value for i in chosen}
    for i in chosen:
        for _ in range(draw(st.integers(1, 3), label="mutations")):
            values[i] = draw(mutated(values[i]))
    body = b"".join(f.render(values.get(i, RAW)) for i, f in enumerate(frames))
    prefix = b"".join(f.render() for f in frames[: min(chosen)])
    return body, prefix


# --- random bodies --------------------------------------------------------------------------

_LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"])


def _protocol_line(ndjson: bool) -> st.SearchStrategy[str]:
    """One line a careless parser meets: JSON (as ``data:`` or NDJSON), ``[DONE]``, fields,
    comments, and plain text."""
    value = json_values.map(json.dumps)
    if ndjson:
        return value | st.text(max_size=30)
    return st.one_of(
        value.map(lambda v: f"data: {v}"),
        value.map(lambda v: f"data:{v}   "),
        st.just("data: [DONE]"),
        st.sampled_from(_WIRE_KEYS).map(lambda k: f"event: {k}"),
        st.text(max_size=30).map(lambda t: f"data: {t}"),
        st.sampled_from([":", ": ping", "id: 1", "retry: x", "data", "event:"]),
        st.text(max_size=30),
    )


@st.composite
def protocol_text(draw: st.DrawFn, ndjson: bool) -> bytes:
    """Lines shaped like the wire format, with random line ends, UTF-8 encoded."""
    lines = draw(st.lists(_protocol_line(ndjson), max_size=8))
    ends = draw(st.lists(_LINE_ENDS, min_size=len(lines), max_size=len(lines)))
    return "".join(line + end for line, end in zip(lines, ends, strict=True)).encode(
        "utf-8", errors="surrogatepass"
    )


def random_body(ndjson: bool) -> st.SearchStrategy[bytes]:
    """Random bytes, random text, random JSON, or protocol-shaped text."""
    return st.one_of(
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
        json_values.map(lambda v: json.dumps(v).encode()),
        protocol_text(ndjson),
    )


CHARSETS = st.sampled_from(
    [
        "",
        "; charset=utf-8",
        "; charset=latin-1",
        "; charset=utf-16",
        "; charset=no-such-codec",
        ";charset=",
    ]
)


# --- odd response headers -------------------------------------------------------------------

_HEADER_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=40,
).map(str.strip)
_RETRY_VALUES = st.one_of(
    _HEADER_TEXT,
    st.integers().map(str),
    st.floats().map(str),
    st.sampled_from(
        [
            "garbage",
            "1e400",
            "-1e400",
            "inf",
            "-inf",
            "nan",
            "99999999999999999999999999999999",
            "-5",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Mon, 01 Jan 0001 00:00:00 GMT",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "Wed, 99 Foo 2015 99:99:99 GMT",
            "0 0 0 0",
            "",
        ]
    ),
)
_CONTENT_ENCODINGS = st.sampled_from(["gzip", "deflate", "br", "identity", "gzip, deflate", "x"])
odd_headers = st.fixed_dictionaries(
    {},
    optional={
        "retry-after": _RETRY_VALUES,
        "retry-after-ms": _RETRY_VALUES,
        "x-ratelimit-reset-requests": _HEADER_TEXT,
        "content-encoding": _CONTENT_ENCODINGS,
    },
)
"""Headers a careless reader trips on: unreadable ``retry-after`` values (garbage, huge,
infinite, dates out of range) and a ``content-encoding`` the body does not match."""
encodings = st.fixed_dictionaries({}, optional={"content-encoding": _CONTENT_ENCODINGS})


# --- the replays ----------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one call gave: the events streamed, the completion or models returned, the error."""

    events: list[StreamEvent] = field(default_factory=list)
    completion: Completion | None = None
    models: list[ModelInfo] | None = None
    error: OpenMaaSError | None = None


class Harness:
    """A replay server in a thread, and one event loop with one shared client on this side."""

    def __init__(self) -> None:
        self.server = ReplayServer()
        self._runner = asyncio.Runner()
        self._client = make_client(connect_timeout_s=5.0, read_timeout_s=10.0)

    def start(self) -> None:
        """Start the server thread."""
        self.server.start_in_thread()

    def close(self) -> None:
        """Close the client and the loop, then stop the server."""
        self._runner.run(self._client.aclose())
        self._runner.close()
        self.server.stop_thread()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def run(self, wire: str, op: str, reply: Reply, provider: str | None = None) -> Outcome:
        """Call ``op`` (``stream``, ``complete`` or ``list_models``) of ``wire``'s adapter with
        every request answered by ``reply``. Only OpenMaaSError is caught: anything else
        escapes and fails the test."""
        self.server.default = reply
        return self._runner.run(self._call(wire, op, provider or wire))

    async def _call(self, wire: str, op: str, provider: str) -> Outcome:
        adapter = make_adapter(wire, self._client, provider, self.server.url)
        request = ChatRequest(model=_MODELS[wire], messages=(Message.user("hello"),))
        creds = _CREDENTIALS.get(wire, Credentials.of_key("test-key"))
        outcome = Outcome()
        builder = CompletionBuilder(request.model)
        try:
            if op == "stream":
                async for event in adapter.stream(request, creds):
                    outcome.events.append(event)
                    builder.add(event)
            elif op == "complete":
                outcome.completion = await adapter.complete(request, creds)
            else:
                outcome.models = await adapter.list_models(creds)
        except OpenMaaSError as error:
            outcome.error = error
        if op == "stream":
            outcome.completion = builder.build()  # folding what streamed never fails
        return outcome


# --- what every outcome must satisfy -------------------------------------------------------


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= SQLITE_MAX


def check_usage(usage: Usage) -> None:
    """Every count None or a non-negative int (never a bool, a float or a string)."""
    assert isinstance(usage, Usage)
    for name, value in usage.as_dict().items():
        assert value is None or _is_count(value), f"usage {name} = {value!r}"


def check_event(event: StreamEvent) -> None:
    """One event, well typed."""
    if isinstance(event, TextDelta | ReasoningDelta):
        assert type(event.text) is str, event
    elif isinstance(event, ToolCallDelta):
        assert type(event.index) is int and event.index >= 0, event
        assert event.id is None or type(event.id) is str, event
        assert event.name is None or type(event.name) is str, event
        assert type(event.arguments) is str, event
    elif isinstance(event, UsageReport):
        check_usage(event.usage)
    else:
        assert isinstance(event, Finish), event
        assert isinstance(event.reason, FinishReason), event
        assert event.raw is None or type(event.raw) is str, event


def check_completion(completion: Completion) -> None:
    """A completion, well typed (its parts as the events' are)."""
    assert type(completion.text) is str
    assert completion.reasoning is None or type(completion.reasoning) is str
    for call in completion.tool_calls:
        assert type(call.name) is str and type(call.arguments) is str, call
        assert call.id is None or type(call.id) is str, call
    assert completion.finish_reason is None or isinstance(completion.finish_reason, FinishReason)
    assert completion.finish_reason_raw is None or type(completion.finish_reason_raw) is str
    check_usage(completion.usage)


def check_error(error: OpenMaaSError) -> None:
    """An error the app can show and act on."""
    assert isinstance(error.code, ErrorCode)
    assert type(error.message) is str and error.message
    if error.retry_after is not None:
        assert math.isfinite(error.retry_after) and error.retry_after >= 0, error.retry_after


def check(outcome: Outcome) -> None:
    """Everything in ``outcome`` well typed."""
    for event in outcome.events:
        check_event(event)
    if outcome.completion is not None:
        check_completion(outcome.completion)
    for info in outcome.models or ():
        assert type(info.id) is str and info.id, info
        assert type(info.label) is str, info
        for limit in (info.context_window, info.max_output_tokens):
            assert limit is None or _is_count(limit), info
    if outcome.error is not None:
        check_error(outcome.error)
