"""The conversation's operations, as the playground runs them: regenerate the last answer, edit
one of the person's messages and send it again from there, copy, delete a message, clear the
session. Each change goes through the app's :class:`~openmaas_tui.core.sessions.book.SessionBook`
first, then the chat pane is told what to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog
from openmaas_tui.ui.widgets.prompt import PromptArea

if TYPE_CHECKING:
    from openmaas_tui.ui.app import PlaygroundApp


class ConversationActions:
    """What the playground does with a conversation's messages.

    Args:
        app: the playground.
    """

    def __init__(self, app: PlaygroundApp) -> None:
        self.app = app
        self.editing: SessionMessage | None = None
        """The person's message being edited in the prompt, or None."""
        self._draft = ""
        """What the prompt held before the edit began."""

    def commands(self) -> Iterator[SystemCommand]:
        """The command palette's entries for these operations."""
        yield SystemCommand(
            "Messages",
            "Select messages: r e c d x act on them (ctrl+t)",
            self.app.action_focus_messages,
        )
        yield SystemCommand("Regenerate", "Ask again for the last answer (ctrl+r)", self.regenerate)
        yield SystemCommand(
            "Edit last message", "Edit and resend your last message", self.edit_last
        )
        yield SystemCommand(
            "Copy last answer", "Copy the last answer's text", self.copy_last_answer
        )
        yield SystemCommand(
            "Clear chat", "Delete every message of this session", self.confirm_clear
        )

    async def regenerate(self, session: Session | None = None) -> None:
        """Ask again for the last answer of ``session`` (default: the current one): the same
        context is sent and the new answer replaces the old one."""
        session = session or self.app.current
        await self.app.book.load(session)
        users = [m for m in session.messages if m.is_user]
        if not users:
            self.app.notify("Nothing to regenerate yet.", timeout=3)
            return
        target = await self.app._ready_target(session)
        if target is None:
            return
        pane = self.app.pane(session)
        last = users[-1]
        answers = session.messages[session.index(last) + 1 :]
        if answers:
            await self.app.book.truncate(session, answers[0])
        await pane.drop_after(last)
        await self.app._ask(session, target)
        self.app.query_one("#prompt", PromptArea).focus()

    def edit(self, record: SessionMessage) -> None:
        """Put one of the person's messages in the prompt; sending it drops that message and
        every later one, and sends the edited text from there. ``escape`` cancels."""
        if self.app.streaming():
            self.app.notify("An answer is still streaming: escape stops it.", severity="warning")
            return
        prompt = self.app.query_one("#prompt", PromptArea)
        if self.editing is None:
            self._draft = prompt.text
        self.editing = record
        prompt.text = record.text
        prompt.border_title = "editing · enter sends from here · escape cancels"
        prompt.focus()
        prompt.move_cursor(prompt.document.end)

    def end_edit(self) -> SessionMessage | None:
        """Leave editing (if editing); returns the message that was being edited."""
        edited, self.editing = self.editing, None
        if edited is not None:
            self.app.query_one("#prompt", PromptArea).border_title = None
        return edited

    def cancel_edit(self) -> None:
        """Stop editing and give the prompt back what it held before."""
        if self.end_edit() is not None:
            self.app.query_one("#prompt", PromptArea).text = self._draft
            self._draft = ""

    async def delete_message(self, session: Session, record: SessionMessage) -> None:
        """Delete one message of ``session``."""
        await self.app.book.remove(session, record)
        await self.app.pane(session).drop(record)
        await self.app._refresh_sessions()

    def confirm_clear(self, session: Session | None = None) -> None:
        """Ask before deleting every message of ``session`` (default: the current one)."""
        session = session or self.app.current

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.clear_session(session)

        count = session.message_count
        question = f"Clear “{session.title}”: delete its {count} message{'s' * (count != 1)}?"
        self.app.push_screen(ConfirmDialog(question, verb="Clear"), answered)

    async def clear_session(self, session: Session) -> None:
        """Delete every message of ``session`` (its stream, if any, is stopped first)."""
        for view in self.app.streaming(session):
            view.stop()
        if self.editing is not None and any(m is self.editing for m in session.messages):
            self.cancel_edit()
        await self.app.book.clear(session)
        await self.app.pane(session).clear_messages()
        await self.app._refresh_sessions()

    def edit_last(self) -> None:
        """Edit the person's last message in the current session."""
        users = [m for m in self.app.current.messages if m.is_user]
        if users:
            self.edit(users[-1])

    def copy_last_answer(self) -> None:
        """Copy the current session's last answer."""
        answers = [m for m in self.app.current.messages if not m.is_user and m.text]
        if answers:
            self.app.copy_to_clipboard(answers[-1].text)
            self.app.notify(f"Copied {len(answers[-1].text):,} characters", timeout=2)
