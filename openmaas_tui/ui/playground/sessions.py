"""The sessions' operations: start a new one, open one (from the list, the history or a compare
answer), delete after asking, rename with a dialog."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from textual.app import SystemCommand

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.core.sessions.listed import ListedSessions
from openmaas_tui.core.types import ImagePart, Message, Role, ToolCall, Usage
from openmaas_tui.ui.playground.answering import Refresh
from openmaas_tui.ui.playground.selection import ChatSelection
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog, RenameDialog
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList


class SessionActions:
    """New, open, delete and rename sessions; carry on with a compare answer.

    Args:
        book: every session, and every change made to them.
        chats: the chat panes and the current session.
        selection: the one way the current chat changes (its settings shown with it).
        prompt: the prompt (focused when a session opens).
        sessions: the sessions list (focused again after a deletion asked from it).
        endpoints: the custom endpoints, to route a compare answer's model.
        refresh: draws the sessions list and the status line again.
    """

    def __init__(
        self,
        book: SessionBook,
        chats: ChatSwitcher,
        selection: ChatSelection,
        *,
        prompt: PromptArea,
        sessions: SessionList,
        endpoints: dict[str, Endpoint],
        refresh: Refresh,
    ) -> None:
        self.book = book
        self.chats = chats
        self.selection = selection
        self.prompt = prompt
        self.sessions = sessions
        self.endpoints = endpoints
        self._refresh = refresh
        self._all = ListedSessions(book)
        """The whole list (no search), to find the session below a deleted one."""

    def commands(self) -> Iterator[SystemCommand]:
        """The command palette's entries for these operations."""
        yield SystemCommand("New chat", "Start a new session (ctrl+n)", self.new)
        yield SystemCommand("Rename chat", "Rename the current session", self.rename_current)
        yield SystemCommand("Delete chat", "Delete the current session", self.delete_current)

    async def _create(self) -> Session:
        """A new, empty session with the current chat's model and settings (as the panel
        shows them), asked where the current chat asks that model (its base URL and API: a
        compare column carried on, ``--base-url``)."""
        current = self.chats.session
        self.selection.settings.keep(current)
        session = await self.book.create(current.model)
        session.params = current.params
        session.base_url, session.api = current.base_url, current.api
        return session

    async def new(self) -> None:
        """Start a new, empty chat with the current chat's model and settings, and show it
        (with the current one still empty, go back to the prompt instead)."""
        if self.chats.session.messages:
            await self.selection.select(await self._create(), relist=False)
        self.prompt.focus()

    async def open(self, session: Session, *, relist: bool = True) -> None:
        """Show ``session`` (one built from stored messages too: its pane shows the last few
        and the rest as the person goes up) with its own settings; its streams, if any, go
        on. ``relist`` False: it was chosen in the sessions list as shown, which need not be
        read again (:meth:`ChatSelection.select`)."""
        await self.book.add(session)
        earlier = await self.book.open(session)
        await self.selection.select(session, earlier=earlier, relist=relist)
        self.prompt.focus()

    async def delete(self, session: Session) -> None:
        """Delete ``session`` (its streams are stopped); the one below it in the whole list
        opens if it was the current one, and there is always one session left."""
        self.chats.stop(session)
        index = await self._all.refresh("", current=session, span=1) or 0
        await self.book.delete(session)
        await self.chats.remove_session(session)
        await self._all.refresh("", span=1)
        if not len(self._all):
            await self.chats.add_session(await self._create())
            await self._all.refresh("", span=1)
        if session is self.chats.session:
            below = await self._all.at(min(index, len(self._all) - 1))
            await self.open(below or await self._create())
        else:
            await self._refresh()
        self.chats.notify(f"Deleted “{session.title}”", timeout=4)

    def confirm_delete(self, session: Session) -> None:
        """Ask before deleting ``session``; delete it on yes."""
        count = session.message_count
        question = f"Delete “{session.title}” and its {count} message{'s' * (count != 1)}?"

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.delete(session)
            if self.sessions.screen.is_current and not self.prompt.has_focus:
                self.sessions.focus()

        self.chats.app.push_screen(ConfirmDialog(question), answered)

    def delete_current(self) -> None:
        """Delete the current session (after asking)."""
        self.confirm_delete(self.chats.session)

    def rename(self, session: Session) -> None:
        """Ask for a new title for ``session``."""

        async def renamed(title: str | None) -> None:
            if title is not None:
                await self.book.rename(session, title)
                await self._refresh()

        self.chats.app.push_screen(RenameDialog(session.title), renamed)

    def rename_current(self) -> None:
        """Rename the current session."""
        self.rename(self.chats.session)

    async def adopt(
        self,
        model_spec: str,
        prompt: str,
        answer_text: str,
        usage: Usage | None,
        cost: float | None,
        *,
        estimated: bool = False,
        context: Sequence[Message] = (),
        params: RequestParams | None = None,
        images: tuple[ImagePart, ...] = (),
        tool_calls: tuple[ToolCall, ...] = (),
        server_tools: tuple[ServerToolCall, ...] = (),
        base_url: str | None = None,
        api: str | None = None,
    ) -> Session:
        """Carry on with one compare answer: a new session holding ``context``, ``prompt``
        with its ``images`` and ``answer_text`` with its ``tool_calls`` (then waiting for
        their results) and ``server_tools`` (its ``usage`` and ``cost`` in USD counted in the
        totals), opened with the settings the answer was asked with (``params``: system
        prompt and parameters) and asking where it was asked (``base_url``, ``api``; kept
        with the session in the history)."""
        session = Session(
            model=model_spec,
            params=params or RequestParams(),
            source=SessionSource.COMPARE,
            base_url=base_url,
            api=api,
        )
        for message in context:
            session.messages.append(SessionMessage(message.role, message.content))
        session.add_user(prompt, images)
        try:
            r = route(model_spec, endpoints=self.endpoints)
            provider, model = r.provider, r.model
        except OpenMaaSError:
            provider, model = None, model_spec
        session.add(
            SessionMessage(
                Role.ASSISTANT,
                answer_text,
                provider=provider,
                model=model,
                usage=usage,
                cost_usd=cost,
                billed=usage is not None,
                estimated=estimated,
                tool_calls=tool_calls,
                server_tools=server_tools,
            )
        )
        await self.open(session)
        return session
