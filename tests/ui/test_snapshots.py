"""Snapshots of the main screens (pytest-textual-snapshot). Update them with
``python -m pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the report
before committing.

Clocks and costs are fixed: the demo model's answer is text bundled with the package, it costs
$0, and its timings are set to round figures once it has finished.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from openmaas_tui.cli.main import build_app
from openmaas_tui.ui.widgets.prompt import PromptArea
from tests.support.ui import ask, settled_estimate, use_fast_demo

SIZE = (160, 50)


@pytest.fixture
def fast_demo(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)


async def _steady_cursor(pilot: Pilot[None]) -> None:
    """The prompt's cursor blinks on a timer: hold it on so every screenshot is the same."""
    pilot.app.query_one(PromptArea).cursor_blink = False
    await pilot.pause()
    await settled_estimate(pilot)


def test_welcome(snap_compare: Any, fast_demo: None) -> None:
    """First run, no key, no local server: the sessions sidebar with its search box and one new
    chat, the welcome (three ways in: the demo, a key with f2, a local server) in the chat pane,
    the prompt focused, the parameter panel titled `Parameters · New chat` (whose settings it
    shows) with `demo (offline)` selected and empty fields showing their defaults and OpenAI's
    ranges (`default · 0–2`); thinking says `not taken` and the format row is greyed out (the
    demo answers canned text and ignores both), under the
    prompt the estimate of an empty message to the demo (`≈N in · $0 · N / 32.8k`), the status
    line at 0 tokens and $0, and the footer's bindings."""
    assert snap_compare(build_app(["--no-keyring"]), terminal_size=SIZE, run_before=_steady_cursor)


async def _demo_answer(pilot: Pilot[None]) -> None:
    await _steady_cursor(pilot)
    view = await ask(pilot, "show me a table")
    meter = view.meter
    meter.first_token_at = meter.started_at + 0.25
    meter.finished_at = meter.started_at + 2.25
    view.refresh_counters()
    await settled_estimate(pilot)


def test_main_screen_with_an_answer(snap_compare: Any, fast_demo: None) -> None:
    """The demo model has answered "show me a table": the session is titled by the question in
    the sidebar with its $0 cost, and the parameter panel's title names it; the chat pane,
    scrolled to the end, shows the answer's Markdown table and headings rendered, and under it
    one counters line `demo (offline) · TTFT 250 ms · … tok/s · N in / M out · $0`; under the
    empty prompt the estimate of the next message now counts the session's context; the status
    line adds up the session."""
    assert snap_compare(
        build_app(["--demo", "--no-keyring"]), terminal_size=SIZE, run_before=_demo_answer
    )


def test_keys_screen(snap_compare: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The keys screen (f2) with an OpenAI key from the environment: every provider listed,
    OpenAI's key masked as `sk-…1a2b` with `env` as its source, the others `none`, the line
    saying keys last only for this run (no keyring), and the bindings a/d/t/escape in the
    footer. The full key appears nowhere."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-1a2b")

    async def keys_screen(pilot: Pilot[None]) -> None:
        await _steady_cursor(pilot)
        await pilot.press("f2")
        await pilot.pause()

    assert snap_compare(build_app(["--no-keyring"]), terminal_size=SIZE, run_before=keys_screen)
