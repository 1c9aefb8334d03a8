"""Which chat is the current one.

Every path that changes the current chat (opening one from the list, a new chat, deleting
the current one, carrying on from compare) goes through :meth:`ChatSelection.select`: the
panel's settings are kept in the chat being left, the chosen chat becomes the one
:class:`~openmaas_tui.core.sessions.current.CurrentChat` holds, its pane is shown, its model,
parameters and system prompt fill the panel, and the sidebar highlights it. So the chat the
sidebar highlights, the chat shown, the settings shown and the chat an action acts on are
always the same one. A new chat left before anything was asked in it is forgotten.
"""

from __future__ import annotations

from collections.abc import Awaitable

from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.current import CurrentChat
from openmaas_tui.ui.frame_hold import FrameHold
from openmaas_tui.ui.playground.answering import Refresh
from openmaas_tui.ui.playground.chat_settings import ChatSettings
from openmaas_tui.ui.playground.editing import Editing
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher

SWITCH_HOLD_S = 0.25
"""Longest the screen waits to draw a switch of chat whole (a slow read of the sessions list
is drawn as it goes rather than freezing the screen)."""


class ChatSelection:
    """The one way the current chat changes.

    Args:
        current: the owner of the current chat.
        book: every session (the settings of the chat left are saved there).
        chats: the chat panes.
        editing: the message being edited in the prompt (left with its chat).
        settings: the panel's settings of the current chat.
        refresh: draws the sessions list (the current chat highlighted) and the status line.
        highlight: as ``refresh`` when the list did not change but for a chat just started:
            only the highlight moves, without reading the history.
    """

    def __init__(
        self,
        current: CurrentChat,
        book: SessionBook,
        chats: ChatSwitcher,
        *,
        editing: Editing,
        settings: ChatSettings,
        refresh: Refresh,
        highlight: Refresh,
    ) -> None:
        self.current = current
        self.book = book
        self.chats = chats
        self.editing = editing
        self.settings = settings
        self._refresh = refresh
        self._highlight = highlight

    @property
    def session(self) -> Session:
        """The current chat."""
        return self.current.session

    async def select(
        self, session: Session, *, earlier: Awaitable[int] | None = None, relist: bool = True
    ) -> None:
        """Make ``session`` the current chat: keep the panel's settings in the chat left
        (saved in the history once the chosen one is shown), show ``session``'s pane and
        settings, highlight it.

        Args:
            session: the chat to show (it gets a pane if it has none).
            earlier: see :meth:`ChatSwitcher.add_session`.
            relist: whether the sessions list changed and is read again; False when it is as
                shown but for ``session`` being a chat just started (only the highlight
                moves).
        """
        previous = self.current.session
        left = previous if previous is not session and previous in self.book else None
        if left is not None:
            self.settings.keep(left)
        # One frame shows the switch whole: unheld, the screen would draw the new pane while
        # it is mounted, and the panel, status line and list a frame (or two ticks of the
        # update timer) later. A switch slower than SWITCH_HOLD_S is drawn as it goes.
        hold = FrameHold(self.chats, SWITCH_HOLD_S)
        hold.hold()
        try:
            if previous is not session and _left_empty(previous):  # no "New chat" rows pile up
                # gone before the chosen pane is laid out: its pane is not laid out twice
                await self.book.delete(previous)
                await self.chats.remove_session(previous)
                left, relist = None, True  # nothing to save, and the list lost a row
            if not self.chats.has_pane(session):
                await self.chats.add_session(session, earlier=earlier)
            if previous is not session:
                self.editing.cancel()
            self.current.set(session)
            self.chats.show_current()
            self.settings.show(session)
            await (self._refresh() if relist else self._highlight())
        finally:
            hold.release()
        if left is not None:
            await self.book.save_settings(left)


def _left_empty(session: Session) -> bool:
    """Whether ``session`` is a new chat nothing was asked in (not saved, no message): left,
    it is forgotten rather than kept as another empty row of the list."""
    return session.store_id is None and session.loaded and not session.messages
