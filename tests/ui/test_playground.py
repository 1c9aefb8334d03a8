"""The playground opens with no key and no network, shows the welcome, and the demo answers."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Markdown, Static

from openmaas_tui.cli import build_app
from openmaas_tui.ui.answer import AnswerView


def _fast_demo(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("demo_tokens_per_s = 100000\n", encoding="utf-8")


async def test_welcome_then_the_demo_answers(isolated_home: Path) -> None:
    _fast_demo(isolated_home)
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=(120, 40)) as pilot:
        welcome = app.query_one("#welcome", Markdown)
        assert "Welcome to openMaaS" in welcome.source
        assert app.focused is app.query_one("#prompt", Input)
        await pilot.press(*"show me a table")
        await pilot.press("enter")
        view = app.query_one(AnswerView)
        await pilot.wait_for_scheduled_animations()
        await app.workers.wait_for_complete()
        await pilot.pause()
        answer = view.query_one(Markdown).source
        assert answer.startswith("*Demo model (offline)")
        assert "| Algorithm |" in answer
        meta = str(view.query_one(".meta", Static).render())
        assert "demo (offline)" in meta and "$0" in meta
        assert app.query_one("#prompt", Input).value == ""


async def test_missing_key_is_shown_inline_and_the_prompt_is_kept(isolated_home: Path) -> None:
    app = build_app(["-m", "claude-sonnet-4-5", "--no-keyring"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(*"hello")
        await pilot.press("enter")
        await pilot.pause()
        errors = [str(s.render()) for s in app.query(".error").results(Static)]
        assert any("MISSING_KEY" in e and "openmaas keys set anthropic" in e for e in errors)
        assert app.query_one("#prompt", Input).value == "hello"


async def test_no_keyring_is_said_once(isolated_home: Path) -> None:
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    app = build_app(["--demo"])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "kept in memory" in messages[0]
