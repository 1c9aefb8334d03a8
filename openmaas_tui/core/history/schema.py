"""The history database's schema, as a plain ordered list of forward migrations.

``PRAGMA user_version`` holds how many migrations a file has had; :func:`migrate` applies the
missing ones in order, each in one transaction (so a file is never half migrated). Migrations
are never edited once released: a change to the schema is a new entry at the end.

Schema 1:

- ``sessions``: id (UUID4 hex), title, title_is_custom, created_at / updated_at (epoch
  seconds), default provider, model and params (JSON object).
- ``messages``: id, session_id, position (unique per session), role, content, attachments
  (JSON array), reasoning, provider, model, params (JSON), created_at, the four token counts,
  cost_usd, cost_estimated, ttft_ms, duration_ms, finish_reason(_raw), error_code /
  error_message, state (see :class:`~openmaas_tui.core.history.records.MessageState`).
- ``messages_fts`` (external content over ``messages.content``) and ``sessions_fts`` (titles),
  both FTS5 with the ``unicode61`` tokenizer, kept in sync by triggers.

Schema 2 adds the compare history (:mod:`openmaas_tui.core.history.compare_runs`):

- ``compare_runs``: id (hex), created_at / updated_at (epoch seconds), prompt, system, target
  count, labels (JSON array of the targets' labels), succeeded / failed counts, total cost
  (USD, null when any is unknown) and ``run_json``: the whole run as
  :func:`~openmaas_tui.core.compare.export.run_json` wrote it, the source of truth for exports.
- ``compare_targets``: one row per target (run_id, position, label, provider, model, status,
  error_code, ttft_ms, duration_ms, input / output tokens, tokens_per_s, cost_usd), so the
  history can be listed and compared per model without parsing every run's JSON.

SQLite reference: https://www.sqlite.org/fts5.html (external content tables and their
triggers, section 4.4.3) and https://www.sqlite.org/pragma.html#pragma_user_version.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One step forward: the statements that take a file from ``version - 1`` to ``version``."""

    version: int
    summary: str
    statements: tuple[str, ...]


_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
_STATES = "'complete', 'streaming', 'stopped', 'interrupted', 'error'"

_V1 = (
    """CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        title_is_custom INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        provider TEXT,
        model TEXT,
        params TEXT NOT NULL DEFAULT '{}'
    )""",
    "CREATE INDEX sessions_by_activity ON sessions (updated_at DESC)",
    f"""CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL DEFAULT '',
        attachments TEXT NOT NULL DEFAULT '[]',
        reasoning TEXT,
        provider TEXT,
        model TEXT,
        params TEXT NOT NULL DEFAULT '{{}}',
        created_at REAL NOT NULL,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cached_input_tokens INTEGER,
        reasoning_tokens INTEGER,
        cost_usd REAL,
        cost_estimated INTEGER NOT NULL DEFAULT 0,
        ttft_ms REAL,
        duration_ms REAL,
        finish_reason TEXT,
        finish_reason_raw TEXT,
        error_code TEXT,
        error_message TEXT,
        state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN ({_STATES})),
        UNIQUE (session_id, position)
    )""",
    "CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming'",
    f"""CREATE VIRTUAL TABLE messages_fts USING fts5 (
        content, content = 'messages', content_rowid = 'id', {_TOKENIZE}
    )""",
    """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
    END""",
    """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content)
            VALUES ('delete', old.id, old.content);
    END""",
    """CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, content)
            VALUES ('delete', old.id, old.content);
        INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content);
    END""",
    f"CREATE VIRTUAL TABLE sessions_fts USING fts5 (title, session_id UNINDEXED, {_TOKENIZE})",
    """CREATE TRIGGER sessions_fts_insert AFTER INSERT ON sessions BEGIN
        INSERT INTO sessions_fts (title, session_id) VALUES (new.title, new.id);
    END""",
    """CREATE TRIGGER sessions_fts_delete AFTER DELETE ON sessions BEGIN
        DELETE FROM sessions_fts WHERE session_id = old.id;
    END""",
    """CREATE TRIGGER sessions_fts_update AFTER UPDATE OF title ON sessions BEGIN
        DELETE FROM sessions_fts WHERE session_id = old.id;
        INSERT INTO sessions_fts (title, session_id) VALUES (new.title, new.id);
    END""",
)

_V2 = (
    """CREATE TABLE compare_runs (
        id TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        prompt TEXT NOT NULL,
        system TEXT,
        target_count INTEGER NOT NULL,
        labels TEXT NOT NULL DEFAULT '[]',
        succeeded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        total_cost_usd REAL,
        run_json TEXT NOT NULL
    )""",
    "CREATE INDEX compare_runs_by_time ON compare_runs (created_at DESC)",
    """CREATE TABLE compare_targets (
        run_id TEXT NOT NULL REFERENCES compare_runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        provider TEXT,
        model TEXT NOT NULL,
        status TEXT NOT NULL,
        error_code TEXT,
        ttft_ms REAL,
        duration_ms REAL,
        input_tokens INTEGER,
        output_tokens INTEGER,
        tokens_per_s REAL,
        cost_usd REAL,
        PRIMARY KEY (run_id, position)
    )""",
    "CREATE INDEX compare_targets_by_model ON compare_targets (provider, model)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sessions, messages and their full-text indexes", _V1),
    Migration(2, "compare runs and their targets", _V2),
)
"""Every migration, oldest first; ``MIGRATIONS[i].version == i + 1``."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this code writes and reads."""


def user_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a new, empty file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations a file lacks, up to ``target``, each in its own transaction.

    The version is read again under the write lock, so two processes opening a new file at
    once do not both migrate it.

    Args:
        conn: a connection in autocommit mode (``isolation_level=None``).
        target: the version to reach (tests build old files with a smaller one).

    Returns:
        The file's version afterwards.

    Raises:
        sqlite3.Error: when a statement fails; that migration is rolled back.
    """
    for migration in MIGRATIONS[:target]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= migration.version:
                conn.execute("COMMIT")
                continue
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return user_version(conn)
