"""The prompt: enter sends, ctrl+j starts a new line, the text stays until cleared."""

from __future__ import annotations

from textual.app import App, ComposeResult

from openmaas_tui.ui.widgets.prompt import PromptArea


class _Host(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def compose(self) -> ComposeResult:
        yield PromptArea(id="prompt")

    def on_prompt_area_submitted(self, event: PromptArea.Submitted) -> None:
        self.sent.append(event.text)


async def test_enter_sends_and_ctrl_j_inserts_a_newline() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        await pilot.press(*"first", "ctrl+j", *"second")
        await pilot.press("enter")
        await pilot.pause()
        assert app.sent == ["first\nsecond"]
        assert app.query_one(PromptArea).text == "first\nsecond"


async def test_shift_enter_is_a_newline_too() -> None:
    app = _Host()
    async with app.run_test() as pilot:
        await pilot.press("a", "shift+enter", "b")
        await pilot.pause()
        assert app.query_one(PromptArea).text == "a\nb"
        assert app.sent == []
