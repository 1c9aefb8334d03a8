"""A chat that asked its model at the command line's ``--base-url`` keeps that base URL as its
own: reopened after a restart without the flag it asks the same server, and reopened in a run
given another ``--base-url`` it still does (the flag is for the start model of chats with no
endpoint of their own). The history keeps the URL without user, password or key."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
from textual.pilot import Pilot

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.ui.app import PlaygroundApp
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    ask,
    demo_playground,
    listed_sessions,
    playground,
    settle,
    wait_until,
)

SIZE = (160, 50)
KEY = "sk-test-FAKE000"
"""The provider's key, from the environment; also written into the URL's user info."""
TITLE = "name a pelican"


@pytest.fixture
async def other() -> AsyncIterator[ReplayServer]:
    served = ReplayServer(openai_stream_reply(["Other"]))
    await served.start()
    yield served
    await served.stop()


def _chats(server: ReplayServer) -> list[str]:
    """The last prompt of each chat request ``server`` received, in order."""
    return [
        r.json()["messages"][-1]["content"]
        for r in server.requests
        if r.path.endswith("/chat/completions")
    ]


def _rows(db: Path) -> list[sqlite3.Row]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM sessions").fetchall()


async def _reopen(pilot: Pilot[None]) -> None:
    """Open the chat titled :data:`TITLE` from the sessions list."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await wait_until(
        pilot, lambda: any(s.title == TITLE for s in listed_sessions(app)), what="the old chat"
    )
    stored = next(s for s in listed_sessions(app) if s.title == TITLE)
    await app.playground.session_ops.open(stored)
    await settle(pilot)


async def test_a_chat_keeps_the_command_lines_base_url_after_a_restart(
    server: ReplayServer,
    other: ReplayServer,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    server.default = openai_stream_reply(["Pip"])
    with_user = server.url.replace("http://", f"http://me:{KEY}@", 1)
    app = playground(["--provider", "openai", "--base-url", with_user, "-m", "local-model"])
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, TITLE)
        assert _chats(server) == [TITLE]
        assert app.playground.current.base_url == with_user  # in memory, for this run

    db = resolve_paths().history_db
    [row] = [r for r in _rows(db) if r["title"] == TITLE]
    assert (row["provider"], row["model"], row["base_url"]) == ("openai", "local-model", server.url)
    assert not any(KEY in str(value) for value in tuple(row)), "a key stored with the session"
    assert KEY.encode() not in db.read_bytes()

    app = demo_playground(isolated_home)  # a restart without the flag
    async with app.run_test(size=SIZE) as pilot:
        await _reopen(pilot)
        assert app.playground.current.base_url == server.url
        await ask(pilot, "one more?")
        assert _chats(server) == [TITLE, "one more?"], "the reopened chat asked elsewhere"

    app = playground(["--provider", "openai", "--base-url", other.url, "-m", "local-model"])
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "a new chat")  # the start chat: the flag's server
        assert _chats(other) == ["a new chat"]
        await _reopen(pilot)
        await ask(pilot, "and the old one?")  # the old chat: its own server
        assert _chats(server)[-1] == "and the old one?"
        assert _chats(other) == ["a new chat"]
    rows = {r["title"]: r["base_url"] for r in _rows(db)}
    assert rows[TITLE] == server.url and rows["a new chat"] == other.url
