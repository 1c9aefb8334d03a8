"""Times shown to a person are local, the zone named: ``sessions list``, ``sessions compares``
and a session exported to Markdown; the history keeps seconds since the epoch (UTC)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.text.local_time import local_text
from openmaas_tui.core.types import Role
from tests.support.cost_history import fixed_zone

NOON_UTC = 1_767_268_800.0
"""2026-01-01 12:00 UTC."""


def _seed() -> str:
    store = Store(resolve_paths().history_db, clock=lambda: NOON_UTC)
    session = store.create_session(provider="demo", model="demo")
    store.add_message(session.id, Role.USER, "what time is it")
    store.close()
    return session.id


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["--no-keyring", *argv]) == 0
    return capsys.readouterr().out


def test_local_text_names_the_zone() -> None:
    with fixed_zone("XYZ-02"):
        assert local_text(NOON_UTC) == "2026-01-01 14:00 XYZ"
    with fixed_zone("UTC0"):
        assert local_text(NOON_UTC) == "2026-01-01 12:00 UTC"


def test_sessions_list_and_markdown_export_are_in_local_time(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session_id = _seed()
    with fixed_zone("XYZ-02"):
        listed = _run(["sessions", "list"], capsys)
        exported = _run(["sessions", "export", session_id[:8], "--format", "md"], capsys)
        machine = json.loads(_run(["sessions", "list", "--json"], capsys))
    assert "2026-01-01 14:00" in listed and "XYZ" in listed  # the cell wraps at 80 columns
    assert "12:00" not in listed and "UTC" not in listed
    assert "created 2026-01-01 14:00 XYZ" in exported
    assert "· 2026-01-01 14:00 XYZ" in exported.split("\n## ", 1)[1]  # the message's heading
    assert machine[0]["updated_at"] == NOON_UTC  # machines get the stored time
