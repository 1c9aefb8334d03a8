"""The sessions of the history store: create, list, find, rename, delete, import, search.

:class:`SessionStore` is the half of :class:`~openmaas_tui.core.history.store.Store` that works
on whole sessions (their messages' totals come from one aggregate query, see
:data:`~openmaas_tui.core.history.rows.TOTALS`); ``Store`` adds the messages themselves. Use
``Store``: this class only keeps each file to one concern. Every method raises
``OpenMaaSError(STORAGE_FAILED)`` (naming the file) when SQLite fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history import search as store_search
from openmaas_tui.core.history.blobs import attach
from openmaas_tui.core.history.database import Database
from openmaas_tui.core.history.records import (
    SearchHit,
    StoredMessage,
    StoredSession,
)
from openmaas_tui.core.history.rows import (
    INSERT_MESSAGE,
    INSERT_SESSION,
    SESSION_COLUMNS,
    TOTALS,
    dumps,
    session_of,
    session_row,
    tool_calls_json,
)
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.reasoning import blocks_json
from openmaas_tui.core.sessions.conversation import NEW_TITLE
from openmaas_tui.core.sessions.endpoint import storable_url

_SESSIONS = (
    f"SELECT {SESSION_COLUMNS}, count(m.id), {TOTALS} FROM sessions AS s "
    "LEFT JOIN messages AS m ON m.session_id = s.id"
)


class SessionStore(Database):
    """Whole sessions in the history database; see
    :class:`~openmaas_tui.core.history.store.Store`."""

    def create_session(
        self,
        *,
        title: str = NEW_TITLE,
        provider: str | None = None,
        model: str | None = None,
        params: Mapping[str, Any] | None = None,
        source: SessionSource = SessionSource.PLAYGROUND,
        base_url: str | None = None,
    ) -> StoredSession:
        """Start a session (title ``New chat`` until its first user message names it), made
        by the face ``source``, its model asked at ``base_url`` (None: the provider's
        endpoint; stored without user, password or query, see
        :func:`~openmaas_tui.core.sessions.endpoint.storable_url`)."""
        now = self._clock()
        params = dict(params or {})
        session = StoredSession(
            uuid.uuid4().hex,
            title,
            False,
            now,
            now,
            provider,
            model,
            params,
            source=source,
            base_url=storable_url(base_url),
        )
        self._run(INSERT_SESSION, **session_row(session, session.id))
        return session

    def list_sessions(
        self, *, limit: int | None = None, source: SessionSource | None = None
    ) -> list[StoredSession]:
        """Sessions with their totals, most recently active first (only those started by the
        face ``source`` unless it is None)."""
        where = "" if source is None else " WHERE s.source = :source"
        rows = self._all(
            f"{_SESSIONS}{where} GROUP BY s.id ORDER BY s.updated_at DESC, s.rowid DESC "
            "LIMIT :limit",
            limit=-1 if limit is None else limit,
            source=None if source is None else str(source),
        )
        return [session_of(row) for row in rows]

    def get_session(self, session_id: str) -> StoredSession | None:
        """The session with its totals, or None when there is none with this id."""
        row = self._one(
            f"{_SESSIONS} WHERE s.id = :session_id GROUP BY s.id", session_id=session_id
        )
        return session_of(row) if row else None

    def resolve_id(self, prefix: str) -> str:
        """The id of the one session whose id starts with ``prefix``.

        Raises:
            OpenMaaSError: INVALID_REQUEST when no session or several sessions match.
        """
        rows = self._all(
            "SELECT id FROM sessions WHERE substr(id, 1, :length) = :prefix LIMIT 2",
            length=len(prefix),
            prefix=prefix.lower(),
        )
        if len(rows) == 1 and prefix:
            return str(rows[0][0])
        what = "no session" if not rows else "several sessions"
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"{what} with an id starting with {prefix!r}",
            hint="`openmaas sessions list` shows the ids",
        )

    def rename_session(self, session_id: str, title: str) -> None:
        """Give the session ``title``; later messages no longer retitle it."""
        self._run(
            "UPDATE sessions SET title = :title, title_is_custom = 1 WHERE id = :session_id",
            title=title,
            session_id=session_id,
        )

    def set_defaults(
        self,
        session_id: str,
        *,
        provider: str | None,
        model: str | None,
        params: Mapping[str, Any] | None = None,
        base_url: str | None = None,
    ) -> None:
        """Set the provider, model, parameters and base URL (None: the provider's endpoint;
        stored without credentials) the session's next request starts with."""
        self._run(
            "UPDATE sessions SET provider = :provider, model = :model, params = :params, "
            "base_url = :base_url WHERE id = :session_id",
            provider=provider,
            model=model,
            params=dumps(dict(params or {})),
            base_url=storable_url(base_url),
            session_id=session_id,
        )

    def delete_session(self, session_id: str) -> None:
        """Delete the session and its messages."""
        self._run("DELETE FROM sessions WHERE id = :session_id", session_id=session_id)

    def import_session(
        self,
        session: StoredSession,
        messages: Sequence[StoredMessage],
        *,
        source: SessionSource = SessionSource.IMPORT,
    ) -> str:
        """Store a whole session (an import, or compare's "carry on" with ``source``
        ``compare``) in one transaction, under new ids.

        Every field is kept but the ids and the source: the session gets a new UUID, the
        messages new ids, their positions and times as given. The session is marked
        ``imported``, and none of its answers enter the spend ledger (their spend was counted
        where they were made). Returns the new session id.
        """
        session_id = uuid.uuid4().hex
        head = session_row(session, session_id) | {"imported": 1, "source": str(source)}
        with self._transaction() as conn:
            conn.execute(INSERT_SESSION, head)
            for message in messages:
                row = asdict(message)
                row.update(
                    session_id=session_id,
                    role=str(message.role),
                    state=str(message.state),
                    attachments="[]",
                    params=dumps(message.params),
                    cost_estimated=int(message.cost_estimated),
                    owner=None,
                    tool_calls=tool_calls_json(message.tool_calls, message.server_tools),
                    is_error=int(message.is_error),
                    reasoning_blocks=blocks_json(message.reasoning_blocks),
                )
                message_id = int(conn.execute(INSERT_MESSAGE, row).lastrowid or 0)
                attach(conn, message_id, message.attachments, self._clock())
        return session_id

    # -- across the history -----------------------------------------------------------------

    def search(
        self,
        text: str,
        *,
        limit: int = 100,
        marks: tuple[str, str] = ("«", "»"),
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Sessions whose title or messages hold every word of ``text`` (any characters; the
        last word is a prefix), most recently active first. See
        :func:`~openmaas_tui.core.history.search.search`."""
        return self.read(
            lambda conn: store_search.search(
                conn, text, limit=limit, marks=marks, snippets=snippets
            )
        )
