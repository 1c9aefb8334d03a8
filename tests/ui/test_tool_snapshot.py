"""A snapshot of a conversation with a tool call after reasoning (pytest-textual-snapshot):
Claude's recorded answer (thinking, a line of text, then a call to ``get_user_country``)
replayed from a loopback server. Update with ``--snapshot-update`` and look at the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.prompt import PromptArea
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import replay_playground, settle, settled_estimate, submit

SIZE = (160, 50)
THINKING_TOOL = "anthropic/json_thinking_tool_use.json"


@pytest.fixture
def replay(isolated_home: Path) -> Iterator[ReplayServer]:
    server = ReplayServer(fixture_reply(fixture_path(THINKING_TOOL)))
    server.start_in_thread()
    yield server
    server.stop_thread()


async def _tool_call(pilot: Pilot[None]) -> None:
    pilot.app.query_one(PromptArea).cursor_blink = False
    await submit(pilot, "What is the largest city in my country?")
    await settle(pilot)
    view = pilot.app.query_one(AnswerView)
    meter = view.meter
    meter.first_token_at = meter.started_at + 0.5
    meter.finished_at = meter.started_at + 1.5
    view.refresh_counters()
    for field in pilot.app.query(Input).filter(".tool-result-input"):
        field.cursor_blink = False
    await settled_estimate(pilot)


def test_a_tool_call_after_reasoning(snap_compare: Any, replay: ReplayServer) -> None:
    """Claude has answered "What is the largest city in my country?": in the chat pane, under
    the question, the collapsed `▶ Reasoning` block, then the answer's line of text ("I'll help
    you find the largest city…"), then one tool-call block titled `▼ ƒ get_user_country ·
    toolu_…` with its arguments pretty-printed (`{}`), and under them the focused result field
    (`result of get_user_country · enter sends`), then the counters line (`anthropic/claude-
    sonnet-4-5 · TTFT 500 ms · …`). The parameter panel's `Tools: none · enter adds` line sits
    between streaming and the system prompt."""
    app = replay_playground(replay, "anthropic", "claude-sonnet-4-5")
    assert snap_compare(app, terminal_size=SIZE, run_before=_tool_call)
