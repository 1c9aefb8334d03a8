"""Full-text search over the whole history.

Search uses the FTS5 indexes of :mod:`openmaas_tui.core.history.schema`. Whatever a person
types is safe: each word becomes a quoted FTS5 string (``"`` doubled), words without a letter
or digit are dropped, and the last word matches as a prefix, so ``"c++ tem`` finds
"C++ templates". Reference: https://www.sqlite.org/fts5.html#full_text_query_syntax.
"""

from __future__ import annotations

import sqlite3

from openmaas_tui.core.history.records import SearchHit

SNIPPET_TOKENS = 12
"""About how many words a search snippet shows."""


def fts_query(text: str) -> str | None:
    """The FTS5 query for what a person typed: every word required, the last one a prefix.

    Returns:
        None when ``text`` holds no word (nothing to search for).
    """
    words = [w for w in text.split() if any(c.isalnum() for c in w)]
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    return " ".join(quoted) + "*"


def search(
    conn: sqlite3.Connection,
    text: str,
    *,
    limit: int = 100,
    marks: tuple[str, str] = ("«", "»"),
    snippets: bool = True,
) -> list[SearchHit]:
    """Sessions whose title or messages contain every word of ``text``.

    Args:
        conn: the history connection.
        text: what the person typed (any characters).
        limit: the most sessions to return.
        marks: what goes before and after each matched word in snippets.
        snippets: False to skip the excerpts (``snippet`` is then empty): about 0.4 ms less
            per hit, for a sidebar that only filters.

    Returns:
        One hit per session, most recently active first; a title match gives the snippet,
        else the session's earliest matching message (no ranking: it costs more than it
        helps a list ordered by activity).
    """
    query = fts_query(text)
    if query is None:
        return []
    best: dict[str, int | None] = {}
    for (session_id,) in conn.execute(
        "SELECT session_id FROM sessions_fts WHERE sessions_fts MATCH :query", {"query": query}
    ):
        best[session_id] = None
    rows = conn.execute(
        "SELECT m.session_id, min(m.id) FROM messages_fts AS f JOIN messages AS m "
        "ON m.id = f.rowid WHERE messages_fts MATCH :query GROUP BY m.session_id",
        {"query": query},
    )
    for session_id, message_id in rows:
        best.setdefault(session_id, message_id)
    if not best:
        return []
    ids = {f"id{i}": session_id for i, session_id in enumerate(best)}
    sessions = conn.execute(
        f"SELECT id, title FROM sessions WHERE id IN ({', '.join(':' + n for n in ids)}) "
        "ORDER BY updated_at DESC LIMIT :limit",
        {**ids, "limit": limit},
    ).fetchall()
    if not snippets:
        return [SearchHit(sid, title, "", best[sid]) for sid, title in sessions]
    return [_hit(conn, query, sid, title, best[sid], marks) for sid, title in sessions]


def _hit(
    conn: sqlite3.Connection,
    query: str,
    session_id: str,
    title: str,
    message_id: int | None,
    marks: tuple[str, str],
) -> SearchHit:
    names = {"open": marks[0], "close": marks[1], "ellipsis": "…", "tokens": SNIPPET_TOKENS}
    names |= {"query": query, "session_id": session_id, "message_id": message_id}
    if message_id is None:
        row = conn.execute(
            "SELECT snippet(sessions_fts, 0, :open, :close, :ellipsis, :tokens) "
            "FROM sessions_fts WHERE sessions_fts MATCH :query AND session_id = :session_id",
            names,
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT snippet(messages_fts, 0, :open, :close, :ellipsis, :tokens) "
            "FROM messages_fts WHERE messages_fts MATCH :query AND rowid = :message_id",
            names,
        ).fetchone()
    return SearchHit(session_id, title, row[0] if row else title, message_id)
