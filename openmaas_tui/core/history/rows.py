"""Turning database rows into store records and back, and the SQL shared by the store's queries.

Every statement names its parameters after the columns they fill (``:session_id``), so a row
is passed as a mapping (:data:`NEW_MESSAGE`, :func:`session_row`) and no value can land in
another column's place.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.records import StoredMessage, StoredSession
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.reasoning import blocks_from_json
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.endpoint import storable_url
from openmaas_tui.core.totals import Totals
from openmaas_tui.core.types import Role, ToolCall

MESSAGE_COLUMNS = (
    "id, session_id, position, role, content, attachments, reasoning, provider, model, params, "
    "created_at, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd, "
    "cost_estimated, ttft_ms, duration_ms, finish_reason, finish_reason_raw, error_code, "
    "error_message, state, tool_calls, tool_call_id, tool_name, is_error, reasoning_blocks"
)
"""The columns :func:`message_of` reads, in order."""

MESSAGE_NAMES = (*MESSAGE_COLUMNS.split(", ")[1:], "owner")
"""The columns a new message is inserted with (all but ``id``, and the ``owner`` of a streaming
answer), each also the name of its parameter (``:session_id``, …)."""

SESSION_NAMES = (
    *"id title title_is_custom created_at updated_at provider model params imported".split(),
    "source",
    "base_url",
)
"""A session's columns in order, each also the name of its parameter when one is inserted."""

SESSION_COLUMNS = ", ".join(f"s.{name}" for name in SESSION_NAMES)
"""The session columns :func:`session_of` reads first, in order, before its count of messages
and :data:`TOTALS`."""

TOTALS = (
    "coalesce(sum(m.role = 'assistant'), 0), "
    "coalesce(sum(m.role = 'assistant' AND m.cost_usd IS NOT NULL), 0), "
    "coalesce(sum(m.role = 'assistant' AND m.cost_usd IS NULL "
    "AND (m.content != '' OR m.output_tokens IS NOT NULL)), 0), "
    "coalesce(sum(m.input_tokens), 0), coalesce(sum(m.output_tokens), 0), "
    "coalesce(sum(m.cached_input_tokens), 0), coalesce(sum(m.reasoning_tokens), 0), "
    "coalesce(sum(m.cost_usd), 0.0), coalesce(max(m.cost_estimated), 0)"
)
"""The nine aggregate columns over messages ``m`` that :func:`totals_of` reads: answers,
priced answers, answers with an unknown price, the four token sums, the known cost (USD) and
whether any message's counts were estimated. An answer with text or tokens but no cost has an
unknown price; an empty failed answer (nothing arrived, nothing billed) costs nothing."""


INSERT_SESSION = (
    f"INSERT INTO sessions ({', '.join(SESSION_NAMES)}) "
    f"VALUES ({', '.join(':' + n for n in SESSION_NAMES)})"
)
"""Adds a session; its parameters are named as the columns (:func:`session_row`)."""

INSERT_MESSAGE = (
    f"INSERT INTO messages ({', '.join(MESSAGE_NAMES)}) "
    f"VALUES ({', '.join(':' + n for n in MESSAGE_NAMES)})"
)
"""Adds a message; its parameters are named as the columns (:data:`MESSAGE_NAMES`)."""

NEW_MESSAGE: dict[str, Any] = {
    **dict.fromkeys(MESSAGE_NAMES),
    "cost_estimated": 0,
    "tool_calls": "[]",
    "is_error": 0,
}
"""A message row's fields before anything is known of it: all null but ``cost_estimated``,
``tool_calls`` (none) and ``is_error``."""

_ROLES = {r.value: r for r in Role}
_STATES = {s.value: s for s in MessageState}
_SOURCES = {s.value: s for s in SessionSource}


