"""Many processes, one history, with real processes: ``openmaas ask`` streams a slow answer from a
replay server in its own process while another process runs ``openmaas sessions list`` and this
one opens the store. The live answer is not marked interrupted and completes; a killed
process's answer is marked interrupted at the next open, and its spend is kept either way."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.ledger import SpendSource, spend_entries
from openmaas_tui.core.history.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "anthropic" / "stream_text.sse"
TEXT = "- Captain\n- Scoop"
DELAY_S = 0.6
"""Seconds between the replayed events: the answer streams for about 4 s after its first text."""
WAIT_S = 60.0
"""The longest any step may take on a loaded machine (never reached when all is well)."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(
        OPENMAAS_HOME=str(home),
        ANTHROPIC_API_KEY="sk-ant-test-processes",
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


@pytest.fixture
def replay() -> Iterator[str]:
    """A slow replay server in its own process; yields its URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.replay", str(FIXTURE), "--delay", str(DELAY_S)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        server.terminate()
        server.wait(10)
        if server.stdout:
            server.stdout.close()


def _ask(url: str, home: Path) -> subprocess.Popen[str]:
    argv = ["--no-keyring", "ask", "--provider", "anthropic", "--base-url", url]
    return subprocess.Popen(
        [sys.executable, "-m", "openmaas_tui", *argv, "-m", "claude-sonnet-4-5", "hi"],
        env=_env(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _streaming_answer(db: Path) -> tuple[int, str] | None:
    """The id and state of the newest answer as another reader sees it, once it has text."""
    if not db.exists():
        return None
    try:
        conn = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT id, state FROM messages WHERE role = 'assistant' AND content != '' "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # the schema is still being created
    return (int(row[0]), str(row[1])) if row else None


def _wait_for_text(child: subprocess.Popen[str], db: Path) -> int:
    deadline = time.monotonic() + WAIT_S
    while (found := _streaming_answer(db)) is None:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "no answer text reached the database"
        time.sleep(0.02)
    answer_id, state = found
    assert state == MessageState.STREAMING
    return answer_id


def test_a_live_answer_is_left_alone_by_other_processes_and_completes(
    replay: str, isolated_home: Path
) -> None:
    db = isolated_home / "data" / "history.db"
    child = _ask(replay, isolated_home)
    try:
        answer_id = _wait_for_text(child, db)
        listed = subprocess.run(
            [sys.executable, "-m", "openmaas_tui", "--no-keyring", "sessions", "list", "--json"],
            env=_env(isolated_home),
            capture_output=True,
            text=True,
            timeout=WAIT_S,
        )
        assert listed.returncode == 0, listed.stderr
        store = Store(db)
        try:
            assert store.recovered == 0
            seen = store.get_message(answer_id)
        finally:
            store.close()
        assert seen is not None and seen.state is MessageState.STREAMING  # still answering
        out, err = child.communicate(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert child.returncode == 0, err
    assert out == TEXT + "\n"
    store = Store(db)
    try:
        answer = store.get_message(answer_id)
        [spent] = store.read(spend_entries)
    finally:
        store.close()
    assert answer is not None
    assert (answer.state, answer.content, answer.output_tokens) == (
        MessageState.COMPLETE,
        TEXT,
        10,
    )
    assert (spent.source, spent.message_id, spent.usage.output_tokens) == (
        SpendSource.ASK,
        answer_id,
        10,
    )


def test_a_killed_process_answer_is_interrupted_at_the_next_open(
    replay: str, isolated_home: Path
) -> None:
    db = isolated_home / "data" / "history.db"
    child = _ask(replay, isolated_home)
    try:
        answer_id = _wait_for_text(child, db)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=WAIT_S)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
    assert child.returncode == -signal.SIGKILL
    store = Store(db)
    try:
        assert store.recovered == 1
        answer = store.get_message(answer_id)
        [spent] = store.read(spend_entries)
    finally:
        store.close()
    assert answer is not None and answer.state is MessageState.INTERRUPTED
    assert answer.content and TEXT.startswith(answer.content)
    assert (spent.source, spent.message_id, spent.billed, spent.cost_usd) == (
        SpendSource.HISTORY,
        answer_id,
        True,
        None,
    )
    again = Store(db)
    try:
        assert again.recovered == 0  # once
        assert len(again.read(spend_entries)) == 1
    finally:
        again.close()
