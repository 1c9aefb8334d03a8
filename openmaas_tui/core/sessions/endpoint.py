"""Where a session's model is asked, as the history keeps it with the session.

A chat carried on from a compare column, or an ``openmaas ask`` given ``--base-url`` or
``--api``, goes on asking the same endpoint when it is continued, after a restart too. The
history keeps the base URL in ``sessions.base_url`` (schema 8,
:mod:`~openmaas_tui.core.history.schema_endpoint`) and a chosen API under ``"api"`` in
``sessions.params`` (as ``ask`` has always written it). Keys are never among them: a request is
signed with the provider's key from the keyring or the environment when it is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

API_KEY = "api"
"""The key of ``sessions.params`` that holds the API chosen (``chat`` or ``responses``)."""


def storable_url(url: str | None) -> str | None:
    """``url`` as it may be stored: without the parts that can carry a credential.

    The user and password of its authority (``https://user:secret@host/v1``), its query
    (``?api_key=…``) and its fragment are dropped; scheme, host, port and path stay. A URL
    that needed them fails to sign in when the stored session is asked again (AUTH_FAILED,
    said inline), rather than a secret landing in the history file.

    Args:
        url: a base URL (``http://127.0.0.1:8000/v1``), or None.

    Returns:
        The URL without those parts, or None for None or an empty string.
    """
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def api_of(params: Mapping[str, Any]) -> str | None:
    """The API a session's stored ``params`` name (``--api``, a compare column's), or None."""
    api = params.get(API_KEY)
    return api if isinstance(api, str) and api else None


def with_api(params: Mapping[str, Any], api: str | None) -> dict[str, Any]:
    """``params`` to store for a session asked through ``api`` (its key added, or left out
    when None)."""
    stored = {k: v for k, v in params.items() if k != API_KEY}
    if api is not None:
        stored[API_KEY] = api
    return stored
