"""The newest rows of the spend ledger from one face, read as they arrive.

A view that follows another process (the playground's "Gateway" screen follows
``openmaas serve``, which writes its own rows into the same file) asks again and again for
the rows after the last one it has; each ask reads only those, by the ledger's row id, so
polling stays cheap however long the ledger grows.
"""

from __future__ import annotations

from dataclasses import dataclass

from openmaas_tui.core.history.ledger import SPEND_COLUMNS, SpendEntry, SpendSource, entry_of
from openmaas_tui.core.history.store import Store

TAIL_LIMIT = 200
"""The most rows one read hands back (the newest ones)."""


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One row of the ledger and its id (ids only grow: a later row has a larger one)."""

    row_id: int
    entry: SpendEntry


def spend_since(
    store: Store, *, source: SpendSource, after: int = 0, limit: int = TAIL_LIMIT
) -> list[LedgerRow]:
    """The rows of ``source`` after row id ``after``, oldest first: the newest ``limit`` of
    them when more arrived (run it on the store's thread, e.g. ``await history.call(
    spend_since, source=SpendSource.GATEWAY, after=last)``).

    Raises:
        OpenMaaSError: STORAGE_FAILED when SQLite fails.
    """
    query = (
        f"SELECT id, {', '.join(SPEND_COLUMNS)} FROM spend_ledger "
        "WHERE id > ? AND source = ? ORDER BY id DESC LIMIT ?"
    )
    rows = store.read(lambda conn: conn.execute(query, (after, str(source), limit)).fetchall())
    return [LedgerRow(int(r[0]), entry_of(r[1:])) for r in reversed(rows)]
