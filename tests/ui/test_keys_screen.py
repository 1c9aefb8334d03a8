"""The keys screen: providers listed with masked keys and their sources; add (keyring or memory),
delete with confirmation, and test against a loopback server, all from the keyboard; the plain
key is never on screen; keyring calls never run on the event loop."""

from __future__ import annotations

import html
import re
import threading
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.errors
import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, RadioSet, Static

from openmaas_tui.core.credentials.credentials import Part
from openmaas_tui.core.credentials.keys import SERVICE, KeySource
from openmaas_tui.services import open_services
from openmaas_tui.ui.screens.keys_dialogs import ConfirmDelete, KeyForm
from openmaas_tui.ui.screens.keys_screen import KeysScreen
from tests.support.memory_keyring import MemoryKeyring
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply
from tests.support.ui import notes, settle

OPENAI_KEY = "sk-test-openai-env-0000000000001a2b"
ANTHROPIC_KEY = "sk-ant-test-keyring-00000000000c3d4"
GEMINI_KEY = "AIzaTestGeminiTypedKey000000000e5f6"
SIZE = (120, 40)


class Host(App[None]):
    """The smallest app that holds the run's services and opens the keys screen."""

    def __init__(self, *, use_keyring: bool = True) -> None:
        super().__init__()
        self.services = open_services(use_keyring=use_keyring)

    def on_mount(self) -> None:
        self.push_screen(KeysScreen(self.services))


def rows(app: Host) -> dict[str, list[str]]:
    """The table's rows by provider, as plain text."""
    table = app.screen.query_one(DataTable)
    return {str(key.value): [str(cell) for cell in table.get_row(key)] for key in table.rows.keys()}


