"""The sessions' operations that ask first: delete after a confirmation, rename with a dialog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from openmaas_tui.core.conversation import Session
from openmaas_tui.ui.prompt import PromptArea
from openmaas_tui.ui.session_dialogs import ConfirmDialog, RenameDialog
from openmaas_tui.ui.sessions import SessionList

if TYPE_CHECKING:
    from openmaas_tui.ui.app import PlaygroundApp


class SessionActions:
    """Delete and rename sessions, after asking.

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
