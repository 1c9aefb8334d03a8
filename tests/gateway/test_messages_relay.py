"""The passed-through Messages relay: whole events only, and whether Anthropic's own
``event: error`` already ended the stream, whether it is still pending or already sent."""

from __future__ import annotations

from openmaas_tui.gateway.anthropic_wire.relay import MessagesRelay, ends_in_error

_DELTA = b'event: content_block_delta\ndata: {"type":"content_block_delta"}\n\n'
_ERROR = b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error"}}\n\n'


def test_whole_events_are_taken_and_a_partial_one_waits() -> None:
    relay = MessagesRelay()
    relay.sink(_DELTA + _DELTA[:10])
    assert relay.take() == _DELTA
    assert relay.take() == b""
    relay.sink(_DELTA[10:])
    assert relay.take() == _DELTA
    assert not relay.ended_in_error()


def test_an_error_read_with_the_events_before_it_is_known_once_sent() -> None:
    relay = MessagesRelay()
    relay.sink(_DELTA + _ERROR)  # one read: the delta and Anthropic's error together
    assert relay.take() == _DELTA + _ERROR  # sent with the delta's event
    assert relay.rest() == b""
    assert relay.ended_in_error()


def test_a_pending_error_is_in_the_rest_and_a_partial_event_is_dropped() -> None:
    relay = MessagesRelay()
    relay.sink(_DELTA)
    assert relay.take() == _DELTA
    relay.sink(_ERROR + b"event: content_block_delta\ndata: {")
    assert not relay.ended_in_error()
    rest = relay.rest()
    assert rest == _ERROR and ends_in_error(rest)
    assert relay.ended_in_error()
