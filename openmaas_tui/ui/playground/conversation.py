"""The conversation's operations: regenerate the last answer, edit one of the person's messages
and send it again from there, copy, delete a message, clear the session. Each change goes
through the :class:`~openmaas_tui.core.sessions.book.SessionBook` first, then the chat pane is
told what to show.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import SystemCommand

from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session, SessionMessage
from openmaas_tui.ui.playground.answering import Answering, Refresh
from openmaas_tui.ui.playground.editing import Editing
from openmaas_tui.ui.screens.session_dialogs import ConfirmDialog
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher
from openmaas_tui.ui.widgets.prompt import PromptArea

EXCERPT_CHARS = 40
"""Most characters of a message quoted in the question before deleting it."""


def message_excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The start of ``text`` on one line, cut at ``limit`` characters with ``…``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


class ConversationActions:
    """What the playground does with a conversation's messages.

    Args:
        book: every session, and every change made to them.
        chats: the chat panes and the current session.
        answering: asks for an answer again.
        editing: the message being edited in the prompt.
        prompt: the prompt (focused after a regenerate).
        refresh: draws the sessions list and the status line again.
    """

    def __init__(
        self,
        book: SessionBook,
        chats: ChatSwitcher,
        answering: Answering,
        editing: Editing,
        *,
        prompt: PromptArea,
        refresh: Refresh,
    ) -> None:
        self.book = book
        self.chats = chats
        self.answering = answering
        self._editing = editing
        self.prompt = prompt
        self._refresh = refresh

    @property
    def editing(self) -> SessionMessage | None:
        """The person's message being edited in the prompt, or None."""
        return self._editing.record

    def commands(self) -> Iterator[SystemCommand]:
        """The command palette's entries for these operations."""
        yield SystemCommand(
            "Messages", "Select messages: r e c d x act on them (ctrl+t)", self.focus_messages
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

    def focus_messages(self) -> None:
        """Move to the conversation, the last message selected (up/down select others)."""
        self.chats.pane().focus()

    async def regenerate(self, session: Session | None = None) -> None:
        """Ask again for the last answer of ``session`` (default: the current one): the same
        context is sent and the new answer replaces the old one."""
        session = session or self.chats.session
        await self.book.load(session)
        users = [m for m in session.messages if m.is_user]
        if not users:
            self.chats.notify("Nothing to regenerate yet.", timeout=3)
            return
        target = await self.answering.ready_target(session)
        if target is None:
            return
        pane = self.chats.pane(session)
        last = users[-1]
        answers = session.messages[session.index(last) + 1 :]
        if answers:
            await self.book.truncate(session, answers[0])
        await pane.drop_after(last)
        await self.answering.ask(session, target)
        self.prompt.focus()

    def edit(self, record: SessionMessage) -> None:
        """Put one of the person's messages in the prompt; sending it drops that message and
        every later one, and sends the edited text from there. ``escape`` cancels."""
        if self.chats.streaming():
            self.chats.notify("An answer is still streaming: escape stops it.", severity="warning")
            return
        self._editing.start(record)

    def cancel_edit(self) -> None:
        """Stop editing and give the prompt back what it held before."""
        self._editing.cancel()

    def confirm_delete(self, session: Session, record: SessionMessage) -> None:
        """Ask before deleting ``record`` from ``session`` (``y`` deletes; ``n`` or ``escape``
        keeps it): one keystroke never deletes a message."""

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.delete_message(session, record)

        whose = "your message" if record.is_user else "this answer"
        self.chats.app.push_screen(
            ConfirmDialog(f"Delete {whose}: “{message_excerpt(record.text)}”?"), answered
        )

    async def delete_message(self, session: Session, record: SessionMessage) -> None:
        """Delete one message of ``session``."""
        await self.book.remove(session, record)
        await self.chats.pane(session).drop(record)
        await self._refresh()

    def confirm_clear(self, session: Session | None = None) -> None:
        """Ask before deleting every message of ``session`` (default: the current one)."""
        session = session or self.chats.session

        async def answered(yes: bool | None) -> None:
            if yes:
                await self.clear_session(session)

        count = session.message_count
        question = f"Clear “{session.title}”: delete its {count} message{'s' * (count != 1)}?"
        self.chats.app.push_screen(ConfirmDialog(question, verb="Clear"), answered)

    async def clear_session(self, session: Session) -> None:
        """Delete every message of ``session`` (its stream, if any, is stopped first)."""
        self.chats.stop(session)
        self._editing.cancel_in(session)
        await self.book.clear(session)
        await self.chats.pane(session).clear_messages()
        await self._refresh()

    def edit_last(self) -> None:
        """Edit the person's last message in the current session."""
        users = [m for m in self.chats.session.messages if m.is_user]
        if users:
            self.edit(users[-1])

    def copy_last_answer(self) -> None:
        """Copy the current session's last answer."""
        answers = [m for m in self.chats.session.messages if not m.is_user and m.text]
        if answers:
            self.chats.app.copy_to_clipboard(answers[-1].text)
            self.chats.notify(f"Copied {len(answers[-1].text):,} characters", timeout=2)
