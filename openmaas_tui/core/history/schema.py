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

Schema 3 makes the history safe for many processes and keeps spend that cannot be erased:

- ``messages`` is rebuilt with ``AUTOINCREMENT`` (an id is never handed out twice, even after
  the newest message was deleted: a process still writing a streaming answer can never write
  into another's row) and an ``owner`` column: the token of the process writing a streaming
  answer (:mod:`openmaas_tui.core.history.owners`).
- ``sessions.imported``: 1 for a session added by an import (its spend was made elsewhere).
- ``spend_ledger``: one row per ended answer, append-only (triggers refuse UPDATE and DELETE),
  no foreign keys (deleting a chat keeps its spend); see
  :mod:`openmaas_tui.core.history.ledger`. It is filled once from the answers and compare
  targets already stored, so an upgraded history keeps its spend.

Schema 4 rebuilds ``messages`` with role ``tool`` and the tool-call columns.

Schema 5 keeps attachments (:mod:`openmaas_tui.core.history.blobs`):

- ``blobs``: one row per distinct content: sha256 (hex, unique), media_type, size_bytes,
  data (the bytes), created_at;
- ``message_blobs``: which message uses which blob, at which attachment position; deleting a
  message deletes its links, and the ``blobs_unused`` trigger deletes a blob no link uses.
  A later migration that rebuilds ``messages`` must keep its ids (as schemas 3 and 4 did) and
  run with foreign keys off, or the links go with the old table.

Schema 6 adds ``messages.reasoning_blocks``: the signed or redacted reasoning blocks of answers
(JSON, or null; :mod:`openmaas_tui.core.reasoning`), sent back as Anthropic and Bedrock require.

Schema 7 (:mod:`openmaas_tui.core.history.schema_sources`): where each session came from, and
the gateway's client and status; schema 8 (:mod:`.schema_endpoint`): each session's base URL.

SQLite reference: https://www.sqlite.org/autoinc.html,
https://www.sqlite.org/lang_altertable.html#otheralter (rebuilding a table),
https://www.sqlite.org/fts5.html (external content tables and their
triggers, section 4.4.3) and https://www.sqlite.org/pragma.html#pragma_user_version.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from openmaas_tui.core.history.schema_endpoint import V8
from openmaas_tui.core.history.schema_sources import V7


@dataclass(frozen=True, slots=True)
class Migration:
    """One step forward: the statements that take a file from ``version - 1`` to ``version``."""

    version: int
    summary: str
    statements: tuple[str, ...]


_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
_STATES = "'complete', 'streaming', 'stopped', 'interrupted', 'error'"

_MESSAGE_TRIGGERS = (
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
)
"""Keep ``messages_fts`` in step with ``messages`` (made again when schema 3 rebuilds it)."""

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
    *_MESSAGE_TRIGGERS,
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

_MESSAGE_COLUMNS_V2 = (
    "id, session_id, position, role, content, attachments, reasoning, provider, model, params, "
    "created_at, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, "
    "cost_estimated, ttft_ms, duration_ms, finish_reason, finish_reason_raw, error_code, "
    "error_message, state"
)
_SOURCES = "'playground', 'ask', 'compare', 'gateway', 'history'"
_BILLED = "(m.content != '' OR m.output_tokens IS NOT NULL)"
"""Whether a stored answer was billed, by the rule the cost report used before the ledger: an
answer with text or counted output tokens was; an empty failed one was not."""

