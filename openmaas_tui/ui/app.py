"""The app: the playground and the screens it opens, the services they share, and the one
place a failed worker is reported.

The playground itself (layout, bindings, what its widgets post) is
:class:`~openmaas_tui.ui.screens.playground.PlaygroundScreen`, the app's base screen. The app
opens the history and hands it down, switches screens (f2 keys, f3 compare, f4 costs), lists
the command palette's entries, and carries a compare answer over to the playground when the
person continues with it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme

from openmaas_tui.collector import calm_the_collector
from openmaas_tui.core.config.remembered import remember_theme
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.http import prepare_transport
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.services import Services
from openmaas_tui.ui.inert_lines import InertLines
from openmaas_tui.ui.notices import storage_problem_text
from openmaas_tui.ui.screens.playground import PlaygroundScreen
from openmaas_tui.ui.workers import WorkerOwner, failure_text

if TYPE_CHECKING:
    # The other screens are imported when first opened (a tenth of a second of start-up).
    from openmaas_tui.ui.screens.compare_screen import CompareScreen

_SWITCHING = frozenset({"keys", "compare", "costs"})
"""The actions that open another screen: they act from the playground only."""


class PlaygroundApp(WorkerOwner, App[None]):
    """Chat with any model from the keyboard; watch the answer stream; see what it cost.

    Args:
        services: the run's services (settings, keys, client, providers, prices, history).
        model: the model the playground starts with.
        provider: with ``--provider``, the provider ``model`` is sent to verbatim.
        base_url: with ``--base-url``, where requests for the start model go.

    Attributes:
        services: the run's services, closed when the app ends.
        playground: the playground, the app's base screen.
    """

    TITLE = "openMaaS"
    DEFAULT_MODE = "playground"
    CSS_PATH = "screens/playground.tcss"
    """The playground's styles: loaded with the app's, since the playground is the default
    screen (Textual reads ``CSS_PATH`` of pushed screens and modes only), and parsed once
    before the first paint rather than added to a live stylesheet."""

    BINDINGS = [
        Binding("f2", "keys", "Keys", id="keys"),
        Binding("f3", "compare", "Compare", id="compare", tooltip="Race several models"),
        Binding("f4", "costs", "Costs", id="costs", tooltip="What the history cost"),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        model: str,
        provider: str | None = None,
        base_url: str | None = None,
        notices: Sequence[OpenMaaSError] = (),
    ) -> None:
        super().__init__()
        self.services = services
        self.notices = tuple(notices)
        """Problems found while building the app (a broken ``config.toml``), said on mount."""
        self.playground = PlaygroundScreen(
            services, model=model, provider=provider, base_url=base_url
        )
        self._remembered_theme = services.settings.theme
        """The theme ``config.toml`` names (what the next start opens in)."""

    _inert_lines = InertLines()
    """Drops control characters left in any line drawn (see :mod:`~openmaas_tui.ui.inert_lines`)."""

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then :class:`~openmaas_tui.ui.inert_lines.InertLines`."""
        return [*super().get_line_filters(), self._inert_lines]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of the app (widgets' and screens' too come here): its message and
        title shown inert (:func:`~openmaas_tui.core.text.terminal.terminal_safe`), as they
        often carry a provider's words or a session's title."""
        super().notify(
            terminal_safe(message),
            title=terminal_safe(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def get_default_screen(self) -> PlaygroundScreen:
        """The playground is the first screen and stays at the bottom of the stack."""
        return self.playground

    async def on_mount(self) -> None:
        for problem in self.notices:
            text = f"{problem.code}: {problem.message}\n{problem.hint or ''}".rstrip()
            self.notify(text, title="Settings", severity="error", timeout=30)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.call_after_refresh(self.find_keyring)
        self.call_after_refresh(calm_the_collector)
        self.call_after_refresh(prepare_transport, self.services.client)
        await self._open_history()

    async def _open_history(self) -> None:
        """Open the history (on its worker thread) and hand it to the playground; a damaged or
        unwritable file is said once and this run keeps its history in memory."""
        store = await self.services.history()
        if store.problem is not None:
            text = storage_problem_text(store.problem, in_memory=True)
            self.notify(text, title="History", severity="error", timeout=20)
        await self.playground.attach(store)

    @work(thread=True, group="warm", exit_on_error=False, description="look for the OS keyring")
    def find_keyring(self) -> None:
        """Find the OS keyring in a thread (about 0.2 s: keyring's imports and a D-Bus probe)
        and say once if keys can only live in memory."""
        for warning in self.services.keys.warnings:
            self.call_from_thread(
                self.notify, warning, title="Keys", severity="warning", timeout=10
            )

    def _theme_changed(self, theme: Theme) -> None:
        """A theme chosen (the palette's "Change theme") is written into ``config.toml`` so
        the next start opens in it."""
        if theme.name != self._remembered_theme:
            self._remembered_theme = theme.name
            self.remember_theme(theme.name)

    @work(
        thread=True,
        group="config",
        exclusive=True,
        exit_on_error=False,
        description="remember the theme in config.toml",
    )
    def remember_theme(self, name: str) -> None:
        """Write ``theme = "name"`` into ``config.toml`` (:func:`remember_theme`), in a thread:
        a failure (a broken file, left alone) is a notification, never a lost theme choice."""
        remember_theme(self.services.paths.config_file, name)

    @on(WorkerOwner.WorkerFailed)
    def report_worker_failure(self, event: WorkerOwner.WorkerFailed) -> None:
        """The one place a failed worker is reported, whichever screen or widget ran it: a
        notification with the error's code and message, never a traceback."""
        event.stop()
        what = event.worker.description or event.worker.group
        self.notify(
            failure_text(event.error),
            title=f"Could not {what}",
            severity="error",
            timeout=10,
            markup=False,
        )

    # -- screens --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Other screens are opened from the playground only: on another screen (keys,
        compare, costs, a dialog) f2, f3 and f4 are neither shown nor run."""
        if action in _SWITCHING and self.screen is not self.playground:
            return False
        return True

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own, and on the playground its every action (the command palette)."""
        yield from super().get_system_commands(screen)
        if screen is not self.playground:
            return
        yield SystemCommand("API keys", "Add, delete and test API keys (f2)", self.action_keys)
        yield SystemCommand(
            "Compare models",
            "Several models answer one prompt side by side (f3)",
            self.action_compare,
        )
        yield SystemCommand("Cost history", "Cost per day and per model (f4)", self.action_costs)
        from openmaas_tui.ui.screens.gateway_screen import gateway_command

        yield gateway_command(self, self.services)
        yield from self.playground.commands()

    def action_keys(self) -> None:
        """Open the keys screen."""
        from openmaas_tui.ui.screens.keys_screen import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.services))

    def action_compare(self) -> None:
        """Open the compare screen with the playground's model as its first target."""
        from openmaas_tui.core.compare.lane import CompareTarget
        from openmaas_tui.ui.screens.compare_screen import CompareScreen

        playground = self.playground
        spec = playground.params.model
        base_urls = playground.targets.base_urls()
        base_url, api = base_urls.get(spec), None
        if spec == playground.current.model:  # the chat's own model, where the chat asks it
            base_url, api = playground.targets.endpoint_of(playground.current)
            if base_url is not None:
                base_urls = base_urls | {spec: base_url}
        screen = CompareScreen(
            self.services,
            targets=[CompareTarget(spec, base_url=base_url, api=api)],
            choices=playground.params.choices,
            context=playground.current.context(),
            base_urls=base_urls,
        )
        self.push_screen(screen)

    def action_costs(self) -> None:
        """Open the cost history: totals, a bar per day, a table per model."""
        from openmaas_tui.ui.screens.cost_screen import CostScreen

        self.push_screen(CostScreen(self.services))

    async def on_compare_screen_chat_continued(self, event: CompareScreen.ChatContinued) -> None:
        """Back to the playground, in a new session holding the compare answer chosen."""
        event.stop()
        if self.screen is not self.playground:
            self.pop_screen()  # the compare screen
        await self.playground.session_ops.adopt(
            event.model_spec,
            event.prompt,
            event.answer_text,
            event.usage,
            event.cost_usd,
            estimated=event.estimated,
            context=event.context,
            params=event.params,
            images=event.images,
            tool_calls=event.tool_calls,
            server_tools=event.server_tools,
            base_url=event.base_url,
            api=event.api,
        )

    async def on_unmount(self) -> None:
        await self.services.aclose()
        gc.unfreeze()  # the run is over: let the collector see everything again
