"""The durable history: sessions and messages in one SQLite file (stdlib ``sqlite3``).

A :class:`Store` owns one connection and must be used from the thread that created it (the app
and ``ask`` go through :class:`~openmaas_tui.core.history.async_store.AsyncStore`, which keeps it
on one
worker thread). Every write commits at once: a user message is on disk when
:meth:`Store.add_message` returns, and a streaming answer's text when
:meth:`Store.update_streaming` returns (WAL, ``synchronous=NORMAL``: durable against a killed
process; a power cut may lose the last commits but never corrupts the file).

Opening marks answers left ``streaming`` by a killed process as ``interrupted``. Every method
raises ``OpenMaaSError(STORAGE_FAILED)`` (naming the file) when SQLite fails.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history import search as store_search
from openmaas_tui.core.history.opening import MEMORY, open_database, storage_error
from openmaas_tui.core.history.records import (
    DayTotals,
    MessageState,
    ModelTotals,
    SearchHit,
    StoredMessage,
    StoredSession,
)
from openmaas_tui.core.history.rows import (
    MESSAGE_COLUMNS,
    MESSAGE_NAMES,
    SESSION_COLUMNS,
    SESSION_NAMES,
    TOTALS,
    dumps,
    message_of,
    session_of,
)
from openmaas_tui.core.sessions.conversation import NEW_TITLE, title_from
from openmaas_tui.core.types import Role, Usage

T = TypeVar("T")

_SESSIONS = (
    f"SELECT {SESSION_COLUMNS}, count(m.id), {TOTALS} FROM sessions AS s "
    "LEFT JOIN messages AS m ON m.session_id = s.id"
)
_INSERT_SESSION = (
    f"INSERT INTO sessions ({', '.join(SESSION_NAMES)}) "
    f"VALUES ({', '.join(':' + n for n in SESSION_NAMES)})"
)
_INSERT_MESSAGE = (
    f"INSERT INTO messages ({', '.join(MESSAGE_NAMES)}) "
    f"VALUES ({', '.join(':' + n for n in MESSAGE_NAMES)})"
)
_NEW_MESSAGE: dict[str, Any] = {**dict.fromkeys(MESSAGE_NAMES), "cost_estimated": 0}
"""A message row's fields before anything is known of it: all null but ``cost_estimated``."""
_FINAL_FIELDS = (
    "input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, "
    "cost_estimated, ttft_ms, duration_ms, finish_reason, finish_reason_raw, error_code, "
    "error_message, state"
)


