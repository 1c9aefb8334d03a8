"""The keys screen: every provider's key, masked, where it comes from; add, delete and test.

Pushed with ``app.push_screen(KeysScreen(app.services))``; ``escape`` closes it. Keys are only
ever shown masked (``sk-…1a2b``): the add form uses a password input, and notifications name the
masked key. Keyring calls block (D-Bus on Linux), so every :class:`KeyStore` call runs in a
thread; the key test is an async worker owned by this screen.
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from openmaas_tui.core.credentials.keys import KeyInfo, KeySource
from openmaas_tui.core.credentials.redact import redact
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.services import Services
from openmaas_tui.ui.screens.keys_dialogs import ConfirmDelete, KeyForm, NewKey
from openmaas_tui.ui.widgets.error_view import error_text
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.workers import WorkerOwner

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("provider", "provider"),
    ("key", "key"),
    ("from", "source"),
    ("environment", "env"),
    ("test", "test"),
)

NARROW_BELOW = 120
"""Below this many columns the environment column names only the first variable (``+2`` says
how many more), so that the test column fits in 80."""


def env_text(env_vars: tuple[str, ...], *, narrow: bool) -> str:
    """The environment variables read for a provider: all of them, comma-separated; on a
    narrow terminal the first and how many more (``AZURE_OPENAI_API_KEY +2``); ``—`` for
    none."""
    if not env_vars:
        return "—"
    if narrow and len(env_vars) > 1:
        return f"{env_vars[0]} +{len(env_vars) - 1}"
    return ", ".join(env_vars)


class KeysScreen(WorkerOwner, Screen[None]):
    """Every provider that takes a key: the key masked, where it comes from (keyring, memory,
    environment), the environment variables read as a fallback, and the last test's result.

    Args:
        services: the run's services (key store and provider registry).
    """

    CSS_PATH = "keys_screen.tcss"
    TITLE = "API keys"
    BINDINGS = [
        Binding("escape", "close", "Back", id="keys.close"),
        Binding("a", "add", "Add/replace", id="keys.add"),
        Binding("d,delete", "delete", "Delete", id="keys.delete", key_display="d"),
        Binding("t", "test", "Test", id="keys.test"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.infos: dict[str, KeyInfo] = {}
        self._narrow = False
        """Whether the rows were drawn for a narrow terminal (see :data:`NARROW_BELOW`)."""
        self.results: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="keys-backend")
        yield DataTable(id="keys-table", cursor_type="row", zebra_stripes=True)
        yield Static(
            "Keys are shown masked. Environment variables are read as a fallback, never written.",
            id="keys-help",
        )
        yield FittingFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in _COLUMNS:
            table.add_column(label, key=key)
        table.focus()
        self.reload()

    def _show_backend(self) -> None:
        keys = self.services.keys
        line = Text.assemble(("keyring backend: ", "dim"), keys.backend_name)
        if not keys.keyring_available:
            line.append("  ·  no usable OS keyring: keys added here last for this run only")
        self.query_one("#keys-backend", Static).update(line)

    @work(group="keys.reload", exclusive=True, exit_on_error=False, description="read the keys")
    async def reload(self) -> None:
        """Read every provider's key (in a thread: the keyring blocks) and redraw the table."""
        infos = await asyncio.to_thread(self.services.keys.list)
        self.infos = {info.provider: info for info in infos}
        self._show_backend()
        self._fill()

    def _fill(self) -> None:
        """Draw the table's rows from :attr:`infos`, the cursor kept on its provider."""
        table = self.query_one(DataTable)
        current = self.current_provider
        table.clear()
        self._narrow = self.size.width < NARROW_BELOW
        for info in self.infos.values():
            table.add_row(*self._cells(info), key=info.provider)
        if current in self.infos:
            table.move_cursor(row=table.get_row_index(current))

    def on_resize(self) -> None:
        """Name the environment variables in full again, or in short, when the width crosses
        :data:`NARROW_BELOW`."""
        if self.infos and (self.size.width < NARROW_BELOW) != self._narrow:
            self._fill()

    def _cells(self, info: KeyInfo) -> tuple[Text, ...]:
        return (
            Text(info.provider, style="bold"),
            Text(info.masked) if info.masked else Text("none", style="dim"),
            Text(str(info.source)) if info.source else Text("none", style="dim"),
            Text(env_text(info.env_vars, narrow=self._narrow), style="dim"),
            self.results.get(info.provider, Text("")),
        )

    @property
    def current_provider(self) -> str | None:
        """The provider on the highlighted row, or None when the table is empty."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(row_key.value) if row_key.value is not None else None

    def _set_result(self, provider: str, result: Text) -> None:
        self.results[provider] = result
        table = self.query_one(DataTable)
        if provider in self.infos:
            table.update_cell(provider, "test", result, update_width=True)

    def action_close(self) -> None:
        """Back to where the screen was opened from."""
        self.dismiss(None)

    @on(DataTable.RowSelected)
    def action_add(self) -> None:
        """Add or replace the highlighted provider's key."""
        provider = self.current_provider
        if provider is None:
            return
        keys = self.services.keys
        backend = keys.backend_name if keys.keyring_available else None

        def submitted(new: NewKey | None) -> None:
            if new is not None:
                self.store(provider, new)

        self.app.push_screen(KeyForm(provider, backend, keys.fields(provider)), submitted)

    @work(group="keys.store", exclusive=True, exit_on_error=False, description="store a key")
    async def store(self, provider: str, new: NewKey) -> None:
        """Store ``new`` for ``provider`` (in a thread) and say where it went, masked."""
        wanted = new.persist
        source = await asyncio.to_thread(
            self.services.keys.set_parts, provider, new.parts, persist=wanted
        )
        self.results.pop(provider, None)
        info = await asyncio.to_thread(self.services.keys.info, provider)
        masked = info.masked
        where = "the OS keyring" if source is KeySource.KEYRING else "memory, for this run only"
        if wanted and source is not KeySource.KEYRING:
            self.notify(
                f"the OS keyring refused the {provider} key; kept {masked} in memory for this run",
                title="Keys",
                severity="warning",
            )
        else:
            self.notify(f"stored the {provider} key {masked} in {where}", title="Keys")
        self.reload()

    def action_delete(self) -> None:
        """Delete the highlighted provider's stored key, after asking."""
        provider = self.current_provider
        info = self.infos.get(provider) if provider else None
        if provider is None or info is None:
            return
        if info.source is None:
            self.notify(f"no {provider} key to delete", title="Keys")
            return
        if info.source is KeySource.ENV:
            names = " or ".join(info.env_vars)
            self.notify(
                f"the {provider} key {info.masked} comes from {names} in the environment and "
                "stays set there; unset it in your shell to remove it",
                title="Keys",
                severity="warning",
            )
            return
        where = "the OS keyring" if info.source is KeySource.KEYRING else "memory"
        question = f"Delete the {provider} key {info.masked} from {where}?"

        def answered(delete: bool | None) -> None:
            if delete:
                self.remove_key(provider)

        self.app.push_screen(ConfirmDelete(question), answered)

    @work(group="keys.store", exclusive=True, exit_on_error=False, description="delete a key")
    async def remove_key(self, provider: str) -> None:
        """Delete ``provider``'s key (in a thread) and say what is left."""
        await asyncio.to_thread(self.services.keys.delete, provider)
        self.results.pop(provider, None)
        info = await asyncio.to_thread(self.services.keys.info, provider)
        message = f"deleted the stored {provider} key"
        if info.source is KeySource.ENV:
            message += f"; {info.masked} is still read from the environment"
        self.notify(message, title="Keys")
        self.reload()

    def action_test(self) -> None:
        """Test the highlighted provider's key with a cheap list-models call."""
        provider = self.current_provider
        if provider is None:
            return
        self._set_result(provider, Text("testing…", style="dim"))
        self.run_worker(
            self.test_key(provider),
            group=f"keys.test.{provider}",
            exclusive=True,
            exit_on_error=False,
            description=f"test the {provider} key",
        )

    async def test_key(self, provider: str) -> None:
        """List ``provider``'s models with the key in force; show ok or the error on the row."""
        try:
            models = await self.services.providers.list_models(provider)
        except OpenMaaSError as exc:
            self._set_result(provider, Text(str(exc.code), style="bold red"))
            self.notify(
                error_text(exc).plain,
                title=f"{provider} key test",
                severity="error",
                timeout=10,
            )
            return
        except Exception as exc:  # anything unforeseen is shown, never a traceback
            self._set_result(provider, Text("failed", style="bold red"))
            self.notify(redact(f"{type(exc).__name__}: {exc}"), severity="error")
            return
        self._set_result(provider, Text(f"ok · {len(models)} models", style="green"))
        self.notify(f"the {provider} key works ({len(models)} models listed)", title="Keys")
