"""The durable history: sessions and messages in one SQLite file (stdlib ``sqlite3``).

A :class:`Store` owns one connection (a :class:`~openmaas_tui.core.history.database.Database`)
and must be used from the thread that created it (the app and ``ask`` go through
:class:`~openmaas_tui.core.history.async_store.AsyncStore`, which keeps it on one worker
thread). Every write commits at once: a user message is on disk when :meth:`Store.add_message`
returns, and a streaming answer's text when :meth:`Store.update_streaming` returns (WAL,
``synchronous=NORMAL``: durable against a killed process; a power cut may lose the last commits
but never corrupts the file).

Many processes may hold the same file open (the app, ``openmaas ask``, ``openmaas sessions``).
Each open store owns the answers it streams (a token held alive by an advisory lock, see
:mod:`openmaas_tui.core.history.owners`); opening marks as ``interrupted`` only the answers
left ``streaming`` by a store that is no longer open (a killed or crashed process), never those
another running process is still writing. Every answer's end goes into the spend ledger
(:mod:`openmaas_tui.core.history.ledger`). Every method raises
``OpenMaaSError(STORAGE_FAILED)`` (naming the file) when SQLite fails.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.blobs import attach, fill_blobs
from openmaas_tui.core.history.ledger import (
    INSERT_SPEND,
    RECOVER_SPEND,
    NewSpend,
    SpendSource,
    message_key,
    spend_row,
)
from openmaas_tui.core.history.opening import storage_error
from openmaas_tui.core.history.owners import OwnerLock, alive, owners_folder, sweep
from openmaas_tui.core.history.records import StoredMessage
from openmaas_tui.core.history.rows import (
    INSERT_MESSAGE,
    MESSAGE_COLUMNS,
    NEW_MESSAGE,
    dumps,
    message_of,
    tool_calls_json,
)
from openmaas_tui.core.history.session_store import SessionStore
from openmaas_tui.core.reasoning import ReasoningBlock, blocks_json
from openmaas_tui.core.sessions.conversation import title_from
from openmaas_tui.core.types import Role, ToolCall, Usage


class Store(SessionStore):
    """Sessions and messages in SQLite. See the module docstring for threading and durability;
    the session methods are those of :class:`~openmaas_tui.core.history.session_store.SessionStore`.

    Attributes:
        path: the database file, or ``":memory:"``.
        recovered: how many answers were found ``streaming`` at open, with no open store
            writing them, and marked interrupted.
        owner: this store's token, carried by the answers it streams.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        """Open (create, check, migrate) the history at ``path`` and recover what a process
        that is gone left streaming.

        Args:
            path: the file (its folder is created), or ``":memory:"``.
            clock: seconds since the epoch, for created/updated times (tests fix it).

        Raises:
            OpenMaaSError: STORAGE_FAILED for a folder that cannot be made, a file that cannot
                be read or written, a damaged file or a newer schema; the file is untouched.
        """
        super().__init__(path, clock=clock)
        self._lock: OwnerLock | None = None
        if self.in_memory:
            self.owner = uuid.uuid4().hex
        else:
            folder = owners_folder(Path(path))
            try:
                self._lock = OwnerLock(folder)
            except OSError as exc:
                super().close()
                raise storage_error(path, f"cannot lock in {folder} ({exc.strerror})") from None
            self.owner = self._lock.token
            sweep(folder, self.owner)
        self.recovered = self.recover()

    def recover(self) -> int:
        """Mark as interrupted the answers left ``streaming`` by stores no longer open (their
        spend goes into the ledger, its cost unknown); another live process's are left alone.

        Returns:
            How many answers were marked.
        """
        owners = [row[0] for row in self._all(
            "SELECT DISTINCT owner FROM messages WHERE state = 'streaming'"
        )]  # fmt: skip
        folder = None if self.in_memory else owners_folder(Path(self.path))
        recovered = 0
        for owner in owners:
            if owner == self.owner or (folder is not None and alive(folder, owner)):
                continue
            with self._transaction() as conn:
                conn.execute(RECOVER_SPEND, {"owner": owner})
                recovered += conn.execute(
                    "UPDATE messages SET state = 'interrupted' "
                    "WHERE state = 'streaming' AND owner IS :owner",
                    {"owner": owner},
                ).rowcount
        return recovered

    def close(self) -> None:
        """Close the connection and let go of this store's streaming answers (any still
        ``streaming`` are interrupted for the next store that opens)."""
        super().close()
        if self._lock is not None:
            self._lock.release()

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
        return self.read(lambda conn: fill_blobs(conn, [message_of(row) for row in rows]))

    def last_messages(self, session_id: str, count: int) -> tuple[int, list[StoredMessage]]:
        """The session's last ``count`` messages by position, and how many come before them
        (one call, so one visit to the store's thread)."""
        offset = max(0, self.count_messages(session_id) - count)
        return offset, self.messages(session_id, offset=offset)

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
        return self.read(lambda conn: fill_blobs(conn, [message_of(row)]))[0] if row else None

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
        tool_calls: tuple[ToolCall, ...] = (),
        tool_call_id: str | None = None,
        tool_name: str | None = None,
        is_error: bool = False,
        reasoning_blocks: tuple[ReasoningBlock, ...] = (),
    ) -> int:
        """Append a message at the end of the session and commit it; returns its id.

        A tool's result is a message of role ``tool`` with ``content`` its text, the
        ``tool_call_id`` and ``tool_name`` of the call it answers and whether it failed.
        ``attachments`` carrying their bytes (``data_base64``, as
        :func:`~openmaas_tui.core.history.blobs.image_attachment` makes them) are kept once per
        content in the same transaction (:mod:`~openmaas_tui.core.history.blobs`).

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
                "attachments": "[]",
                "reasoning": reasoning,
                "provider": provider,
                "model": model,
                "params": dumps(dict(params or {})),
                "created_at": now,
                "state": str(state),
                "owner": self.owner if state is MessageState.STREAMING else None,
                "tool_calls": tool_calls_json(tool_calls),
                "tool_call_id": tool_call_id,
                "tool_name": tool_name,
                "is_error": int(is_error),
                "reasoning_blocks": blocks_json(reasoning_blocks),
            }
            message_id = int(conn.execute(INSERT_MESSAGE, row).lastrowid or 0)
            attach(conn, message_id, attachments, now)
            self._touch(conn, session_id, now, first_user=content if role == Role.USER else None)
        return message_id

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

    def finish_message(
        self,
        message_id: int,
        record: AnswerRecord,
        *,
        source: SpendSource = SpendSource.PLAYGROUND,
        session_id: str | None = None,
    ) -> None:
        """Record how an answer ended: its final text and reasoning, usage, cost (USD), timings
        (ms) and finish or error, all from ``record``, and its spend in the ledger, in one
        transaction. Moves the session's ``updated_at``.

        The ledger row is written once per answer (a second finish adds none) and also when
        the answer's row is gone meanwhile (another process deleted the chat or regenerated).

        Args:
            message_id: the answer's id.
            record: how it ended.
            source: the face that ran it, for the ledger.
            session_id: its session, for the ledger (default: read from the answer's row).
        """
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
            "tool_calls": tool_calls_json(record.tool_calls, record.server_tools),
            "reasoning_blocks": blocks_json(record.reasoning_blocks),
        }
        assignments = ", ".join(f"{name} = :{name}" for name in final)
        with self._transaction() as conn:
            conn.execute(
                f"UPDATE messages SET {assignments} WHERE id = :message_id",
                final | {"message_id": message_id},
            )
            now = self._clock()
            conn.execute(
                "UPDATE sessions SET updated_at = :now WHERE id = "
                "(SELECT session_id FROM messages WHERE id = :message_id)",
                {"now": now, "message_id": message_id},
            )
            stored = conn.execute(
                "SELECT session_id, provider, model FROM messages WHERE id = :message_id",
                {"message_id": message_id},
            ).fetchone()
            if stored is not None:
                session_id = session_id or stored[0]
                record = replace(
                    record,
                    provider=record.provider or stored[1],
                    model=record.model or stored[2],
                )
            conn.execute(
                INSERT_SPEND,
                spend_row(
                    record,
                    answer_key=message_key(message_id),
                    ended_at=now,
                    source=source,
                    session_id=session_id,
                    message_id=message_id,
                ),
            )

    def add_spends(self, spends: Sequence[NewSpend]) -> None:
        """Put the spends of answers kept in no session (compare lanes, the gateway) into the
        ledger, in one transaction (all or none), each row keyed by a new UUID (so never
        counted twice), ended now by the store's clock."""
        ended_at = self._clock()
        rows = [
            spend_row(
                spend.record,
                answer_key=uuid.uuid4().hex,
                ended_at=ended_at,
                source=spend.source,
                compare_run_id=spend.compare_run_id,
                client=spend.client,
                status=spend.status,
            )
            for spend in spends
        ]
        with self._transaction() as conn:
            conn.executemany(INSERT_SPEND, rows)

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
