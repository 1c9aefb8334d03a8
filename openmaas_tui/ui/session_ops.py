"""Every read and write of sessions the playground makes, in one place.

The screen never changes a :class:`~openmaas_tui.core.conversation.Session` itself: it asks a
:class:`SessionBook`. Today the book keeps sessions in memory; the durable store plugs in here
(each method is a coroutine so that database work can run off the event loop), and its full-text
search replaces :func:`~openmaas_tui.core.conversation.search` behind :meth:`SessionBook.search`.
"""

from __future__ import annotations

from openmaas_tui.core.conversation import Session, SessionMessage, search


class SessionBook:
    """The sessions of the playground and the operations on them.

    Args:
        sessions: the sessions to start with, in creation order.
    """

    def __init__(self, sessions: list[Session] | None = None) -> None:
        self.sessions: list[Session] = list(sessions or [])
        """Every session, in creation order."""

    def ordered(self, sessions: list[Session] | None = None) -> list[Session]:
        """``sessions`` (default: all) by last activity, newest first."""
        return sorted(self.sessions if sessions is None else sessions, key=_activity)

    def __contains__(self, session: Session) -> bool:
        return any(s is session for s in self.sessions)

    # -- sessions -------------------------------------------------------------------------

    async def create(self, model: str) -> Session:
        """A new, empty session with ``model``."""
        session = Session(model=model)
        self.sessions.append(session)
        return session

    async def add(self, session: Session) -> None:
        """Take in a session built elsewhere (an import, a benchmark, a test)."""
        if session not in self:
            self.sessions.append(session)

    async def rename(self, session: Session, title: str) -> None:
        """Give ``session`` the person's title."""
        session.rename(title)

    async def delete(self, session: Session) -> None:
        """Forget ``session`` and its messages."""
        self.sessions = [s for s in self.sessions if s is not session]

    async def search(self, query: str) -> list[Session]:
        """The sessions whose title or messages contain ``query``, newest activity first (all
        of them for an empty query)."""
        return self.ordered(search(self.sessions, query))

    # -- messages -------------------------------------------------------------------------

    async def add_user(self, session: Session, text: str) -> SessionMessage:
        """Record the person's message (before the request leaves)."""
        return session.add_user(text)

    async def add_answer(self, session: Session, message: SessionMessage) -> SessionMessage | None:
        """Record a finished answer (complete, stopped or failed); None if it held nothing."""
        return session.add(message)

    async def truncate(self, session: Session, message: SessionMessage) -> list[SessionMessage]:
        """Drop ``message`` and everything after it; returns what was dropped."""
        return session.truncate(message)

    async def remove(self, session: Session, message: SessionMessage) -> None:
        """Delete one message."""
        session.remove(message)

    async def clear(self, session: Session) -> None:
        """Delete every message of ``session``."""
        session.clear()


def _activity(session: Session) -> float:
    return -session.updated_at
