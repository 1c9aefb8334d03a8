"""↑ in an empty prompt recalls the prompts sent before (this chat's, then the history's), ↓
steps back, and editing a recalled prompt changes neither the chat nor the history."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from openmaas_tui.core.types import Role
from openmaas_tui.ui.app import PlaygroundApp
from tests.support.ui import ask, demo_playground, settle, wait_until


def _prompt(app: PlaygroundApp) -> str:
    return app.playground.prompt.text


async def _press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def test_up_and_down_step_through_this_chats_prompts(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "first question")
        await ask(pilot, "second question")
        assert _prompt(app) == ""
        await _press(pilot, "up")
        assert _prompt(app) == "second question"
        await _press(pilot, "up")
        assert _prompt(app) == "first question"
        await _press(pilot, "up")  # the oldest: it stays
        assert _prompt(app) == "first question"
        await _press(pilot, "down")
        assert _prompt(app) == "second question"
        await _press(pilot, "down")
        assert _prompt(app) == ""
        await _press(pilot, "down")  # the empty prompt: nothing to step to
        assert _prompt(app) == ""
        # an edited recalled prompt is the person's own: ↑ moves the cursor, the chat keeps
        # what was sent
        await _press(pilot, "up", "exclamation_mark")
        assert _prompt(app) == "second question!"
        await _press(pilot, "up")
        assert _prompt(app) == "second question!"
        sent = [m.text for m in app.playground.current.messages if m.role is Role.USER]
        assert sent == ["first question", "second question"]


async def test_a_new_chat_recalls_the_historys_prompts(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "from an earlier chat")
        await _press(pilot, "ctrl+n")
        await settle(pilot)
        assert app.playground.current.messages == []
        await _press(pilot, "up")
        await wait_until(pilot, lambda: _prompt(app) == "from an earlier chat")
        await _press(pilot, "down")
        assert _prompt(app) == ""
