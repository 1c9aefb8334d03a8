"""A long history made fast: sessions with a question and an answer each, written in one
transaction (``executemany``), for tests of what the app does with many sessions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from openmaas_tui.core.history.records import StoredSession
from openmaas_tui.core.history.rows import (
    INSERT_MESSAGE,
    INSERT_SESSION,
    NEW_MESSAGE,
    session_row,
)
from openmaas_tui.core.history.store import Store

START = 1_700_000_000.0
"""The first session's last activity (seconds since the epoch); each later one a minute on."""


def title(i: int) -> str:
    """The title of session ``i`` (0: the oldest)."""
    return f"chat {i:05d}"


def seed(path: Path, count: int) -> None:
    """Add ``count`` sessions to the history at ``path``: session ``i`` is titled
    :func:`title` (i), last active ``i`` minutes after :data:`START`, and holds the question
    ``question i`` and the answer ``answer i`` (the newest is ``count - 1``)."""
    store = Store(path)

    def fill(conn: sqlite3.Connection) -> None:
        sessions, messages = [], []
        for i in range(count):
            sid = f"{i:032x}"
            at = START + 60 * i
            head = StoredSession(sid, title(i), False, at, at, "demo", "demo")
            sessions.append(session_row(head, sid))
            for position, (role, text) in enumerate(
                (("user", "question"), ("assistant", "answer"))
            ):
                messages.append(
                    NEW_MESSAGE
                    | {
                        "session_id": sid,
                        "position": position,
                        "role": role,
                        "content": f"{text} {i}",
                        "attachments": "[]",
                        "params": "{}",
                        "created_at": at,
                        "state": "complete",
                    }
                )
        conn.executemany(INSERT_SESSION, sessions)
        conn.executemany(INSERT_MESSAGE, messages)

    try:
        store.write(fill)
    finally:
        store.close()
