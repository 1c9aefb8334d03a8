"""Faults at the process boundary, in a real child process: bytes on stdin and in argv that
are not UTF-8, numbers in flags that no request can carry, and a reader that closes the pipe.
Each is one ``error CODE`` line and a status (1, or 2 for a usage error as argparse gives),
never a traceback, and nothing is written to the history by a refused request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from openmaas_tui.cli.main import EXIT_BROKEN_PIPE
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.store import Store
from tests.faults.support import (
    FAST_DEMO,
    ROOT,
    assert_refused,
    run_openmaas,
    write_config,
)


@pytest.fixture
def home(isolated_home: Path) -> Path:
    write_config(isolated_home, FAST_DEMO)
    return isolated_home


def _sessions(home: Path) -> list[object]:
    db = home / "data" / "history.db"
    if not db.exists():
        return []
    store = Store(db)
    try:
        return list(store.list_sessions())
    finally:
        store.close()


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "-m", "demo"],
        ["ask", "-m", "demo", "explain"],
        ["compare", "-m", "demo", "-m", "demo"],
    ],
)
def test_stdin_that_is_not_utf8_is_refused_naming_the_byte(home: Path, args: list[str]) -> None:
    result = run_openmaas(home, [*args], stdin=b"fine line\n\xff\xfe")
    assert_refused(result, "INVALID_REQUEST")
    assert "stdin" in result.err and "line 2, column 1: byte 0xff" in result.err
    assert _sessions(home) == []


def test_a_session_import_from_stdin_that_is_not_utf8_is_refused(home: Path) -> None:
    result = run_openmaas(home, ["sessions", "import", "-"], stdin=b'{"title": "\xc3"}')
    assert_refused(result, "INVALID_REQUEST")
    assert "byte 0xc3" in result.err


def test_an_argument_that_is_not_utf8_is_a_usage_error(home: Path) -> None:
    result = run_openmaas(home, ["ask", "-m", "demo", b"caf\xe9"])
    assert_refused(result, "INVALID_REQUEST", status=2)
    assert "argument prompt" in result.err and "not UTF-8" in result.err
    assert _sessions(home) == []


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--temperature", "nan", "temperature must be between 0 and 2"),
        ("--temperature", "inf", "temperature must be between 0 and 2"),
        ("--temperature", "-1e400", "temperature must be between 0 and 2"),
        ("--top-p", "inf", "top_p must be between 0 and 1"),
        ("--top-p", "-0.5", "top_p must be between 0 and 1"),
        ("--max-tokens", "-1", "max_tokens must be a whole number of at least 1"),
        ("--max-tokens", str(10**30), "max_tokens must be a whole number of at most"),
        ("--max-tokens", "1.5", "max_tokens must be a whole number"),
    ],
)
def test_a_flag_no_request_can_carry_is_a_usage_error_before_anything_is_sent(
    home: Path, flag: str, value: str, said: str
) -> None:
    result = run_openmaas(home, ["ask", "-m", "demo", "--json", f"{flag}={value}", "hi"])
    assert_refused(result, "INVALID_REQUEST", status=2)
    assert f"argument {flag}: {said}" in result.err
    assert result.out == b""
    assert _sessions(home) == []


def test_compare_and_the_history_commands_check_their_numbers_too(home: Path) -> None:
    compare = run_openmaas(home, ["compare", "-m", "demo", "-m", "demo", "--top-p", "nan", "x"])
    assert_refused(compare, "INVALID_REQUEST", status=2)
    days = run_openmaas(home, ["sessions", "costs", "--days", str(10**21)])
    assert_refused(days, "INVALID_REQUEST", status=2)
    limit = run_openmaas(home, ["sessions", "compares", "--limit", "-1"])
    assert_refused(limit, "INVALID_REQUEST", status=2)


def test_a_reader_that_goes_away_from_json_output_ends_quietly(home: Path) -> None:
    """``openmaas sessions list --json | head -c 1`` over a history too big for the pipe's
    buffer (a title of a million characters, imported whole and said short): the status of
    a program ended by SIGPIPE, no traceback."""
    env = dict(os.environ, OPENMAAS_HOME=str(home))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    document = {
        "format": "openmaas-session",
        "schema_version": 1,
        "session": {"title": "T" * 1_000_000, "created_at": 1.0, "updated_at": 2.0},
        "messages": [],
    }
    imported = run_openmaas(home, ["sessions", "import", "-"], stdin=json.dumps(document).encode())
    assert imported.status == 0 and len(imported.out) < 300, imported.err
    child = subprocess.Popen(
        [sys.executable, "-m", "openmaas_tui", "sessions", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stderr is not None
    assert os.read(child.stdout.fileno(), 1) == b"["
    child.stdout.close()
    status = child.wait(timeout=60)
    err = child.stderr.read().decode()
    assert status == EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err and "BrokenPipe" not in err


def test_json_output_of_an_answer_is_strict_json(home: Path) -> None:
    """No NaN or Infinity can reach ``--json`` (the strict parser refuses both)."""
    result = run_openmaas(home, ["ask", "-m", "demo", "--json", "--max-tokens", "5", "hi"])
    assert result.status == 0, result.err

    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in --json output")

    answer = json.loads(result.out, parse_constant=refuse)
    assert answer["cost_usd"] == 0
    [session] = _sessions(home)
    assert session is not None
    store = Store(home / "data" / "history.db")
    try:
        states = [m.state for m in store.messages(store.list_sessions()[0].id)]
    finally:
        store.close()
    assert states[-1] is MessageState.COMPLETE
