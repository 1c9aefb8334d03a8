"""Byte fuzz: random bodies with status 200, and error statuses with odd headers, fail cleanly.

Status 200 bodies are random bytes, random text and random protocol-shaped text (``data:``
lines and NDJSON lines holding random JSON built from the wire formats' own keys). Error
statuses 400..599 come with random, mutated or protocol-shaped bodies and odd headers
(``retry-after`` garbage, huge or infinite; a ``content-encoding`` the body does not match).
The contract they are held to is in ``tests.providers.fuzz``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.providers.fuzz.corpus import ERROR_BODIES, SETTINGS, STREAM_TYPES, WIRES
from tests.providers.fuzz.harness import Harness, check
from tests.providers.fuzz.strategies import (
    CHARSETS,
    encodings,
    json_values,
    mutated_body,
    odd_headers,
    random_body,
)
from tests.support.server import Reply


@pytest.fixture(scope="module")
def harness() -> Iterator[Harness]:
    """One replay server and one client for the whole module."""
    with Harness() as replay:
        yield replay


# --- random bodies, status 200 --------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
@SETTINGS
@given(data=st.data())
def test_random_stream_body_fails_cleanly(harness: Harness, wire: str, data: st.DataObject) -> None:
    """Random bytes or text with the stream's content type (or JSON's, any charset, any
    content-encoding), status 200."""
    body = data.draw(random_body(wire == "ollama"), label="body")
    content_type = data.draw(st.sampled_from([STREAM_TYPES[wire], "application/json"]))
    content_type += data.draw(CHARSETS, label="charset")
    headers = data.draw(encodings, label="headers")
    reply = Reply(body=body, content_type=content_type, headers=headers)
    check(harness.run(wire, "stream", reply))


@pytest.mark.parametrize("wire", WIRES)
@SETTINGS
@given(data=st.data())
def test_random_json_body_fails_cleanly(harness: Harness, wire: str, data: st.DataObject) -> None:
    """Random bytes or text as ``application/json``, status 200, for ``complete`` and
    ``list_models``."""
    body = data.draw(random_body(wire == "ollama"), label="body")
    content_type = "application/json" + data.draw(CHARSETS, label="charset")
    reply = Reply(body=body, content_type=content_type, headers=data.draw(encodings))
    check(harness.run(wire, "complete", reply))
    check(harness.run(wire, "list_models", reply))


# --- error statuses 400..599 ----------------------------------------------------------------


def _error_bodies(wire: str) -> st.SearchStrategy[bytes]:
    recorded = st.sampled_from(ERROR_BODIES[wire]).flatmap(
        lambda name: mutated_body(name).map(lambda pair: pair[0])
    )
    shaped = json_values.map(lambda v: json.dumps({"error": v}).encode())
    return st.one_of(random_body(wire == "ollama"), shaped, recorded)


@pytest.mark.parametrize("wire", WIRES)
@SETTINGS
@given(data=st.data())
def test_error_status_keeps_its_status(harness: Harness, wire: str, data: st.DataObject) -> None:
    """Any status 400..599 with any body and odd headers becomes an OpenMaaSError carrying
    that status, from ``stream``, ``complete`` and ``list_models`` alike."""
    status = data.draw(st.integers(400, 599), label="status")
    body = data.draw(_error_bodies(wire), label="body")
    headers = data.draw(odd_headers, label="headers")
    content_type = data.draw(st.sampled_from(["application/json", "text/plain", "text/html"]))
    reply = Reply(status=status, body=body, content_type=content_type, headers=headers)
    for op in ("stream", "complete", "list_models"):
        outcome = harness.run(wire, op, reply)
        check(outcome)
        assert outcome.error is not None, op
        assert outcome.error.status == status, (op, outcome.error)
