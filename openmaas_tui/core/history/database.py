"""One open history database: the connection every store method goes through.

A :class:`Database` opens the file safely
(:func:`~openmaas_tui.core.history.opening.open_database`), turns any SQLite failure into
``OpenMaaSError(STORAGE_FAILED)`` naming the file, and runs statements with **named**
parameters only: ``:session_id`` in the SQL, ``session_id=…`` in the call, so a value can
never land in another's place. :class:`~openmaas_tui.core.history.store.Store` builds the
sessions and messages on it; :meth:`Database.read` and :meth:`Database.write` serve the tables
it has no method for (compare runs, the cost report).

The connection may only be used from the thread that opened it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from openmaas_tui.core.history.opening import MEMORY, open_database, storage_error

T = TypeVar("T")


class Database:
    """An open history file and its one connection.

    Attributes:
        path: the database file, or ``":memory:"``.
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

    def _run(self, sql: str, /, **names: Any) -> sqlite3.Cursor:
        """Run one statement (it commits at once) with its named parameters."""
        with self._errors():
            return self._conn.execute(sql, names)

    def _all(self, sql: str, /, **names: Any) -> list[Any]:
        """Every row of one query with its named parameters."""
        with self._errors():
            return self._conn.execute(sql, names).fetchall()

    def _one(self, sql: str, /, **names: Any) -> Any:
        """The first row of one query with its named parameters, or None."""
        with self._errors():
            return self._conn.execute(sql, names).fetchone()

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
