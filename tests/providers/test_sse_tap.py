"""The tapped SSE reader (the gateway's pass-through) yields the events of the plain one, and
hands every byte of the body to its sink, in order, however the body is cut into reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from openmaas_tui.providers.base import iter_sse
from openmaas_tui.providers.sse_tap import iter_sse_data_reads

_EVENT = st.one_of(
    st.builds(lambda t: f"data: {t}\n\n", st.text(min_size=0, max_size=12)),
    st.builds(lambda a, b: f"data: {a}\ndata: {b}\n\n", st.text(max_size=6), st.text(max_size=6)),
    st.builds(
        lambda e, d: f"event: {e}\ndata: {d}\n\n",
        st.sampled_from(["ping", "x"]),
        st.text(max_size=8),
    ),
    st.just(": comment\n\n"),
    st.just("id: 7\ndata: {}\n\n"),
    st.just("data:nospace\n\n"),
    st.just("\n"),
)
_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


class _Pieces(httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece


async def _events(
    body: bytes, cuts: list[int], tapped: bool
) -> tuple[list[tuple[str, str]], bytes]:
    points = sorted({c for c in cuts if 0 < c < len(body)})
    pieces = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    seen = bytearray()

    def reply(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Pieces([p for p in pieces if p]))

    async with httpx.AsyncClient(transport=httpx.MockTransport(reply)) as client:
        async with client.stream("GET", "http://upstream.test/") as response:
            sink = seen.extend if tapped else None
            events = [(e.event, e.data) async for e in iter_sse(response, sink)]
    return events, bytes(seen)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_EVENT, max_size=8),
    _ENDS,
    st.booleans(),
    st.lists(st.integers(min_value=0, max_value=400), max_size=10),
)
def test_tapped_events_are_the_plain_events_and_the_sink_gets_every_byte(
    events: list[str], end: str, unfinished: bool, cuts: list[int]
) -> None:
    text = "".join(events).replace("\n", end) + ("data: half" if unfinished else "")
    body = text.encode()
    plain, _ = asyncio.run(_events(body, cuts, tapped=False))
    tapped, seen = asyncio.run(_events(body, cuts, tapped=True))
    # Events without data are skipped by every adapter; httpx-sse dispatches one at every
    # blank line once an ``id:`` was seen, which the tapped reader need not copy.
    assert [e for e in tapped if e[1]] == [e for e in plain if e[1]]
    assert seen == body


async def _data_reads(body: bytes, cuts: list[int]) -> tuple[list[str], int]:
    points = sorted({c for c in cuts if 0 < c < len(body)})
    pieces = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]

    def reply(_: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Pieces([p for p in pieces if p]))

    async with httpx.AsyncClient(transport=httpx.MockTransport(reply)) as client:
        async with client.stream("GET", "http://upstream.test/") as response:
            reads = [read async for read in iter_sse_data_reads(response)]
    return [data for read in reads for data in read], len(reads)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_EVENT, max_size=8),
    _ENDS,
    st.booleans(),
    st.lists(st.integers(min_value=0, max_value=400), max_size=10),
)
def test_the_data_of_each_read_is_the_plain_events_data(
    events: list[str], end: str, unfinished: bool, cuts: list[int]
) -> None:
    text = "".join(events).replace("\n", end) + ("data: half" if unfinished else "")
    body = text.encode()
    plain, _ = asyncio.run(_events(body, cuts, tapped=False))
    data, reads = asyncio.run(_data_reads(body, cuts))
    assert data == [d for _, d in plain if d]
    pieces = len({c for c in cuts if 0 < c < len(body)}) + 1
    assert reads <= pieces + 1  # a list per read at most, and one at the end (a last CR)


_DATA_EVENT = st.builds(
    lambda parts: "data: " + "".join(parts) + "\n\n",
    st.lists(st.sampled_from(["a", " ", ":", "data: ", "\n", "\r", "{}"]), max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_DATA_EVENT, max_size=12),
    _ENDS,
    st.lists(st.integers(min_value=0, max_value=200), max_size=6),
)
def test_reads_of_data_lines_alone_give_the_plain_events_data(
    events: list[str], end: str, cuts: list[int]
) -> None:
    body = "".join(events).replace("\n", end).encode()
    plain, _ = asyncio.run(_events(body, cuts, tapped=False))
    data, _ = asyncio.run(_data_reads(body, cuts))
    assert data == [d for _, d in plain if d]
