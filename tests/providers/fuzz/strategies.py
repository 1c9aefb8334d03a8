"""Hypothesis strategies of the fuzz tests: mutations of a recorded JSON tree, random
bodies in each framing, and odd response headers."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from tests.providers.fuzz.corpus import RAW, frames_of

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
