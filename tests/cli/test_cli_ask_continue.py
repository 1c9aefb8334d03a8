"""``openmaas ask --session ID`` goes on as the session was asked: at the base URL it was given
(``--base-url``), whole or streamed as it was (``--no-stream``), with its system prompt and
parameters, unless the new command line says otherwise; what it says then is kept with the
session for the next one. The history never holds the key the requests were signed with."""

from __future__ import annotations

import argparse
import io
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing

import pytest

from openmaas_tui.cli.ask import run_ask
from openmaas_tui.cli.main import build_parser
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.exchange.pipeline import Exchange
from openmaas_tui.core.history.store import Store
from openmaas_tui.services import Services, open_services
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply

SECRET = "sk-ask-continue-secret-0123456789"
WHOLE = "openai/chat_json_gpt5.json"
"""A whole (not streamed) Chat Completions answer: ``Paris.``"""


@pytest.fixture
async def services(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)  # the default endpoint would be asked with it
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


@pytest.fixture
async def other() -> AsyncIterator[ReplayServer]:
    served = ReplayServer()
    await served.start()
    yield served
    await served.stop()


def _streamed(server: ReplayServer) -> bool:
    """Whether the last request asked for a stream (a whole answer's leaves ``stream`` out)."""
    return server.last.json().get("stream") is True


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["ask", *argv])


async def _ask(services: Services, prompt: str, *argv: str) -> Exchange:
    err = io.StringIO()
    exchange = await run_ask(services, _args(*argv, prompt), prompt, io.StringIO(), err)
    assert exchange.error is None, (exchange.error, err.getvalue())
    return exchange


async def _first(services: Services, server: ReplayServer) -> str:
    """Ask once, whole, at ``server`` with a system prompt; the session's id."""
    server.queue(fixture_reply(fixture_path(WHOLE)))
    first = ["--provider", "openai", "--base-url", server.url, "-m", "local-model"]
    await _ask(services, "capital of France?", *first, "--no-stream", "--system", "be brief")
    assert not _streamed(server)
    store = await services.history()
    [session] = await store.call(Store.list_sessions)
    return session.id


async def test_a_continued_session_keeps_its_base_url_and_asks_whole(
    server: ReplayServer, services: Services
) -> None:
    session_id = await _first(services, server)
    server.queue(fixture_reply(fixture_path(WHOLE)))
    await _ask(services, "and of Italy?", "--session", session_id[:8])
    assert len(server.requests) == 2, "the continued ask went to another endpoint"
    sent = server.last.json()
    assert sent["model"] == "local-model" and not _streamed(server)
    assert sent["messages"][0] == {"role": "system", "content": "be brief"}
    assert [m["content"] for m in sent["messages"][1:]] == [
        "capital of France?",
        "Paris.",
        "and of Italy?",
    ]
    assert server.last.headers["authorization"] == f"Bearer {SECRET}"

    db = resolve_paths().history_db
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        conn.row_factory = sqlite3.Row
        [row] = conn.execute("SELECT * FROM sessions").fetchall()
    assert (row["provider"], row["model"], row["base_url"]) == ("openai", "local-model", server.url)
    assert not any(SECRET in str(value) for value in tuple(row)), "a key stored with the session"
    assert SECRET.encode() not in db.read_bytes()


async def test_a_flag_given_again_wins_and_is_kept_for_the_next(
    server: ReplayServer, other: ReplayServer, services: Services
) -> None:
    session_id = await _first(services, server)
    other.queue(openai_stream_reply(["Rome."]))
    await _ask(
        services, "and of Italy?", "--session", session_id, "--base-url", other.url, "--stream"
    )
    assert len(server.requests) == 1 and len(other.requests) == 1
    assert _streamed(other)
    other.queue(openai_stream_reply(["Madrid."]))
    await _ask(services, "and of Spain?", "--session", session_id)
    assert len(other.requests) == 2 and _streamed(other)
    assert other.last.json()["messages"][0] == {"role": "system", "content": "be brief"}


async def test_another_provider_named_again_is_asked_at_its_own_endpoint(
    server: ReplayServer, services: Services
) -> None:
    session_id = await _first(services, server)
    exchange = await _ask(services, "and of Italy?", "--session", session_id, "-m", "demo")
    assert exchange.target.is_demo and exchange.target.base_url != server.url
    assert len(server.requests) == 1
