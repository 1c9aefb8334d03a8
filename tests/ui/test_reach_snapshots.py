"""Snapshots of what the keyboard reaches at 80x24: the model picker (ctrl+l) and a selected
message. Update them with ``python -m pytest tests/ui/test_reach_snapshots.py
--snapshot-update`` and look at each SVG before committing.

Every picture is the same on every run: the demo answers at once with its timings set to round
figures, keys live in memory only (an OpenAI key set for the run, none other), the prompt's
cursor does not blink and the theme is the default one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from openmaas_tui.cli.main import build_app
from openmaas_tui.ui.screens.model_dialog import ModelPickerDialog
from tests.support.ui import use_fast_demo, wait_until, workers_done
from tests.ui.test_snapshots import _demo_answer, _steady_cursor

SMALL = (80, 24)


@pytest.fixture
def fast_demo(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)


async def _picker_open(pilot: Pilot[None]) -> None:
    await _steady_cursor(pilot)
    pilot.app.services.keys.set("openai", "sk-FAKE-snapshot-0000", persist=False)  # type: ignore[attr-defined]
    await pilot.press("ctrl+l", *"gpt-4", "down")
    dialog = pilot.app.screen
    assert isinstance(dialog, ModelPickerDialog)
    await workers_done(pilot.app)
    await wait_until(pilot, lambda: all(str(r.key) != "…" for r in dialog.rows), what="keys")
    await pilot.pause()


def test_model_picker_80x24(snap_compare: Any, fast_demo: None) -> None:
    """80x24 after ctrl+l and typing `gpt-4`: the picker over the whole playground, titled
    `Choose the model`, the search holding `gpt-4`, a header `model · $ in / out per 1M · ctx ·
    key`, and the OpenAI models matching, one a line, each with its price in dollars per 1M
    input / output tokens (`openai/gpt-4o-mini   $0.15 / $0.60   128k`), its context window
    and `✓ key` in green (a key set in memory; nothing of it shown); the second row
    (`openai/gpt-4o-mini`) highlighted after one ↓; under the list `N of 57 models` and the
    hint `↑/↓ move · enter picks · escape keeps`, nothing cut at the right."""
    assert snap_compare(
        build_app(["--demo", "--no-keyring"]), terminal_size=SMALL, run_before=_picker_open
    )


async def _answer_selected(pilot: Pilot[None]) -> None:
    await _demo_answer(pilot)
    await pilot.press("ctrl+t")
    await pilot.pause()


def test_selected_answer_80x24(snap_compare: Any, fast_demo: None) -> None:
    """80x24 after the demo answered "show me a table" and ctrl+t: the answer is selected, a
    thick bar in the theme's accent (orange) runs down its whole left edge and its counters
    line `demo (offline) · TTFT 250 ms · …` sits on an orange tint; the footer shows the
    conversation's keys (`r Regenerate e Edit c Copy d Delete x Clear chat`), and no `t
    Reasoning` (the demo's answer has none)."""
    assert snap_compare(
        build_app(["--demo", "--no-keyring"]), terminal_size=SMALL, run_before=_answer_selected
    )


async def _question_selected(pilot: Pilot[None]) -> None:
    await _answer_selected(pilot)
    await pilot.press("up")
    await pilot.pause()


def test_selected_question_80x24(snap_compare: Any, fast_demo: None) -> None:
    """80x24, one ↑ further: the question `show me a table` is selected, its whole line on an
    orange tint with the accent's bar at its left, scrolled into view at the top of the
    conversation; the answer below it is no longer marked."""
    assert snap_compare(
        build_app(["--demo", "--no-keyring"]), terminal_size=SMALL, run_before=_question_selected
    )
