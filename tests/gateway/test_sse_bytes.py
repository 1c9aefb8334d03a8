"""The relays hand on whole events only: where the last complete one ends, with LF or CRLF
line ends, and nothing while the first is still partial."""

from __future__ import annotations

import pytest

from openmaas_tui.gateway.sse_bytes import event_end


@pytest.mark.parametrize(
    ("data", "end"),
    [
        (b"", 0),
        (b"data: {", 0),
        (b"data: 1\n\n", 9),
        (b"data: 1\n\ndata: 2", 9),
        (b"data: 1\n\ndata: 2\n\n", 18),
        (b"data: 1\r\n\r\n", 11),
        (b"data: 1\r\n\r\ndata: 2\n", 11),
        (b"event: a\ndata: 1\n\nevent: b\r\ndata: 2\r\n\r\n", 39),
    ],
)
def test_the_last_whole_event_ends_after_its_blank_line(data: bytes, end: int) -> None:
    assert event_end(data) == end
    assert event_end(bytearray(data)) == end
