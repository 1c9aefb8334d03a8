"""Durability with a real process: ``openmaas ask`` streams a slow answer from a loopback server
in a child process, is killed with SIGKILL mid-stream, and the history still holds the prompt
and all but about the last second of what the server had sent, shown as interrupted.

No timing is asserted beyond the flush rule, measured leniently: the stored answer must hold
at least what the server had sent :data:`SLACK_S` before the kill (1 s flush + margin for a
loaded machine), and never more than it sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.records import StoredMessage, StoredSession
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role
from tests.support.replay import ReplayServer
from tests.support.server import Reply
from tests.support.synth import openai_chunks

ROOT = Path(__file__).resolve().parents[1]
PIECES = [f"word{i} " for i in range(400)]
DELAY_S = 0.025
"""Seconds between pieces: the whole answer takes about 10 s."""
SLACK_S = 1.5
"""What the stored answer may lag behind the server at the kill, in seconds."""
RUN_S = 3.0
"""How long the answer streams before the kill, in seconds (after text shows on disk)."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


class PacedStream:
    """The synthetic stream, one piece every :data:`DELAY_S`, noting when each left."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, str]] = []  # (monotonic time, answer text sent so far)

    async def chunks(self) -> AsyncIterator[bytes]:
        text = ""
        events = openai_chunks(PIECES, model="synthetic")
        yield events[0]  # the role chunk
        for piece, event in zip(PIECES, events[1:], strict=False):
            await asyncio.sleep(DELAY_S)
            text += piece
            self.sent.append((time.monotonic(), text))
            yield event
        for event in events[1 + len(PIECES) :]:
            yield event

    def sent_by(self, moment: float) -> str:
        """The answer text the server had sent at ``moment`` (monotonic seconds)."""
        text = ""
        for at, so_far in self.sent:
            if at > moment:
                break
            text = so_far
        return text


def _answer_on_disk(path: Path) -> str:
    """The answer text as another reader sees it now ('' when not there yet)."""
    if not path.exists():
        return ""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT content FROM messages WHERE role = 'assistant' ORDER BY id DESC LIMIT 1"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return ""  # the schema is still being created
    return str(row[0]) if row else ""


def kill_mid_answer(command: list[str], home: Path) -> tuple[PacedStream, float, Path]:
    """Run ``python COMMAND… URL`` (the URL of a paced loopback server) with ``home`` as
    OPENMAAS_HOME; once answer text is on disk, let it stream :data:`RUN_S` more, then SIGKILL it.

    Returns:
        The stream (what was sent and when), the monotonic time of the kill, the database.
    """
    stream = PacedStream()
    server = ReplayServer(Reply(content_type="text/event-stream", stream=stream.chunks()))
    server.start_in_thread()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(
        OPENMAAS_HOME=str(home),
        OPENAI_API_KEY="sk-test-durability",
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    child = subprocess.Popen(
        [sys.executable, *command, server.url],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = home / "data" / "history.db"
    try:
        deadline = time.monotonic() + 60
        while not _answer_on_disk(db):
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "no answer text reached the database"
            time.sleep(0.02)
        first_seen = time.monotonic()
        while time.monotonic() - first_seen < RUN_S:
            time.sleep(0.05)
        killed_at = time.monotonic()
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        server.stop_thread()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return stream, killed_at, db


def assert_survived(
    stream: PacedStream, killed_at: float, db: Path
) -> tuple[StoredSession, StoredMessage]:
    """Check the history after the kill: the question complete, the answer interrupted, a
    prefix of what was sent holding at least what was sent :data:`SLACK_S` before the kill.

    Returns:
        The session and its answer, for further checks.
    """
    sent_in_total = stream.sent[-1][1]
    assert len(sent_in_total) < len("".join(PIECES)), "the stream ended before the kill"
    store = Store(db)
    try:
        assert store.recovered == 1
        [session] = store.list_sessions()
        user, answer = store.messages(session.id)
    finally:
        store.close()
    assert (user.role, user.content, user.state) == (Role.USER, "count slowly", "complete")
    assert answer.state is MessageState.INTERRUPTED
    assert sent_in_total.startswith(answer.content)
    required = stream.sent_by(killed_at - SLACK_S)
    assert len(answer.content) >= len(required) > 0, (
        f"stored {len(answer.content)} chars; the server had sent {len(required)} chars "
        f"{SLACK_S} s before the kill and {len(sent_in_total)} in all"
    )
    return session, answer


def test_sigkill_mid_stream_keeps_the_prompt_and_all_but_the_last_second(
    isolated_home: Path,
) -> None:
    argv = ["--no-keyring", "ask", "--provider", "openai", "-m", "synthetic", "count slowly"]
    stream, killed_at, db = kill_mid_answer(
        ["-m", "openmaas_tui", *argv, "--base-url"], isolated_home
    )
    session, _ = assert_survived(stream, killed_at, db)
    assert session.title == "count slowly"
