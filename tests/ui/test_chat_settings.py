"""Each chat keeps its settings: the model, the parameters and the system prompt belong to the
chat. Switching chats, reopening one after a restart and carrying on from compare show them
again in the parameter panel, whose title names the chat; a preset loads into the current
chat only; each request carries its chat's settings."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.config.presets import Preset
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.session_list import SessionList
from tests.support.ui import ask, demo_playground, settle, wait_until

SIZE = (160, 50)


def panel(app: PlaygroundApp) -> ParamsPanel:
    return app.query_one(ParamsPanel)


def shown(app: PlaygroundApp) -> tuple[str, str, str]:
    """What the panel shows: its title, the temperature's text and the system prompt."""
    p = panel(app)
    return (
        str(p.border_title),
        p.query_one("#temperature", Input).value,
        p.query_one("#system", TextArea).text,
    )


async def set_settings(pilot: Pilot[None], temperature: str, system: str) -> None:
    """Type ``temperature`` and ``system`` into the panel's fields, as a person does."""
    p = panel(pilot.app)  # type: ignore[arg-type]
    field = p.query_one("#temperature", Input)
    field.focus()
    await pilot.press("ctrl+t", *temperature)  # ctrl+t resets the field first
    p.query_one("#system", TextArea).focus()
    await pilot.press("ctrl+a", "ctrl+k", *system)
    await pilot.pause()
    await pilot.press("escape")  # back to the prompt
    await settle(pilot)


async def _open(pilot: Pilot[None], title: str) -> None:
    """Open the chat titled ``title`` from the sidebar, by the keyboard."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    await pilot.press("ctrl+s", "home")
    rows = app.query_one(SessionList)
    for _ in range(len(rows.rows)):
        if (session := rows.rows.get(rows.index or 0)) is not None and session.title == title:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert app.playground.current.title == title


async def _two_chats_with_settings(pilot: Pilot[None]) -> None:
    """ "terse chat" at temperature 0.3 with a system prompt; "warm chat" at 1.5 with another."""
    await set_settings(pilot, "0.3", "be terse")
    answer = await ask(pilot, "terse chat")
    assert answer.request.temperature == 0.3 and answer.request.system == "be terse"
    await pilot.press("ctrl+n")
    await settle(pilot)
    await set_settings(pilot, "1.5", "be warm")
    answer = await ask(pilot, "warm chat")
    assert answer.request.temperature == 1.5 and answer.request.system == "be warm"


async def test_switching_chats_shows_each_chats_own_settings(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats_with_settings(pilot)
        assert shown(app) == ("Parameters · warm chat", "1.5", "be warm")
        await _open(pilot, "terse chat")
        assert shown(app) == ("Parameters · terse chat", "0.3", "be terse")
        answer = await ask(pilot, "again")
        assert answer.request.temperature == 0.3 and answer.request.system == "be terse"
        await _open(pilot, "warm chat")
        assert shown(app) == ("Parameters · warm chat", "1.5", "be warm")


async def test_a_new_chat_starts_with_the_current_chats_settings(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await set_settings(pilot, "0.3", "be terse")
        await ask(pilot, "terse chat")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert shown(app) == ("Parameters · New chat", "0.3", "be terse")


async def test_a_chat_reopened_after_a_restart_has_its_settings(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats_with_settings(pilot)
        await set_settings(pilot, "1.7", "be warmer")  # changed after the last answer
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(app.query_one(SessionList).rows) == 3)
        await settle(pilot)
        await _open(pilot, "terse chat")
        assert shown(app) == ("Parameters · terse chat", "0.3", "be terse")
        await _open(pilot, "warm chat")
        assert shown(app) == ("Parameters · warm chat", "1.7", "be warmer")
    store = Store(resolve_paths().history_db)
    try:
        stored = {s.title: s.params for s in store.list_sessions()}
    finally:
        store.close()
    assert stored["warm chat"] == {"system": "be warmer", "temperature": 1.7}


async def test_carrying_on_from_compare_keeps_the_answers_settings(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await set_settings(pilot, "0.3", "be terse")
        await ask(pilot, "terse chat")
        targets = [
            CompareTarget("demo"),
            CompareTarget("demo", temperature=1.2, system="answer as a pirate"),
        ]
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.press(*"ahoy", "enter")
        await wait_until(pilot, lambda: screen.run is not None and screen.run.finished)
        await settle(pilot)
        screen.columns[1].focus()
        await pilot.press("c")
        await settle(pilot)
        assert app.playground.current.title == "ahoy"
        assert shown(app) == ("Parameters · ahoy", "1.2", "answer as a pirate")
        answer = await ask(pilot, "and then?")
        assert answer.request.temperature == 1.2 and answer.request.system == "answer as a pirate"
        await _open(pilot, "terse chat")
        assert shown(app) == ("Parameters · terse chat", "0.3", "be terse")


async def test_a_preset_loads_into_the_current_chat_only(isolated_home: Path) -> None:
    app = demo_playground(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await _two_chats_with_settings(pilot)
        preset = Preset("json-ish", RequestParams(temperature=0.9, system="reply in JSON"))
        app.playground.presets.load(preset)
        await settle(pilot)
        assert shown(app) == ("Parameters · warm chat", "0.9", "reply in JSON")
        assert app.playground.current.params.temperature == 0.9
        await _open(pilot, "terse chat")
        assert shown(app) == ("Parameters · terse chat", "0.3", "be terse")
        await _open(pilot, "warm chat")
        assert shown(app) == ("Parameters · warm chat", "0.9", "reply in JSON")
