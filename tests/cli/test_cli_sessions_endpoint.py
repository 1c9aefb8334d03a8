"""A session's endpoint in its export and import: the JSON keeps the base URL its model is
asked at and the API chosen (under ``params.api``), never a user, password or query of the
URL; an import reads them back the same way and ignores a value that is not one (an old file
without them imports as asked at the provider's endpoint); the Markdown names the endpoint
beside the model."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.records import StoredSession
from openmaas_tui.core.sessions.export import session_json, session_markdown
from openmaas_tui.core.sessions.importing import parse_session_json
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply

KEY = "sk-test-FAKE000"
"""A key that must never be exported or stored: in the environment, the URL's user info and
its query."""


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def local() -> Iterator[ReplayServer]:
    """An OpenAI-compatible server on 127.0.0.1, for the synchronous ``main``."""
    served = ReplayServer(openai_stream_reply(["Pip"]))
    served.start_in_thread()
    yield served
    served.stop_thread()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _chats(server: ReplayServer) -> list[str]:
    return [
        r.json()["messages"][-1]["content"]
        for r in server.requests
        if r.path.endswith("/chat/completions")
    ]


def _only_session(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    assert code == 0
    [listed] = json.loads(out)
    return str(listed["id"])


def _session_rows() -> list[sqlite3.Row]:
    db = resolve_paths().history_db
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM sessions").fetchall()


def test_an_export_and_its_import_keep_the_base_url_and_api(
    local: ReplayServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with_user = local.url.replace("http://", f"http://me:{KEY}@", 1) + "/v1"
    asked = ["--provider", "openai", "--base-url", with_user, "--api", "chat", "-m", "local-model"]
    code, _, err = _run(["ask", *asked, "name a pelican"], capsys)
    assert code == 0, err
    session_id = _only_session(capsys)

    target = tmp_path / "chat.json"
    code, _, _ = _run(
        ["sessions", "export", session_id, "--format", "json", "-o", str(target)], capsys
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert KEY not in text and "me:" not in text
    head = json.loads(text)["session"]
    assert (head["base_url"], head["params"]["api"]) == (f"{local.url}/v1", "chat")
    code, md, _ = _run(["sessions", "export", session_id], capsys)
    assert f"openai/local-model at {local.url}/v1 (chat API)" in md.splitlines()[2]

    for row in _session_rows():  # the only session so far
        assert not any(KEY in str(value) for value in tuple(row))
    code, out, _ = _run(["sessions", "import", str(target)], capsys)
    assert code == 0
    new_id = out.split()[-1]
    [imported] = [r for r in _session_rows() if r["id"] == new_id]
    assert imported["base_url"] == f"{local.url}/v1"
    assert json.loads(imported["params"])["api"] == "chat"
    assert KEY.encode() not in resolve_paths().history_db.read_bytes()

    code, _, err = _run(["ask", "--session", new_id, "and another?"], capsys)
    assert code == 0, err
    assert _chats(local) == ["name a pelican", "and another?"], "the import asked elsewhere"


def _exported(**head: Any) -> str:
    session = {"title": "hi", "created_at": 1_700_000_000.0, "updated_at": 1_700_000_001.0}
    data = {
        "format": "openmaas-session",
        "schema_version": 1,
        "session": session | head,
        "messages": [
            {"position": 0, "role": "user", "content": "hi", "created_at": 1_700_000_000.0}
        ],
    }
    return json.dumps(data)


def test_an_exports_url_never_carries_a_credential() -> None:
    session = StoredSession(
        "abc",
        "hi",
        False,
        1_700_000_000.0,
        1_700_000_000.0,
        "openai",
        "local-model",
        {"api": "responses"},
        base_url=f"https://me:{KEY}@proxy.example/v1?key={KEY}#{KEY}",
    )
    data = session_json(session, [])
    assert data["session"]["base_url"] == "https://proxy.example/v1"
    assert KEY not in json.dumps(data) and KEY not in session_markdown(session, [])


def test_an_imported_url_is_stored_without_its_credential(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "chat.json"
    file.write_text(_exported(base_url=f"https://me:{KEY}@proxy.example/v1?key={KEY}"))
    code, _, err = _run(["sessions", "import", str(file)], capsys)
    assert code == 0, err
    [row] = _session_rows()
    assert row["base_url"] == "https://proxy.example/v1"
    assert KEY.encode() not in resolve_paths().history_db.read_bytes()


@pytest.mark.parametrize(
    "head",
    [
        {},  # an export from before base URLs were kept
        {"base_url": None},
        {"base_url": 42},
        {"base_url": ["http://127.0.0.1:8000/v1"]},
        {"base_url": "ftp://files.example/v1"},
        {"base_url": "not a url"},
        {"base_url": "http:///v1"},
        {"base_url": "http://[::1/v1"},
        {"base_url": "http://127.0.0.1:99999/v1"},
        {"base_url": "http://127.0.0.1/v1 `x`"},
        {"base_url": "http://127.0.0.1:8000/v1\x1b[31m"},
        {"base_url": "http://127.0.0.1:8000/v1\n"},
        {"base_url": ""},
        {"params": {"api": "bogus", "temperature": 0.5}},
        {"params": {"api": 7, "temperature": 0.5}},
    ],
)
def test_an_unknown_or_malformed_endpoint_is_ignored(
    head: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session, messages = parse_session_json(_exported(**head), source="chat.json")
    assert session.base_url is None and "api" not in session.params and len(messages) == 1
    file = tmp_path / "chat.json"
    file.write_text(_exported(**head))
    code, out, err = _run(["sessions", "import", str(file)], capsys)
    assert code == 0 and "imported 'hi' (1 messages)" in out, err
    [row] = _session_rows()
    assert row["base_url"] is None and "api" not in json.loads(row["params"])


@pytest.mark.parametrize("api", ["chat", "responses"])
def test_a_known_api_is_imported(api: str) -> None:
    url = "http://[::1]:8080/v1"
    session, _ = parse_session_json(_exported(base_url=url, params={"api": api}))
    assert (session.base_url, session.params["api"]) == (url, api)