def screen_text(app: App[None]) -> str:
    """Everything the terminal shows, from an SVG screenshot, without markup or spacing."""
    svg = app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", "", svg))
    return re.sub(r"\s+", "", text)


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste ``text`` into the focused widget, as a terminal does (one event, not keys)."""
    focused = pilot.app.focused
    assert focused is not None
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def go_to(pilot: Pilot[None], app: Host, provider: str) -> None:
    """Move the table's cursor to ``provider``'s row with the arrow keys."""
    table = app.screen.query_one(DataTable)
    target = table.get_row_index(provider)
    steps = target - table.cursor_row
    await pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps))
    assert table.cursor_row == target


async def test_lists_every_provider_masked_with_its_source(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    memory_keyring.store[(SERVICE, "anthropic")] = ANTHROPIC_KEY
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        shown = rows(app)
        assert list(shown) == app.services.keys.providers()
        assert shown["openai"][:4] == ["openai", "sk-…1a2b", "env", "OPENAI_API_KEY"]
        assert shown["anthropic"][:3] == ["anthropic", "sk-…c3d4", "keyring"]
        assert shown["gemini"][1:4] == ["none", "none", "GEMINI_API_KEY, GOOGLE_API_KEY"]
        backend = str(app.screen.query_one("#keys-backend", Static).render())
        assert "MemoryKeyring" in backend
        text = screen_text(app)
        assert "sk-…1a2b" in text and "sk-…c3d4" in text  # the check below can see keys
        assert OPENAI_KEY not in text and ANTHROPIC_KEY not in text
        await pilot.press("escape")
        assert not isinstance(app.screen, KeysScreen)
    await app.services.aclose()


async def test_a_key_typed_in_goes_to_the_keyring_and_is_never_shown(
    memory_keyring: MemoryKeyring,
) -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, app, "gemini")
        await pilot.press("enter")
        assert isinstance(app.screen, KeyForm)
        key_input = app.screen.query_one("#key-input", Input)
        assert key_input.password and app.focused is key_input
        await pilot.press(*GEMINI_KEY)
        assert key_input.value == GEMINI_KEY
        assert GEMINI_KEY not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert app.services.keys.lookup("gemini") == (GEMINI_KEY, KeySource.KEYRING)
        assert memory_keyring.store[(SERVICE, "gemini")] == GEMINI_KEY
        assert rows(app)["gemini"][1:3] == ["AIza…e5f6", "keyring"]
        assert any("AIza…e5f6" in n and "OS keyring" in n for n in notes(app))
        assert all(GEMINI_KEY not in n for n in notes(app))
        assert GEMINI_KEY not in screen_text(app)
    await app.services.aclose()


async def test_memory_only_can_be_chosen_when_a_keyring_exists(
    memory_keyring: MemoryKeyring,
) -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, app, "groq")
        await pilot.press("a")
        await paste(pilot, "gsk_test0000000000000000g7h8")
        await pilot.press("tab")
        assert isinstance(app.focused, RadioSet)
        await pilot.press("down", "enter")  # highlight "memory only", select it
        await pilot.press("tab", "enter")  # Save
        await settle(pilot)
        assert app.services.keys.lookup("groq")[1] is KeySource.MEMORY
        assert memory_keyring.store == {}
        assert rows(app)["groq"][2] == "memory"
    await app.services.aclose()


async def test_an_empty_key_is_refused_in_the_form() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", "enter")
        assert isinstance(app.screen, KeyForm)
        assert "empty" in str(app.screen.query_one("#key-form-error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert app.services.keys.lookup("openai") == (None, None)
    await app.services.aclose()


@pytest.mark.parametrize("how", ["failing backend", "--no-keyring"])
async def test_without_a_keyring_keys_live_in_memory_and_the_screen_says_so(how: str) -> None:
    if how == "failing backend":
        keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    app = Host(use_keyring=how != "--no-keyring")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        backend = str(app.screen.query_one("#keys-backend", Static).render())
        assert "memory only" in backend and "this run only" in backend
        await pilot.press("a")
        assert isinstance(app.screen, KeyForm)
        assert not app.screen.query(RadioSet)
        said = str(app.screen.query_one("#key-memory-only", Static).render())
        assert "memory for this run only" in said
        await paste(pilot, OPENAI_KEY)
        await pilot.press("enter")
        await settle(pilot)
        assert app.services.keys.lookup("openai") == (OPENAI_KEY, KeySource.MEMORY)
        assert rows(app)["openai"][1:3] == ["sk-…1a2b", "memory"]
        assert any("memory, for this run only" in n for n in notes(app))
    await app.services.aclose()


async def test_delete_asks_first(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.store[(SERVICE, "anthropic")] = ANTHROPIC_KEY
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, app, "anthropic")
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmDelete)
        assert "sk-…c3d4" in screen_text(app) and ANTHROPIC_KEY not in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        assert memory_keyring.store == {(SERVICE, "anthropic"): ANTHROPIC_KEY}
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("y")
        await settle(pilot)
        assert memory_keyring.store == {}
        assert rows(app)["anthropic"][1:3] == ["none", "none"]
    await app.services.aclose()


async def test_a_key_from_the_environment_cannot_be_deleted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, app, "openai")
        await pilot.press("d")
        assert isinstance(app.screen, KeysScreen)
        assert any("OPENAI_API_KEY" in n and "stays set" in n for n in notes(app))
        assert app.services.keys.lookup("openai") == (OPENAI_KEY, KeySource.ENV)
    await app.services.aclose()


async def test_key_test_shows_missing_key_auth_failed_and_ok(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models = {"object": "list", "data": [{"id": "gpt-4o-mini"}, {"id": "gpt-4o"}]}
    server = ReplayServer(Reply.json_body(models))
    server.queue(fixture_reply(fixture_path("openai/error_401_invalid_key.json")))
    await server.start()
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(
        f'[endpoints.local]\nbase_url = "{server.url}/v1"\napi_key_env = "LOCAL_KEY"\n',
        encoding="utf-8",
    )
    echoed = "sk-test-abcdefgh12345678"  # the key the recorded 401 body echoes back
    monkeypatch.setenv("LOCAL_KEY", echoed)
    app = Host()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await go_to(pilot, app, "openai")
            await pilot.press("t")
            await settle(pilot)
            assert rows(app)["openai"][4] == "MISSING_KEY"
            assert any("MISSING_KEY" in n and "keys set openai" in n for n in notes(app))
            assert server.requests == []

            await go_to(pilot, app, "local")
            await pilot.press("t")
            await settle(pilot)
            assert rows(app)["local"][4] == "AUTH_FAILED"
            failed = [n for n in notes(app) if "AUTH_FAILED" in n]
            assert failed and "Incorrect API key" in failed[0] and "keys test local" in failed[0]
            assert server.last.path == "/v1/models"
            assert server.last.headers["authorization"] == f"Bearer {echoed}"

            await pilot.press("t")
            await settle(pilot)
            assert rows(app)["local"][4] == "ok · 2 models"
            assert any("2 models" in n for n in notes(app))
            assert all(echoed not in n for n in notes(app))
            assert echoed not in screen_text(app)
    finally:
        await app.services.aclose()
        await server.stop()


class ThreadRecordingKeyring(MemoryKeyring):
    """Remembers which thread each keyring call ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.threads.append(threading.get_ident())
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.threads.append(threading.get_ident())
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self.threads.append(threading.get_ident())
        super().delete_password(service, username)


