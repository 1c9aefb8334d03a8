"""Durability of the playground with a real process: the app, run headless in a child process,
streams a slow answer from a loopback server and is killed with SIGKILL mid-stream; the history
still holds the question and all but about the last second of the answer, shown as interrupted.

The paced stream, the kill and the lenient flush rule are those of :mod:`tests.test_durability`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.test_durability import assert_survived, kill_mid_answer

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

CHILD = """
import asyncio, sys
from tests.support.ui import playground, submit

async def main() -> None:
    app = playground(["--provider", "openai", "--base-url", sys.argv[1], "-m", "synthetic"])
    async with app.run_test(size=(120, 40)) as pilot:
        await submit(pilot, "count slowly")
        await asyncio.sleep(120)  # until killed

asyncio.run(main())
"""


def test_the_app_killed_mid_stream_keeps_the_question_and_the_answer_so_far(
    isolated_home: Path,
) -> None:
    stream, killed_at, db = kill_mid_answer(["-c", CHILD], isolated_home)
    session, _ = assert_survived(stream, killed_at, db)
    assert session.title == "count slowly"
