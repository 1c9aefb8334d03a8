"""The playground: sessions on the left, the conversation in the middle, parameters on the right.

Data flows one way: the prompt and the parameter panel make a ``ChatRequest``; an
:class:`AnswerView` mounted in the session's chat pane owns the worker that streams it; when it
finishes, the answer joins the session's context and its usage and cost join the totals.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Iterable
from functools import partial

from textual import on, work
from textual.app import App, ComposeResult, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.records import request_params
from openmaas_tui.core.http import prepare_transport
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.store_map import answer_message
from openmaas_tui.core.tokens.count import encoding_for
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services
from openmaas_tui.ui.conversation_actions import ConversationActions
from openmaas_tui.ui.markdown.lines import warm_up as draw_sample
from openmaas_tui.ui.presets_ui import preset_commands
from openmaas_tui.ui.session_actions import SessionActions
from openmaas_tui.ui.startup import calm_the_collector
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.chat_pane import ChatPane
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.estimate_line import EstimateLine
from openmaas_tui.ui.widgets.message_view import UserMessage
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList, SessionSearch
from openmaas_tui.ui.widgets.status_line import StatusLine


class PlaygroundApp(App[None]):
    """Chat with any model from the keyboard; watch the answer stream; see what it cost."""

    CSS_PATH = "app.tcss"
    TITLE = "openMaaS"
    BINDINGS = [
        Binding(
            "escape", "stop", "Stop", id="stop", tooltip="Stop the answer, or back to the prompt"
        ),
        Binding("ctrl+n", "new_session", "New chat", id="new_session"),
        Binding("ctrl+s", "focus_sessions", "Sessions", id="sessions"),
        Binding("ctrl+f", "search_sessions", "Search", show=False, id="search"),
        Binding("ctrl+t", "focus_messages", "Messages", id="messages"),
        Binding("ctrl+r", "regenerate", "Regenerate", show=False, id="regenerate"),
        Binding("ctrl+l", "focus_model", "Model", id="model"),
        Binding("ctrl+o", "focus_params", "Params", id="params"),
        Binding("f2", "keys", "Keys", id="keys"),
        Binding("f3", "compare", "Compare", id="compare", tooltip="Race several models"),
        Binding("f4", "costs", "Costs", id="costs", tooltip="What the history cost"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", show=False, id="sidebar"),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        model: str,
        provider: str | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.base_url = base_url
        # ``--provider P -m M`` is the spec ``P/M``, which routes M to P verbatim
        # (``openrouter/openai/gpt-4o``); the panel may name it more simply once mounted.
        self.start_spec = f"{provider}/{model}" if provider and provider != "demo" else model
        """The start model as the picker names it; requests for it go to --base-url."""
        self.book = SessionBook(
            [Session(model=self.start_spec)],
            endpoints=services.settings.endpoints,
            on_problem=self._storage_problem,
        )
        """Every session, and every change made to them."""
        self.current = self.book.sessions[0]
        self.search_query = ""
        """What the sidebar's search box holds (empty: every session is listed)."""
        self._listing = asyncio.Lock()
        self.conversation = ConversationActions(self)
        """Regenerate, edit and resend, copy, delete a message, clear."""
        self.session_actions = SessionActions(self)
        """Rename and delete sessions, after asking."""
        self._drawn_sample = False

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield SessionSearch(id="session-search")
                yield SessionList(id="sessions")
            with Vertical(id="conversation"):
                with ContentSwitcher(id="chats", initial=f"chat-{self.current.id}"):
                    yield self._new_pane(self.current)
                yield PromptArea(
                    id="prompt", placeholder="Ask anything · enter sends · ctrl+j new line"
                )
                yield EstimateLine(id="estimate")
            yield ParamsPanel(self.start_spec, providers=self.services.providers, id="params")
        yield StatusLine(id="status")
        yield Footer()

    def _new_pane(self, session: Session) -> ChatPane:
        return ChatPane(session, welcome=not session.messages)

    async def on_mount(self) -> None:
        self.start_spec = self.params.params.model
        self.query_one("#sidebar").border_title = "Sessions"
        await self._refresh_sessions()
        self.query_one("#prompt", PromptArea).focus()
        self.call_after_refresh(self.find_keyring)
        self.call_after_refresh(self.warm_up)
        self.call_after_refresh(calm_the_collector)
        self.call_after_refresh(prepare_transport, self.services.client)
        await self._open_history()

    async def _open_history(self) -> None:
        """Open the history (on its worker thread) and list its sessions; a damaged or
        unwritable file is said once and this run keeps its history in memory."""
        store = await self.services.history()
        if store.problem is not None:
            self._storage_problem(store.problem, in_memory=True)
        await self.book.attach(store, default_model=self.start_spec)
        await self._refresh_sessions()

    def _storage_problem(self, problem: OpenMaaSError, *, in_memory: bool = False) -> None:
        """Say that the history cannot be read or written (STORAGE_FAILED, naming the file)."""
        if in_memory:
            then = problem.hint or "This run keeps its chats in memory."
        else:
            then = "Changes from now on may not be saved."
        self.notify(
            f"{problem.code}: {problem.message}\n{then}",
            title="History",
            severity="error",
            timeout=20,
        )

    @work(thread=True, group="warm", exit_on_error=False)
    def find_keyring(self) -> None:
        """Find the OS keyring in a thread (about 0.2 s: keyring's imports and a D-Bus probe)
        and say once if keys can only live in memory."""
        for warning in self.services.keys.warnings:
            self.call_from_thread(
                self.notify, warning, title="Keys", severity="warning", timeout=10
            )

    def warm_up(self) -> None:
        """Load the selected model's tokenizer and draw a Markdown sample in a thread while the
        person types: loading a tokenizer takes about 0.3 s and holds the interpreter, and the
        first code fence imports the highlighter; either would stall the first answer."""
        spec = self.params.params.model
        try:
            r = route(spec, endpoints=self.services.settings.endpoints)
            provider, model = r.provider, r.model
        except OpenMaaSError:
            provider, model = "", spec
        load = partial(encoding_for, provider, model)
        self.run_worker(load, thread=True, group="warm", exit_on_error=False)
        if not self._drawn_sample:
            self._drawn_sample = True
            self.run_worker(draw_sample, thread=True, group="warm", exit_on_error=False)

    _PLAYGROUND_ACTIONS = frozenset(
        {"stop", "new_session", "focus_sessions", "focus_model", "focus_params", "keys"}
        | {"toggle_sidebar", "search_sessions", "focus_messages", "regenerate", "compare", "costs"}
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The playground's bindings act only on the playground: on another screen (keys,
        command palette) they are neither shown nor run."""
        if action in self._PLAYGROUND_ACTIONS and self.screen is not self.screen_stack[0]:
            return False
        return True

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action of the playground, for the command palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        if screen is not self.screen_stack[0]:
            return
        yield SystemCommand("New chat", "Start a new session (ctrl+n)", self.action_new_session)
        yield SystemCommand("Stop", "Stop the answer that is streaming (escape)", self.action_stop)
        yield SystemCommand("API keys", "Add, delete and test API keys (f2)", self.action_keys)
        yield SystemCommand(
            "Compare models",
            "Several models answer one prompt side by side (f3)",
            self.action_compare,
        )
        yield SystemCommand("Cost history", "Cost per day and per model (f4)", self.action_costs)
        yield SystemCommand("Model", "Choose the model (ctrl+l)", self.action_focus_model)
        yield SystemCommand(
            "Parameters",
            "Temperature, top_p, max_tokens, penalties, JSON, streaming, system prompt (ctrl+o)",
            self.action_focus_params,
        )
        yield SystemCommand(
            "Sessions", "Go to the sessions list (ctrl+s)", self.action_focus_sessions
        )
        yield from self.session_actions.commands()
        yield from self.conversation.commands()
        yield SystemCommand(
            "Toggle sidebar", "Show or hide the sessions (ctrl+b)", self.action_toggle_sidebar
        )
        yield SystemCommand("Use the demo model", "Offline canned answers, no key", self.use_demo)
        yield SystemCommand(
            "Delete chat", "Delete the current session", self.session_actions.delete_current
        )
        yield from self.query_one(EstimateLine).commands()
        yield from preset_commands(self)

    # -- state ----------------------------------------------------------------------------

    @property
    def sessions(self) -> list[Session]:
        """Every session, in creation order."""
        return self.book.sessions

    @property
    def playground(self) -> Screen[object]:
        """The playground's screen (under any screen pushed on top of it)."""
        return self.screen_stack[0] if self.screen_stack else self.screen

    @property
    def params(self) -> ParamsPanel:
        """The parameter panel."""
        return self.playground.query_one("#params", ParamsPanel)

    def pane(self, session: Session | None = None) -> ChatPane:
        """The chat pane of ``session`` (default: the current one)."""
        session = session or self.current
        return self.query_one(f"#chat-{session.id}", ChatPane)

    def streaming(self, session: Session | None = None) -> list[AnswerView]:
        """Answers still streaming in ``session`` (default: the current one)."""
        panes = self.query(f"#chat-{(session or self.current).id}").results(ChatPane)
        return [v for p in panes for v in p.query(AnswerView) if v.meter.finished_at is None]

    def model_label(self) -> str:
        """How the selected model is shown in the status line."""
        model = self.params.params.model
        return next((label for label, spec in self.params.choices if spec == model), model)

    def refresh_status(self) -> None:
        """Copy the current session's totals to the status line."""
        busy = sum(
            1
            for pane in self.playground.query(ChatPane)
            for view in pane.query(AnswerView)
            if view.meter.finished_at is None
        )
        self.playground.query_one(StatusLine).show(self.current, self.model_label(), busy)

    async def _refresh_sessions(self) -> None:
        async with self._listing:  # one at a time: the list is cleared and filled again
            shown = await self.book.search(self.search_query)
            try:
                sessions = self.playground.query_one(SessionList)
            except (NoMatches, ScreenStackError):
                return  # the app is closing: nothing to show
            await sessions.show(shown, self.current)
        self.refresh_status()

    # -- sending --------------------------------------------------------------------------

    async def _target(self, spec: str) -> Target:
        base_url = self.base_url if spec == self.start_spec else None
        return await self.services.providers.target(spec, base_url=base_url)

    async def _show_error(self, error: OpenMaaSError) -> None:
        await self.pane().mount(ErrorView(error))

    async def _ready_target(self, session: Session) -> Target | None:
        """The model to ask for ``session`` with the parameters shown, or None (said inline or
        in a notification) when an answer is streaming or a parameter or the key is wrong."""
        if self.streaming(session):
            self.notify("An answer is still streaming: escape stops it.", severity="warning")
            return None
        problems = self.params.errors()
        if problems:
            await self._show_error(
                OpenMaaSError(
                    ErrorCode.INVALID_REQUEST,
                    "; ".join(problems),
                    hint="fix it in the parameter panel (ctrl+o)",
                )
            )
            return None
        try:
            return await self._target(self.params.params.model)
        except OpenMaaSError as exc:
            await self._show_error(exc)
            return None

    @on(PromptArea.Submitted, "#prompt")
    async def send(self, event: PromptArea.Submitted) -> None:
        """Send the prompt with the parameters shown (after an edit: from the edited message
        on, the later messages dropped). On any error the prompt stays."""
        text = event.text.strip()
        if not text:
            return
        session = self.current
        target = await self._ready_target(session)
        if target is None:
            return
        # The estimate refuses what cannot fit (CONTEXT_TOO_LONG) and warns before the
        # session's spending limit is crossed; either way the prompt stays.
        held = await self.query_one(EstimateLine).held(text)
        if isinstance(held, OpenMaaSError):
            await self._show_error(held)
        if held:
            return
        event.prompt.clear()
        pane = self.pane(session)
        edited = self.conversation.end_edit()
        if edited is not None and any(m is edited for m in session.messages):
            await self.book.truncate(session, edited)
            await pane.drop_from(edited)
        route = target.route
        record = await self.book.add_user(session, text, provider=route.provider, model=route.model)
        await pane.mount(UserMessage(record))
        await self._ask(session, target)

    async def _ask(self, session: Session, target: Target) -> None:
        """Ask ``target`` to answer ``session``'s context; the answer streams into its pane."""
        params = self.params.params
        session.model = params.model
        request, notes = target.prepare(params.request(target.route.model, session.context()))
        for note in notes:
            self.notify(note, title=target.label, timeout=6)
        price = self.services.prices.price(target.route.provider, target.route.model)
        recorder = await self.book.start_answer(
            session,
            provider=target.route.provider,
            model=target.route.model,
            params=request_params(request),
        )
        pane = self.pane(session)
        await pane.mount(AnswerView(target, request, price, recorder=recorder))
        pane.follow()
        await self._refresh_sessions()

    @on(AnswerView.Finished)
    async def remember(self, event: AnswerView.Finished) -> None:
        """Keep the answer (complete, stopped, partial or failed) in its session, with its
        model, usage, cost and how it ended."""
        view = event.view
        pane = next((p for p in view.ancestors if isinstance(p, ChatPane)), None)
        record = view.exchange.record
        if pane is None or record is None:
            return
        message = answer_message(record, view.request)
        view.record = await self.book.add_answer(pane.session, message, view.recorder)
        await self._refresh_sessions()

    # -- actions --------------------------------------------------------------------------

    def action_stop(self) -> None:
        """Stop the answer streaming in this session, keeping what arrived; with nothing
        streaming, go back to the prompt."""
        views = self.streaming()
        for view in views:
            view.stop()
        if not views:
            prompt = self.query_one("#prompt", PromptArea)
            if prompt.has_focus:
                self.conversation.cancel_edit()
            prompt.focus()

    async def action_new_session(self) -> None:
        """Start a new, empty session with the model shown in the panel."""
        if not self.current.messages:
            self.query_one("#prompt", PromptArea).focus()
            return
        session = await self.book.create(self.params.params.model)
        await self.query_one(ContentSwitcher).add_content(self._new_pane(session), set_current=True)
        self.current = session
        await self._refresh_sessions()
        self.query_one("#prompt", PromptArea).focus()

    async def open_session(self, session: Session) -> None:
        """Show ``session`` (one built from stored messages too: its pane shows the last few
        and the rest as the person goes up); its streams, if any, go on."""
        await self.book.add(session)
        earlier = await self.book.open(session)
        if not self.query(f"#chat-{session.id}"):
            await self.query_one(ContentSwitcher).add_content(self._new_pane(session))
            if earlier is not None:
                self.run_worker(
                    self._show_earlier_read(session, earlier),
                    group="history",
                    exit_on_error=False,
                    description="read earlier messages",
                )
        self.conversation.cancel_edit()
        self.current = session
        self.query_one(ContentSwitcher).current = f"chat-{session.id}"
        self.params.set_model(session.model)
        await self._refresh_sessions()
        self.query_one("#prompt", PromptArea).focus()

    async def _show_earlier_read(self, session: Session, earlier: Awaitable[int]) -> None:
        """Tell ``session``'s pane how many earlier messages were read after it opened."""
        count = await earlier
        for pane in self.query(f"#chat-{session.id}").results(ChatPane):
            await pane.earlier_read(count)

    async def delete_session(self, session: Session) -> None:
        """Delete ``session`` (its streams are stopped); there is always one session left."""
        for view in self.streaming(session):
            view.stop()
        ordered = self.book.ordered()
        index = ordered.index(session)
        await self.book.delete(session)
        await self.query(f"#chat-{session.id}").remove()
        if not self.sessions:
            fresh = await self.book.create(self.params.params.model)
            await self.query_one(ContentSwitcher).add_content(self._new_pane(fresh))
        if session is self.current:
            ordered = self.book.ordered()
            await self.open_session(ordered[min(index, len(ordered) - 1)])
        else:
            await self._refresh_sessions()
        self.notify(f"Deleted “{session.title}”", timeout=4)

    @on(SessionList.Opened)
    async def _opened(self, event: SessionList.Opened) -> None:
        await self.open_session(event.session)

    @on(SessionList.NewRequested)
    async def _new(self) -> None:
        await self.action_new_session()

    @on(SessionList.DeleteRequested)
    def _delete(self, event: SessionList.DeleteRequested) -> None:
        self.session_actions.confirm_delete(event.session)

    @on(SessionList.RenameRequested)
    def _rename(self, event: SessionList.RenameRequested) -> None:
        self.session_actions.rename_session(event.session)

    @on(SessionList.SearchRequested)
    def _search(self) -> None:
        self.action_search_sessions()

    @on(SessionSearch.Changed, "#session-search")
    async def _search_changed(self, event: SessionSearch.Changed) -> None:
        self.search_query = event.value
        await self._refresh_sessions()

    @on(SessionSearch.Left)
    def _search_left(self) -> None:
        self.query_one(SessionList).focus()

    @on(ChatPane.RegenerateRequested)
    async def _regenerate(self, event: ChatPane.RegenerateRequested) -> None:
        await self.conversation.regenerate(event.pane.session)

    @on(ChatPane.EditRequested)
    def _edit(self, event: ChatPane.EditRequested) -> None:
        self.conversation.edit(event.record)

    @on(ChatPane.DeleteRequested)
    async def _delete_message(self, event: ChatPane.DeleteRequested) -> None:
        await self.conversation.delete_message(event.pane.session, event.record)

    @on(ChatPane.ClearRequested)
    def _clear(self, event: ChatPane.ClearRequested) -> None:
        self.conversation.confirm_clear(event.pane.session)

    async def action_regenerate(self) -> None:
        """Ask again for the current session's last answer."""
        await self.conversation.regenerate()

    def action_focus_messages(self) -> None:
        """Move to the conversation, the last message selected (up/down select others)."""
        self.pane().focus()

    def action_search_sessions(self) -> None:
        """Move to the sessions' search box (the sidebar is shown if hidden)."""
        self.query_one("#sidebar").display = True
        self.query_one(SessionSearch).focus()

    @on(ParamsPanel.ModelChanged)
    def _model_changed(self) -> None:
        self.refresh_status()
        self.warm_up()

    def action_focus_sessions(self) -> None:
        """Move to the sessions list (shown if hidden)."""
        self.query_one("#sidebar").display = True
        self.query_one(SessionList).focus()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the sessions sidebar."""
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def action_focus_params(self) -> None:
        """Move to the parameter panel."""
        self.params.focus()

    def action_focus_model(self) -> None:
        """Move to the model picker."""
        self.params.focus_model()

    def action_keys(self) -> None:
        """Open the keys screen."""
        from openmaas_tui.ui.screens.keys_screen import KeysScreen

        if not isinstance(self.screen, KeysScreen):
            self.push_screen(KeysScreen(self.services))

    def action_compare(self) -> None:
        """Open the compare screen with the selected model as its first target."""
        from openmaas_tui.core.compare.run import CompareTarget
        from openmaas_tui.ui.screens.compare_screen import CompareScreen

        spec = self.params.params.model
        base_urls = {self.start_spec: self.base_url} if self.base_url else {}
        target = CompareTarget(spec, base_url=base_urls.get(spec))
        screen = CompareScreen(
            self.services,
            targets=[target],
            choices=self.params.choices,
            context=self.current.context(),
            base_urls=base_urls,
        )
        self.push_screen(screen)

    def action_costs(self) -> None:
        """Open the cost history: totals, a bar per day, a table per model."""
        from openmaas_tui.ui.screens.cost_screen import CostScreen

        self.push_screen(CostScreen(self.services))

    def use_demo(self) -> None:
        """Select the offline demo model."""
        self.params.set_model("demo")
        self.refresh_status()

    async def on_unmount(self) -> None:
        await self.services.aclose()
        gc.unfreeze()  # the run is over: let the collector see everything again