_V3 = (
    # messages again, with AUTOINCREMENT and an owner (SQLite cannot add AUTOINCREMENT in place)
    f"""CREATE TABLE messages_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
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
        owner TEXT,
        UNIQUE (session_id, position)
    )""",
    f"INSERT INTO messages_v3 ({_MESSAGE_COLUMNS_V2}) "
    f"SELECT {_MESSAGE_COLUMNS_V2} FROM messages ORDER BY id",
    "DROP TABLE messages",  # its index and triggers go with it; messages_fts keeps its rowids
    "ALTER TABLE messages_v3 RENAME TO messages",
    "CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming'",
    *_MESSAGE_TRIGGERS,
    "ALTER TABLE sessions ADD COLUMN imported INTEGER NOT NULL DEFAULT 0",
    f"""CREATE TABLE spend_ledger (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        answer_key TEXT NOT NULL UNIQUE,
        ended_at REAL NOT NULL,
        source TEXT NOT NULL CHECK (source IN ({_SOURCES})),
        provider TEXT,
        model TEXT,
        input_tokens INTEGER,
        output_tokens INTEGER,
        cached_input_tokens INTEGER,
        reasoning_tokens INTEGER,
        cost_usd REAL,
        billed INTEGER NOT NULL,
        estimated INTEGER NOT NULL DEFAULT 0,
        session_id TEXT,
        message_id INTEGER,
        compare_run_id TEXT
    )""",
    "CREATE INDEX spend_ledger_by_time ON spend_ledger (ended_at)",
    """CREATE TRIGGER spend_ledger_append_only_update BEFORE UPDATE ON spend_ledger BEGIN
        SELECT RAISE (ABORT, 'the spend ledger is append-only');
    END""",
    """CREATE TRIGGER spend_ledger_append_only_delete BEFORE DELETE ON spend_ledger BEGIN
        SELECT RAISE (ABORT, 'the spend ledger is append-only');
    END""",
    # the spend already in the history, once: answers that are not streaming, and compare targets
    f"""INSERT INTO spend_ledger (answer_key, ended_at, source, provider, model, input_tokens,
            output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, billed, estimated,
            session_id, message_id)
        SELECT 'message:' || m.id, m.created_at, 'history',
            m.provider, m.model, m.input_tokens, m.output_tokens, m.cached_input_tokens,
            m.reasoning_tokens, m.cost_usd, {_BILLED}, m.cost_estimated, m.session_id, m.id
        FROM messages AS m WHERE m.role = 'assistant' AND m.state != 'streaming' ORDER BY m.id""",
    """INSERT INTO spend_ledger (answer_key, ended_at, source, provider, model, input_tokens,
            output_tokens, cost_usd, billed, estimated, compare_run_id)
        SELECT 'compare:' || t.run_id || ':' || t.position, r.created_at, 'compare', t.provider,
            t.model, t.input_tokens, t.output_tokens, t.cost_usd,
            t.status != 'error' OR coalesce(t.output_tokens, 0) > 0, 0, t.run_id
        FROM compare_targets AS t JOIN compare_runs AS r ON r.id = t.run_id
        ORDER BY r.created_at, t.position""",
)

_MESSAGE_COLUMNS_V3 = f"{_MESSAGE_COLUMNS_V2}, owner"

_V4 = (
    # messages again: role 'tool' (a tool's result), and the tool calls of an answer (SQLite
    # cannot change a CHECK constraint in place)
    f"""CREATE TABLE messages_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
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
        owner TEXT,
        tool_calls TEXT NOT NULL DEFAULT '[]',
        tool_call_id TEXT,
        tool_name TEXT,
        is_error INTEGER NOT NULL DEFAULT 0,
        UNIQUE (session_id, position)
    )""",
    f"INSERT INTO messages_v4 ({_MESSAGE_COLUMNS_V3}) "
    f"SELECT {_MESSAGE_COLUMNS_V3} FROM messages ORDER BY id",
    "DROP TABLE messages",
    "ALTER TABLE messages_v4 RENAME TO messages",
    "CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming'",
    *_MESSAGE_TRIGGERS,
)

_V5 = (
    """CREATE TABLE blobs (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        media_type TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        data BLOB NOT NULL,
        created_at REAL NOT NULL
    )""",
    """CREATE TABLE message_blobs (
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        sha256 TEXT NOT NULL REFERENCES blobs (sha256),
        PRIMARY KEY (message_id, position)
    )""",
    "CREATE INDEX message_blobs_by_blob ON message_blobs (sha256)",
    """CREATE TRIGGER blobs_unused AFTER DELETE ON message_blobs BEGIN
        DELETE FROM blobs WHERE sha256 = old.sha256
            AND NOT EXISTS (SELECT 1 FROM message_blobs WHERE sha256 = old.sha256);
    END""",
)

_V6 = ("ALTER TABLE messages ADD COLUMN reasoning_blocks TEXT",)
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "sessions, messages and their full-text indexes", _V1),
    Migration(2, "compare runs and their targets", _V2),
    Migration(3, "message ids never reused, streaming owners, imports, the spend ledger", _V3),
    Migration(4, "tool results (role tool) and the tool calls of answers", _V4),
    Migration(5, "attachments kept once per content (blobs by SHA-256)", _V5),
    Migration(6, "the signed and redacted reasoning blocks of answers", _V6),
    Migration(7, "where each session came from; the gateway's client and status", V7),
    Migration(8, "the base URL each session's model is asked at", V8),
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
