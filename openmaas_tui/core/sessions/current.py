"""The chat the playground shows, sends to and acts on: one owner, read by every part.

The conversation area, the sessions list, the parameter panel, the status line and every
operation read :attr:`CurrentChat.session`; only the playground's selection
(:mod:`openmaas_tui.ui.playground.selection`) sets it, so the highlighted chat, the open chat
and the chat an action acts on can never be three different ones.
"""

from __future__ import annotations

from openmaas_tui.core.sessions.conversation import Session


class CurrentChat:
    """Holds the current chat.

    Args:
        session: the chat shown at start.

    Attributes:
        changes: how many times another chat became the current one (0 at start).
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self.changes = 0

    @property
    def session(self) -> Session:
        """The current chat."""
        return self._session

    def set(self, session: Session) -> Session:
        """Make ``session`` the current chat.

        Returns:
            The chat that was current before (``session`` itself when it already was).
        """
        previous, self._session = self._session, session
        if previous is not session:
            self.changes += 1
        return previous

    def __contains__(self, session: Session) -> bool:
        """Whether ``session`` is the current chat (compared by identity)."""
        return session is self._session
