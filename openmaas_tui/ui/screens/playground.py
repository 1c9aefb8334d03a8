"""The playground: sessions on the left, the conversation in the middle, parameters on the right.

The screen lays the playground out (styles in ``playground.tcss``), holds its bindings and
routes what its widgets post to the operations of :mod:`openmaas_tui.ui.playground`, which it
builds with what each acts on: sending and answering, the conversation's and the sessions'
operations, presets. The app hands it the opened history (:meth:`PlaygroundScreen.attach`)
and a compare answer to carry on with (:attr:`PlaygroundScreen.session_ops`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.current import CurrentChat
from openmaas_tui.core.sessions.prompt_recall import earlier_prompts
from openmaas_tui.services import Services
from openmaas_tui.ui.notices import storage_problem_text
from openmaas_tui.ui.playground.answering import Answering
from openmaas_tui.ui.playground.attaching import AttachActions, Attaching
from openmaas_tui.ui.playground.chat_settings import ChatSettings
from openmaas_tui.ui.playground.conversation import ConversationActions
from openmaas_tui.ui.playground.editing import Editing
from openmaas_tui.ui.playground.focus_actions import FocusActions
from openmaas_tui.ui.playground.presets import Presets
from openmaas_tui.ui.playground.selection import ChatSelection
from openmaas_tui.ui.playground.sessions import SessionActions
from openmaas_tui.ui.playground.targets import Targets
from openmaas_tui.ui.playground.warm_up import WarmUp
from openmaas_tui.ui.screens.folding import BREAKPOINTS, FoldingPanels
from openmaas_tui.ui.screens.model_choice import ModelChoice
from openmaas_tui.ui.screens.playground_keys import NARROW_FOOTER, PLAYGROUND_BINDINGS
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.attachments import AttachmentBar
from openmaas_tui.ui.widgets.chat_pane import ChatPane
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher
from openmaas_tui.ui.widgets.estimate_line import EstimateLine
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.sessions_sidebar import SessionsSidebar
from openmaas_tui.ui.widgets.status_line import StatusLine
from openmaas_tui.ui.widgets.tool_calls import ToolCalls
from openmaas_tui.ui.workers import WorkerOwner

PLACEHOLDER = "Ask anything · enter sends · ctrl+j new line"
"""What the empty prompt says."""


class PlaygroundScreen(AttachActions, FocusActions, WorkerOwner, Screen[None]):
    """Chat with any model from the keyboard; watch the answer stream; see what it cost.

    Args:
        services: the run's services.
        model: the model to start with.
        provider: with ``--provider``, the provider ``model`` is sent to verbatim.
        base_url: with ``--base-url``, where requests for the start model go.
    """

    # Its styles (playground.tcss, beside this module) load with the app's (PlaygroundApp.CSS_PATH).
    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    """Below 120 columns the sessions fold away, below 100 the parameters too (see
    :mod:`~openmaas_tui.ui.screens.folding`)."""

    NARROW_FOOTER = NARROW_FOOTER
    """What gives way in a narrow footer (:mod:`~openmaas_tui.ui.screens.playground_keys`)."""

    AUTO_FOCUS = "#prompt"
    """The prompt has the focus from the first frame: focusing anything else first would redraw
    the footer's keys once more before the screen is first shown."""

    BINDINGS = PLAYGROUND_BINDINGS

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As :attr:`Screen.focused`, without repainting all ~150 widgets at each move of the focus
    (those whose look depends on it repaint themselves: their styles change)."""

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
        # ``--provider P -m M`` is the spec ``P/M``, which routes M to P verbatim
        # (``openrouter/openai/gpt-4o``); the panel may name it more simply once mounted.
        start = f"{provider}/{model}" if provider and provider != "demo" else model
        self.targets = Targets(services.providers, start, base_url)
        """The model a spec names (the start model's requests go to ``--base-url``)."""
        endpoints = services.settings.endpoints
        self.book = SessionBook(
            [Session(model=start)], endpoints=endpoints, on_problem=self._storage_problem
        )
        """Every session, and every change made to them."""
        self.current_chat = CurrentChat(self.book.sessions[0])
        """The one owner of the current chat: everything below reads it, only
        :attr:`selection` sets it."""
        self.chats = ChatSwitcher(self.current_chat, id="chats")
        self.sidebar = SessionsSidebar(self.book, self.current_chat, id="sidebar")
        self.sidebar.sessions.streaming = self.chats.streaming_sessions  # their rows are marked
        self.prompt = PromptArea(id="prompt", placeholder=PLACEHOLDER)
        self.prompt.recall_source = lambda: earlier_prompts(self.current, self.book.store)
        self.attachments = AttachmentBar(id="attachments")
        self.attaching = Attaching(self, self.attachments)  # f5, pasted paths, the chips
        self.params = ParamsPanel(start, providers=services.providers, id="params")
        self.settings = ChatSettings(self.params)
        """The current chat's settings, shown in the parameter panel."""
        self.estimate = EstimateLine(
            services,
            lambda spec: self.targets.for_chat(self.current, spec),
            chats=self.chats,
            params=self.params,
            prompt=self.prompt,
            id="estimate",
        )
        self.estimate.pending_images = lambda: self.attachments.images
        self.status = StatusLine(id="status")
        self.warm_up = WarmUp(self, endpoints)
        """Loads the selected model's tokenizer in a thread while the person types."""
        editing = Editing(self.prompt)
        self.selection = ChatSelection(
            self.current_chat,
            self.book,
            self.chats,
            editing=editing,
            settings=self.settings,
            refresh=self.refresh_sessions,
            highlight=self.highlight_current,
        )
        """The one way the current chat changes."""
        self.answering = Answering(
            services,
            self.book,
            self.chats,
            settings=self.settings,
            params=self.params,
            estimate=self.estimate,
            editing=editing,
            targets=self.targets,
            refresh=self.refresh_sessions,
        )
        self.conversation = ConversationActions(
            self.book,
            self.chats,
            self.answering,
            editing,
            prompt=self.prompt,
            refresh=self.refresh_sessions,
        )
        """Regenerate, edit and resend, copy, delete a message, clear."""
        self.session_ops = SessionActions(
            self.book,
            self.chats,
            self.selection,
            prompt=self.prompt,
            sessions=self.sidebar.sessions,
            endpoints=endpoints,
            refresh=self.refresh_sessions,
        )
        """New, open, delete and rename sessions; carry on with a compare answer."""
        self.model_choice = ModelChoice(services)
        """ctrl+l: the model picker, with prices, windows and keys."""
        self.presets = Presets(self.params, services.paths)
        """Presets load into the panel, so into the current chat's settings."""
        self.folds = FoldingPanels(self, [self.sidebar, self.params], home=self.prompt)
        """The side panels folded away on a narrow terminal, opened on their keys."""
        self._mounted = asyncio.Event()
        """Set once :meth:`on_mount` has run: the widgets the history is shown in are there."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield self.sidebar
            with Vertical(id="conversation"):
                yield self.chats
                yield self.attachments
                yield self.prompt
                yield self.estimate
            yield self.params
        yield self.status
        yield FittingFooter(narrow=self.NARROW_FOOTER)

    async def on_mount(self) -> None:
        self.targets.start_spec = self.params.params.model
        self.settings.keep(self.current)
        await self.refresh_sessions()
        self._mounted.set()
        # After the second frame, the first with the footer's keys: a tokenizer loading in a
        # thread holds the interpreter for a tenth of a second, which would hold them back.
        self.call_after_refresh(self.call_after_refresh, self.warm_up, self.targets.start_spec)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Open the folded panel the focus went into; close the one it left."""
        self.folds.focused(event.widget)

    async def attach(self, store: AsyncStore) -> None:
        """List the sessions of the history ``store`` (opened by the app) and keep every change
        in it from now on (once the screen is mounted, whichever comes first)."""
        await self._mounted.wait()
        await self.book.attach(store, default_model=self.targets.start_spec)
        await self.refresh_sessions()

    def _storage_problem(self, problem: OpenMaaSError) -> None:
        """Say that the history cannot be written (STORAGE_FAILED, naming the file)."""
        text = storage_problem_text(problem, in_memory=False)
        self.notify(text, title="History", severity="error", timeout=20)

    def commands(self) -> Iterator[SystemCommand]:
        """The playground's entries in the command palette (ctrl+p)."""
        yield SystemCommand(
            "Stop", "Stop the answer streaming in this chat (escape)", self.action_stop
        )
        yield SystemCommand(
            "Stop all", "Stop the answers streaming in every chat (ctrl+g)", self.action_stop_all
        )
        yield SystemCommand(
            "Model", "Choose the model: price, context, key (ctrl+l)", self.action_focus_model
        )
        yield SystemCommand(
            "Parameters",
            "Temperature, top_p, max_tokens, penalties, JSON, streaming, system prompt (ctrl+o)",
            self.action_focus_params,
        )
        yield SystemCommand("Use the demo model", "Offline canned answers, no key", self.use_demo)
        yield from self.attaching.commands()
        yield from self.sidebar.commands()
        yield from self.session_ops.commands()
        yield from self.conversation.commands()
        yield from self.estimate.commands()
        yield from self.presets.commands()

    # -- state ----------------------------------------------------------------------------

    @property
    def current(self) -> Session:
        """The session shown."""
        return self.chats.session

    @property
    def sessions(self) -> list[Session]:
        """Every session, in creation order."""
        return self.book.sessions

    def pane(self, session: Session | None = None) -> ChatPane:
        """The chat pane of ``session`` (default: the current one)."""
        return self.chats.pane(session)

    def model_label(self) -> str:
        """How the selected model is shown in the status line."""
        model = self.params.params.model
        return next((label for label, spec in self.params.choices if spec == model), model)

    def refresh_status(self) -> None:
        """Copy the current session's totals to the status line, and whether an answer
        streams in it or in other chats."""
        streaming = self.chats.streaming_sessions()
        here = sum(1 for s in streaming if s is self.current)
        self.status.show(self.current, self.model_label(), here, elsewhere=len(streaming) - here)

    async def refresh_sessions(self) -> None:
        """List the sessions again (the search's, the current one highlighted), name the
        current chat in the parameter panel and refresh the status line."""
        await self.sidebar.show()
        self.settings.name(self.current)
        self.refresh_status()

    async def highlight_current(self) -> None:
        """Highlight the current chat in the sessions list, which did not change but for a
        chat just started (no read of the history when the list holds it), name it in the
        parameter panel and refresh the status line; else as :meth:`refresh_sessions`."""
        if not self.sidebar.highlight():
            await self.sidebar.show()
        self.settings.name(self.current)
        self.refresh_status()

    # -- sending --------------------------------------------------------------------------

    @on(PromptArea.Submitted, "#prompt")
    async def send(self, event: PromptArea.Submitted) -> None:
        """Send the prompt and the images on it (:meth:`Answering.send`)."""
        await self.answering.send(event.prompt, event.text, images=self.attachments.images)
        if not event.prompt.text:  # sent (a refused prompt keeps its text, and its images)
            await self.attachments.take()

    @on(AnswerView.Finished)
    async def remember(self, event: AnswerView.Finished) -> None:
        """Keep the answer that ended in its session (:meth:`Answering.remember`)."""
        await self.answering.remember(event)

    @on(ToolCalls.Answered)
    async def _tool_results(self, event: ToolCalls.Answered) -> None:
        await self.answering.answer_tools(event)

    # -- actions --------------------------------------------------------------------------

    def action_stop(self) -> None:
        """Stop the answer streaming in this session, keeping what arrived; with nothing
        streaming, go back to the prompt (leaving an edit when already there). A folded panel
        open over the conversation is closed first, the focus going back where it was."""
        if self.folds.close():
            return
        if not self.chats.stop():
            if self.prompt.has_focus:
                self.conversation.cancel_edit()
            self.prompt.focus()

    def action_stop_all(self) -> None:
        """Stop the answers streaming in every chat, keeping what arrived."""
        stopped = self.chats.stop_all()
        if not stopped:
            self.notify("Nothing is streaming.", timeout=3)

    async def action_new_session(self) -> None:
        """Start a new, empty session with the model shown in the panel."""
        await self.session_ops.new()

    async def action_regenerate(self) -> None:
        """Ask again for the current session's last answer."""
        await self.conversation.regenerate()

    def action_focus_model(self) -> None:
        """Open the model picker: each model's price, context window and key; the model
        picked goes into the parameter panel (so into the current chat's settings)."""
        params = self.params
        self.model_choice.open(self.app, params.choices, params.model, params.set_model)

    def use_demo(self) -> None:
        """Select the offline demo model."""
        self.params.set_model("demo")
        self.refresh_status()

    # -- what the widgets say -------------------------------------------------------------

    @on(SessionList.Opened)
    async def _opened(self, event: SessionList.Opened) -> None:
        await self.session_ops.open(event.session, relist=False)

    @on(SessionList.NewRequested)
    async def _new(self) -> None:
        await self.session_ops.new()

    @on(SessionList.DeleteRequested)
    def _delete(self, event: SessionList.DeleteRequested) -> None:
        self.session_ops.confirm_delete(event.session)

    @on(SessionList.RenameRequested)
    def _rename(self, event: SessionList.RenameRequested) -> None:
        self.session_ops.rename(event.session)

    @on(ChatPane.RegenerateRequested)
    async def _regenerate(self, event: ChatPane.RegenerateRequested) -> None:
        await self.conversation.regenerate(event.pane.session)

    @on(ChatPane.EditRequested)
    def _edit(self, event: ChatPane.EditRequested) -> None:
        self.conversation.edit(event.record)

    @on(ChatPane.DeleteRequested)
    def _delete_message(self, event: ChatPane.DeleteRequested) -> None:
        self.conversation.confirm_delete(event.pane.session, event.record)

    @on(ChatPane.ClearRequested)
    def _clear(self, event: ChatPane.ClearRequested) -> None:
        self.conversation.confirm_clear(event.pane.session)

    @on(ParamsPanel.Changed)
    def _settings_changed(self) -> None:
        """The panel shows the current chat's settings: keep what it shows in the chat, and
        in the history (a preset loaded, a field changed)."""
        self.settings.keep(self.current)
        self._save_settings(self.current)

    @work(exclusive=True, group="settings", exit_on_error=False, description="keep the settings")
    async def _save_settings(self, session: Session) -> None:
        """Keep ``session``'s settings in the history (the last change wins)."""
        await self.book.save_settings(session)

    @on(ParamsPanel.ModelChanged)
    def _model_changed(self, event: ParamsPanel.ModelChanged) -> None:
        self.refresh_status()
        self.warm_up(event.model)
