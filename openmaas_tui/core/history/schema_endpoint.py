"""Schema 8: where each session's model is asked when not at its provider's own endpoint.

- ``sessions.base_url``: the base URL a session's requests go to (a compare column's
  OpenAI-compatible server carried on as a chat, ``openmaas ask --base-url``), or null for the
  provider's endpoint (a custom endpoint of ``config.toml`` is named by its provider, and its
  URL read from the settings). Stored without user, password or query
  (:func:`~openmaas_tui.core.sessions.endpoint.storable_url`): no key is ever kept with a
  session. Null on every session stored before: they were asked at their provider's endpoint,
  or at one this history never knew.

``ALTER TABLE … ADD COLUMN`` rewrites no row. Reference:
https://www.sqlite.org/lang_altertable.html#altertabaddcol.
"""

from __future__ import annotations

V8 = ("ALTER TABLE sessions ADD COLUMN base_url TEXT",)
"""The statements of schema 8."""
