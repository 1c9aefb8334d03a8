"""A key typed or pasted into the keys dialog reaches no log, whole or in part: not Textual's
(``TEXTUAL_LOG``: every message and event it dispatches), not Python's logging; and
:class:`SecretInput` stays a drop-in for ``Input``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import textual.constants
from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input

from openmaas_tui.core.credentials.redact import FRAGMENT_CHARS
from openmaas_tui.ui.screens.keys_dialogs import KeyForm
from openmaas_tui.ui.widgets.secret_input import HiddenStr, SecretInput
from tests.support.ui import settle
from tests.ui.test_keys_screen import SIZE, Host, go_to, paste

TYPED = "AIza-FAKE-qzx4tp8kw1mv6rj"
PASTED = "sk-ant-FAKEqzx6ps2wk9mv3j"


def _parts(key: str) -> list[str]:
    return [key[i : i + FRAGMENT_CHARS] for i in range(len(key) - FRAGMENT_CHARS + 1)]


@pytest.mark.parametrize(("key", "how"), [(TYPED, "type"), (PASTED, "paste")])
async def test_a_key_entered_in_the_dialog_reaches_no_log(
    key: str,
    how: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    textual_log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(textual_log))  # as TEXTUAL_LOG=…
    caplog.set_level(logging.DEBUG)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, app, "gemini")
        await pilot.press("enter")
        assert isinstance(app.screen, KeyForm)
        field = app.screen.query_one("#key-input", Input)
        assert isinstance(field, SecretInput) and field.password
        if how == "type":
            await pilot.press(*key)
        else:
            await paste(pilot, key)
        assert field.value == key
        await pilot.press("enter")
        await settle(pilot)
        assert app.services.keys.lookup("gemini")[0] == key  # it was stored all the same
    await app.services.aclose()
    logged = textual_log.read_text(encoding="utf-8") + caplog.text
    assert "Input.Changed" in logged and "'<hidden>'" in logged  # messages logged, masked
    leaked = [part for part in _parts(key) if part in logged]
    assert not leaked, f"the key reached a log: {leaked}"
    # nor one character at a time: no printable keystroke or paste into the input is logged
    into_input = [line for line in logged.splitlines() if ">>> SecretInput" in line]
    assert not [line for line in into_input if "is_printable=True" in line or "Paste(" in line]


class _Form(App[None]):
    """A form that uses SecretInput exactly as it would use Input."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[str] = []
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield SecretInput(placeholder="token", id="token")

    @on(Input.Changed, "#token")
    def changed(self, event: Input.Changed) -> None:
        self.changes.append(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submitted.append(event.value)


async def test_secret_input_is_a_drop_in_for_input() -> None:
    app = _Form()
    async with app.run_test() as pilot:
        await pilot.press("a", "b", "backspace", "c", "enter")
        await pilot.pause()
        field = app.query_one(SecretInput)
    assert app.changes == ["a", "ab", "a", "ac"]
    assert app.submitted == ["ac"] and isinstance(app.submitted[0], HiddenStr)
    assert repr(app.submitted[0]) == "'<hidden>'" and app.submitted[0].strip() == "ac"
    assert "ac" not in repr(Input.Submitted(field, app.submitted[0]))
    assert SecretInput(password=False).password is False