class Store:
    """Sessions and messages in SQLite. See the module docstring for threading and durability.

    Attributes:
        path: the database file, or ``":memory:"``.
        recovered: how many answers were found ``streaming`` at open and marked interrupted.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        """Open (create, check, migrate) the history at ``path``.

        Args:
            path: the file (its folder is created), or ``":memory:"``.
            clock: seconds since the epoch, for created/updated times (tests fix it).

        Raises:
            OpenMaaSError: STORAGE_FAILED for a folder that cannot be made, a file that cannot
                be read or written, a damaged file or a newer schema; the file is untouched.
        """
        self.path: Path | str = path if str(path) == MEMORY else Path(path)
        self._clock = clock
        self._conn = open_database(self.path)
        with self._errors():
            cursor = self._conn.execute(
                "UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'"
            )
        self.recovered = cursor.rowcount

    @property
    def in_memory(self) -> bool:
        """True when nothing is kept after this run."""
        return str(self.path) == MEMORY

    def close(self) -> None:
        """Close the connection (a WAL checkpoint folds the log into the file)."""
        self._conn.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise storage_error(self.path, str(exc)) from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._errors():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- sessions ---------------------------------------------------------------------------

    def create_session(
        self,
        *,
        title: str = NEW_TITLE,
        provider: str | None = None,
        model: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> StoredSession:
        """Start a session (title ``New chat`` until its first user message names it)."""
        now = self._clock()
        session_id = uuid.uuid4().hex
        with self._errors():
            self._conn.execute(
                _INSERT_SESSION,
                {
                    "id": session_id,
                    "title": title,
                    "title_is_custom": 0,
                    "created_at": now,
                    "updated_at": now,
                    "provider": provider,
                    "model": model,
                    "params": dumps(dict(params or {})),
                },
            )
        params = dict(params or {})
        return StoredSession(session_id, title, False, now, now, provider, model, params)

    def list_sessions(self, *, limit: int | None = None) -> list[StoredSession]:
        """Sessions with their totals, most recently active first."""
        with self._errors():
            rows = self._conn.execute(
                f"{_SESSIONS} GROUP BY s.id ORDER BY s.updated_at DESC, s.rowid DESC LIMIT :limit",
                {"limit": -1 if limit is None else limit},
            ).fetchall()
        return [session_of(row) for row in rows]

    def get_session(self, session_id: str) -> StoredSession | None:
        """The session with its totals, or None when there is none with this id."""
        with self._errors():
            row = self._conn.execute(
                f"{_SESSIONS} WHERE s.id = :session_id GROUP BY s.id", {"session_id": session_id}
            ).fetchone()
        return session_of(row) if row else None

    def resolve_id(self, prefix: str) -> str:
        """The id of the one session whose id starts with ``prefix``.

        Raises:
            OpenMaaSError: INVALID_REQUEST when no session or several sessions match.
        """
        with self._errors():
            rows = self._conn.execute(
                "SELECT id FROM sessions WHERE substr(id, 1, :length) = :prefix LIMIT 2",
                {"length": len(prefix), "prefix": prefix.lower()},
            ).fetchall()
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
        with self._errors():
            self._conn.execute(
                "UPDATE sessions SET title = :title, title_is_custom = 1 WHERE id = :session_id",
                {"title": title, "session_id": session_id},
            )

    def set_defaults(
        self,
        session_id: str,
        *,
        provider: str | None,
        model: str | None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Set the provider, model and parameters the session's next request starts with."""
        with self._errors():
            self._conn.execute(
                "UPDATE sessions SET provider = :provider, model = :model, params = :params "
                "WHERE id = :session_id",
                {
                    "provider": provider,
                    "model": model,
                    "params": dumps(dict(params or {})),
                    "session_id": session_id,
                },
            )

    def delete_session(self, session_id: str) -> None:
        """Delete the session and its messages."""
        with self._errors():
            self._conn.execute(
                "DELETE FROM sessions WHERE id = :session_id", {"session_id": session_id}
            )

    def clear_session(self, session_id: str) -> int:
        """Delete every message of the session, keeping the session; returns how many."""
        return self.truncate_from(session_id, 0)

    # -- messages ---------------------------------------------------------------------------

    def messages(
        self, session_id: str, *, offset: int = 0, limit: int | None = None
    ) -> list[StoredMessage]:
        """The session's messages by position: skip ``offset``, then at most ``limit``."""
        with self._errors():
            rows = self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE session_id = :session_id "
                "ORDER BY position LIMIT :limit OFFSET :offset",
                {
                    "session_id": session_id,
                    "limit": -1 if limit is None else limit,
                    "offset": offset,
                },
            ).fetchall()
        return [message_of(row) for row in rows]

    def count_messages(self, session_id: str) -> int:
        """How many messages the session holds."""
        with self._errors():
            row = self._conn.execute(
                "SELECT count(*) FROM messages WHERE session_id = :session_id",
                {"session_id": session_id},
            ).fetchone()
        return int(row[0])

    def get_message(self, message_id: int) -> StoredMessage | None:
        """One message, or None when there is none with this id."""
        with self._errors():
            row = self._conn.execute(
                f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = :message_id",
                {"message_id": message_id},
            ).fetchone()
        return message_of(row) if row else None

    def add_message(
        self,
        session_id: str,
        role: Role,
        content: str = "",
        *,
        attachments: Sequence[Mapping[str, Any]] = (),
        reasoning: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        params: Mapping[str, Any] | None = None,
        state: MessageState = MessageState.COMPLETE,
    ) -> int:
        """Append a message at the end of the session and commit it; returns its id.

        An answer about to stream is added with ``state=STREAMING`` and empty ``content``, then
        fed with :meth:`update_streaming` and closed with :meth:`finish_message`. The first
        user message names a session that was not renamed. The session's ``updated_at`` moves.
        """
        now = self._clock()
        with self._transaction() as conn:
            (position,) = conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM messages "
                "WHERE session_id = :session_id",
                {"session_id": session_id},
            ).fetchone()
            row = _NEW_MESSAGE | {
                "session_id": session_id,
                "position": position,
                "role": str(role),
                "content": content,
                "attachments": dumps([dict(a) for a in attachments]),
                "reasoning": reasoning,
                "provider": provider,
                "model": model,
                "params": dumps(dict(params or {})),
                "created_at": now,
                "state": str(state),
            }
            cursor = conn.execute(_INSERT_MESSAGE, row)
            self._touch(conn, session_id, now, first_user=content if role == Role.USER else None)
        return int(cursor.lastrowid or 0)

    def _touch(
        self, conn: sqlite3.Connection, session_id: str, now: float, *, first_user: str | None
    ) -> None:
        names = {"session_id": session_id, "now": now}
        conn.execute("UPDATE sessions SET updated_at = :now WHERE id = :session_id", names)
        if first_user is None:
            return
        (users,) = conn.execute(
            "SELECT count(*) FROM messages WHERE session_id = :session_id AND role = 'user'", names
        ).fetchone()
        if users == 1:
            conn.execute(
                "UPDATE sessions SET title = :title WHERE id = :session_id AND NOT title_is_custom",
                {"title": title_from(first_user), "session_id": session_id},
            )

    def update_streaming(self, message_id: int, content: str, reasoning: str | None = None) -> None:
        """Replace a streaming answer's text (and reasoning) with all that arrived so far."""
        with self._errors():
            self._conn.execute(
                "UPDATE messages SET content = :content, reasoning = :reasoning "
                "WHERE id = :message_id",
                {"content": content, "reasoning": reasoning, "message_id": message_id},
            )

    def finish_message(
        self,
        message_id: int,
        *,
        state: MessageState = MessageState.COMPLETE,
        content: str | None = None,
        reasoning: str | None = None,
        usage: Usage | None = None,
        cost_usd: float | None = None,
        cost_estimated: bool = False,
        ttft_ms: float | None = None,
        duration_ms: float | None = None,
        finish_reason: str | None = None,
        finish_reason_raw: str | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """Record how an answer ended, with its final text (None: keep the flushed text and
        reasoning), usage, cost (USD), timings (ms) and finish or error. Moves ``updated_at``.
        """
        u = usage or Usage()
        final: tuple[Any, ...] = (u.input_tokens, u.output_tokens, u.cached_input_tokens)
        final += (u.reasoning_tokens,)
        final += (cost_usd, int(cost_estimated), ttft_ms, duration_ms, finish_reason)
        final += (finish_reason_raw, error_code, error_message, str(state))
        assignments = ", ".join(f"{name} = ?" for name in _FINAL_FIELDS.split(", "))
        with self._transaction() as conn:
            if content is not None:
                conn.execute(
                    "UPDATE messages SET content = ?, reasoning = ? WHERE id = ?",
                    (content, reasoning, message_id),
                )
            conn.execute(f"UPDATE messages SET {assignments} WHERE id = ?", (*final, message_id))
            conn.execute(
                "UPDATE sessions SET updated_at = ? WHERE id = "
                "(SELECT session_id FROM messages WHERE id = ?)",
                (self._clock(), message_id),
            )

    def delete_message(self, message_id: int) -> None:
        """Delete one message (the positions of the others stay as they are)."""
        with self._errors():
            self._conn.execute(
                "DELETE FROM messages WHERE id = :message_id", {"message_id": message_id}
            )

    def truncate_from(self, session_id: str, position: int) -> int:
        """Delete the messages at ``position`` and after (edit-and-resend, regenerate).

        Returns:
            How many messages were deleted.
        """
        with self._errors():
            cursor = self._conn.execute(
                "DELETE FROM messages WHERE session_id = :session_id AND position >= :position",
                {"session_id": session_id, "position": position},
            )
        return cursor.rowcount

    def import_session(self, session: StoredSession, messages: Sequence[StoredMessage]) -> str:
        """Store a whole session (an import) in one transaction, under new ids.

        Every field is kept but the ids: the session gets a new UUID, the messages new ids,
        their positions and times as given. Returns the new session id.
        """
        session_id = uuid.uuid4().hex
        with self._transaction() as conn:
            conn.execute(
                _INSERT_SESSION,
                {
                    "id": session_id,
                    "title": session.title,
                    "title_is_custom": int(session.title_is_custom),
                    "created_at": session.created_at,
                    "updated_at": session.updated_at,
                    "provider": session.provider,
                    "model": session.model,
                    "params": dumps(session.params),
                },
            )
            for message in messages:
                row = asdict(message)
                row.update(
                    session_id=session_id,
                    role=str(message.role),
                    state=str(message.state),
                    attachments=dumps(list(message.attachments)),
                    params=dumps(message.params),
                    cost_estimated=int(message.cost_estimated),
                )
                conn.execute(_INSERT_MESSAGE, row)
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
        with self._errors():
            return store_search.search(
                self._conn, text, limit=limit, marks=marks, snippets=snippets
            )

    def cost_by_day(self) -> list[DayTotals]:
        """The answers' tokens and cost (USD) per local calendar day, newest first."""
        with self._errors():
            return store_search.cost_by_day(self._conn)

    def cost_by_model(self) -> list[ModelTotals]:
        """The answers' tokens and cost (USD) per provider and model, costliest first."""
        with self._errors():
            return store_search.cost_by_model(self._conn)

    def read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``query`` on the connection, for reports the store has no method for (see
        :mod:`openmaas_tui.core.history.cost_report`). ``query`` must only read.

        Raises:
            OpenMaaSError: STORAGE_FAILED when SQLite fails.
        """
        with self._errors():
            return query(self._conn)

    def write(self, change: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``change`` on the connection in one transaction (all or nothing), for tables the
        store has no method for (see :mod:`openmaas_tui.core.history.compare_runs`).

        Raises:
            OpenMaaSError: STORAGE_FAILED when SQLite fails; nothing of ``change`` is kept.
        """
        with self._transaction() as conn:
            return change(conn)
