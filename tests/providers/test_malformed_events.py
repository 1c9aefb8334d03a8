"""A table of hand-written malformed events: each ends the answer with STREAM_PARSING_FAILED.

One bad event per shape the adapter contract names (a wrongly typed value, a negative or huge
token count, a delta for a block never started, a nesting too deep to parse), sent after a
good event of each wire format; the stream must yield exactly the good events, then fail.
Gemini's and Ollama's chunks share their whole answers' shape, so the same objects are also
sent as ``complete`` bodies. The typing contract every outcome meets is in ``tests.providers.fuzz``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.types import StreamEvent, TextDelta, Usage, UsageReport
from tests.providers.fuzz.corpus import STREAM_TYPES
from tests.providers.fuzz.harness import Harness, check
from tests.support.server import Reply


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    """One replay server and one client for the whole module."""
    with Harness() as replay:
        yield replay


# --- the malformed events the contract names -----------------------------------------------


def _sse(*payloads: Any, done: bool = False) -> bytes:
    lines = [f"data: {p if isinstance(p, str) else json.dumps(p)}\n\n" for p in payloads]
    return ("".join(lines) + ("data: [DONE]\n\n" if done else "")).encode()


def _ndjson(*payloads: Any) -> bytes:
    return "".join((p if isinstance(p, str) else json.dumps(p)) + "\n" for p in payloads).encode()


_DEEP = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError, not ValueError


def _openai_chunk(**choice: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, **choice}]}


_OPENAI_HI = _openai_chunk(delta={"content": "Hi"})
_OPENAI_BAD: dict[str, Any] = {
    "choices_string": {"choices": "x"},
    "choices_object": {"choices": {"index": 0}},
    "choice_null": {"choices": [None]},
    "usage_list": {"choices": [], "usage": []},
    "usage_string": {"choices": [], "usage": "12"},
    "delta_null": _openai_chunk(delta=None),
    "delta_list": _openai_chunk(delta=["Hi"]),
    "content_number": _openai_chunk(delta={"content": 5}),
    "content_parts_not_objects": _openai_chunk(delta={"content": ["Hi"]}),
    "tool_index_string": _openai_chunk(
        delta={"tool_calls": [{"index": "0", "id": "c", "function": {"name": "f"}}]}
    ),
    "tool_index_negative": _openai_chunk(delta={"tool_calls": [{"index": -1}]}),
    "tool_name_number": _openai_chunk(
        delta={"tool_calls": [{"index": 0, "function": {"name": 5}}]}
    ),
    "tool_id_object": _openai_chunk(delta={"tool_calls": [{"index": 0, "id": {}}]}),
    "tool_calls_object": _openai_chunk(delta={"tool_calls": {"index": 0}}),
    "finish_number": _openai_chunk(delta={}, finish_reason=5),
    "tokens_as_string": {"choices": [], "usage": {"prompt_tokens": "12", "completion_tokens": 3}},
    "tokens_negative": {"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": -3}},
    "tokens_huge": {"choices": [], "usage": {"prompt_tokens": 10**30}},
    "tokens_bool": {"choices": [], "usage": {"completion_tokens": True}},
    "tokens_fraction": {"choices": [], "usage": {"completion_tokens": 1.5}},
    "cached_as_string": {
        "choices": [],
        "usage": {"prompt_tokens": 5, "prompt_tokens_details": {"cached_tokens": "2"}},
    },
    "groq_usage_string": {"choices": [], "x_groq": {"usage": "x"}},
    "chunk_list": [1, 2],
    "chunk_null": None,
    "chunk_string": "x",
    "deep": _DEEP,
}

_ANTHROPIC_START = [
    {"type": "message_start", "message": {"usage": {"input_tokens": 3, "output_tokens": 1}}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
]


def _anthropic_delta(**delta: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": 0, "delta": delta}


def _anthropic_usage(**usage: Any) -> dict[str, Any]:
    return {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": usage}


_ANTHROPIC_BAD: dict[str, Any] = {
    "delta_for_unstarted_block": {
        "type": "content_block_delta",
        "index": 1,
        "delta": {"type": "text_delta", "text": "x"},
    },
    "delta_index_string": {
        "type": "content_block_delta",
        "index": "0",
        "delta": {"type": "text_delta", "text": "x"},
    },
    "stop_for_unstarted_block": {"type": "content_block_stop", "index": 7},
    "start_index_string": {
        "type": "content_block_start",
        "index": "1",
        "content_block": {"type": "text", "text": ""},
    },
    "delta_null": {"type": "content_block_delta", "index": 0, "delta": None},
    "text_number": _anthropic_delta(type="text_delta", text=5),
    "thinking_list": _anthropic_delta(type="thinking_delta", thinking=["x"]),
    "json_fragment_number": _anthropic_delta(type="input_json_delta", partial_json=5),
    "tokens_as_string": _anthropic_usage(output_tokens="12"),
    "tokens_negative": _anthropic_usage(output_tokens=-1),
    "tokens_huge": _anthropic_usage(output_tokens=10**30),
    "tokens_bool": _anthropic_usage(output_tokens=True),
    "cache_tokens_fraction": _anthropic_usage(output_tokens=2, cache_read_input_tokens=0.5),
    "usage_list": {"type": "message_delta", "delta": {}, "usage": [1]},
    "stop_reason_number": {"type": "message_delta", "delta": {"stop_reason": 5}},
    "message_null": {"type": "message_start", "message": None},
    "event_list": [],
    "event_null": None,
    "deep": _DEEP,
}

_GEMINI_HI = {"candidates": [{"content": {"parts": [{"text": "Hi"}], "role": "model"}}]}


def _gemini_parts(parts: Any) -> dict[str, Any]:
    return {"candidates": [{"content": {"parts": parts, "role": "model"}}]}


_GEMINI_BAD: dict[str, Any] = {
    "parts_object": _gemini_parts({}),
    "parts_string": _gemini_parts("Hi"),
    "text_number": _gemini_parts([{"text": 5}]),
    "text_list": _gemini_parts([{"text": ["Hi"]}]),
    "call_name_number": _gemini_parts([{"functionCall": {"name": 5, "args": {}}}]),
    "call_id_number": _gemini_parts([{"functionCall": {"name": "f", "id": 5}}]),
    "candidates_object": {"candidates": {"content": {}}},
    "candidate_null": {"candidates": [None]},
    "finish_number": {"candidates": [{"finishReason": 5}]},
    "tokens_as_string": {"usageMetadata": {"promptTokenCount": "12"}},
    "tokens_negative": {"usageMetadata": {"candidatesTokenCount": -1}},
    "tokens_bool": {"usageMetadata": {"thoughtsTokenCount": True}},
    "tokens_huge": {"usageMetadata": {"promptTokenCount": 10**30}},
    "usage_list": {"usageMetadata": [1]},
    "chunk_list": [_GEMINI_HI],
    "chunk_null": None,
    "deep": _DEEP,
}

_OLLAMA_HI = {"message": {"role": "assistant", "content": "Hi"}, "done": False}


def _ollama_done(**fields: Any) -> dict[str, Any]:
    return {"message": {"role": "assistant", "content": ""}, "done": True, **fields}


_OLLAMA_BAD: dict[str, Any] = {
    "message_number": {"message": 5, "done": False},
    "message_list": {"message": ["Hi"], "done": False},
    "content_number": {"message": {"content": 5}, "done": False},
    "thinking_object": {"message": {"thinking": {"a": 1}}, "done": False},
    "tool_calls_number": {"message": {"tool_calls": 5}, "done": False},
    "tool_calls_string": {"message": {"tool_calls": "f"}, "done": False},
    "tool_name_number": {"message": {"tool_calls": [{"function": {"name": 5}}]}, "done": False},
    "done_string": {"message": {"content": ""}, "done": "yes"},
    "done_reason_number": _ollama_done(done_reason=5),
    "tokens_as_string": _ollama_done(prompt_eval_count="12", eval_count=3),
    "tokens_negative": _ollama_done(prompt_eval_count=4, eval_count=-3),
    "tokens_huge": _ollama_done(eval_count=10**30),
    "tokens_bool": _ollama_done(eval_count=True),
    "chunk_list": [_OLLAMA_HI],
    "chunk_null": None,
    "deep": _DEEP,
}


def _malformed_cases() -> Iterator[tuple[str, str, bytes, list[StreamEvent]]]:
    """(wire, case, body, events expected before the failure) for every named bad event."""
    hi: list[StreamEvent] = [TextDelta("Hi")]
    for case, bad in _OPENAI_BAD.items():
        yield "openai", case, _sse(_OPENAI_HI, bad, done=True), hi
    start_usage = UsageReport(Usage(input_tokens=3, output_tokens=1))
    for case, bad in _ANTHROPIC_BAD.items():
        body = _sse(*_ANTHROPIC_START, bad, {"type": "message_stop"})
        yield "anthropic", case, body, [start_usage, *hi]
    for case, bad in _GEMINI_BAD.items():
        yield "gemini", case, _sse(_GEMINI_HI, bad), hi
    for case, bad in _OLLAMA_BAD.items():
        yield "ollama", case, _ndjson(_OLLAMA_HI, bad, _ollama_done()), hi


MALFORMED = list(_malformed_cases())


@pytest.mark.parametrize(
    ("wire", "case", "body", "before"), MALFORMED, ids=[f"{w}-{c}" for w, c, _, _ in MALFORMED]
)
def test_malformed_event_is_a_parsing_failure(
    harness: Harness, wire: str, case: str, body: bytes, before: list[StreamEvent]
) -> None:
    """Each malformed event ends the stream with STREAM_PARSING_FAILED, after exactly the
    events of the good ones before it: never a crash, never a wrongly typed value."""
    got = harness.run(wire, "stream", Reply(body=body, content_type=STREAM_TYPES[wire]))
    check(got)
    assert got.error is not None, f"{case}: no error, events {got.events}"
    assert got.error.code is ErrorCode.STREAM_PARSING_FAILED, got.error
    assert got.events == before


WHOLE_BODIES = [
    *(("gemini", case, bad) for case, bad in _GEMINI_BAD.items() if case != "chunk_list"),
    *(("ollama", case, bad) for case, bad in _OLLAMA_BAD.items()),
]


@pytest.mark.parametrize(
    ("wire", "case", "payload"), WHOLE_BODIES, ids=[f"{w}-{c}" for w, c, _ in WHOLE_BODIES]
)
def test_malformed_whole_body_is_a_parsing_failure(
    harness: Harness, wire: str, case: str, payload: Any
) -> None:
    """The same malformed objects as a whole ``complete`` body (the shape Gemini's and
    Ollama's chunks share with their whole answers) fail with STREAM_PARSING_FAILED too."""
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    got = harness.run(wire, "complete", Reply(body=raw.encode()))
    check(got)
    assert got.error is not None, f"{case}: no error, completion {got.completion}"
    assert got.error.code is ErrorCode.STREAM_PARSING_FAILED, got.error
