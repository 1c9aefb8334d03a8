"""Structured fuzz: recorded answers with a few values mutated must fail cleanly.

Recorded fixtures get one to three events mutated (a value anywhere in an event's JSON tree
replaced by a value of another type, a number written as a string, ``null``, a huge or a
negative number, a key deleted, a value wrapped in a list) and are re-serialised: streams,
whole JSON bodies and model listings. The contract they are held to is in ``tests.providers.fuzz``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openmaas_tui.core.types import ReasoningDelta, TextDelta
from openmaas_tui.providers.coalesce import merged
from tests.providers.fuzz.corpus import (
    BODIES,
    ERROR_BODIES,
    LISTINGS,
    RAW,
    SETTINGS,
    STREAMS,
    WIRES,
    frames_of,
)
from tests.providers.fuzz.harness import Harness, check
from tests.providers.fuzz.strategies import mutated, mutated_body
from tests.support.recordings import fixture_path
from tests.support.replay import load_meta
from tests.support.server import Reply


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    """One replay server and one client for the whole module."""
    with Harness() as replay:
        yield replay


def _provider(name: str) -> str:
    return name.split("/", 1)[0]


def _fixture_reply(name: str, body: bytes) -> Reply:
    meta = load_meta(fixture_path(name))
    return Reply(body=body, content_type=meta.get("content_type") or "application/json")


# --- the properties -------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
@SETTINGS
@given(data=st.data())
def test_mutated_stream_fails_cleanly_after_what_came_before(
    harness: Harness, wire: str, data: st.DataObject
) -> None:
    """A recorded stream with a few events mutated: only OpenMaaSError escapes, everything
    yielded is well typed, and the stream first yields exactly what the unmutated events
    before the first mutated one yield on their own (runs of text and reasoning deltas
    joined: the deltas of one read may come merged, and the last run of the unmutated part
    may go on in the mutated stream before its failure)."""
    name = data.draw(st.sampled_from(STREAMS[wire]), label="fixture")
    body, prefix = data.draw(mutated_body(name), label="body")
    got = harness.run(wire, "stream", _fixture_reply(name, body), _provider(name))
    check(got)
    before = harness.run(wire, "stream", _fixture_reply(name, prefix), _provider(name))
    got_runs, before_runs = merged(got.events), merged(before.events)
    if before_runs:
        assert got_runs[: len(before_runs) - 1] == before_runs[:-1]
        last, same = before_runs[-1], got_runs[len(before_runs) - 1]
        if isinstance(last, TextDelta | ReasoningDelta) and type(same) is type(last):
            assert same.text.startswith(last.text)
        else:
            assert same == last


@pytest.mark.parametrize("wire", WIRES)
@SETTINGS
@given(data=st.data())
def test_mutated_json_body_fails_cleanly(harness: Harness, wire: str, data: st.DataObject) -> None:
    """A recorded whole-answer body, mutated, read by ``complete`` and (as a server that
    ignored ``stream: true`` would send it) by ``stream``."""
    name = data.draw(st.sampled_from(BODIES[wire]), label="fixture")
    body, _ = data.draw(mutated_body(name), label="body")
    reply = Reply(body=body, content_type="application/json")
    check(harness.run(wire, "complete", reply, _provider(name)))
    check(harness.run(wire, "stream", reply, _provider(name)))


@pytest.mark.parametrize("wire", WIRES)
@SETTINGS
@given(data=st.data())
def test_mutated_model_listing_fails_cleanly(
    harness: Harness, wire: str, data: st.DataObject
) -> None:
    """A model listing with one to three mutations: a clean list or OpenMaaSError."""
    listing = LISTINGS[wire]
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        listing = data.draw(mutated(listing))
    check(harness.run(wire, "list_models", Reply(body=json.dumps(listing).encode())))


# --- the inputs -----------------------------------------------------------------------------


def test_the_fuzz_inputs_cover_every_wire_format() -> None:
    """Guard against an empty sample silently passing: every wire has streams, bodies, error
    bodies and mutable frames."""
    for wire in WIRES:
        assert STREAMS[wire] and BODIES[wire] and ERROR_BODIES[wire], wire
        for name in STREAMS[wire]:
            assert any(f.value is not RAW for f in frames_of(name)), name
            body = b"".join(f.render() for f in frames_of(name))
            assert body == fixture_path(name).read_bytes(), name
