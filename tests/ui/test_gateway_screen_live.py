"""The "Gateway" view following a real ``openmaas serve`` in another process, sharing the
history: each request the official ``openai`` SDK sends through it appears as it ends, with the
client (the SDK's ``User-Agent`` product token), the model, the HTTP status (a refusal keeps
the upstream's), the tokens and the cost."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest
from textual.widgets import DataTable

from openmaas_tui.ui.screens.gateway_screen import GatewayScreen
from tests.conftest import FIXTURES
from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply
from tests.support.ui import palette_hits, playground, wait_until

SIZE = (120, 30)


@pytest.fixture
def upstream() -> Iterator[ReplayServer]:
    server = ReplayServer()
    server.start_in_thread()
    yield server
    server.stop_thread()


@pytest.fixture
def gateway(isolated_home: Path, upstream: ReplayServer) -> Iterator[GatewayProcess]:
    """``openmaas serve`` writing into the history the app reads (one OPENMAAS_HOME)."""
    process = GatewayProcess(isolated_home, upstream.url)
    yield process
    try:
        process.stop()
    finally:
        process.kill()


async def test_the_view_shows_each_request_through_a_running_gateway(
    gateway: GatewayProcess, upstream: ReplayServer
) -> None:
    app = playground(["--demo"])
    client = openai.AsyncOpenAI(base_url=gateway.url, api_key=gateway.token, max_retries=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"Gateway")
        await wait_until(pilot, lambda: palette_hits(app), what="the Gateway command")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, GatewayScreen), what="the view")
        table: DataTable[object] = app.screen.query_one(DataTable)

        upstream.queue(openai_stream_reply(["Hel", "lo"], input_tokens=7))
        stream = await client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        async for _ in stream:
            pass
        await wait_until(pilot, lambda: table.row_count == 1, what="the request", timeout_s=15)
        upstream.queue(fixture_reply(FIXTURES / "openai" / "error_429_rate_limit.json"))
        with pytest.raises(openai.RateLimitError):
            await client.chat.completions.create(
                model="gpt-4o", messages=[{"role": "user", "content": "again"}]
            )
        await wait_until(pilot, lambda: table.row_count == 2, what="the refusal", timeout_s=15)

        answered, refused = ([str(c) for c in table.get_row_at(i)] for i in range(2))
        assert answered[1:5] == ["AsyncOpenAI/Python", "gpt-4o-mini", "200", "7"]
        assert answered[5] == "2" and answered[6].startswith("$")
        assert refused[1:4] == ["AsyncOpenAI/Python", "gpt-4o", "429"]
        assert refused[-1] == "$0"