def _json_object(text: str) -> dict[str, Any]:
    if not text or text == "{}":  # the common case, without a parse
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def dumps(value: Any) -> str:
    """JSON as stored: compact, UTF-8 kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def totals_of(row: sqlite3.Row | tuple[Any, ...], start: int) -> Totals:
    """The nine columns of ``row`` from index ``start``, in the order of :data:`TOTALS`."""
    answers, priced, unknown, tin, tout, cached, reasoning, cost, estimated = row[start : start + 9]
    return Totals(
        answers=int(answers),
        priced=int(priced),
        unknown=int(unknown or 0),
        input_tokens=int(tin),
        output_tokens=int(tout),
        cached_input_tokens=int(cached),
        reasoning_tokens=int(reasoning),
        cost_usd=float(cost),
        estimated=bool(estimated),
    )


def session_of(row: sqlite3.Row | tuple[Any, ...]) -> StoredSession:
    """A session from :data:`SESSION_COLUMNS`, its count of messages, then :data:`TOTALS`."""
    return StoredSession(
        id=row[0],
        title=row[1],
        title_is_custom=bool(row[2]),
        created_at=float(row[3]),
        updated_at=float(row[4]),
        provider=row[5],
        model=row[6],
        params=_json_object(row[7]),
        imported=bool(row[8]),
        source=_SOURCES.get(row[9], SessionSource.PLAYGROUND),
        base_url=row[10],
        message_count=int(row[11]),
        totals=totals_of(row, 12),
    )


def tool_calls_json(
    calls: tuple[ToolCall, ...], server_tools: tuple[ServerToolCall, ...] = ()
) -> str:
    """The ``tool_calls`` column: a JSON list of :meth:`ToolCall.as_dict` objects, then the
    tools the provider ran itself (:meth:`ServerToolCall.as_dict` with ``"server": true``;
    kept beside the calls rather than in a column of their own)."""
    server = [tool.as_dict() | {"server": True} for tool in server_tools]
    return dumps([call.as_dict() for call in calls] + server)


def _tool_calls(text: str) -> tuple[ToolCall, ...]:
    if not text or text == "[]":
        return ()
    items = json.loads(text)
    return tuple(
        ToolCall.from_dict(c) for c in items if isinstance(c, dict) and not c.get("server")
    )


def server_tools_of(text: str | None) -> tuple[ServerToolCall, ...]:
    """The tools the provider ran itself, as :func:`tool_calls_json` wrote them in the
    ``tool_calls`` column; an unreadable entry is left out."""
    if not text or '"server"' not in text:
        return ()
    found: list[ServerToolCall] = []
    for item in json.loads(text):
        if isinstance(item, dict) and item.get("server") is True:
            try:
                found.append(ServerToolCall.from_dict(item))
            except TypeError:
                continue
    return tuple(found)


def message_of(row: sqlite3.Row | tuple[Any, ...]) -> StoredMessage:
    """A message from the :data:`MESSAGE_COLUMNS` of ``row``."""
    attachments = json.loads(row[5]) if row[5] and row[5] != "[]" else []
    return StoredMessage(
        id=int(row[0]),
        session_id=row[1],
        position=int(row[2]),
        role=_ROLES[row[3]],
        content=row[4],
        attachments=tuple(a for a in attachments if isinstance(a, dict)),
        reasoning=row[6],
        provider=row[7],
        model=row[8],
        params=_json_object(row[9]),
        created_at=float(row[10]),
        input_tokens=row[11],
        output_tokens=row[12],
        cached_input_tokens=row[13],
        reasoning_tokens=row[14],
        cost_usd=row[15],
        cost_estimated=bool(row[16]),
        ttft_ms=row[17],
        duration_ms=row[18],
        finish_reason=row[19],
        finish_reason_raw=row[20],
        error_code=row[21],
        error_message=row[22],
        state=_STATES[row[23]],
        tool_calls=_tool_calls(row[24]),
        tool_call_id=row[25],
        tool_name=row[26],
        is_error=bool(row[27]),
        reasoning_blocks=blocks_from_json(row[28]),
        server_tools=server_tools_of(row[24]),
    )


def session_row(session: StoredSession, session_id: str) -> dict[str, Any]:
    """The parameters of :data:`INSERT_SESSION`: ``session``'s fields under ``session_id``."""
    return {
        "id": session_id,
        "title": session.title,
        "title_is_custom": int(session.title_is_custom),
        "created_at": session.created_at,
        "updated_at": session.updated_at,
        "provider": session.provider,
        "model": session.model,
        "params": dumps(session.params),
        "imported": int(session.imported),
        "source": str(session.source),
        "base_url": storable_url(session.base_url),
    }
