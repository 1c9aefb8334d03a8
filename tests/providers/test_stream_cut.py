"""A stream is complete only when its protocol says so: every recorded stream, cut short.

Each streaming fixture of the four wire formats is replayed with its body cut at every event
boundary, and at byte positions Hypothesis draws (inside events, inside ``data:``, inside
JSON, inside ``[DONE]``), the server closing the response cleanly there or dropping the
connection. Before the protocol's end the adapter must raise STREAM_INTERRUPTED after yielding
exactly the events of the whole events before the cut; from the end on, the answer is whole.

The end, per protocol (what every recording under tests/fixtures/ ends with):

- OpenAI Chat Completions and compatible servers: ``data: [DONE]``, or, when the server closes
  the stream without it, a chunk with a finish reason. Every recording sends ``[DONE]``;
  Snowflake and one OpenRouter recording never send a finish reason, so for them only
  ``[DONE]`` ends the answer.
- Anthropic: the ``message_stop`` event.
- Gemini: the chunk whose candidate carries ``finishReason`` (always the last one).
- Ollama: the ``done: true`` line (its JSON whole; the line end may be missing).

An SSE event counts once its closing blank line has arrived (an event cut before it is never
dispatched, as the SSE specification says).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmaas_tui.core.errors import ErrorCode
from tests.providers.test_any_chunking import _SETTINGS, STREAMS, Outcome, Replayer, split_at
from tests.support.recordings import expected, fixture_path
from tests.support.replay import fixture_reply, split_events
from tests.support.server import Reply

_WIRES = ("openai", "anthropic", "gemini", "ollama")
"""The protocols whose end rule this module states (the others' adapters state their own)."""
_ENDING = [(n, w) for n, w in STREAMS if w in _WIRES and not expected(n)["errors"]]


def _ends_the_answer(wire: str, piece: bytes) -> bool:
    """Whether the event ``piece`` is its protocol's end (see the module docstring)."""
    line = piece.strip()
    if wire == "ollama":
        return json.loads(line).get("done") is True
    data = b"\n".join(
        part.partition(b":")[2].strip() for part in line.splitlines() if part.startswith(b"data:")
    )
    if data.startswith(b"[DONE]"):
        return wire == "openai"
    payload = json.loads(data) if data else {}
    if wire == "anthropic":
        return bool(payload.get("type") == "message_stop")
    if wire == "gemini":
        return any(c.get("finishReason") for c in payload.get("candidates") or ())
    return any(c.get("finish_reason") for c in payload.get("choices") or ())


def _read_at(wire: str, piece: bytes) -> int:
    """How many bytes of the event ``piece`` must arrive for it to be read: an SSE event up to
    the first line end of its closing blank line (``\r`` alone ends a line, so ``\r\n\r``
    suffices), an NDJSON line up to the end of its JSON."""
    if wire == "ollama":
        return len(piece.rstrip(b"\r\n"))
    return len(piece) - 1 if piece.endswith(b"\r\n\r\n") else len(piece)


@cache
def _read_points(name: str, wire: str, *, dropped: bool = False) -> tuple[tuple[int, bool], ...]:
    """For each event: the body size at which it has been read, and whether it ends the
    answer. On a dropped connection only whole events count: what waits for the end of the
    body (a last line without its line end, a held ``\r``) is lost with the connection."""
    points, offset = [], 0
    for piece in split_events(fixture_path(name).read_bytes()):
        read_at = len(piece) if dropped else _read_at(wire, piece)
        points.append((offset + read_at, _ends_the_answer(wire, piece)))
        offset += len(piece)
    return tuple(points)


def _end_offset(name: str, wire: str) -> int:
    """The number of body bytes after which the answer is complete."""
    return next(at for at, ends in _read_points(name, wire) if ends)


def _boundaries(name: str) -> list[int]:
    """The byte offsets of every event boundary of the fixture, 0 included."""
    offsets, total = [0], 0
    for piece in split_events(fixture_path(name).read_bytes()):
        total += len(piece)
        offsets.append(total)
    return offsets


def _cut(name: str, size: int, *, drop: bool = False) -> Reply:
    """The fixture's reply with only its first ``size`` body bytes, then a clean end of the
    response (or, with ``drop``, the connection closed abruptly)."""
    full = fixture_reply(fixture_path(name))
    body = full.body[:size]
    chunks = [piece for piece in split_at(body, _boundaries(name)[1:-1]) if piece]
    if drop:
        return Reply(full.status, content_type=full.content_type, chunks=chunks, drop_after=size)
    return Reply(full.status, content_type=full.content_type, chunks=chunks)


@pytest.fixture(scope="module")
def replayer() -> Iterator[Replayer]:
    """One replay server and one client for the whole module."""
    replay = Replayer()
    replay.start()
    yield replay
    replay.close()


def _assert_whole(got: Outcome, name: str) -> None:
    want = expected(name)
    assert got.error is None
    assert got.completion.text == want["text"]
    assert [call.name for call in got.completion.tool_calls] == [
        call["name"] for call in want["tool_calls"] or ()
    ]


def _assert_interrupted(got: Outcome, name: str) -> None:
    assert got.error is not None and got.error[0] == ErrorCode.STREAM_INTERRUPTED
    assert expected(name)["text"].startswith(got.completion.text)


def test_the_cut_streams_cover_all_four_wire_formats() -> None:
    assert {wire for _, wire in _ENDING} == set(_WIRES)
    assert ("snowflake/stream_text.sse", "openai") in _ENDING  # never a finish reason


@pytest.mark.parametrize(("name", "wire"), _ENDING, ids=[n for n, _ in _ENDING])
def test_a_cut_at_any_event_boundary(replayer: Replayer, name: str, wire: str) -> None:
    """Before the end: STREAM_INTERRUPTED with the text of the events before the cut, which
    only grows with the cut; from the end on: the whole answer."""
    end = _end_offset(name, wire)
    texts: list[str] = []
    for size in _boundaries(name):
        got = replayer.run(name, wire, _cut(name, size))
        if size >= end:
            _assert_whole(got, name)
            continue
        _assert_interrupted(got, name)
        assert not texts or got.completion.text.startswith(texts[-1])
        texts.append(got.completion.text)
    assert texts, "the empty body at least is cut"
    assert texts[0] == ""


@pytest.mark.parametrize(("name", "wire"), _ENDING, ids=[n for n, _ in _ENDING])
@_SETTINGS
@given(data=st.data())
def test_a_cut_inside_an_event(
    replayer: Replayer, name: str, wire: str, data: st.DataObject
) -> None:
    """Cut at any byte, closed cleanly or dropped: before the end, the same outcome as the cut
    at the last event boundary before it (the partial event is never read); from the end on,
    the whole answer."""
    body = fixture_path(name).read_bytes()
    end = _end_offset(name, wire)
    size = data.draw(st.integers(0, len(body)), label="size")
    drop = size < end and data.draw(st.booleans(), label="drop")
    got = replayer.run(name, wire, _cut(name, size, drop=drop))
    if size >= end:
        _assert_whole(got, name)
        return
    read = [at for at, _ in _read_points(name, wire, dropped=drop) if at <= size]
    boundary = _boundaries(name)[len(read)]  # the events read, and nothing of the next
    at_boundary = replayer.run(name, wire, _cut(name, boundary))
    _assert_interrupted(got, name)
    assert got.completion == at_boundary.completion
    assert got.event_types == at_boundary.event_types


_MODELS_BY_WIRE = ("openai", "anthropic", "gemini", "ollama")
_SSE = "text/event-stream"


@pytest.mark.parametrize("wire", _MODELS_BY_WIRE)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", _SSE),
        (b": keep-alive\n\n: OPENROUTER PROCESSING\n\n", _SSE),
        (b"\n\n\n", "application/x-ndjson"),
    ],
    ids=["empty", "comments-only", "blank-lines"],
)
def test_a_200_without_any_event_is_interrupted(
    replayer: Replayer, wire: str, body: bytes, content_type: str
) -> None:
    """An empty 200, SSE comments alone, or blank lines alone: STREAM_INTERRUPTED saying that
    no event came, never a complete empty answer. (NDJSON has no comments: for Ollama such a
    line is unreadable.)"""
    if wire == "ollama" and body.startswith(b":"):
        pytest.skip("SSE comments are not NDJSON")
    got = replayer.run(
        f"{wire}/x", wire, Reply(body=body, content_type=content_type, chunks=[body])
    )
    assert got.error is not None and got.error[0] == ErrorCode.STREAM_INTERRUPTED
    assert "before any event" in got.error[1]
    assert got.completion.text == ""


_PORTAL = (
    b"<!DOCTYPE html><html><head><title>Hotel  Lobby\nWi-Fi &amp; Login</title>"
    b"<script>var secret = 1;</script></head><body><h1>Welcome</h1>" + b"x" * 100_000
)


@pytest.mark.parametrize("wire", _MODELS_BY_WIRE)
def test_a_200_web_page_is_a_connection_failure_named_by_its_title(
    replayer: Replayer, wire: str
) -> None:
    """A captive portal's 200 text/html page: STREAM_CONNECTION_FAILED, summarised by its
    title and status, the page itself never quoted."""
    reply = Reply(body=_PORTAL, content_type="text/html; charset=utf-8", chunks=[_PORTAL])
    got = replayer.run(f"{wire}/x", wire, reply)
    assert got.error is not None
    code, message = got.error
    assert code == ErrorCode.STREAM_CONNECTION_FAILED
    assert "HTTP 200, a web page: “Hotel Lobby Wi-Fi & Login”" in message
    assert "<" not in message and "secret" not in message
    assert got.event_types == ()
