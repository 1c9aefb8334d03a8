"""The durable history: sessions and messages in one SQLite file (stdlib ``sqlite3``).

A :class:`Store` owns one connection (a :class:`~openmaas_tui.core.history.database.Database`)
and must be used from the thread that created it (the app and ``ask`` go through
:class:`~openmaas_tui.core.history.async_store.AsyncStore`, which keeps it on one worker
thread). Every write commits at once: a user message is on disk when :meth:`Store.add_message`
returns, and a streaming answer's text when :meth:`Store.update_streaming` returns (WAL,
``synchronous=NORMAL``: durable against a killed process; a power cut may lose the last commits
but never corrupts the file).

Opening marks answers left ``streaming`` by a killed process as ``interrupted``. Every method
raises ``OpenMaaSError(STORAGE_FAILED)`` (naming the file) when SQLite fails.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.records import StoredMessage
from openmaas_tui.core.history.rows import (
    INSERT_MESSAGE,
    MESSAGE_COLUMNS,
    NEW_MESSAGE,
    dumps,
    message_of,
)
from openmaas_tui.core.history.session_store import SessionStore
from openmaas_tui.core.sessions.conversation import title_from
from openmaas_tui.core.types import Role, Usage


class Store(SessionStore):
    """Sessions and messages in SQLite. See the module docstring for threading and durability;
    the session methods are those of :class:`~openmaas_tui.core.history.session_store.SessionStore`.

    Attributes:
        path: the database file, or ``":memory:"``.
        recovered: how many answers were found ``streaming`` at open and marked interrupted.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        """Open (create, check, migrate) the history at ``path`` and recover what a killed
        process left streaming.

        Args:
            path: the file (its folder is created), or ``":memory:"``.
            clock: seconds since the epoch, for created/updated times (tests fix it).

        Raises:
            OpenMaaSError: STORAGE_FAILED for a folder that cannot be made, a file that cannot
                be read or written, a damaged file or a newer schema; the file is untouched.
        """
        super().__init__(path, clock=clock)
        cursor = self._run("UPDATE messages SET state = 'interrupted' WHERE state = 'streaming'")
        self.recovered = cursor.rowcount

    # -- messages ---------------------------------------------------------------------------

    def messages(
        self, session_id: str, *, offset: int = 0, limit: int | None = None
    ) -> list[StoredMessage]:
        """The session's messages by position: skip ``offset``, then at most ``limit``."""
        rows = self._all(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE session_id = :session_id "
            "ORDER BY position LIMIT :limit OFFSET :offset",
            session_id=session_id,
            limit=-1 if limit is None else limit,
            offset=offset,
        )
        return [message_of(row) for row in rows]

    def count_messages(self, session_id: str) -> int:
        """How many messages the session holds."""
        row = self._one(
            "SELECT count(*) FROM messages WHERE session_id = :session_id", session_id=session_id
        )
        return int(row[0])

    def get_message(self, message_id: int) -> StoredMessage | None:
        """One message, or None when there is none with this id."""
        row = self._one(
            f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = :message_id", message_id=message_id
        )
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
            row = NEW_MESSAGE | {
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
            cursor = conn.execute(INSERT_MESSAGE, row)
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
        self._run(
            "UPDATE messages SET content = :content, reasoning = :reasoning WHERE id = :message_id",
            content=content,
            reasoning=reasoning,
            message_id=message_id,
        )

    def finish_message(self, message_id: int, record: AnswerRecord) -> None:
        """Record how an answer ended: its final text and reasoning, usage, cost (USD), timings
        (ms) and finish or error, all from ``record``. Moves the session's ``updated_at``."""
        u = record.usage or Usage()
        final = {
            "content": record.text,
            "reasoning": record.reasoning,
            "input_tokens": u.input_tokens,
            "output_tokens": u.output_tokens,
            "cached_input_tokens": u.cached_input_tokens,
            "reasoning_tokens": u.reasoning_tokens,
            "cost_usd": record.cost_usd,
            "cost_estimated": int(record.estimated),
            "ttft_ms": record.ttft_ms,
            "duration_ms": record.duration_ms,
            "finish_reason": None if record.finish_reason is None else str(record.finish_reason),
            "finish_reason_raw": record.finish_reason_raw,
            "error_code": record.error_code,
            "error_message": record.error_message,
            "state": str(record.state),
        }
        assignments = ", ".join(f"{name} = :{name}" for name in final)
        with self._transaction() as conn:
            conn.execute(
                f"UPDATE messages SET {assignments} WHERE id = :message_id",
                final | {"message_id": message_id},
            )
            conn.execute(
                "UPDATE sessions SET updated_at = :now WHERE id = "
                "(SELECT session_id FROM messages WHERE id = :message_id)",
                {"now": self._clock(), "message_id": message_id},
            )

    def delete_message(self, message_id: int) -> None:
        """Delete one message (the positions of the others stay as they are)."""
        self._run("DELETE FROM messages WHERE id = :message_id", message_id=message_id)

    def truncate_from(self, session_id: str, position: int) -> int:
        """Delete the messages at ``position`` and after (edit-and-resend, regenerate).

        Returns:
            How many messages were deleted.
        """
        cursor = self._run(
            "DELETE FROM messages WHERE session_id = :session_id AND position >= :position",
            session_id=session_id,
            position=position,
        )
        return cursor.rowcount

    def clear_session(self, session_id: str) -> int:
        """Delete every message of the session, keeping the session; returns how many."""
        return self.truncate_from(session_id, 0)
