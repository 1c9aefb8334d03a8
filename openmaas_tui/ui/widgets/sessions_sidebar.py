"""The sessions sidebar: a search box over the list of sessions, newest activity first.

The sidebar reads the current chat from its one owner
(:class:`~openmaas_tui.core.sessions.current.CurrentChat`) and highlights it whenever the list is
drawn again (:meth:`SessionsSidebar.show`, which the playground calls after every change); the
sidebar runs the search itself as the person types (the stored sessions through the history's
full-text index, a page at a time: see :mod:`openmaas_tui.core.sessions.listed`). What the
person asks of a session (open, new, rename, delete) goes up as the list's messages.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.containers import Vertical

from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.current import CurrentChat
from openmaas_tui.core.sessions.listed import ListedSessions
from openmaas_tui.ui.widgets.session_list import SessionList
from openmaas_tui.ui.widgets.session_search import SessionSearch

TITLES: dict[SessionSource | None, str] = {
    None: "Sessions",
    SessionSource.PLAYGROUND: "Sessions · playground",
}
"""The sidebar's title for what it lists: every session, or only the playground's chats."""


class SessionsSidebar(Vertical):
    """The search box and the sessions list.

    Args:
        book: every session (searched by title and text).
        current: the owner of the current chat (highlighted in the list).
        id: the DOM id.

    Attributes:
        search_query: what the search box holds (empty: every session is listed).
    """

    def __init__(self, book: SessionBook, current: CurrentChat, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.book = book
        self.search_query = ""
        self.search = SessionSearch(id="session-search")
        self.rows = ListedSessions(book)
        """The list's rows, a window at a time."""
        self.sessions = SessionList(self.rows, id="sessions")
        self.current = current
        self._listing = asyncio.Lock()

    def compose(self) -> ComposeResult:
        yield self.search
        yield self.sessions

    def on_mount(self) -> None:
        self.border_title = TITLES[None]

    async def show(self) -> None:
        """List the sessions the search finds, the current chat highlighted."""
        async with self._listing:  # one at a time: the list is read again
            if self.sessions.is_attached:  # else the app is closing: nothing to show
                await self.sessions.show(self.current.session, self.search_query)

    def highlight(self) -> bool:
        """Highlight the current chat without reading the list again
        (:meth:`SessionList.highlight`); False when it has to be read (:meth:`show`)."""
        if self._listing.locked() or not self.sessions.is_attached:
            return False
        return self.sessions.highlight(self.current.session, self.search_query)

    async def focus_list(self) -> None:
        """Move to the list (shown if hidden), the current chat highlighted: a search that
        does not find it is cleared first."""
        self.remove_class("-hidden")
        if self.search_query and self.sessions.current_index is None:
            self.search_query = ""
            with self.search.prevent(SessionSearch.Changed):
                self.search.value = ""
            await self.show()
        self.sessions.focus()

    def focus_search(self) -> None:
        """Move to the search box (shown if hidden)."""
        self.remove_class("-hidden")
        self.search.focus()

    def toggle(self) -> None:
        """Show or hide the sidebar (the ``-hidden`` class: the screen's stylesheet decides
        where the sidebar goes, beside the conversation or folded away over it)."""
        self.toggle_class("-hidden")

    def commands(self) -> Iterator[SystemCommand]:
        """The command palette's entries of the sidebar."""
        yield SystemCommand("Sessions", "Go to the sessions list (ctrl+s)", self.focus_list)
        find = "Find chats by title or text (ctrl+f)"
        yield SystemCommand("Search chats", find, self.focus_search)
        yield SystemCommand("Toggle sidebar", "Show or hide the sessions (ctrl+b)", self.toggle)
        if self.rows.only is None:
            only = "List only the chats started here, not ask, compare or gateway ones (p)"
            yield SystemCommand("Playground chats only", only, self.only_playground)
        else:
            every = "List every session again, wherever it came from (p)"
            yield SystemCommand("All chats", every, self.show_all)

    async def list_only(self, source: SessionSource | None) -> None:
        """List only the sessions from ``source`` (None: all), and say so in the title."""
        self.rows.only = source
        self.border_title = TITLES[source]
        await self.show()
        self.sessions.refresh_bindings()

    async def only_playground(self) -> None:
        """List only the chats started in the playground."""
        await self.list_only(SessionSource.PLAYGROUND)

    async def show_all(self) -> None:
        """List every session again."""
        await self.list_only(None)

    @on(SessionList.SourceChosen)
    async def _source_chosen(self, event: SessionList.SourceChosen) -> None:
        event.stop()
        await self.list_only(event.source)

    @on(SessionSearch.Changed, "#session-search")
    async def _search_changed(self, event: SessionSearch.Changed) -> None:
        self.search_query = event.value
        await self.show()

    @on(SessionSearch.Left)
    def _search_left(self) -> None:
        self.sessions.focus()

    @on(SessionList.SearchRequested)
    def _search_requested(self, event: SessionList.SearchRequested) -> None:
        event.stop()
        self.focus_search()
