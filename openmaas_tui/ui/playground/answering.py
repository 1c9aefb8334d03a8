"""Sending the prompt and asking for answers: the playground's send/answer flow.

Data flows one way: the prompt and the chat's settings (shown in the parameter panel while
it is the current chat) make a ``ChatRequest``; an
:class:`AnswerView` mounted in the session's chat pane runs its exchange; when it finishes, the
exchange's record joins the session's context and its usage and cost join the totals.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.widget import Widget

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.records import request_params
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session, unanswered_calls
from openmaas_tui.core.sessions.store_map import answer_message
from openmaas_tui.core.types import ImagePart
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services
from openmaas_tui.ui.playground.chat_settings import ChatSettings
from openmaas_tui.ui.playground.editing import Editing
from openmaas_tui.ui.playground.targets import Targets
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.chat_pane import ChatPane, record_of
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher
from openmaas_tui.ui.widgets.error_view import ErrorView
from openmaas_tui.ui.widgets.estimate_line import EstimateLine
from openmaas_tui.ui.widgets.message_view import UserMessage
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.tool_calls import ToolCalls, ToolResultView

UNANSWERED = OpenMaaSError(
    ErrorCode.INVALID_REQUEST,
    "the last answer's tool calls have no results yet: providers refuse a new message before them",
    hint="type a result in each call's field and press enter, or delete the answer (ctrl+t, d)",
)

Refresh = Callable[[], Awaitable[None]]
"""Draws the sessions list and the status line again."""


class Answering:
    """Sends the prompt with the parameters shown, asks for answers and keeps them.

    Args:
        services: the run's services (prices).
        book: every session, and every change made to them.
        chats: the chat panes and the current session.
        settings: the current chat's settings, as the parameter panel shows them.
        params: the parameter panel (its fields' errors stop a send).
        estimate: the estimate line: refuses what cannot fit, warns before a spending limit.
        editing: the message being edited in the prompt, if any.
        targets: the model a spec names.
        refresh: draws the sessions list and the status line again.
    """

    def __init__(
        self,
        services: Services,
        book: SessionBook,
        chats: ChatSwitcher,
        *,
        settings: ChatSettings,
        params: ParamsPanel,
        estimate: EstimateLine,
        editing: Editing,
        targets: Targets,
        refresh: Refresh,
    ) -> None:
        self.services = services
        self.book = book
        self.chats = chats
        self.settings = settings
        self.params = params
        self.estimate = estimate
        self.editing = editing
        self.targets = targets
        self.notify = chats.notify
        self._refresh_sessions = refresh

    def pane(self, session: Session | None = None) -> ChatPane:
        """The chat pane of ``session`` (default: the current one)."""
        return self.chats.pane(session)

    async def show_error(self, error: OpenMaaSError) -> None:
        """Show ``error`` inline in the current session's pane."""
        await self.pane().mount(ErrorView(error))

    async def ready_target(self, session: Session) -> Target | None:
        """The model to ask for ``session`` with its settings (the current chat's as the panel
        shows them), or None (said inline or in a notification) when an answer is streaming
        in it or a parameter or the key is wrong. A chat asking the start model at
        ``--base-url`` keeps that URL as its own (:meth:`Targets.keep_start_url`)."""
        if self.chats.streaming(session):
            self.notify("An answer is still streaming: escape stops it.", severity="warning")
            return None
        current = session is self.chats.session
        if current:
            self.settings.keep(session)
        problems = self.params.errors() if current else []
        if problems:
            await self.show_error(
                OpenMaaSError(
                    ErrorCode.INVALID_REQUEST,
                    "; ".join(problems),
                    hint="fix it in the parameter panel (ctrl+o)",
                )
            )
            return None
        try:
            target = await self.targets.for_chat(session)
        except OpenMaaSError as exc:
            await self.show_error(exc)
            return None
        self.targets.keep_start_url(session)  # asked at --base-url: the chat's own from now on
        return target

    async def send(
        self, prompt: PromptArea, text: str, *, images: tuple[ImagePart, ...] = ()
    ) -> None:
        """Send ``text`` and ``images`` with the parameters shown (after an edit: from the
        edited message on, the later messages dropped, its images kept). On any error the
        prompt keeps the text."""
        text = text.strip()
        if not text:
            return
        session = self.chats.session
        last = session.last_answer()
        if last is not None and unanswered_calls(session, last) and self.editing.record is None:
            await self.show_error(UNANSWERED)
            return
        target = await self.ready_target(session)
        if target is None:
            return
        # The estimate refuses what cannot fit (CONTEXT_TOO_LONG) and warns before the
        # session's spending limit is crossed; either way the prompt stays.
        held = await self.estimate.held(text)
        if isinstance(held, OpenMaaSError):
            await self.show_error(held)
        if held:
            return
        prompt.clear()
        pane = self.pane(session)
        edited = self.editing.end()
        if edited is not None and any(m is edited for m in session.messages):
            await self.book.truncate(session, edited)
            await pane.drop_from(edited)
        route = target.route
        images = (*edited.images, *images) if edited is not None else images
        record = await self.book.add_user(
            session, text, provider=route.provider, model=route.model, images=images
        )
        await pane.mount(UserMessage(record))
        await self.ask(session, target)

    async def answer_tools(self, event: ToolCalls.Answered) -> None:
        """Send the person's results of an answer's tool calls and ask for what follows, as
        ``openmaas ask --tool-result`` does: the results join the session as tool messages
        and the next request carries them in the provider's form. Until they are sent (an
        answer still streaming, a bad parameter, a missing key) the fields keep the text."""
        calls = event.calls
        pane = next((p for p in calls.ancestors if isinstance(p, ChatPane)), None)
        answer = next(
            (r for w in calls.ancestors if isinstance(w, Widget) and (r := record_of(w))), None
        )
        if pane is None or answer is None:
            return
        session = pane.session
        if not unanswered_calls(session, answer):
            self.notify("These calls were answered already.", severity="warning")
            return
        target = await self.ready_target(session)
        if target is None:
            return
        await calls.close_results()
        self.chats.screen.query_one(PromptArea).focus()
        records = await self.book.add_tool_results(session, event.results)
        await pane.mount_all([ToolResultView(r) for r in records])
        await self.ask(session, target)

    async def ask(self, session: Session, target: Target) -> None:
        """Ask ``target`` to answer ``session``'s context with the chat's settings; the answer
        streams into its pane."""
        request, notes = target.prepare(
            session.params.request(target.route.model, session.context())
        )
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
        if view.record is not None and view.record.tool_calls and view.tool_calls is not None:
            await view.tool_calls.ask_results()
        await self._refresh_sessions()
