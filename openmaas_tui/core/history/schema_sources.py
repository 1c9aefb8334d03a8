"""Schema 7: where each session came from, and who asked the gateway with what answer.

- ``sessions.source``: the face that started the session
  (:class:`~openmaas_tui.core.history.sources.SessionSource`), with the index
  ``sessions_by_source`` (source, then last activity: the rowid every index ends with) that
  serves the sidebar's list of one source page by page, as ``sessions_by_activity`` serves the
  whole list.
- ``spend_ledger.client``: for a gateway answer, the product token of the client's
  ``User-Agent`` (``OpenAI/Python``, ``curl/8.5.0``), cut short and made inert
  (:func:`~openmaas_tui.gateway.client.client_token`); ``spend_ledger.status``: the HTTP
  status the gateway answered with (499 when the client left first). Both null elsewhere and
  on rows written before.

What the history already knows is filled in once, for sessions stored before:

- a session whose first ledger row (the answer that began it) was run by ``ask`` is ``ask``
  (a playground chat that ``ask --session`` went on with later stays ``playground``);
- an imported session (``imported = 1``) is ``import``, unless a user message of it is the
  prompt of a compare run made before it and an answer of it is by a model that raced in that
  run: the playground's "carry on" stores its session whole, as an import does, so that
  session is ``compare``;
- every other session is ``playground`` (the default).

The ledger stays append-only: ``ALTER TABLE … ADD COLUMN`` rewrites no row and fires no trigger.
Reference: https://www.sqlite.org/lang_altertable.html#altertabaddcol.
"""

from __future__ import annotations

V7 = (
    "ALTER TABLE sessions ADD COLUMN source TEXT NOT NULL DEFAULT 'playground' "
    "CHECK (source IN ('playground', 'ask', 'compare', 'gateway', 'import'))",
    "CREATE INDEX sessions_by_source ON sessions (source, updated_at DESC)",
    "ALTER TABLE spend_ledger ADD COLUMN client TEXT",
    "ALTER TABLE spend_ledger ADD COLUMN status INTEGER",
    # the answer that began each session: its first ledger row (ids only grow)
    """WITH first_rows (id) AS (
            SELECT min(id) FROM spend_ledger WHERE session_id IS NOT NULL GROUP BY session_id)
        UPDATE sessions SET source = 'ask' WHERE id IN (
            SELECT l.session_id FROM first_rows AS f JOIN spend_ledger AS l ON l.id = f.id
            WHERE l.source = 'ask')""",
    "UPDATE sessions SET source = 'import' WHERE imported = 1",
    """UPDATE sessions SET source = 'compare' WHERE imported = 1 AND EXISTS (
            SELECT 1 FROM messages AS u
            JOIN compare_runs AS r ON r.prompt = u.content AND r.created_at <= sessions.created_at
            JOIN compare_targets AS t ON t.run_id = r.id
            JOIN messages AS a ON a.session_id = u.session_id AND a.role = 'assistant'
                AND a.model = t.model
            WHERE u.session_id = sessions.id AND u.role = 'user')""",
)
"""The statements of schema 7, in order."""
