"""The save-preset dialog shows its question whole, at 80 columns too."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.ui.playground.presets import PresetName
from tests.support.ui import demo_playground, screen_text, settle

QUESTION = "Save the parameters and system prompt as preset:"


async def test_the_preset_dialog_title_is_whole(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(PresetName())
        await pilot.pause()
        assert QUESTION in screen_text(app)
