"""``ask`` stopped mid-stream (ctrl+c cancels its task) keeps what arrived, marked stopped."""

from __future__ import annotations

import asyncio
import io

import pytest

from openmaas_tui.cli.ask import run_ask
from openmaas_tui.cli.main import build_parser
from openmaas_tui.core.history.records import MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.loopback.replay import ReplayServer
from openmaas_tui.loopback.synth import openai_stream_reply
from openmaas_tui.services import open_services


async def test_a_cancelled_ask_is_recorded_as_stopped(
    server: ReplayServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    server.queue(openai_stream_reply([f"w{i} " for i in range(200)], chunk_delay_s=0.02))
    args = build_parser().parse_args(
        ["ask", "--provider", "openai", "--base-url", server.url, "-m", "synthetic", "go"]
    )
    services = open_services(use_keyring=False)
    store = await services.history()
    out = io.StringIO()
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
    await services.aclose()
