"""The sessions sidebar's list and search box: every conversation, newest activity first.

:class:`SessionList` draws only the rows in view, line by line (Textual's Line API on a
``ScrollView``: its virtual height is two lines per row of the whole list), from the window of
rows :class:`~openmaas_tui.core.sessions.listed.ListedSessions` holds; rows about to be shown
are read a page at a time by a worker. No widget is made per session, so the list costs the
same for a hundred sessions as for a hundred thousand. :func:`session_line` is the one place
where a session becomes what a row shows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.listed import PAGE, ListedSessions
from openmaas_tui.ui.frame_hold import FrameHold
from openmaas_tui.ui.widgets.session_rows import STRIPS_KEPT, row_strip, session_line
from openmaas_tui.ui.workers import WorkerOwner

ROW_LINES = 2
"""Lines per row: the title, then the cost and model."""

READ_HOLD_S = 0.05
"""Longest the screen waits to draw rows coming into view while they are read from the history
(a read takes a few milliseconds; a slow one shows them blank meanwhile)."""


class SessionList(WorkerOwner, ScrollView, can_focus=True):
    """Lists sessions; ``enter`` opens one, ``n`` starts a new one, ``r`` renames,
    ``d``/``delete`` deletes (after asking), ``/`` searches, ``p`` lists only the playground's
    chats or all again; up/down, page keys, home and end move the highlight.

    The highlight is the current chat's row (:meth:`show` is told which; a search that does
    not find it highlights its first result once the list has focus). While the list has
    focus the person may move it to another row, and ``enter``, ``r`` and ``d`` act on the row
    highlighted; the list keeps it on that chat when the list is read again, and leaving the
    list puts it back on the current chat, so what is highlighted is always what the keys act
    on and, outside the list, the chat shown.

    Args:
        rows: the list's rows (the sidebar reads them again, see :meth:`show`).
        id: the DOM id.

    Attributes:
        index: the highlighted row, or None when no row is (an empty list, or a search that
            does not find the current chat).
        current_index: the current chat's row, or None when the list does not hold it.
    """

    BINDINGS = [
        Binding("enter", "open", "Open", show=False, id="sessions.open"),
        Binding("up", "cursor_up", "Up", show=False, id="sessions.up"),
        Binding("down", "cursor_down", "Down", show=False, id="sessions.down"),
        Binding("pageup", "page_up_rows", "Page up", show=False, id="sessions.page_up"),
        Binding("pagedown", "page_down_rows", "Page down", show=False, id="sessions.page_down"),
        Binding("home", "first", "First", show=False, id="sessions.first"),
        Binding("end", "last", "Last", show=False, id="sessions.last"),
        Binding("n", "new", "New", id="sessions.new"),
        Binding("r", "rename", "Rename", id="sessions.rename"),
        Binding("d,delete", "delete", "Delete", id="sessions.delete"),
        Binding("slash", "search", "Search", id="sessions.search"),
        Binding("p", "only_playground", "Playground only", id="sessions.only_playground"),
        Binding("p", "show_all", "All chats", id="sessions.show_all"),
    ]

    COMPONENT_CLASSES = {"session-list--row", "session-list--cursor"}

    DEFAULT_CSS = """
    SessionList {
        background: $surface;
        overflow-x: hidden;
        & > .session-list--row {
            color: $foreground;
        }
        & > .session-list--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .session-list--cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    index: reactive[int | None] = reactive(None, always_update=True)

    @dataclass
    class Opened(Message):
        """A session was chosen."""

        session: Session

    @dataclass
    class NewRequested(Message):
        """The person asked for a new session."""

    @dataclass
    class DeleteRequested(Message):
        """The person asked to delete a session."""

        session: Session

    @dataclass
    class RenameRequested(Message):
        """The person asked to rename a session."""

        session: Session

    @dataclass
    class SearchRequested(Message):
        """The person asked to search the sessions."""

    @dataclass
    class SourceChosen(Message):
        """The person asked to list only the sessions from ``source``, or all (None)."""

        source: SessionSource | None

    def __init__(self, rows: ListedSessions, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = rows
        self.current_index: int | None = None
        self.streaming: Callable[[], Iterable[Session]] = tuple
        """The sessions an answer streams in (their rows are marked); the screen sets it. It is
        asked once a frame, not once a row."""
        self._streaming_now: frozenset[str] = frozenset()
        self._reading = FrameHold(self, READ_HOLD_S)
        """Holds the frames while rows coming into view are read (no blank rows drawn)."""
        self._strips: dict[tuple[str, int, bool, int, Style], Strip] = {}
        """Drawn row lines by text, line of the row, streaming, width and style: rows that
        only moved (a new chat on top) are not drawn again."""

    # -- what is shown ----------------------------------------------------------------------

    @property
    def page_rows(self) -> int:
        """How many rows fit in view (at least one)."""
        return max(1, self.scrollable_content_region.height // ROW_LINES)

    async def show(self, current: Session, query: str) -> None:
        """Read the list for ``query`` again and highlight ``current`` (no row when the list
        does not hold it); while the person has moved the highlight to another chat in the
        focused list, it stays on that chat."""
        moved = await self._highlighted() if self.has_focus else None
        if moved is current:
            moved = None
        place = await self.rows.refresh(query, current=current, span=max(PAGE, self.page_rows))
        self._size_to_rows()
        self.current_index = place
        if moved is not None and (kept := await self.rows.index_of(moved)) is not None:
            place = kept
        self.index = place
        self.refresh()

    def highlight(self, current: Session, query: str) -> bool:
        """Highlight ``current`` without reading the list again, when the list is read for
        ``query`` and holds it (or it is a chat just started, put first: see
        :meth:`ListedSessions.add_new`); while the focused list has the highlight on another
        chat, it stays there.

        Returns:
            False when the list has to be read again (:meth:`show`).
        """
        if query != self.rows.query:
            return False
        place = self.rows.held_index(current)
        added = place is None
        if added and (place := self.rows.add_new(current)) is None:
            return False
        if added:
            self._size_to_rows()
        self.current_index = place
        if not self.has_focus or self.index is None:
            self.index = place
        elif added:
            self.index += 1  # the same chat, one row down
        self.refresh()
        return True

    def _size_to_rows(self) -> None:
        width = self.scrollable_content_region.width
        self.virtual_size = Size(width, len(self.rows) * ROW_LINES)

    def on_resize(self) -> None:
        self._size_to_rows()

    def watch_index(self, index: int | None) -> None:
        if index is not None:
            width = self.scrollable_content_region.width
            self.scroll_to_region(
                Region(0, index * ROW_LINES, width, ROW_LINES), animate=False, immediate=True
            )
        self.refresh()
        self._fill()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._fill()

    def _on_focus(self, event: events.Focus) -> None:
        super()._on_focus(event)
        if self.index is None and len(self.rows):  # a search without the current chat
            self.index = 0
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        super()._on_blur(event)
        if self.screen.is_current:  # focus moved on this screen (not to a dialog over it)
            self.index = self.current_index
        self.refresh()

    def _in_view(self) -> tuple[int, int]:
        """The rows in view, first and past the last."""
        first = round(self.scroll_y) // ROW_LINES
        return first, first + self.page_rows + 1

    def _missing(self) -> bool:
        first, last = self._in_view()
        rows = range(first, min(last, len(self.rows)))
        return any(self.rows.get(row) is None for row in rows) or (
            self.index is not None and self.rows.get(self.index) is None
        )

    def _fill(self) -> None:
        if self.is_mounted and self._missing():
            self._reading.hold()
            self._read_rows()

    @work(exclusive=True, group="sessions-rows", exit_on_error=False, description="list chats")
    async def _read_rows(self) -> None:
        """Read the rows in view (and the highlighted one) that the window does not hold; the
        frames wait for them (:data:`READ_HOLD_S` at most)."""
        try:
            first, last = self._in_view()
            await self.rows.ensure(first, last)
            if self.index is not None and self.rows.get(self.index) is None:
                await self.rows.ensure(self.index, self.index + 1)
        except asyncio.CancelledError:
            raise  # a newer read of the rows in view holds on
        except BaseException:
            self._reading.release()
            raise
        self.refresh()
        self._reading.release()

    def on_unmount(self) -> None:
        self._reading.release()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._streaming_now = frozenset(s.id for s in self.streaming())
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        row, part = divmod(round(self.scroll_y) + y, ROW_LINES)
        width = self.scrollable_content_region.width
        base = self.get_visual_style("session-list--row").rich_style
        session = self.rows.get(row) if row < len(self.rows) else None
        if session is None:
            return Strip.blank(width, Style(bgcolor=base.bgcolor))
        if row == self.index:
            style = self.get_visual_style("session-list--row", "session-list--cursor").rich_style
        else:
            style = base
        streaming = session.id in self._streaming_now
        line = session_line(session, streaming=streaming)[part]
        key = (line.plain, part, streaming, width, style)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) >= STRIPS_KEPT:
                self._strips.clear()
            strip = self._strips[key] = row_strip(self.app.console, line, style, width)
        return strip

    # -- what the person does ---------------------------------------------------------------

    async def _highlighted(self) -> Session | None:
        return None if self.index is None else await self.rows.at(self.index)

    def _move(self, to: int) -> None:
        if len(self.rows):
            self.index = max(0, min(len(self.rows) - 1, to))

    def action_cursor_up(self) -> None:
        """Highlight the row above."""
        self._move(0 if self.index is None else self.index - 1)

    def action_cursor_down(self) -> None:
        """Highlight the row below."""
        self._move(0 if self.index is None else self.index + 1)

    def action_page_up_rows(self) -> None:
        """Highlight the row a page above."""
        self._move((self.index or 0) - self.page_rows)

    def action_page_down_rows(self) -> None:
        """Highlight the row a page below."""
        self._move((self.index or 0) + self.page_rows)

    def action_first(self) -> None:
        """Highlight the first row."""
        self._move(0)

    def action_last(self) -> None:
        """Highlight the last row (the oldest session)."""
        self._move(len(self.rows) - 1)

    async def action_open(self) -> None:
        """Open the highlighted session."""
        if (session := await self._highlighted()) is not None:
            self.post_message(self.Opened(session))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = (round(self.scroll_y) + offset.y) // ROW_LINES
        if row < len(self.rows):
            self.index = row
            await self.action_open()

    def action_new(self) -> None:
        """Ask for a new session."""
        self.post_message(self.NewRequested())

    async def action_rename(self) -> None:
        """Ask to rename the highlighted session."""
        if (session := await self._highlighted()) is not None:
            self.post_message(self.RenameRequested(session))

    async def action_delete(self) -> None:
        """Ask to delete the highlighted session."""
        if (session := await self._highlighted()) is not None:
            self.post_message(self.DeleteRequested(session))

    def action_search(self) -> None:
        """Ask for the search box."""
        self.post_message(self.SearchRequested())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Of the filter's two bindings (one key), only the one that changes what is listed
        is shown: the footer says what the key will list."""
        if action == "only_playground":
            return self.rows.only is None
        if action == "show_all":
            return self.rows.only is not None
        return True

    def action_only_playground(self) -> None:
        """Ask to list only the chats started in the playground."""
        self.post_message(self.SourceChosen(SessionSource.PLAYGROUND))

    def action_show_all(self) -> None:
        """Ask to list every session, wherever it came from."""
        self.post_message(self.SourceChosen(None))
