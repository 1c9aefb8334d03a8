"""The theme chosen in the playground is written into ``config.toml`` and the next start opens
in it; the rest of the file stays as the person wrote it."""

from __future__ import annotations

from pathlib import Path

from tests.support.ui import FAST_DEMO, demo_playground, playground, wait_until


async def test_a_chosen_theme_is_the_next_starts_theme(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    config = isolated_home / "config.toml"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "theme" not in config.read_text(encoding="utf-8")
        app.theme = "gruvbox"
        await wait_until(pilot, lambda: "gruvbox" in config.read_text(encoding="utf-8"))
    assert config.read_text(encoding="utf-8") == f'{FAST_DEMO}theme = "gruvbox"\n'
    again = playground(["--demo"])
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme == "gruvbox"
        again.theme = "nord"
        await wait_until(pilot, lambda: "nord" in config.read_text(encoding="utf-8"))
    assert config.read_text(encoding="utf-8") == f'{FAST_DEMO}theme = "nord"\n'
