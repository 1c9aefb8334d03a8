"""Nothing a model, a provider or an imported file says reaches the terminal raw from the
command line: escape sequences show as ``␛…`` on stdout and stderr, ``--json`` escapes them,
and the history and exports written to files keep the raw bytes."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role
from tests.support.replay import ReplayServer
from tests.support.server import Reply
from tests.support.synth import openai_stream_reply

CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"
CLEAR = "\x1b[2J"
CSI_C1 = "\x9b6n"
RLO = "\u202e"
PIECES = ["Hello ", CLIPBOARD, " and ", CLEAR, " then ", CSI_C1, RLO, "!"]
RAW = "".join(PIECES)
UNSAFE = ("\x1b", "\x07", "\x9b", RLO)


def _assert_inert(shown: str) -> None:
    for char in UNSAFE:
        assert char not in shown, f"{char!r} reached the terminal: {shown!r}"


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def hostile() -> Iterator[ReplayServer]:
    """An OpenAI-compatible server whose every answer carries escape sequences."""
    server = ReplayServer(openai_stream_reply(PIECES))
    server.start_in_thread()
    yield server
    server.stop_thread()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _ask(server: ReplayServer, *argv: str) -> list[str]:
    return ["ask", "--provider", "openai", "--base-url", server.url, "-m", "gpt-4o-mini", *argv]


def _history() -> Store:
    return Store(resolve_paths().history_db)


def test_ask_shows_the_answer_inert_and_keeps_it_raw(
    hostile: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(_ask(hostile, "hi"), capsys)
    assert code == 0
    _assert_inert(out + err)
    assert "Hello ␛]52;c;SGVsbG8=␇ and ␛[2J then \\u009b6n\\u202e!" in out
    store = _history()
    try:
        [session] = store.list_sessions()
        answer = store.messages(session.id)[-1]
        assert answer.role is Role.ASSISTANT
        assert answer.content == RAW  # the history keeps what was said
    finally:
        store.close()


def test_ask_json_escapes_what_it_would_show_raw(
    hostile: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(_ask(hostile, "--json", "hi"), capsys)
    assert code == 0
    _assert_inert(out)
    assert json.loads(out)["text"] == RAW


def test_a_provider_error_body_is_shown_inert(
    hostile: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    said = f"model refused {CLEAR}\x1b]0;owned\x07{CSI_C1}"
    hostile.queue(Reply.json_body({"error": {"message": said, "type": "invalid"}}, 400))
    code, out, err = _run(_ask(hostile, "hi"), capsys)
    assert code == 1
    _assert_inert(out + err)
    assert "error INVALID_REQUEST" in err
    assert "␛[2J␛]0;owned␇" in err


def test_compare_shows_every_answer_inert(
    hostile: ReplayServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare", "--provider", "openai", "--base-url", hostile.url]
    code, out, err = _run([*argv, "-m", "gpt-4o-mini", "-m", "gpt-4o", "hi"], capsys)
    assert code == 0
    _assert_inert(out + err)
    assert out.count("␛[2J") == 2
    code, out, _ = _run([*argv, "-m", "gpt-4o-mini", "-m", "gpt-4o", "--json", "hi"], capsys)
    _assert_inert(out)
    assert [t["text"] for t in json.loads(out)["targets"]] == [RAW, RAW]


def _import_hostile_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Import a JSON export whose title, model and messages carry escape sequences."""
    store = _history()
    session = store.create_session(provider="openai", model="gpt-4o-mini")
    store.add_message(session.id, Role.USER, f"question {CLEAR}")
    store.add_message(session.id, Role.ASSISTANT, RAW, provider="openai", model="gpt-4o-mini")
    store.close()
    code, exported, _ = _run(["sessions", "export", session.id, "--format", "json"], capsys)
    assert code == 0
    data = json.loads(exported)
    data["session"]["title"] = f"Title {CLIPBOARD}{RLO}"
    data["session"]["model"] = f"gpt{CLEAR}"
    imported = tmp_path / "hostile.json"
    imported.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = _run(["sessions", "import", str(imported)], capsys)
    assert code == 0
    _assert_inert(out + err)
    return out.rsplit(" as ", 1)[1].strip()


def test_sessions_list_and_show_are_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_id = _import_hostile_session(tmp_path, capsys)
    code, out, _ = _run(["sessions", "list"], capsys)
    assert code == 0
    _assert_inert(out)
    assert "␛" in out
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    _assert_inert(out)
    assert f"Title {CLIPBOARD}{RLO}" in [s["title"] for s in json.loads(out)]
    code, out, _ = _run(["sessions", "show", new_id], capsys)
    assert code == 0
    _assert_inert(out)
    assert "␛[2J" in out


def test_an_export_written_to_a_file_keeps_the_raw_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new_id = _import_hostile_session(tmp_path, capsys)
    target = tmp_path / "out.md"
    code, _, _ = _run(["sessions", "export", new_id, "-o", str(target)], capsys)
    assert code == 0
    assert RAW in target.read_text(encoding="utf-8")


def test_an_export_shown_on_a_terminal_is_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    new_id = _import_hostile_session(tmp_path, capsys)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    for fmt in ("md", "json"):
        code, out, _ = _run(["sessions", "export", new_id, "--format", fmt], capsys)
        assert code == 0
        _assert_inert(out)
    assert json.loads(out)["messages"][-1]["content"] == RAW
