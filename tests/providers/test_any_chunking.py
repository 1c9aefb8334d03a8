"""However a stream is cut into network reads, the answer is the same.

Every streaming fixture of the wire formats (OpenAI Chat SSE, Anthropic SSE, Gemini SSE, Ollama
NDJSON, Mistral SSE, Cohere v2 SSE, OpenAI Responses SSE) is replayed through its adapter twice:
once cut at event boundaries (what ``fixture_reply`` sends) and once cut at byte positions
Hypothesis draws, including cuts inside multi-byte UTF-8 characters, between ``\\r`` and
``\\n``, inside ``data:`` and inside JSON. Both replays must give the same Completion, the same
sequence of event types (a run of text or reasoning deltas counted once: the adapters that
merge the deltas of one read yield as many as the reads held), and (for the constructed
mid-stream error) the same error after the same partial answer.

Each cut piece is sent as its own HTTP chunk; the HTTP client hands every chunk to the adapter
as a separate read (h11 never joins chunks), so the cuts reach the parsers as drawn.

The server runs in a thread for the whole module. The tests are synchronous (which keeps
Hypothesis away from pytest-asyncio's per-test loops): each replay runs to completion on one
module-wide event loop (an ``asyncio.Runner``) holding one shared HTTP client, as the app does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.http import make_client
from openmaas_tui.core.types import ChatRequest, Completion, CompletionBuilder, Message
from openmaas_tui.providers.protocols import make_adapter
from tests.support.recordings import OPENAI_COMPATIBLE, expected, fixture_path, fixtures_of
from tests.support.replay import ReplayServer, fixture_reply, load_meta
from tests.support.server import Reply

_OPENAI_PROVIDERS = OPENAI_COMPATIBLE


def _streaming(names: list[str]) -> list[str]:
    """The fixtures among ``names`` that are HTTP 200 streams (``.sse`` or ``.ndjson``)."""
    return [
        n
        for n in names
        if n.endswith((".sse", ".ndjson", ".bin")) and load_meta(fixture_path(n))["status"] == 200
    ]


# (fixture, wire) for every streaming fixture of the five wire formats.
STREAMS: list[tuple[str, str]] = [
    *(
        (n, "openai")
        for p in _OPENAI_PROVIDERS
        for n in _streaming(fixtures_of(p, {"openai_chat_sse"}))
    ),
    *((n, "anthropic") for n in _streaming(fixtures_of("anthropic", {"anthropic_sse"}))),
    *((n, "gemini") for n in _streaming(fixtures_of("gemini", {"gemini_sse"}))),
    *((n, "ollama") for n in _streaming(fixtures_of("ollama", {"ollama_ndjson"}))),
    *((n, "mistral") for n in _streaming(fixtures_of("mistral", {"mistral_sse"}))),
    *((n, "cohere") for n in _streaming(fixtures_of("cohere", {"cohere_sse"}))),
    *(
        (n, "openai-responses")
        for n in _streaming(fixtures_of("openai_responses", {"openai_responses_sse"}))
    ),
    *((n, "bedrock") for n in _streaming(fixtures_of("bedrock", {"bedrock_stream"}))),
    ("gemini/sse_vertex_flex.sse", "vertex"),
]
# Streams that end in an error after some of the answer (in-stream error objects or events).
MIDSTREAM_ERRORS = [(n, w) for n, w in STREAMS if expected(n)["errors"]]

_MODELS = {
    "openai": "test-model",
    "anthropic": "claude-sonnet-4-5",
    "gemini": "gemini-2.5-flash",
    "ollama": "llama3.2",
    "mistral": "magistral-small-latest",
    "cohere": "command-a-03-2025",
    "openai-responses": "gpt-5",
    "bedrock": "us.amazon.nova-micro-v1:0",
    "vertex": "gemini-3-flash-preview",
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
"""Credentials per wire where one API key cannot sign (Vertex AI takes the key as an
express-mode key)."""


def credentials_for(wire: str) -> Credentials:
    """What the fuzzed adapter of ``wire`` signs with."""
    return CREDENTIALS.get(wire, Credentials.of_key("test-key"))


_SETTINGS = settings(max_examples=25, deadline=None)


@dataclass(frozen=True)
class Outcome:
    """What one replay gave: the event types in order, the completion folded from the events
    (up to the error, if any) and the error raised, as (code, message), or None."""

    event_types: tuple[str, ...]
    completion: Completion
    error: tuple[str, str] | None


class Replayer:
    """Replays a reply through an adapter: a replay server in a thread, and one event loop with
    one shared client on this side (building a client per replay would cost more than the
    replay itself)."""

    def __init__(self) -> None:
        self.server = ReplayServer()
        self._runner = asyncio.Runner()
        self._client = make_client(connect_timeout_s=5.0, read_timeout_s=10.0)
        self._baselines: dict[tuple[str, str], Outcome] = {}

    def start(self) -> None:
        """Start the server thread."""
        self.server.start_in_thread()

    def close(self) -> None:
        """Close the client and the loop, then stop the server."""
        self._runner.run(self._client.aclose())
        self._runner.close()
        self.server.stop_thread()

    def run(self, name: str, wire: str, reply: Reply) -> Outcome:
        """The outcome of replaying ``reply`` as the answer for fixture ``name``."""
        return self._runner.run(self._replay(name, wire, reply))

    def baseline(self, name: str, wire: str) -> Outcome:
        """The outcome of the replay cut at event boundaries (computed once per fixture)."""
        if (name, wire) not in self._baselines:
            reply = fixture_reply(fixture_path(name))
            self._baselines[name, wire] = self.run(name, wire, reply)
        return self._baselines[name, wire]

    async def _replay(self, name: str, wire: str, reply: Reply) -> Outcome:
        self.server.default = reply  # every request of this replay gets exactly this reply
        request = ChatRequest(model=_MODELS[wire], messages=(Message.user("hello"),))
        builder = CompletionBuilder(request.model)
        types: list[str] = []
        error: tuple[str, str] | None = None
        adapter = make_adapter(wire, self._client, name.split("/", 1)[0], self.server.url)
        try:
            async for event in adapter.stream(request, credentials_for(wire)):
                types.append(type(event).__name__)
                builder.add(event)
        except OpenMaaSError as exc:
            error = (str(exc.code), exc.message)
        return Outcome(tuple(types), builder.build(), error)


@pytest.fixture(scope="module")
def replayer() -> Iterator[Replayer]:
    """One replay server and one client for the whole module."""
    replay = Replayer()
    replay.start()
    yield replay
    replay.close()


def _cut_reply(name: str, chunks: list[bytes]) -> Reply:
    """The fixture's recorded status, content type and headers, with the body in ``chunks``."""
    event_cut = fixture_reply(fixture_path(name))
    assert b"".join(chunks) == event_cut.body
    return Reply(
        status=event_cut.status,
        content_type=event_cut.content_type,
        headers=dict(event_cut.headers),
        chunks=chunks,
    )


