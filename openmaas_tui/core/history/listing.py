"""The sessions list, read a page at a time: what the sidebar shows however long the history.

The list is every session (or, with a search ``text``, those whose title or messages hold
every word of it, through the full-text index as :func:`~openmaas_tui.core.history.search.search`
reads it), most recently active first: ``updated_at`` descending, then ``rowid`` descending,
the order of :meth:`~openmaas_tui.core.history.session_store.SessionStore.list_sessions`. A
place in that order is a :class:`ListingKey`, and a page is read after or before a key (keyset
pagination), so reading a page costs the page, not the history: the index
``sessions_by_activity`` (``updated_at``, with the rowid every SQLite index ends with) serves
each query (``sessions_by_source`` when the list holds one source only), and only the
page's sessions have their messages added up. Only a jump far into
the list (:func:`page_at`, a scroll bar dragged half way) walks the index up to the page, and
:func:`count` and :func:`position` walk the index (no table rows): a few milliseconds for
100,000 sessions. A search reads its matches once per query (what FTS5 costs) and sorts them.

Every function takes the store first, so the app calls it on the store's thread::

    rows = await history.call(listing.page, after=key, limit=50)

Each raises ``OpenMaaSError(STORAGE_FAILED)`` (naming the file) when SQLite fails.
References: https://www.sqlite.org/rowvalue.html (row values in keyset comparisons),
https://www.sqlite.org/queryplanner.html (the index serves the ORDER BY).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.history.database import Database
from openmaas_tui.core.history.records import StoredSession
from openmaas_tui.core.history.rows import SESSION_COLUMNS, TOTALS, session_of
from openmaas_tui.core.history.search import fts_query

PAGE = 50
"""Sessions per page unless told otherwise."""

_HITS = (
    "WITH hits(id) AS ("
    "SELECT session_id FROM sessions_fts WHERE sessions_fts MATCH :query UNION "
    "SELECT m.session_id FROM messages_fts AS f JOIN messages AS m ON m.id = f.rowid "
    "WHERE messages_fts MATCH :query) "
)
"""The ids of the sessions a search finds (title or any message), each once."""


@dataclass(frozen=True, slots=True, order=True)
class ListingKey:
    """A session's place in the list: its last activity (seconds since the epoch), then its
    rowid (the later-made first among equal times)."""

    updated_at: float
    rowid: int


@dataclass(frozen=True, slots=True)
class ListedSession:
    """One row of the list: the session with its totals, and its place."""

    key: ListingKey
    session: StoredSession


def _source(text: str, source: str | None = None) -> tuple[str, str, dict[str, Any]] | None:
    """The ``WITH`` prefix, the ``FROM`` clause (with a ``WHERE`` every query goes on with
    ``AND``) and the names for the list ``text`` searches (all sessions for blank ``text``)
    of the sessions from ``source`` (any for None); None when ``text`` holds no word to
    search for."""
    where = " WHERE 1" if source is None else " WHERE s.source = :source"
    names: dict[str, Any] = {} if source is None else {"source": source}
    if not text.strip():
        return "", "sessions AS s" + where, names
    query = fts_query(text)
    if query is None:
        return None
    from_ = "hits CROSS JOIN sessions AS s ON s.id = hits.id" + where
    return _HITS, from_, names | {"query": query}


def count(store: Database, text: str = "", *, source: str | None = None) -> int:
    """How many sessions the list holds (those ``text`` finds; all for blank ``text``; only
    those from ``source`` unless it is None)."""
    found = _source(text, source)
    if found is None:
        return 0
    with_, from_, names = found
    row = store.read(lambda c: c.execute(f"{with_}SELECT count(*) FROM {from_}", names).fetchone())
    return int(row[0])


def newer(store: Database, updated_at: float, text: str = "", *, source: str | None = None) -> int:
    """How many sessions of the list were active after ``updated_at`` (seconds since the
    epoch): where a session not stored yet that was last active then goes in the list."""
    found = _source(text, source)
    if found is None:
        return 0
    with_, from_, names = found
    sql = f"{with_}SELECT count(*) FROM {from_} AND s.updated_at > :u"
    row = store.read(lambda c: c.execute(sql, names | {"u": updated_at}).fetchone())
    return int(row[0])


def page(
    store: Database,
    *,
    after: ListingKey | None = None,
    before: ListingKey | None = None,
    limit: int = PAGE,
    text: str = "",
    source: str | None = None,
) -> list[ListedSession]:
    """Up to ``limit`` sessions of the list, most recently active first.

    Args:
        store: the history.
        after: read the sessions that come after this key (older); None with ``before``
            None: from the top.
        before: read the ``limit`` sessions just before this key (newer), instead.
        limit: the most sessions to read.
        text: what the search box holds (blank: every session).
        source: list only the sessions from this face
            (:class:`~openmaas_tui.core.history.sources.SessionSource`); None: from any.

    Returns:
        The page in list order, each with its totals (``message_count`` and ``totals``).
    """
    found = _source(text, source)
    if before is not None:
        return _read(store, found, "(s.updated_at, s.rowid) > (:u, :r)", before, limit, 0, up=True)
    if after is not None:
        return _read(store, found, "(s.updated_at, s.rowid) < (:u, :r)", after, limit, 0, up=False)
    return _read(store, found, "1", None, limit, 0, up=False)


def page_at(
    store: Database,
    start: int,
    *,
    limit: int = PAGE,
    text: str = "",
    total: int | None = None,
    source: str | None = None,
) -> list[ListedSession]:
    """The sessions at places ``start`` … ``start + limit - 1`` of the list (a jump).

    The index is walked up to the page from whichever end of the list is nearer (the end
    when ``total``, the list's :func:`count`, is given), so a jump to the last page reads
    one page only.
    """
    start = max(0, start)
    found = _source(text, source)
    from_end = None if total is None else total - start - limit
    if from_end is not None and from_end < start:
        if from_end < 0:
            limit, from_end = limit + from_end, 0
        return _read(store, found, "1", None, max(0, limit), from_end, up=True)
    return _read(store, found, "1", None, limit, start, up=False)


def position(
    store: Database, session_id: str, text: str = "", *, source: str | None = None
) -> int | None:
    """Where the session ``session_id`` is in the list (0: the top), or None when the list
    does not hold it (no such session, the search does not find it, or it is from another
    ``source``)."""
    found = _source(text, source)
    if found is None:
        return None
    with_, from_, names = found
    names = names | {"session_id": session_id}

    def query(conn: sqlite3.Connection) -> int | None:
        if (
            with_
            and not conn.execute(
                f"{with_}SELECT 1 FROM hits WHERE id = :session_id", names
            ).fetchone()
        ):
            return None
        key = conn.execute(
            "SELECT updated_at, rowid, source FROM sessions WHERE id = :session_id", names
        ).fetchone()
        if key is None or (source is not None and key[2] != source):
            return None
        row = conn.execute(
            f"{with_}SELECT count(*) FROM {from_} AND (s.updated_at, s.rowid) > (:u, :r)",
            names | {"u": key[0], "r": key[1]},
        ).fetchone()
        return int(row[0])

    return store.read(query)


def _read(
    store: Database,
    found: tuple[str, str, dict[str, Any]] | None,
    where: str,
    key: ListingKey | None,
    limit: int,
    offset: int,
    *,
    up: bool,
) -> list[ListedSession]:
    """The page ``where`` picks: ``limit`` rows after skipping ``offset``, walking the list
    upwards (oldest first) when ``up``; returned in list order with their totals."""
    if found is None or limit <= 0:
        return []
    with_, from_, names = found
    way = "ASC" if up else "DESC"
    sql = (
        f"{with_}SELECT {SESSION_COLUMNS}, count(m.id), {TOTALS}, s.rowid FROM ("
        f"SELECT s.rowid AS r FROM {from_} AND {where} "
        f"ORDER BY s.updated_at {way}, s.rowid {way} LIMIT :limit OFFSET :offset"
        ") AS p CROSS JOIN sessions AS s ON s.rowid = p.r "
        "LEFT JOIN messages AS m ON m.session_id = s.id "
        "GROUP BY s.rowid ORDER BY s.updated_at DESC, s.rowid DESC"
    )
    names = names | {"limit": limit, "offset": offset}
    if key is not None:
        names |= {"u": key.updated_at, "r": key.rowid}
    rows = store.read(lambda conn: conn.execute(sql, names).fetchall())
    return [_listed(row) for row in rows]


def _listed(row: Any) -> ListedSession:
    """A row of :func:`_read`: :func:`session_of`'s columns, then the rowid."""
    session = session_of(row)
    return ListedSession(ListingKey(session.updated_at, int(row[-1])), session)
