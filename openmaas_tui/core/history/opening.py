"""Opening the history database safely: check first, then migrate, never harm a damaged file.

A file is first read through a read-only connection (``PRAGMA user_version``, and
``PRAGMA quick_check`` when there is a reason to: see :func:`_needs_scan`); only a healthy file
of a known schema version is then opened for writing, switched to WAL and migrated. Anything
wrong raises ``OpenMaaSError(STORAGE_FAILED)`` naming the file, and the file is left exactly as
it was (never deleted, renamed, migrated or rewritten).

SQLite reference: https://www.sqlite.org/pragma.html#pragma_quick_check,
https://www.sqlite.org/wal.html, https://www.sqlite.org/uri.html (``mode=ro``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.schema import SCHEMA_VERSION, migrate, user_version

MEMORY = ":memory:"
"""The path of a database that lives in memory for one run."""

BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another process's write lock, in seconds."""


def storage_error(path: Path | str, what: str) -> OpenMaaSError:
    """A STORAGE_FAILED error naming ``path``."""
    return OpenMaaSError(
        ErrorCode.STORAGE_FAILED,
        f"history database {path}: {what}",
        hint="the history is kept in memory for this run; the file was left untouched "
        "(move it aside to start a new history)",
    )


def _needs_scan(path: Path, version: int) -> bool:
    """Whether to read the whole file with ``quick_check`` before opening it for writing: when
    a migration is about to rewrite its tables, or when a write-ahead log is left beside it (a
    process died, or another is writing now). A file closed cleanly at the current schema is
    not scanned: the scan reads every page, which for a year of history costs a noticeable part
    of a second at every start, and SQLite still refuses any damaged page it meets later
    (SQLITE_CORRUPT, shown as STORAGE_FAILED)."""
    wal = path.with_name(path.name + "-wal")
    return version < SCHEMA_VERSION or (wal.exists() and wal.stat().st_size > 0)


def _check_existing(path: Path) -> None:
    """Read ``path`` without any right to write it; raise if it is not a healthy history."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise storage_error(path, f"cannot be read ({exc})") from None
    try:
        version = user_version(conn)
        if version > SCHEMA_VERSION:
            raise storage_error(
                path,
                f"written by a newer openMaaS (schema {version}; this one reads up to "
                f"{SCHEMA_VERSION})",
            )
        if _needs_scan(path, version):
            problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise storage_error(path, "damaged: " + "; ".join(problems))
    except sqlite3.Error as exc:
        raise storage_error(path, f"unreadable ({exc})") from None
    finally:
        conn.close()


def open_database(path: Path | str) -> sqlite3.Connection:
    """Open (creating if need be), check and migrate the history database at ``path``.

    The connection is in autocommit mode (every statement commits unless wrapped in an explicit
    transaction), WAL, ``synchronous=NORMAL``, foreign keys on, and may only be used from the
    thread that opened it.

    Args:
        path: the file, or ``":memory:"``.

    Raises:
        OpenMaaSError: STORAGE_FAILED, naming the file, when its folder cannot be created, the
            file cannot be read or written, is damaged or has a newer schema.
    """
    if str(path) != MEMORY:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise storage_error(path, f"cannot create its folder ({exc.strerror})") from None
        if path.exists() and not path.is_file():
            raise storage_error(path, "is not a file")
        if path.exists() and path.stat().st_size > 0:
            _check_existing(path)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise storage_error(path, f"cannot be opened ({exc})") from None
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
        conn.execute("BEGIN IMMEDIATE")  # proves the file is writable, changes nothing
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(path, f"cannot be written ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn
