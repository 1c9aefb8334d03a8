"""Snapshots of a conversation with a tool call after reasoning (pytest-textual-snapshot):
Claude's recorded answer (thinking, a line of text, then a call to ``get_user_country``)
replayed from a loopback server, asked without and with an image. Update with
``--snapshot-update`` and look at the report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.attachments import AttachmentChip
from openmaas_tui.ui.widgets.prompt import PromptArea
from tests.support.images import png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import replay_playground, settle, settled_estimate, submit, wait_until

SIZE = (160, 50)
THINKING_TOOL = "anthropic/json_thinking_tool_use.json"


@pytest.fixture
def replay(isolated_home: Path) -> Iterator[ReplayServer]:
    server = ReplayServer(fixture_reply(fixture_path(THINKING_TOOL)))
    server.start_in_thread()
    yield server
    server.stop_thread()


async def _tool_call(pilot: Pilot[None], image: Path | None = None) -> None:
    pilot.app.query_one(PromptArea).cursor_blink = False
    if image is not None:  # dropped on the prompt, as a terminal hands a dropped file
        pilot.app.post_message(events.Paste(str(image)))
        await wait_until(pilot, lambda: pilot.app.query(AttachmentChip), what="a chip")
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


def test_a_tool_call_after_reasoning_about_an_image(
    snap_compare: Any, replay: ReplayServer, tmp_path: Path
) -> None:
    """As above, asked with an image: under the question in the chat pane, its chip
    (`🖼 map.png · 64x48 · N bytes`); the rest as above."""
    image = tmp_path / "map.png"
    image.write_bytes(png(64, 48))

    async def run_before(pilot: Pilot[None]) -> None:
        await _tool_call(pilot, image)

    app = replay_playground(replay, "anthropic", "claude-sonnet-4-5")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
