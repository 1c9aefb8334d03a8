"""``openmaas ask`` in the history: the prompt and the answer with its usage and cost, a
cancelled ask (ctrl+c) kept as stopped with what arrived, nothing with ``--no-log``, and a
history that cannot be written only noted on stderr."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from openmaas_tui.cli.ask import run_ask
from openmaas_tui.cli.main import EXIT_BROKEN_PIPE, build_parser
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Usage
from openmaas_tui.services import Services, open_services
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply

ROOT = Path(__file__).resolve().parents[2]
PIECES = [f"w{i} " for i in range(200)]


@pytest.fixture
async def services(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Services]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


def _args(url: str, *extra: str) -> argparse.Namespace:
    argv = ["ask", "--provider", "openai", "--base-url", url, "-m", "synthetic", *extra, "go"]
    return build_parser().parse_args(argv)


async def test_an_ask_is_recorded_with_its_usage_and_cost(
    server: ReplayServer, services: Services
) -> None:
    server.queue(openai_stream_reply(PIECES[:5]))
    out, err = io.StringIO(), io.StringIO()
    exchange = await run_ask(services, _args(server.url), "go", out, err)
    assert out.getvalue() == "".join(PIECES[:5]) + "\n"
    store = await services.history()
    [session] = await store.call(Store.list_sessions)
    user, answer = await store.call(Store.messages, session.id)
    assert (user.content, user.state) == ("go", MessageState.COMPLETE)
    assert answer.state is MessageState.COMPLETE and answer.content == "".join(PIECES[:5])
    assert answer.usage == Usage(10, 5) and answer.finish_reason_raw == "stop"
    assert exchange.record is not None and answer.cost_usd == exchange.record.cost_usd
    assert (answer.provider, answer.model) == ("openai", "synthetic")
    assert err.getvalue() == ""


async def test_a_cancelled_ask_is_recorded_as_stopped(
    server: ReplayServer, services: Services
) -> None:
    server.queue(openai_stream_reply(PIECES, chunk_delay_s=0.02))
    store = await services.history()
    out = io.StringIO()
    args = _args(server.url)
    task = asyncio.create_task(run_ask(services, args, "go", out, io.StringIO()))
    while "w5 " not in out.getvalue():
        assert not task.done()
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [session] = await store.call(Store.list_sessions)
    user, answer = await store.call(Store.messages, session.id)
    assert user.content == "go"
    assert answer.state is MessageState.STOPPED
    assert answer.content.startswith("w0 w1 w2 w3 w4 w5 ")
    assert out.getvalue().startswith(answer.content)


async def test_no_log_records_nothing(server: ReplayServer, services: Services) -> None:
    server.queue(openai_stream_reply(PIECES[:3]))
    out = io.StringIO()
    await run_ask(services, _args(server.url, "--no-log"), "go", out, io.StringIO())
    assert out.getvalue() == "w0 w1 w2 \n"
    store = await services.history()
    assert await store.call(Store.list_sessions) == []


async def test_a_history_that_cannot_be_written_is_only_a_note(
    server: ReplayServer, services: Services
) -> None:
    services.paths.history_db.parent.mkdir(parents=True, exist_ok=True)
    services.paths.history_db.write_bytes(b"not a database, not even close" * 100)
    server.queue(openai_stream_reply(PIECES[:3]))
    out, err = io.StringIO(), io.StringIO()
    exchange = await run_ask(services, _args(server.url), "go", out, err)
    assert out.getvalue() == "w0 w1 w2 \n" and exchange.error is None
    assert err.getvalue().startswith("note: not saved in the history: ")


def test_a_reader_that_goes_away_ends_the_ask_quietly_and_keeps_the_answer(
    isolated_home: Path,
) -> None:
    """``openmaas ask … | head``: the reader closes the pipe mid-answer. No traceback, the
    status of a program ended by SIGPIPE, and the answer so far is in the history, stopped."""
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text("demo_tokens_per_s = 40\n", encoding="utf-8")
    env = dict(os.environ, OPENMAAS_HOME=str(isolated_home))
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    child = subprocess.Popen(
        [sys.executable, "-m", "openmaas_tui", "ask", "-m", "demo", "Show me a table"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stderr is not None
    first = os.read(child.stdout.fileno(), 64)  # the answer has begun …
    child.stdout.close()  # … and the reader goes away
    status = child.wait(timeout=60)
    err = child.stderr.read().decode()
    assert first
    assert status == EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err and "BrokenPipe" not in err

    store = Store(isolated_home / "data" / "history.db")
    try:
        [session] = store.list_sessions()
        user, answer = store.messages(session.id)
    finally:
        store.close()
    assert user.content == "Show me a table"
    assert answer.state is MessageState.STOPPED
    assert answer.content.startswith(first.decode(errors="ignore")[:10])
