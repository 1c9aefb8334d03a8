"""The conversation area: one chat pane per session opened in this run, the current one shown.

A session's pane stays mounted when another session is shown, so an answer streaming in a
session that is not in view goes on, and switching back shows it where it is.
"""

from __future__ import annotations

from collections.abc import Awaitable

from textual.widgets import ContentSwitcher

from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.current import CurrentChat
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.chat_pane import ChatPane


def pane_id(session: Session) -> str:
    """The DOM id of ``session``'s chat pane (``chat-<session id>``)."""
    return f"chat-{session.id}"


def new_pane(session: Session) -> ChatPane:
    """A chat pane for ``session``, with the welcome at the top while it has no message."""
    return ChatPane(session, welcome=not session.messages)


class ChatSwitcher(ContentSwitcher):
    """Every opened session's chat pane; the current chat's is shown.

    The current chat has one owner, :class:`~openmaas_tui.core.sessions.current.CurrentChat`,
    which the playground's selection sets; this widget reads it (:attr:`session`) and shows
    its pane when told (:meth:`show_current`). The prompt, the estimate line and the
    playground's operations find a session's pane and its streaming answers here.

    Args:
        current: the current chat (its pane is made and shown at start).
        id: the DOM id.
    """

    def __init__(self, current: CurrentChat, *, id: str | None = None) -> None:
        first = current.session
        super().__init__(new_pane(first), id=id, initial=pane_id(first))
        self.current_chat = current
        """The owner of the current chat."""

    @property
    def session(self) -> Session:
        """The current chat."""
        return self.current_chat.session

    def pane(self, session: Session | None = None) -> ChatPane:
        """The chat pane of ``session`` (default: the current one)."""
        return self.query_one(f"#{pane_id(session or self.session)}", ChatPane)

    def has_pane(self, session: Session) -> bool:
        """Whether ``session`` has a pane here (it was shown in this run)."""
        return bool(self.query(f"#{pane_id(session)}"))

    def streaming(self, session: Session | None = None) -> list[AnswerView]:
        """Answers still streaming in ``session`` (default: the current one)."""
        panes = self.query(f"#{pane_id(session or self.session)}").results(ChatPane)
        return [view for pane in panes for view in _streaming_in(pane)]

    def streaming_sessions(self) -> list[Session]:
        """The sessions with an answer streaming, the current one among them if it has one."""
        return [pane.session for pane in self.query(ChatPane) if _streaming_in(pane)]

    def stop_all(self) -> list[AnswerView]:
        """Stop every answer streaming, in every session, keeping what arrived.

        Returns:
            The answers stopped.
        """
        stopped = []
        for session in self.streaming_sessions():
            stopped += self.stop(session)
        return stopped

    def stop(self, session: Session | None = None) -> list[AnswerView]:
        """Stop the answers streaming in ``session`` (default: the current one), keeping what
        arrived.

        Returns:
            The answers stopped.
        """
        views = self.streaming(session)
        for view in views:
            view.stop()
        return views

    async def add_session(self, session: Session, *, earlier: Awaitable[int] | None = None) -> None:
        """Mount a pane for ``session`` (hidden until it is the current chat's).

        Args:
            session: the session.
            earlier: the count of earlier messages being read from the history after the
                last ones, when the session was opened from there; the pane says so when
                they are in.
        """
        pane = new_pane(session)
        await self.add_content(pane)
        if earlier is not None:
            pane.read_earlier(earlier)

    def show_current(self) -> None:
        """Show the current chat's pane (it has one: :meth:`add_session`)."""
        self.current = pane_id(self.session)

    async def remove_session(self, session: Session) -> None:
        """Remove ``session``'s pane (its answers' workers end with it)."""
        await self.query(f"#{pane_id(session)}").remove()


def _streaming_in(pane: ChatPane) -> list[AnswerView]:
    """The answers of ``pane`` still streaming."""
    return [view for view in pane.query(AnswerView) if view.meter.finished_at is None]
