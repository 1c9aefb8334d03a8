"""``openmaas sessions rename`` and ``delete`` from the shell, and the spend they leave: deleting
asks on a terminal, refuses without one unless ``--yes``, names unknown ids with a code, and
never lowers ``sessions costs``; an imported session is marked and not counted again."""

from __future__ import annotations

import io
import json
import sys

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role, Usage


class Terminal(io.StringIO):
    """Standard input that is a terminal, holding what the person types."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _seed() -> str:
    store = Store(resolve_paths().history_db)
    session = store.create_session(provider="openai", model="gpt-4o-mini")
    store.add_message(session.id, Role.USER, "Alpha question")
    answer = store.add_message(session.id, Role.ASSISTANT, provider="openai", model="gpt-4o-mini")
    store.finish_message(answer, AnswerRecord("Alpha answer", usage=Usage(10, 5), cost_usd=0.002))
    store.close()
    return session.id


def _ids(capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    assert code == 0
    return [s["id"] for s in json.loads(out)]


def _all_time(capsys: pytest.CaptureFixture[str]) -> tuple[int, float]:
    code, out, _ = _run(["sessions", "costs", "--json"], capsys)
    assert code == 0
    total = json.loads(out)["periods"]["All time"]
    return total["answers"], total["cost_usd"]


def test_rename_by_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = _seed()
    code, out, _ = _run(["sessions", "rename", session_id[:6], "Pelican names"], capsys)
    assert code == 0 and "Pelican names" in out
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    [listed] = json.loads(out)
    assert listed["title"] == "Pelican names"


@pytest.mark.parametrize("action", [["rename", "ffff", "x"], ["delete", "ffff", "--yes"]])
def test_an_unknown_id_is_invalid_request(
    action: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _seed()
    code, _, err = _run(["sessions", *action], capsys)
    assert code == 1
    assert err.startswith("error INVALID_REQUEST: no session with an id starting with 'ffff'")
    assert len(_ids(capsys)) == 1


def test_delete_with_yes_keeps_the_spend(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = _seed()
    assert _all_time(capsys) == (1, 0.002)
    code, out, _ = _run(["sessions", "delete", session_id[:8], "--yes"], capsys)
    assert code == 0 and "deleted" in out
    assert _ids(capsys) == []
    assert _all_time(capsys) == (1, 0.002)


def test_delete_refuses_without_a_terminal_or_yes(capsys: pytest.CaptureFixture[str]) -> None:
    session_id = _seed()
    code, _, err = _run(["sessions", "delete", session_id], capsys)
    assert code == 1
    assert "error INVALID_REQUEST: not deleting" in err and "--yes" in err
    assert _ids(capsys) == [session_id]


@pytest.mark.parametrize(("typed", "kept"), [("y\n", False), ("n\n", True), ("", True)])
def test_delete_asks_on_a_terminal(
    typed: str, kept: bool, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _seed()
    monkeypatch.setattr(sys, "stdin", Terminal(typed))
    code, _, err = _run(["sessions", "delete", session_id], capsys)
    assert "delete session" in err and "[y/N]" in err
    assert code == (1 if kept else 0)
    assert _ids(capsys) == ([session_id] if kept else [])


def test_an_imported_session_is_marked_and_its_spend_not_counted_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = _seed()
    code, exported, _ = _run(["sessions", "export", session_id, "--format", "json"], capsys)
    assert code == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(exported))
    code, _, _ = _run(["sessions", "import", "-"], capsys)
    assert code == 0
    code, out, _ = _run(["sessions", "list", "--json"], capsys)
    assert sorted(s["imported"] for s in json.loads(out)) == [False, True]
    code, out, _ = _run(["sessions", "list"], capsys)
    assert "(imported)" in out
    assert _all_time(capsys) == (1, 0.002)
