"""Reading a session back from its JSON export, checking every field.

Each problem is an ``OpenMaaSError(INVALID_REQUEST)`` naming the source and the field, e.g.
``chat.json: messages[3].role: expected one of user, assistant, got 'bot'``. Fields missing
from a message take their defaults (``null``, ``false``, ``[]``, ``{}``); unknown fields are
ignored; ``schema_version`` must be one this code knows.

Every value must also fit where it goes (:data:`_LIMITS`): counts and positions from 0 to what
SQLite stores, costs and durations finite and not negative, times between 1970 and 9999;
``NaN``, ``Infinity`` and numbers too large for a float are refused anywhere in the file, as are
lone surrogates (``"\\ud800"``, not UTF-8 text) and nesting deeper than
:data:`~openmaas_tui.core.config.text.MAX_NESTING`.

Where the session's model is asked is taken only when well formed, else ignored (the session
is then asked at its provider's endpoint; an export from before it was kept has none): the
session's ``base_url`` (an http or https URL, stored without user, password or query:
:func:`~openmaas_tui.core.sessions.endpoint.importable_url`) and ``params.api`` (``chat`` or
``responses``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from openmaas_tui.core.config.numbers import LATEST_TIMESTAMP_S, SQLITE_INTEGER_MAX
from openmaas_tui.core.config.text import MAX_NESTING, NotText, check_text, depth, find_bad_text
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.records import StoredMessage, StoredSession
from openmaas_tui.core.reasoning import ReasoningBlock
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.endpoint import API_KEY, importable_url, known_api, with_api
from openmaas_tui.core.sessions.export import FORMAT, SCHEMA_VERSION
from openmaas_tui.core.types import Role, ToolCall

_INT, _NUM, _STR, _BOOL, _OBJ, _LIST = "integer", "number", "string", "boolean", "object", "array"

_SESSION_FIELDS: dict[str, tuple[str, bool]] = {
    "title": (_STR, False),
    "title_is_custom": (_BOOL, False),
    "created_at": (_NUM, False),
    "updated_at": (_NUM, False),
    "provider": (_STR, True),
    "model": (_STR, True),
    "params": (_OBJ, False),
}
"""Field -> (JSON type, may be null)."""

_MESSAGE_FIELDS: dict[str, tuple[str, bool]] = {
    "position": (_INT, False),
    "content": (_STR, False),
    "attachments": (_LIST, False),
    "reasoning": (_STR, True),
    "provider": (_STR, True),
    "model": (_STR, True),
    "params": (_OBJ, False),
    "created_at": (_NUM, False),
    "input_tokens": (_INT, True),
    "output_tokens": (_INT, True),
    "cached_input_tokens": (_INT, True),
    "reasoning_tokens": (_INT, True),
    "cost_usd": (_NUM, True),
    "cost_estimated": (_BOOL, False),
    "ttft_ms": (_NUM, True),
    "duration_ms": (_NUM, True),
    "finish_reason": (_STR, True),
    "finish_reason_raw": (_STR, True),
    "error_code": (_STR, True),
    "error_message": (_STR, True),
    "tool_calls": (_LIST, False),
    "tool_call_id": (_STR, True),
    "tool_name": (_STR, True),
    "is_error": (_BOOL, False),
    "reasoning_blocks": (_LIST, False),
    "server_tools": (_LIST, False),
}

_MOST_USD = 1e12
"""The largest cost one message may carry, in USD: any real one is far below."""

_MOST_MS = 1e12
"""The longest duration one message may carry, in ms (some 31 years)."""

_LIMITS: dict[str, tuple[float, float]] = {
    "position": (0, SQLITE_INTEGER_MAX),
    "input_tokens": (0, SQLITE_INTEGER_MAX),
    "output_tokens": (0, SQLITE_INTEGER_MAX),
    "cached_input_tokens": (0, SQLITE_INTEGER_MAX),
    "reasoning_tokens": (0, SQLITE_INTEGER_MAX),
    "cost_usd": (0.0, _MOST_USD),
    "ttft_ms": (0.0, _MOST_MS),
    "duration_ms": (0.0, _MOST_MS),
    "created_at": (0.0, LATEST_TIMESTAMP_S),
    "updated_at": (0.0, LATEST_TIMESTAMP_S),
}
"""Field -> inclusive bounds of a number (seconds since the epoch for times)."""

_DEFAULTS: dict[str, Any] = {
    "attachments": [],
    "params": {},
    "cost_estimated": False,
    "tool_calls": [],
    "is_error": False,
    "reasoning_blocks": [],
    "server_tools": [],
    "title_is_custom": False,
    "content": "",
}


def _invalid(source: str, where: str, what: str) -> OpenMaaSError:
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"{source}: {where}: {what}",
        hint="import a file written by `openmaas sessions export ID --format json`",
    )


def _is(value: Any, kind: str) -> bool:
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _NUM:
        return isinstance(value, int | float) and not isinstance(value, bool)
    types = {_STR: str, _BOOL: bool, _OBJ: dict, _LIST: list}
    return isinstance(value, types[kind])


def _fields(source: str, where: str, raw: Any, spec: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid(source, where, "expected an object")
    out: dict[str, Any] = {}
    for name, (kind, nullable) in spec.items():
        if name not in raw:
            if name in _DEFAULTS:
                out[name] = _DEFAULTS[name]
                continue
            if nullable:
                out[name] = None
                continue
            raise _invalid(source, f"{where}.{name}", "missing")
        value = raw[name]
        if value is None and nullable:
            out[name] = None
        elif not _is(value, kind):
            shown = json.dumps(value, ensure_ascii=False)[:40]
            raise _invalid(source, f"{where}.{name}", f"expected {kind}, got {shown}")
        else:
            out[name] = _checked(source, f"{where}.{name}", name, kind, value)
    return out


def _number_text(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)[:40]


def _checked(source: str, where: str, name: str, kind: str, value: Any) -> Any:
    """``value`` (of JSON type ``kind``) if it fits where field ``name`` goes."""
    if name in _LIMITS:
        low, high = _LIMITS[name]
        if not low <= value <= high:
            span = f"from {_number_text(low)} to {_number_text(high)}"
            raise _invalid(source, where, f"expected {kind} {span}, got {_number_text(value)}")
    if kind == _STR:
        try:
            check_text(value)
        except NotText as exc:
            raise _invalid(source, where, str(exc)) from None
    elif kind in (_OBJ, _LIST):
        if depth(value) > MAX_NESTING:
            raise _invalid(source, where, f"nests deeper than {MAX_NESTING} levels")
        problem = find_bad_text(value)
        if problem is not None:
            raise _invalid(source, where, problem)
    return float(value) if kind == _NUM else value


def _choice(source: str, where: str, value: Any, allowed: list[str]) -> str:
    if value not in allowed:
        shown = json.dumps(value, ensure_ascii=False)[:40]
        raise _invalid(source, where, f"expected one of {', '.join(allowed)}, got {shown}")
    return str(value)


def _message(source: str, index: int, raw: Any) -> StoredMessage:
    where = f"messages[{index}]"
    fields = _fields(source, where, raw, _MESSAGE_FIELDS)
    role = _choice(source, f"{where}.role", raw.get("role"), [r.value for r in Role])
    state = raw.get("state", MessageState.COMPLETE.value)
    state = _choice(source, f"{where}.state", state, [s.value for s in MessageState])
    for position, attachment in enumerate(fields["attachments"]):
        if not isinstance(attachment, dict):
            raise _invalid(source, f"{where}.attachments[{position}]", "expected an object")
    fields["attachments"] = tuple(fields["attachments"])
    calls = []
    for position, call in enumerate(fields["tool_calls"]):
        try:
            calls.append(ToolCall.from_dict(call))
        except (KeyError, TypeError, AttributeError):
            what = "expected an object with a name and arguments (strings)"
            raise _invalid(source, f"{where}.tool_calls[{position}]", what) from None
    fields["tool_calls"] = tuple(calls)
    blocks = []
    for position, block in enumerate(fields["reasoning_blocks"]):
        try:
            blocks.append(ReasoningBlock.from_dict(block))
        except TypeError:
            what = "expected an object with a text and, if any, a signature or data (strings)"
            raise _invalid(source, f"{where}.reasoning_blocks[{position}]", what) from None
    fields["reasoning_blocks"] = tuple(blocks)
    server = []
    for position, tool in enumerate(fields["server_tools"]):
        try:
            server.append(ServerToolCall.from_dict(tool))
        except TypeError:
            what = "expected an object with an id, a name and an input (strings)"
            raise _invalid(source, f"{where}.server_tools[{position}]", what) from None
    fields["server_tools"] = tuple(server)
    return StoredMessage(id=0, session_id="", role=Role(role), state=MessageState(state), **fields)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is too large for a number")
    return value


def parse_session_json(
    text: str, *, source: str = "JSON"
) -> tuple[StoredSession, list[StoredMessage]]:
    """The session and messages of an export, checked, ready for
    :meth:`~openmaas_tui.core.history.store.Store.import_session` (ids are left empty).

    Args:
        text: the JSON text.
        source: what to call it in errors (the file name).

    Raises:
        OpenMaaSError: INVALID_REQUEST naming the field at fault (a wrong type, a number out of
            range, a string that is not text, nesting too deep).
    """
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise _invalid(source, f"line {exc.lineno}", f"not JSON ({exc.msg})") from None
    except RecursionError:
        raise _invalid(source, "top level", f"nests deeper than {MAX_NESTING} levels") from None
    except ValueError as exc:  # from the hooks, or an integer of more than 4300 digits
        raise _invalid(source, "a number", str(exc)) from None
    if not isinstance(data, dict):
        raise _invalid(source, "top level", "expected an object")
    if data.get("format") != FORMAT:
        raise _invalid(source, "format", f"expected {FORMAT!r}")
    version: Any = data.get("schema_version")
    if not _is(version, _INT) or not 1 <= version <= SCHEMA_VERSION:
        raise _invalid(source, "schema_version", f"expected 1 to {SCHEMA_VERSION}, got {version!r}")
    head = _fields(source, "session", data.get("session"), _SESSION_FIELDS)
    head["base_url"] = importable_url(data["session"].get("base_url"))
    head["params"] = with_api(head["params"], known_api(head["params"].get(API_KEY)))
    raw_messages = data.get("messages")
    if not isinstance(raw_messages, list):
        raise _invalid(source, "messages", "expected an array")
    messages = [_message(source, i, raw) for i, raw in enumerate(raw_messages)]
    seen: set[int] = set()
    for index, message in enumerate(messages):
        if message.position in seen:
            raise _invalid(source, f"messages[{index}].position", "repeats an earlier position")
        seen.add(message.position)
    return StoredSession(id="", **head), messages
