"""A chat carried on from a compare column asks the column's own endpoint: its base URL (an
OpenAI-compatible server, ``--base-url``) or a custom endpoint of ``config.toml``, with the
column's model and parameters, now and after a restart. The history keeps the base URL with
the session, never a key."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from textual.pilot import Pilot

from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.support.ui import (
    ask,
    demo_playground,
    listed_sessions,
    playground,
    settle,
    use_fast_demo,
    wait_until,
)

SIZE = (160, 50)
SECRET = "sk-carry-on-secret-0123456789"
"""The provider's key, from the environment: sent in headers, never stored."""


async def _carry_on(pilot: Pilot[None], targets: list[CompareTarget], column: int) -> Session:
    """Race ``targets`` on one prompt and carry on with ``column``'s answer as a chat."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    screen = CompareScreen(app.services, targets=targets)
    await app.push_screen(screen)
    await pilot.press(*"name a pelican", "enter")
    await wait_until(pilot, lambda: screen.run is not None and screen.run.finished)
    await settle(pilot)
    screen.columns[column].focus()
    await pilot.press("c")
    await settle(pilot)
    assert not isinstance(app.screen, CompareScreen)
    return app.playground.current


def _session_rows(db: Path) -> list[sqlite3.Row]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM sessions").fetchall()


async def test_a_chat_carried_on_keeps_the_columns_base_url_after_a_restart(
    server: ReplayServer, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)  # the default endpoint would be asked with it
    server.default = openai_stream_reply(["Pip"])
    targets = [
        CompareTarget("local-model", provider="openai", base_url=server.url, temperature=0.3),
        CompareTarget("demo"),
    ]
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        session = await _carry_on(pilot, targets, 0)
        assert (session.model, session.base_url) == ("openai/local-model", server.url)
        assert len(server.requests) == 1  # the race
        answer = await ask(pilot, "and another?")
        assert answer.target.base_url == server.url
        assert len(server.requests) == 2, "the chat asked another endpoint"
        sent = server.last.json()
        assert sent["model"] == "local-model" and sent["temperature"] == 0.3
        assert [m["content"] for m in sent["messages"]] == ["name a pelican", "Pip", "and another?"]
        assert server.last.headers["authorization"] == f"Bearer {SECRET}"
        await pilot.press("f3")  # a compare from this chat races its model where it asks it
        await settle(pilot)
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        [first] = [c.target for c in compare.columns]
        assert (first.spec, first.base_url) == ("openai/local-model", server.url)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+n")  # a new chat from it: the same model, where it is asked
        await settle(pilot)
        fresh = app.playground.current
        assert fresh is not session and not fresh.messages
        assert (fresh.model, fresh.base_url) == ("openai/local-model", server.url)
        await ask(pilot, "a new question")
        assert len(server.requests) == 3, "the new chat asked another endpoint"
        assert server.last.json()["messages"][-1]["content"] == "a new question"
        await app.playground.session_ops.open(session)
        await settle(pilot)

    db = resolve_paths().history_db
    [row] = [r for r in _session_rows(db) if r["title"] == "name a pelican"]
    [new_row] = [r for r in _session_rows(db) if r["title"] == "a new question"]
    assert new_row["base_url"] == server.url
    assert (row["provider"], row["model"], row["base_url"]) == ("openai", "local-model", server.url)
    assert not any(SECRET in str(value) for value in tuple(row)), "a key stored with the session"
    assert SECRET.encode() not in db.read_bytes()

    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        await wait_until(pilot, lambda: len(listed_sessions(app)) > 1, what="the stored chat")
        stored = next(s for s in listed_sessions(app) if s.title == "name a pelican")
        await app.playground.session_ops.open(stored)
        await settle(pilot)
        assert app.playground.current.base_url == server.url
        await ask(pilot, "one more?")
        assert len(server.requests) == 4, "the reopened chat asked another endpoint"
        assert server.last.json()["messages"][-1]["content"] == "one more?"


async def test_a_chat_carried_on_from_a_custom_endpoint_asks_that_endpoint(
    server: ReplayServer, isolated_home: Path
) -> None:
    server.default = openai_stream_reply(["Pip"])
    use_fast_demo(isolated_home, f'[endpoints.lab]\nbase_url = "{server.url}"\n')
    app = playground(["--demo"])
    async with app.run_test(size=SIZE) as pilot:
        session = await _carry_on(pilot, [CompareTarget("lab/qwen"), CompareTarget("demo")], 0)
        assert session.model == "lab/qwen"
        await ask(pilot, "and another?")
        chats = [r for r in server.requests if r.path.endswith("/chat/completions")]
        assert len(chats) == 2  # the race, then the chat (the picker lists the endpoint's models)
        assert chats[-1].json()["model"] == "qwen"
        assert session.base_url is None  # the endpoint's URL is the settings', read when asked
