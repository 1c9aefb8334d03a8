"""The sessions list as the sidebar shows it, held a window at a time.

The list is the stored sessions in the order of :mod:`~openmaas_tui.core.history.listing`
(newest activity first) with this run's unsaved sessions (a new chat, before its first
message) in their places by activity, filtered by what the search box holds (stored ones
through the full-text index, unsaved ones by their text in memory) and, when
:attr:`ListedSessions.only` names one, by the face that started them (stored ones through
the index of source and activity). :class:`ListedSessions`
knows how long the list is and holds only a window of its stored rows, at most
:data:`WINDOW` of them, read a page at a time around what is asked for (:meth:`ensure`):
extending the window reads after or before its edge (keyset pages), a jump elsewhere reads
from the nearer end. So what the sidebar holds, and each step it takes, is the same for a
history of a hundred sessions or of a hundred thousand.

Plain asyncio, no Textual: the sidebar draws :meth:`ListedSessions.get` and asks for the rows
it is about to show.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from openmaas_tui.core.history import listing
from openmaas_tui.core.history.listing import ListedSession
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session, matches

P = ParamSpec("P")
T = TypeVar("T")

WINDOW = 300
"""The most stored rows held at once: several screens of a tall terminal."""

PAGE = listing.PAGE
"""Rows read past what is asked for, so that a step or a page key rarely waits for a read."""


class ListedSessions:
    """The rows of the sessions list; see the module docstring.

    Args:
        book: the sessions of this run and, once attached, the history store.

    Attributes:
        query: what the search box held when the list was last read.
        only: list only the sessions from this face from the next :meth:`refresh` on (the
            sidebar's "playground only"); None: from any.
    """

    def __init__(self, book: SessionBook) -> None:
        self.book = book
        self.query = ""
        self.only: SessionSource | None = None
        self._only: SessionSource | None = None
        """What the list read last holds (``only`` as it was then)."""
        self._unsaved: list[Session] = []
        self._slots: list[int] = []
        """The rows of the unsaved sessions, ascending."""
        self._stored = 0
        self._start = 0
        self._window: list[tuple[ListedSession, Session]] = []
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        """How many rows the list holds (unsaved and stored)."""
        return len(self._unsaved) + self._stored

    @property
    def held(self) -> int:
        """How many stored rows are held now (at most :data:`WINDOW`)."""
        return len(self._window)

    def get(self, index: int) -> Session | None:
        """The session at row ``index``, or None when it is not held (not read yet)."""
        slot = bisect.bisect_left(self._slots, index)
        if slot < len(self._slots) and self._slots[slot] == index:
            return self._unsaved[slot]
        at = index - slot - self._start
        return self._window[at][1] if 0 <= at < len(self._window) else None

    def held_sessions(self) -> list[Session]:
        """The sessions held, top first (the unsaved ones in their places)."""
        held = [session for _, session in self._window]
        for slot, session in zip(self._slots, self._unsaved, strict=True):
            held.insert(max(0, min(len(held), slot - self._skipped(slot))), session)
        return held

    def _skipped(self, index: int) -> int:
        """How many stored rows above ``index`` the window does not hold."""
        before = index - bisect.bisect_left(self._slots, index)
        return min(before, self._start)

    async def refresh(
        self, query: str, *, current: Session | None = None, span: int = PAGE
    ) -> int | None:
        """Read the list again for ``query`` (what changed since is shown), holding the rows
        within ``span`` of ``current`` (of the top when it is not listed).

        Returns:
            The row of ``current``, or None when the list does not hold it.
        """
        async with self._lock:
            only = self.only
            unsaved = [s for s in self.book.sessions if s.store_id is None or not self._saved]
            shown = self.book.ordered(
                [s for s in unsaved if matches(s, query) and only in (None, s.source)]
            )
            stored = await self._read(listing.count, query, source=only) or 0
            slots = [
                rank + (await self._read(listing.newer, s.updated_at, query, source=only) or 0)
                for rank, s in enumerate(shown)
            ]
            # All at once, after the reads: the list is drawn (get) while they are awaited.
            self.query, self._unsaved, self._slots, self._stored = query, shown, slots, stored
            self._only = only
            self._window, self._start = [], 0
            place = None if current is None else await self._index_of(current)
            around = place or 0
            await self._ensure(around - span, around + span)
            return place

    async def ensure(self, first: int, last: int) -> None:
        """Hold the rows ``first`` … ``last - 1`` (as far as there are), with a page more on
        each side; rows far from them are let go beyond :data:`WINDOW`."""
        async with self._lock:
            await self._ensure(first - PAGE, last + PAGE)

    async def index_of(self, session: Session) -> int | None:
        """Where ``session`` is in the list, or None when the list does not hold it."""
        async with self._lock:
            return await self._index_of(session)

    async def _index_of(self, session: Session) -> int | None:
        if session.store_id is None or not self._saved:
            return next(
                (r for r, s in zip(self._slots, self._unsaved, strict=True) if s is session), None
            )
        place = await self._read(listing.position, session.store_id, self.query, source=self._only)
        return None if place is None else self._list_row(place)

    def held_index(self, session: Session) -> int | None:
        """Where ``session`` is in the list as held now, without reading the history; None
        when it is not held (or a read is under way)."""
        if self._lock.locked():
            return None
        for slot, unsaved in zip(self._slots, self._unsaved, strict=True):
            if unsaved is session:
                return slot
        at = next((i for i, (_, s) in enumerate(self._window) if s is session), None)
        return None if at is None else self._list_row(self._start + at)

    def _list_row(self, stored: int) -> int:
        """The list row of the ``stored``-th stored session: each unsaved row above it moves it
        down one."""
        for slot in self._slots:  # ascending
            if slot <= stored:
                stored += 1
        return stored

    def add_new(self, session: Session) -> int | None:
        """Put ``session``, a chat just started in this run (not saved, newer than every
        other), first in the list without reading the history.

        Returns:
            Its row (0), or None when the list cannot take it so (the search does not find
            it, it is listed already, it is not the newest, or a read is under way): then
            :meth:`refresh` lists it.
        """
        if self._lock.locked() or session.store_id is not None or session in self._unsaved:
            return None
        newest = self._unsaved[:1] + [s for _, s in self._window[:1] if not self._start]
        if not matches(session, self.query):
            return None
        if self.book.ordered([*newest, session])[0] is not session:
            return None
        self._unsaved.insert(0, session)
        self._slots = [0, *(slot + 1 for slot in self._slots)]
        return 0

    async def at(self, index: int) -> Session | None:
        """The session at row ``index``, read if it is not held."""
        if self.get(index) is None:
            await self.ensure(index, index + 1)
        return self.get(index)

    # -- reading ----------------------------------------------------------------------------

    @property
    def _saved(self) -> bool:
        return self.book.store is not None

    async def _read(
        self, query: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T | None:
        """``query(store, *args, **kwargs)`` on the store's thread; None without a store or
        when it fails (the book reports STORAGE_FAILED once)."""
        store = self.book.store
        if store is None:
            return None
        return await self.book.read(store.call(query, *args, **kwargs))

    def _stored_index(self, index: int) -> int:
        """The stored row at or after list row ``index``."""
        return index - bisect.bisect_left(self._slots, index)

    async def _ensure(self, first: int, last: int) -> None:
        a = max(0, self._stored_index(max(0, first)))
        b = min(self._stored, self._stored_index(max(0, last)))
        if a >= b:
            return
        start, end = self._start, self._start + len(self._window)
        if self._window and start <= a and b <= end:
            return
        if not self._window or b < start or a > end:
            rows = await self._read(
                listing.page_at,
                a,
                limit=b - a,
                text=self.query,
                total=self._stored,
                source=self._only,
            )
            self._window, self._start = self._rows(rows or []), a
            return
        if a < start:
            before = self._window[0][0].key
            rows = await self._read(
                listing.page, before=before, limit=start - a, text=self.query, source=self._only
            )
            fresh = self._rows(rows or [])
            self._window[:0] = fresh
            self._start -= len(fresh)
        if b > start + len(self._window):
            after = self._window[-1][0].key
            more = b - self._start - len(self._window)
            rows = await self._read(
                listing.page, after=after, limit=more, text=self.query, source=self._only
            )
            self._window += self._rows(rows or [])
        self._trim(a, b)

    def _rows(self, rows: list[ListedSession]) -> list[tuple[ListedSession, Session]]:
        return [(row, self.book.listed(row.session)) for row in rows]

    def _trim(self, a: int, b: int) -> None:
        """Let go of rows beyond :data:`WINDOW`, keeping ``a`` … ``b`` in the middle."""
        extra = len(self._window) - WINDOW
        if extra <= 0:
            return
        middle = (a + b) // 2 - self._start
        cut_front = max(0, min(extra, middle - WINDOW // 2))
        self._window = self._window[cut_front : cut_front + WINDOW]
        self._start += cut_front
