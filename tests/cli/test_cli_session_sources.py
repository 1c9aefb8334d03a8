"""Where a session came from, from the shell: ``ask`` starts an ``ask`` session, an import is
an import, and ``sessions list --source`` shows only one source (named in the table and the
JSON)."""

from __future__ import annotations

import io
import json
import sys

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.store import Store


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--no-keyring", *argv])
    out, _ = capsys.readouterr()
    return code, out


def _listed(capsys: pytest.CaptureFixture[str], *extra: str) -> list[tuple[str, str]]:
    code, out = _run(["sessions", "list", "--json", *extra], capsys)
    assert code == 0
    return [(s["title"], s["source"]) for s in json.loads(out)]


def test_ask_import_and_the_source_filter(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(resolve_paths().history_db)
    store.rename_session(store.create_session(model="demo").id, "from the playground")
    store.close()
    assert _run(["ask", "-m", "demo", "asked from a shell"], capsys)[0] == 0
    listed = _listed(capsys)
    assert ("asked from a shell", "ask") in listed and (
        "from the playground",
        "playground",
    ) in listed
    ask_id = json.loads(_run(["sessions", "list", "--json", "--source", "ask"], capsys)[1])[0]["id"]
    code, exported = _run(["sessions", "export", ask_id, "--format", "json"], capsys)
    assert code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(exported))
    assert _run(["sessions", "import", "-"], capsys)[0] == 0
    assert _listed(capsys, "--source", "import") == [("asked from a shell", "import")]
    assert _listed(capsys, "--source", "ask") == [("asked from a shell", "ask")]
    assert _listed(capsys, "--source", "playground") == [("from the playground", "playground")]
    code, out = _run(["sessions", "list", "--source", "compare"], capsys)
    assert code == 0 and "no sessions from compare" in out
    code, out = _run(["sessions", "list"], capsys)
    assert "(ask)" in out and "(imported)" in out


def test_an_unknown_source_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--no-keyring", "sessions", "list", "--source", "elsewhere"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
