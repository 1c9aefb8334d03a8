"""Moving the focus, opening a chat and starting one repaint what changed, not the whole
screen: each whole-screen frame composites some 150 widgets again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from tests.support.ui import ask, demo_playground, settle, use_fast_demo

SIZE = (160, 50)


async def test_focus_moves_and_chat_switches_draw_partial_frames(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fast_demo(isolated_home)
    app = demo_playground(isolated_home)
    whole: list[bool] = []
    refresh = Screen._compositor_refresh

    def watched(screen: Screen[Any]) -> None:
        compositor = screen._compositor
        whole.append(compositor.size.region in compositor._dirty_regions)
        refresh(screen)

    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "hello")
        await settle(pilot)
        monkeypatch.setattr(Screen, "_compositor_refresh", watched)
        await pilot.press("ctrl+s")  # the focus to the sessions list
        await settle(pilot)
        await pilot.press("escape")  # and back to the prompt
        await settle(pilot)
        await pilot.press("ctrl+n")  # a new chat
        await settle(pilot)
        await pilot.press("ctrl+s", "down", "enter")  # the first one again
        await settle(pilot)
        assert app.playground.current.title == "hello"
        assert whole and not any(whole), f"{whole.count(True)} of {len(whole)} frames whole"
