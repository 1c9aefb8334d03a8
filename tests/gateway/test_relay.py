"""The pass-through relay of a Chat Completions stream, fed the way the adapter feeds it."""

from __future__ import annotations

import json

from openmaas_tui.gateway.openai_wire.relay import ChatRelay

HEAD = '"id":"c1","object":"chat.completion.chunk","created":1,"model":"m"'


def _chunk(content: str) -> bytes:
    delta = json.dumps({"content": content})
    return f'data: {{{HEAD},"choices":[{{"index":0,"delta":{delta}}}]}}\n\n'.encode()


USAGE = f'data: {{{HEAD},"choices":[],"usage":{{"prompt_tokens":3,"completion_tokens":2}}}}\n\n'
COST = {"cost": 0.5, "price_as_of": "2026-01-01"}


def _run(pieces: list[bytes], usage: dict[str, object] | None) -> bytes:
    relay = ChatRelay()
    out = b""
    for piece in pieces:
        relay.sink(piece)
        out += relay.take()
    return out + relay.take() + relay.tail(usage)


def test_text_that_looks_like_the_tail_passes_at_once() -> None:
    tricky = [_chunk('data: [DONE] and "choices":[]'), _chunk("[]")]
    relay = ChatRelay()
    relay.sink(b"".join(tricky))
    assert relay.take() == b"".join(tricky)


def test_the_usage_chunk_goes_unless_asked_and_gets_the_cost_when_asked() -> None:
    body = _chunk("a") + _chunk("b") + USAGE.encode() + b"data: [DONE]\n\n"
    cuts = [body[:7], body[7:60], body[60:]]
    assert _run(cuts, None) == _chunk("a") + _chunk("b") + b"data: [DONE]\n\n"
    out = _run(cuts, {"prompt_tokens": 9, **COST})
    frames = out.split(b"\n\n")
    usage = json.loads(frames[2][6:])
    assert usage["usage"] == {"prompt_tokens": 3, "completion_tokens": 2, **COST}
    assert usage["id"] == "c1" and usage["choices"] == []
    assert out.endswith(b"\n\ndata: [DONE]\n\n") and out.startswith(_chunk("a") + _chunk("b"))


def test_a_usage_chunk_is_made_when_the_provider_sent_none() -> None:
    body = _chunk("a") + b"data: [DONE]\n\n"
    out = _run([body], {"prompt_tokens": 1, **COST})
    made = json.loads(out.split(b"\n\n")[1][6:])
    assert made == {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [],
        "usage": {"prompt_tokens": 1, **COST},
    }


def test_a_partial_event_waits_and_rest_drops_it() -> None:
    relay = ChatRelay()
    relay.sink(_chunk("a") + b'data: {"half')
    assert relay.take() == _chunk("a")
    assert relay.take() == b""
    assert relay.rest() == b""