async def test_keyring_calls_never_run_on_the_event_loop() -> None:
    backend = ThreadRecordingKeyring()
    keyring.set_keyring(backend)
    app = Host()
    loop_thread = threading.get_ident()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await paste(pilot, ANTHROPIC_KEY)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert (SERVICE, "openai") not in backend.store
    assert len(backend.threads) > 3
    assert loop_thread not in backend.threads
    await app.services.aclose()


class RefusingKeyring(MemoryKeyring):
    """A keyring that can be read but refuses to store anything (a locked collection)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


async def test_a_keyring_that_refuses_the_key_leaves_it_in_memory_and_says_so() -> None:
    keyring.set_keyring(RefusingKeyring())
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await paste(pilot, OPENAI_KEY)
        await pilot.press("enter")
        await settle(pilot)
        assert app.services.keys.lookup("openai") == (OPENAI_KEY, KeySource.MEMORY)
        assert rows(app)["openai"][2] == "memory"
        assert any("refused" in n and "sk-…1a2b" in n for n in notes(app))
        assert "memory only" in str(app.screen.query_one("#keys-backend", Static).render())
    await app.services.aclose()


async def test_a_provider_of_several_parts_asks_for_each_and_shows_none_in_clear(
    memory_keyring: MemoryKeyring, isolated_home: Path
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(
        '[endpoints.corp-aws]\nprovider = "bedrock"\nbase_url = "http://127.0.0.1:9"\n',
        encoding="utf-8",
    )
    access, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, app, "corp-aws")
        await pilot.press("enter")
        form = app.screen
        assert isinstance(form, KeyForm)
        secret_input = form.query_one("#part-secret_access_key", Input)
        assert secret_input.password and not form.query_one("#part-region", Input).password
        assert app.focused is form.query_one("#part-access_key_id", Input)
        await paste(pilot, access)
        await pilot.press("enter")  # enter moves to the next part
        assert app.focused is secret_input
        await paste(pilot, secret)
        await pilot.press("tab", "tab")  # past the session token, to the region
        await paste(pilot, "eu-west-1")
        assert secret not in screen_text(app)
        await pilot.press("enter", "enter")  # region, then the last part (profile): saves
        await settle(pilot)
        assert isinstance(app.screen, KeysScreen)
        creds = app.services.keys.credentials("corp-aws")
        assert (creds.get(Part.SECRET_ACCESS_KEY), creds.get(Part.REGION)) == (secret, "eu-west-1")
        stored = memory_keyring.store[(SERVICE, "corp-aws")]
        assert secret in stored and '"region": "eu-west-1"' in stored  # one keyring entry
        shown = rows(app)["corp-aws"]
        assert shown[2] == "keyring" and "eu-west-1" in shown[1]
        text = screen_text(app)
        assert secret not in text and access not in text and secret[:8] not in text
        assert all(secret not in n and access not in n for n in notes(app))
    await app.services.aclose()
