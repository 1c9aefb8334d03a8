"""The sessions' operations that are more than one store call: delete after a confirmation, rename
with a dialog, and a new session carried on from a compare answer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.core.types import Message, Role, Usage
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog, RenameDialog
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.session_list import SessionList

if TYPE_CHECKING:
    from openmaas_tui.ui.app import PlaygroundApp


class SessionActions:
    """Delete and rename sessions, after asking; carry on with a compare answer.

    Args:
        app: the playground.
    """

    def __init__(self, app: PlaygroundApp) -> None:
        self.app = app

    def commands(self) -> Iterator[SystemCommand]:
        """The command palette's entries for these operations."""
        yield SystemCommand(
            "Search chats", "Find chats by title or text (ctrl+f)", self.app.action_search_sessions
        )
        yield SystemCommand("Rename chat", "Rename the current session", self.rename_current)

    def confirm_delete(self, session: Session) -> None:
        """Ask before deleting ``session``; delete it on yes."""
        count = session.message_count
        question = f"Delete “{session.title}” and its {count} message{'s' * (count != 1)}?"

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.app.delete_session(session)
            if self.app.screen is self.app.screen_stack[0] and not isinstance(
                self.app.focused, PromptArea
            ):
                self.app.query_one(SessionList).focus()

        self.app.push_screen(ConfirmDialog(question), answered)

    def delete_current(self) -> None:
        """Delete the current session (after asking)."""
        self.confirm_delete(self.app.current)

    def rename_session(self, session: Session) -> None:
        """Ask for a new title for ``session``."""

        async def renamed(title: str | None) -> None:
            if title is not None:
                await self.app.book.rename(session, title)
                await self.app._refresh_sessions()

        self.app.push_screen(RenameDialog(session.title), renamed)

    def rename_current(self) -> None:
        """Rename the current session."""
        self.rename_session(self.app.current)

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
    ) -> Session:
        """Carry on with one compare answer: a new session holding ``context``, ``prompt`` and
        ``answer_text`` (its ``usage`` and ``cost`` in USD counted in the totals), opened."""
        session = Session(model=model_spec)
        for message in context:
            session.messages.append(SessionMessage(message.role, message.content))
        session.add_user(prompt)
        try:
            r = route(model_spec, endpoints=self.app.services.settings.endpoints)
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
            )
        )
        await self.app.open_session(session)
        return session