def split_at(body: bytes, cuts: list[int]) -> list[bytes]:
    """``body`` cut at each position in ``cuts`` (0 < cut < len(body)); no piece is empty."""
    bounds = [0, *sorted(set(cuts)), len(body)]
    return [body[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


@cache
def _tricky_positions(name: str) -> tuple[tuple[int, ...], ...]:
    """Cut positions where a careless reader breaks, in groups: inside a multi-byte UTF-8
    character; beside a line end (between ``\\r`` and ``\\n`` among them); inside ``data:``,
    ``[DONE]`` or ``"done":``; just inside a JSON object. Empty groups are left out."""
    body = fixture_path(name).read_bytes()
    utf8: set[int] = set()
    line_ends: set[int] = set()
    markers: set[int] = set()
    braces: set[int] = set()
    for i in range(1, len(body)):
        byte, before = body[i], body[i - 1]
        if 0x80 <= byte < 0xC0:  # a UTF-8 continuation byte: the cut splits a character
            utf8.add(i)
        if before in b"\r\n" or byte in b"\r\n":
            line_ends.add(i)
        if before == ord("{") or byte == ord("}"):
            braces.add(i)
    for marker in (b"data:", b"[DONE]", b'"done":'):
        start = body.find(marker)
        while start != -1:
            markers.update(range(start + 1, start + len(marker)))
            start = body.find(marker, start + 1)
    groups = (utf8, line_ends, markers, braces)
    return tuple(tuple(sorted(g)) for g in groups if g)


def cut_points(name: str) -> st.SearchStrategy[list[int]]:
    """Any number of cut positions in the fixture's body. Each position is drawn uniformly or
    from one of the tricky groups, each group as likely as the uniform draw (a uniform draw
    alone would rarely land inside one of the few non-ASCII characters)."""
    size = len(fixture_path(name).read_bytes())
    groups = [st.sampled_from(group) for group in _tricky_positions(name)]
    position = st.one_of(st.integers(1, size - 1), *groups)
    return st.lists(position, max_size=min(size - 1, 400))


@pytest.mark.parametrize(("name", "wire"), STREAMS, ids=[n for n, _ in STREAMS])
@_SETTINGS
@given(data=st.data())
def test_any_chunking_gives_the_same_answer(
    replayer: Replayer, name: str, wire: str, data: st.DataObject
) -> None:
    """Cut anywhere, the stream yields the same events' types, the same Completion (text,
    reasoning, tool calls, usage, finish reason and its raw value) and the same error."""
    body = fixture_path(name).read_bytes()
    chunks = split_at(body, data.draw(cut_points(name), label="cuts"))
    want = replayer.baseline(name, wire)
    got = replayer.run(name, wire, _cut_reply(name, chunks))
    assert got.completion == want.completion
    assert _runs(got.event_types) == _runs(want.event_types)
    assert got.error == want.error


def _runs(types: tuple[str, ...]) -> list[str]:
    """The event types with each run of text or reasoning deltas counted once: an adapter that
    merges the deltas of one read (``providers/coalesce.py``) yields as many as its reads
    held runs, and the cuts decide that."""
    runs: list[str] = []
    for kind in types:
        if not (runs and kind == runs[-1] and kind in ("TextDelta", "ReasoningDelta")):
            runs.append(kind)
    return runs


@pytest.mark.parametrize(("name", "wire"), STREAMS, ids=[n for n, _ in STREAMS])
def test_one_byte_at_a_time_gives_the_same_answer(replayer: Replayer, name: str, wire: str) -> None:
    """The extreme cut: every byte in a chunk of its own."""
    body = fixture_path(name).read_bytes()
    got = replayer.run(name, wire, _cut_reply(name, [body[i : i + 1] for i in range(len(body))]))
    assert got == replayer.baseline(name, wire)


@pytest.mark.parametrize(("name", "wire"), STREAMS, ids=[n for n, _ in STREAMS])
def test_event_cut_baseline_is_the_recorded_answer(
    replayer: Replayer, name: str, wire: str
) -> None:
    """The baseline the property compares against is itself right: the text and raw finish
    reason the fixture's meta expects, and an error exactly when the meta lists one."""
    want = expected(name)
    outcome = replayer.baseline(name, wire)
    assert outcome.completion.text == want["text"]
    assert outcome.completion.finish_reason_raw == want["finish_reason"]
    assert (outcome.error is not None) == bool(want["errors"])


def test_the_streams_cover_all_four_wire_formats() -> None:
    """Guard against an empty parametrization silently passing."""
    assert {wire for _, wire in STREAMS} == {
        "openai",
        "anthropic",
        "gemini",
        "ollama",
        "mistral",
        "cohere",
        "openai-responses",
        "bedrock",
        "vertex",
    }
    midstream = {n for n, _ in MIDSTREAM_ERRORS}
    assert "anthropic/stream_midstream_error.sse" in midstream
    assert "cohere/stream_sql_agent_0.sse" in midstream


@pytest.mark.parametrize(("name", "wire"), MIDSTREAM_ERRORS, ids=[n for n, _ in MIDSTREAM_ERRORS])
@_SETTINGS
@given(data=st.data())
def test_midstream_error_survives_any_chunking(
    replayer: Replayer, name: str, wire: str, data: st.DataObject
) -> None:
    """A stream cut by an in-stream error raises the same code after the same partial text and
    the same events (runs of deltas counted once, as above), however the bytes are cut."""
    want = replayer.baseline(name, wire)
    assert want.error is not None
    assert want.completion.text == expected(name)["text"]
    body = fixture_path(name).read_bytes()
    chunks = split_at(body, data.draw(cut_points(name), label="cuts"))
    got = replayer.run(name, wire, _cut_reply(name, chunks))
    assert got.error is not None
    assert got.error[0] == want.error[0]
    assert got.completion.text == want.completion.text
    assert got.completion == want.completion
    assert _runs(got.event_types) == _runs(want.event_types)
    assert got.error == want.error


CUT_STREAMS = [(n, w) for n, w in STREAMS if w in ("bedrock", "vertex")]


@pytest.mark.parametrize(("name", "wire"), CUT_STREAMS, ids=[n for n, _ in CUT_STREAMS])
@_SETTINGS
@given(data=st.data())
def test_a_stream_cut_short_never_succeeds(
    replayer: Replayer, name: str, wire: str, data: st.DataObject
) -> None:
    """A Bedrock event stream cut anywhere (mid-frame included) before its ``messageStop``
    frame is whole, or a Vertex stream cut before its finishReason, is STREAM_INTERRUPTED or
    STREAM_PARSING_FAILED: never a finished answer. What arrived before the cut is kept. (A
    Bedrock stream cut after ``messageStop`` and before ``metadata`` is a finished answer
    without usage, by design: see ``test_message_stop_without_metadata_is_complete``.)"""
    body = fixture_path(name).read_bytes()
    end = body.rindex(b"finishReason" if wire == "vertex" else b"messageStop")
    cut = data.draw(st.integers(1, end - 1), label="cut")
    got = replayer.run(name, wire, Reply(body=body[:cut], content_type=_content_type(name)))
    assert got.error is not None
    assert got.error[0] in (ErrorCode.STREAM_INTERRUPTED, ErrorCode.STREAM_PARSING_FAILED)
    want = replayer.baseline(name, wire).completion.text
    assert want.startswith(got.completion.text)


def _content_type(name: str) -> str:
    return str(load_meta(fixture_path(name))["content_type"])


def test_split_at_keeps_every_byte() -> None:
    """The splitter itself: pieces join back to the body, none empty, cut where asked."""
    body = "a\r\né€\n".encode()
    pieces = split_at(body, [2, 4, 4, 6])
    assert pieces == [b"a\r", b"\n\xc3", b"\xa9\xe2", b"\x82\xac\n"]
    assert split_at(body, []) == [body]
