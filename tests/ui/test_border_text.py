"""A border title that follows the open chat repaints its border line, not the panel under it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical
from textual.geometry import Region
from textual.widgets import Static

from openmaas_tui.ui.widgets.border_text import set_border_subtitle, set_border_title


class Panel(Vertical):
    DEFAULT_CSS = "Panel { border: round white; padding: 0 1; width: 30; height: 8; }"

    def compose(self) -> ComposeResult:
        for i in range(4):
            yield Static(f"field {i}")


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Panel()


def _lines(app: Host) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def test_a_new_title_repaints_its_border_line_only() -> None:
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        panel = app.query_one(Panel)
        set_border_title(panel, "Parameters")  # mounted: only the line is marked
        await pilot.pause()
        set_border_title(panel, "Parameters · [b]chat[/b] one")
        assert panel._repaint_regions == {Region(0, 0, 30, 1)}
        assert not any(child._repaint_required for child in panel.children)
        set_border_subtitle(panel, "defaults")
        assert Region(0, 7, 30, 1) in panel._repaint_regions
        await pilot.pause()
        lines = _lines(app)
        assert "Parameters · chat one" in lines[0] and "field 0" in lines[1]
        assert "defaults" in lines[7]
        assert panel.border_title == "Parameters · [b]chat[/b] one"


async def test_the_same_title_repaints_nothing() -> None:
    app = Host()
    async with app.run_test(size=(40, 10)) as pilot:
        panel = app.query_one(Panel)
        set_border_title(panel, "Parameters")
        await pilot.pause()
        set_border_title(panel, "Parameters")
        assert not panel._repaint_regions and not panel._repaint_required
