"""Durability of the playground with a real process: the app, run headless in a child process,
streams a slow answer from a loopback server and is killed with SIGKILL mid-stream; the history
still holds the question and all but about the last second of the answer, shown as interrupted.

The paced stream and the lenient flush rule are those of :mod:`tests.test_durability`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openmaas_tui.core.store import Store
from openmaas_tui.core.store_types import MessageState
from openmaas_tui.core.types import Role
from openmaas_tui.loopback.replay import ReplayServer
from openmaas_tui.loopback.server import Reply
from tests.test_durability import PIECES, ROOT, RUN_S, SLACK_S, PacedStream, _answer_on_disk

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

CHILD = """
import asyncio, sys
from openmaas_tui.cli import build_app

async def main() -> None:
    argv = ["--no-keyring", "--provider", "openai", "--base-url", sys.argv[1], "-m", "synthetic"]
    app = build_app(argv)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"count slowly", "enter")
        await asyncio.sleep(120)

asyncio.run(main())
"""


def test_the_app_killed_mid_stream_keeps_the_question_and_the_answer_so_far(
    isolated_home: Path,
) -> None:
    stream = PacedStream()
    server = ReplayServer(Reply(content_type="text/event-stream", stream=stream.chunks()))
    server.start_in_thread()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update(
        OPENMAAS_HOME=str(isolated_home),
        OPENAI_API_KEY="sk-test-durability",
        PYTHONPATH=str(ROOT),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, server.url],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = isolated_home / "data" / "history.db"
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
    sent_in_total = stream.sent[-1][1]
    assert len(sent_in_total) < len("".join(PIECES)), "the stream ended before the kill"
    store = Store(db)
    try:
        assert store.recovered == 1
        [session] = store.list_sessions()
        user, answer = store.messages(session.id)
    finally:
        store.close()
    assert session.title == "count slowly"
    assert (user.role, user.content, user.state) == (Role.USER, "count slowly", "complete")
    assert answer.state is MessageState.INTERRUPTED
    assert sent_in_total.startswith(answer.content)
    required = stream.sent_by(killed_at - SLACK_S)
    assert len(answer.content) >= len(required) > 0
