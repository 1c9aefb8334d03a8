"""Where a session's model is asked, as the history keeps it with the session.

A chat carried on from a compare column, or an ``openmaas ask`` given ``--base-url`` or
``--api``, goes on asking the same endpoint when it is continued, after a restart too. The
history keeps the base URL in ``sessions.base_url`` (schema 8,
:mod:`~openmaas_tui.core.history.schema_endpoint`) and a chosen API under ``"api"`` in
``sessions.params`` (as ``ask`` has always written it). Keys are never among them: a request is
signed with the provider's key from the keyring or the environment when it is sent.

A session's export carries both as the history keeps them; an import reads them back through
:func:`importable_url` and :func:`known_api`, which let only a well-formed value in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from openmaas_tui.core.models.provider_kinds import Api

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


_URL_TEXT = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]{1,2048}")
"""The characters an imported URL may hold, and its longest length: RFC 3986's unreserved and
reserved characters and ``%`` escapes (https://www.rfc-editor.org/rfc/rfc3986#section-2)."""


def importable_url(value: object) -> str | None:
    """An imported session's base URL as it may be stored, or None when ``value`` is not one.

    Only an ``http`` or ``https`` URL with a host, written in the characters of a URL
    (RFC 3986: no control character, space or quote, so it shows as written in a terminal),
    is taken; it is stored without the parts that can carry a credential
    (:func:`storable_url`).

    Args:
        value: the JSON value of an export's ``session.base_url`` (any type).

    Returns:
        The URL to store, or None (the session is asked at its provider's endpoint).
    """
    if not isinstance(value, str) or not _URL_TEXT.fullmatch(value):
        return None
    try:
        parts = urlsplit(value)
        well_formed = (
            parts.scheme.lower() in ("http", "https")
            and bool(parts.hostname)
            and parts.port != 0  # .port raises ValueError for one that is not a port
        )
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        return None
    return storable_url(value) if well_formed else None


def known_api(value: object) -> str | None:
    """``value`` if it names an API a session may be asked through (``chat``, ``responses``:
    :class:`~openmaas_tui.core.models.provider_kinds.Api`), else None."""
    return value if isinstance(value, str) and value in tuple(Api) else None


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
