"""Reasoning in the playground, through the Pilot: Claude's recorded thinking shows collapsed
above its answer, and the next message of the chat carries the signed thinking block back
with that answer, as the recording's signature (extended thinking's preserved blocks)."""

from __future__ import annotations

import json

from textual.widgets import Collapsible

from openmaas_tui.ui.widgets.answer import AnswerView
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import replay_playground, settle, submit

SIZE = (160, 50)
THINKING = "anthropic/stream_thinking_small.sse"


def _signature() -> str:
    for line in fixture_path(THINKING).read_text().splitlines():
        if line.startswith("data:") and "signature_delta" in line:
            signature: str = json.loads(line[5:])["delta"]["signature"]
            return signature
    raise AssertionError("the recording has a signature")


async def test_thinking_shows_collapsed_and_goes_back_with_the_next_message(
    server: ReplayServer,
) -> None:
    server.default = fixture_reply(fixture_path(THINKING))
    want = expected(THINKING)
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await submit(pilot, "Two names for a pet pelican")
        await settle(pilot)
        view = app.query_one(AnswerView)
        assert view.reasoning is not None and view.reasoning.source == want["reasoning"]
        assert view.query_one(Collapsible).collapsed
        await submit(pilot, "And a third?")
        await settle(pilot)
        assert server.last is not None
        _, answer, _ = server.last.json()["messages"]
        assert answer["role"] == "assistant"
        assert answer["content"] == [
            {"type": "thinking", "thinking": want["reasoning"], "signature": _signature()},
            {"type": "text", "text": want["text"]},
        ]
