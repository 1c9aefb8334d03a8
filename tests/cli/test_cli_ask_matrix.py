"""``openmaas ask`` with every provider, against replayed recordings on loopback and keys from
an in-memory keyring (the matrix is in :mod:`tests.support.provider_matrix`):

- a two-step tool call with each provider that takes tools: the first ``ask --tools`` prints
  the recorded call; the person answers it with ``--session ID --tool-result CALL_ID=TEXT``;
  the second request carries that result in the provider's own form and the second ``ask``
  prints the recorded text;
- an image (``-a``) to each provider with a model that sees images, reaching the upstream in
  that provider's own form;
- ``ask --json``'s ``reasoning`` field (and reasoning tokens) for each provider with a
  recording that holds reasoning.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.cli.main import main
from tests.support.memory_keyring import MemoryKeyring
from tests.support.provider_matrix import (
    IMAGES,
    REASONING,
    TOOLS,
    Row,
    image_file,
    reasoning_of,
    signed,
    store_keys,
)
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.request_forms import (
    calls_in,
    image_sent,
    images_in,
    signatures_in,
    tool_names_in,
    tool_results_in,
)

CALL = re.compile(r"^tool call (.+): (\S+)$", re.MULTILINE)
SESSION = re.compile(r"--session ([0-9a-f]+) ")


@pytest.fixture(autouse=True)
def keys(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every provider's credentials in the in-memory keyring; nothing piped in."""
    store_keys(memory_keyring)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    """A replay server in its own thread (``ask`` runs its own event loop), answering only
    what is queued."""
    served = ReplayServer()
    served.start_in_thread()
    yield served
    served.stop_thread()


def _ask(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    code = main(["ask", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


def _printed(text: str) -> str:
    """What ``ask`` prints for an answer of ``text``: the text, ended by a new line."""
    return text if text.endswith("\n") else text + "\n"


@pytest.mark.parametrize("row", TOOLS, ids=[r.id for r in TOOLS])
def test_a_tool_call_is_shown_answered_and_continued(
    row: Row, server: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert row.first is not None and row.second is not None
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps(row.tools()))
    server.queue(fixture_reply(fixture_path(row.first)))
    whole = ["--no-stream"] if row.whole_first else []
    out, err = _ask([*row.argv(server.url), *whole, "--tools", str(tools), "Look it up"], capsys)
    calls = CALL.findall(out)
    recorded = expected(row.first)["tool_calls"]
    assert [name for _, name in calls] == [c["name"] for c in recorded]
    for call in recorded:  # each call's arguments, pretty-printed under it
        for line in json.dumps(json.loads(call["arguments"]), indent=2).splitlines():
            assert f"  {line}\n" in out
    [session] = SESSION.findall(err)
    assert len(server.requests) == 1 and signed(row.provider, server.last.headers)
    names = [t["function"]["name"] for t in row.tools()]
    assert tool_names_in(row.form, server.last.json()) == names

    results = [f"{call_id}=result {i} for {name}" for i, (call_id, name) in enumerate(calls)]
    server.queue(fixture_reply(fixture_path(row.second)))
    # as the note says, plus where the server is: the provider and model are the session's
    continued = ["--base-url", server.url]
    # the session goes on as it was asked (whole or streamed) unless told otherwise
    whole = ["--no-stream"] if row.whole_second else ["--stream"] if row.whole_first else []
    answer = [f"--tool-result={r}" for r in results]
    out, err = _ask([*continued, *whole, "--session", session, *answer], capsys)
    assert out == _printed(expected(row.second)["text"])
    body = server.last.json()
    by_name = row.form in ("gemini", "ollama")  # these answer a call by its function's name
    want = [
        (name if by_name else call_id, f"result {i} for {name}")
        for i, (call_id, name) in enumerate(calls)
    ]
    keys = [(name if by_name else call_id, name) for call_id, name in calls]
    assert calls_in(row.form, body) == keys  # the calls go back before their results
    if row.form == "gemini":  # each with the signature it came with
        recorded = fixture_path(row.first).read_text()
        signatures = signatures_in(body)
        assert len(signatures) == len(calls)
        assert all(s and s in recorded for s in signatures)
    got = tool_results_in(row.form, body)
    if row.form == "gemini":  # a text result goes as {"output": TEXT}
        got = [(name, json.loads(text)["output"]) for name, text in got]
    assert got == want
    assert tool_names_in(row.form, body) == names  # the session kept the tools
    assert len(server.requests) == 2 and signed(row.provider, server.last.headers)


@pytest.mark.parametrize("row", IMAGES, ids=[r.id for r in IMAGES])
def test_an_attached_image_reaches_the_provider_in_its_form(
    row: Row, server: ReplayServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert row.first is not None
    picture, data = image_file(tmp_path)
    server.queue(fixture_reply(fixture_path(row.first)))
    out, _ = _ask([*row.argv(server.url), "-a", str(picture), "What is this?"], capsys)
    assert out == _printed(expected(row.first)["text"])
    assert images_in(row.form, server.last.json()) == [image_sent(row.form, data)]
    assert len(server.requests) == 1 and signed(row.provider, server.last.headers)


@pytest.mark.parametrize("row", REASONING, ids=[r.id for r in REASONING])
def test_json_has_the_reasoning_of_each_provider(
    row: Row, server: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert row.first is not None
    server.queue(fixture_reply(fixture_path(row.first)))
    whole = ["--no-stream"] if row.whole_first else []
    out, _ = _ask([*row.argv(server.url), *whole, "--json", "Think first"], capsys)
    result = json.loads(out)
    want = expected(row.first)
    assert result["error"] is None
    assert result["reasoning"] == reasoning_of(row)
    assert result["text"] == want["text"]
    assert result["usage"]["reasoning_tokens"] == want["usage"]["reasoning_tokens"]
