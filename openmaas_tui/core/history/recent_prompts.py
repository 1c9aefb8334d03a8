"""The prompts a person sent lately, newest first: what ↑ in an empty prompt steps back through
after the current chat's own (:class:`~openmaas_tui.core.sessions.prompt_recall.PromptRecall`).

Called on the store's thread, as every history read::

    prompts = await history.call(recent_prompts, limit=200)

Reading walks the messages backwards by their id (the primary key) and stops after ``scan``
rows, so it costs the same however long the history is.
"""

from __future__ import annotations

from openmaas_tui.core.history.database import Database

SCAN = 2_000
"""The most recent messages looked at: enough for a few hundred prompts."""


def recent_prompts(store: Database, *, limit: int = 200, scan: int = SCAN) -> list[str]:
    """The text of the people's messages of every session, newest first, each text once.

    Args:
        store: the history.
        limit: the most prompts returned.
        scan: the most recent messages read to find them.

    Raises:
        OpenMaaSError: STORAGE_FAILED (naming the file) when SQLite fails.
    """
    sql = (
        "SELECT content FROM (SELECT role, content FROM messages ORDER BY id DESC LIMIT ?) "
        "WHERE role = 'user' AND trim(content) != ''"
    )
    rows = store.read(lambda c: c.execute(sql, (scan,)).fetchall())
    seen: dict[str, None] = {}
    for (text,) in rows:
        seen.setdefault(str(text), None)
        if len(seen) >= limit:
            break
    return list(seen)


__all__ = ["SCAN", "recent_prompts"]
