"""``openmaas sessions`` and the history ``openmaas ask`` leaves: list, show, export, import,
ids by prefix, ``--no-log``, and a damaged history."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role, Usage
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

FIXTURE = "anthropic/stream_thinking.sse"


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _history() -> Store:
    return Store(resolve_paths().history_db)


def _seed(title_words: str = "Alpha question") -> str:
    store = _history()
    session = store.create_session(provider="openai", model="gpt-4o-mini")
    store.add_message(session.id, Role.USER, title_words)
    answer = store.add_message(session.id, Role.ASSISTANT, provider="openai", model="gpt-4o-mini")
    store.finish_message(answer, AnswerRecord("Alpha answer", usage=Usage(10, 5), cost_usd=0.002))
    store.close()
    return session.id


def _ask(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    server = ReplayServer(fixture_reply(fixture_path(FIXTURE)))
    server.start_in_thread()
    try:
        return _run(["ask", "--provider", "anthropic", "--base-url", server.url, *argv], capsys)
    finally:
        server.stop_thread()


def test_ask_records_the_exchange(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _ask(["--temperature", "0.3", "why is the sky blue?"], capsys)
    assert code == 0
    want = expected(FIXTURE)
    store = _history()
    [session] = store.list_sessions()
    assert session.title == "why is the sky blue?" and session.provider == "anthropic"
    user, answer = store.messages(session.id)
    assert (user.role, user.content) == (Role.USER, "why is the sky blue?")
    assert user.params == {"temperature": 0.3}
    assert answer.content == want["text"] and answer.content in out
    assert answer.reasoning == want["reasoning"]
    assert answer.state is MessageState.COMPLETE
    assert answer.output_tokens == want["usage"]["output_tokens"]
    assert answer.finish_reason == "stop" and answer.ttft_ms is not None
    assert answer.duration_ms is not None and answer.duration_ms >= answer.ttft_ms
    store.close()


def test_no_log_records_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _ask(["--no-log", "secret question"], capsys)
    assert code == 0
    store = _history()
    assert store.list_sessions() == []
    store.close()


def test_list_shows_sessions_as_a_table_and_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["sessions", "list"], capsys)
    assert (code, out.strip()) == (0, "no sessions yet")
    session_id = _seed("[b]T[/b]")
    code, out, _ = _run(["sessions", "list"], capsys)
    assert code == 0 and session_id[:8] in out and "[b]T[/b]" in out and "$0.002" in out
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    [row] = json.loads(out)
    assert row["id"] == session_id and row["messages"] == 2
    assert (row["input_tokens"], row["output_tokens"], row["cost_usd"]) == (10, 5, 0.002)


def test_show_accepts_a_unique_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = _seed()
    code, out, _ = _run(["sessions", "show", session_id[:5]], capsys)
    assert code == 0
    assert "## User" in out and "Alpha answer" in out and "10 in / 5 out · $0.002" in out


def test_an_unknown_id_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    code, out, err = _run(["sessions", "show", "nothere"], capsys)
    assert code == 1 and out == ""
    assert "INVALID_REQUEST" in err and "'nothere'" in err and "Traceback" not in err


def test_export_then_import_gives_the_same_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = _seed()
    target = tmp_path / "chat.json"
    code, _, err = _run(
        ["sessions", "export", session_id, "--format", "json", "-o", str(target)], capsys
    )
    assert code == 0 and str(target) in err
    exported: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
    code, out, _ = _run(["sessions", "import", str(target)], capsys)
    assert code == 0 and "imported 'Alpha question' (2 messages)" in out
    new_id = out.split()[-1]
    assert new_id != session_id
    code, out, _ = _run(["sessions", "export", new_id[:10], "--format", "json"], capsys)
    again = json.loads(out)
    for data in (exported, again):
        data["session"].pop("id")
        for message in data["messages"]:
            message.pop("id")
    assert again == exported
    code, md, _ = _run(["sessions", "export", new_id], capsys)
    assert md.startswith("# Alpha question\n")


def test_import_of_a_broken_file_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"format": "openmaas-session", "schema_version": 1, "session": {}})
    )
    code, _, err = _run(["sessions", "import", str(broken)], capsys)
    assert code == 1 and "INVALID_REQUEST" in err and "session.title: missing" in err
    code, _, err = _run(["sessions", "import", str(tmp_path / "missing.json")], capsys)
    assert code == 1 and "cannot read" in err


def test_a_damaged_history_fails_sessions_but_not_ask(capsys: pytest.CaptureFixture[str]) -> None:
    path = resolve_paths().history_db
    path.parent.mkdir(parents=True)
    path.write_bytes(b"garbage" * 1000)
    code, _, err = _run(["sessions", "list"], capsys)
    assert code == 1 and "STORAGE_FAILED" in err and str(path) in err
    code, out, err = _ask(["hello"], capsys)
    assert code == 0 and expected(FIXTURE)["text"] in out
    assert "not saved in the history" in err and str(path) in err
    assert path.read_bytes() == b"garbage" * 1000
