"""ctrl+l opens the model picker itself: each model with its price (USD per 1M input / output
tokens), context window and whether its provider's key is present (never the key); typing
narrows the list, ``enter`` picks into the parameter panel, ``escape`` keeps the model; a
catalog of thousands of models lists a few hundred at a time. Compare's ctrl+l opens the same
picker for the next target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Select

from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.screens.model_dialog import SHOWN, ModelPickerDialog
from tests.support.ui import (
    MessageTrail,
    demo_playground,
    notes,
    screen_text,
    wait_until,
    workers_done,
)

SIZE = (160, 50)
FAKE_KEY = "sk-FAKE-picker-0123456789"


async def _opened(pilot: Any) -> ModelPickerDialog:
    """Press ctrl+l and wait until the picker shows the keys."""
    await pilot.press("ctrl+l")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ModelPickerDialog)
    await workers_done(pilot.app)
    await wait_until(
        pilot, lambda: dialog.rows and all(str(r.key) != "…" for r in dialog.rows), what="keys"
    )
    await pilot.pause()
    return dialog


def _line_of(app: PlaygroundApp, label: str) -> str:
    """The screen line listing ``label`` in the picker."""
    return next(line for line in screen_text(app).splitlines() if f" {label} " in f" {line} ")


async def test_ctrl_l_opens_the_picker_with_price_context_and_key(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    trail = MessageTrail()
    async with app.run_test(size=SIZE, message_hook=trail) as pilot:
        app.services.keys.set("openai", FAKE_KEY, persist=False)
        dialog = await _opened(pilot)
        assert isinstance(app.focused, Input) and app.focused.id == "model-search"
        assert dialog.highlighted == "demo"  # the current model
        assert "$ in / out per 1M" in screen_text(app)
        mini = _line_of(app, "openai/gpt-4o-mini")
        assert "$0.15 / $0.60" in mini and "128k" in mini and "✓ key" in mini
        sonnet = _line_of(app, "anthropic/claude-sonnet-4-5")
        assert "$3 / $15" in sonnet and "200k" in sonnet and "✗ no key" in sonnet
        demo = _line_of(app, "demo (offline)")
        assert "free" in demo and "none needed" in demo
        assert FAKE_KEY not in screen_text(app) and "sk-" not in screen_text(app)

        trail.take()
        await pilot.press(*"sonnet 4-5")
        await pilot.pause()
        assert "claude-sonnet-4-5" in [r.spec for r in dialog.shown]
        assert all("sonnet" in r.spec and "4-5" in r.spec for r in dialog.shown)
        await pilot.press("ctrl+a", "ctrl+k", *"anthropic/claude-sonnet-4-5")
        await pilot.pause()
        assert [r.spec for r in dialog.shown] == ["claude-sonnet-4-5"]
        assert "1 of" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is app.playground
        assert app.playground.params.model == "claude-sonnet-4-5"
        assert "ParamsPanel.ModelChanged" in trail.take()


async def test_escape_keeps_the_model_and_arrows_move(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _opened(pilot)
        await pilot.press("down", "down")
        assert dialog.highlighted == dialog.rows[2].spec
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.playground and app.playground.params.model == "demo"
        dialog = await _opened(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.playground.params.model == dialog.rows[1].spec


async def test_a_big_catalog_lists_a_few_hundred_at_a_time(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        many = [ModelInfo(f"model-{i:04d}", "ollama") for i in range(3000)]
        app.playground.params.add_models(many)
        dialog = await _opened(pilot)
        assert len(dialog.rows) > 3000 and len(dialog.shown) == SHOWN
        assert f"+{len(dialog.rows) - SHOWN:,} more: type to narrow" in screen_text(app)
        await pilot.press(*"model-29")
        await pilot.pause()
        assert [r.spec for r in dialog.shown][:2] == ["ollama/model-2900", "ollama/model-2901"]
        assert len(dialog.shown) == 100
        line = _line_of(app, "ollama/model-2900")
        assert "free" in line and "ctx ?" in line and "none needed" in line


async def test_compare_ctrl_l_picks_the_next_targets_model(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await _opened(pilot)
        await pilot.press(*"gpt-4o-mini", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        assert screen.query_one("#compare-model", Select).value == "gpt-4o-mini"
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert [c.target.spec for c in screen.columns] == ["demo", "gpt-4o-mini"]


async def test_closing_before_the_rows_are_read_leaves_no_error(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+l", "escape")
        await workers_done(app)
        await pilot.pause()
        assert app.screen is app.playground
        assert notes(app) == []
