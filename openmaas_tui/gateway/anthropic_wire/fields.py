"""Checks of one JSON field of a client's request, each naming the field it refuses.

Every failure is an :class:`~openmaas_tui.core.errors.OpenMaaSError` INVALID_REQUEST whose
message starts with the field's path (``messages[2].content[0].text: ...``), so a client sees
which part of its body is wrong, as Anthropic's own 400s say.
"""

from __future__ import annotations

import math
import re
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

REFERENCE = "https://docs.anthropic.com/en/api/messages"
"""Where the request fields are described."""

_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def invalid(where: str, what: str) -> OpenMaaSError:
    """INVALID_REQUEST for the field at ``where``: ``"<where>: <what>"``."""
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"{where}: {what}",
        hint=f"see the request fields at {REFERENCE}",
    )


def an_object(value: object, where: str) -> dict[str, Any]:
    """``value`` when it is a JSON object. Raises OpenMaaSError (INVALID_REQUEST)."""
    if not isinstance(value, dict):
        raise invalid(where, f"must be an object, not {_json_type(value)}")
    return value


def a_list(value: object, where: str) -> list[Any]:
    """``value`` when it is a JSON array. Raises OpenMaaSError (INVALID_REQUEST)."""
    if not isinstance(value, list):
        raise invalid(where, f"must be an array, not {_json_type(value)}")
    return value


def a_string(value: object, where: str, *, empty: bool = True) -> str:
    """``value`` when it is a string UTF-8 can carry (no lone surrogate) and, unless ``empty``,
    not empty. Raises OpenMaaSError (INVALID_REQUEST)."""
    if not isinstance(value, str):
        raise invalid(where, f"must be a string, not {_json_type(value)}")
    if not value and not empty:
        raise invalid(where, "must not be empty")
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:
            raise invalid(where, "is not valid Unicode (a lone surrogate)") from None
    return value


def a_bool(value: object, where: str) -> bool:
    """``value`` when it is ``true`` or ``false``. Raises OpenMaaSError (INVALID_REQUEST)."""
    if not isinstance(value, bool):
        raise invalid(where, f"must be true or false, not {_json_type(value)}")
    return value


def an_int(value: object, where: str, *, least: int) -> int:
    """``value`` when it is an integer of at least ``least`` (``2.0`` counts; ``true`` does
    not). Raises OpenMaaSError (INVALID_REQUEST)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(where, f"must be an integer, not {_json_type(value)}")
    if value < least:
        raise invalid(where, f"must be at least {least}, not {value}")
    return value


def a_number(value: object, where: str, *, low: float, high: float) -> float:
    """``value`` when it is a finite number in ``[low, high]`` (NaN and infinities are refused).
    Raises OpenMaaSError (INVALID_REQUEST)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(where, f"must be a number, not {_json_type(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise invalid(where, "must be a finite number")
    if not low <= number <= high:
        raise invalid(where, f"must be between {low:g} and {high:g}, not {number:g}")
    return number


def field_name(name: str, where: str) -> str:
    """``name`` when it is a plain field name (letters, digits, ``_.-``, at most 64), safe to
    repeat in a response header. Raises OpenMaaSError (INVALID_REQUEST)."""
    if not _NAME.fullmatch(name):
        raise invalid(where, "has a field whose name is not a plain identifier")
    return name


def _json_type(value: object) -> str:
    """The JSON name of ``value``'s type (``null``, ``boolean``, ``number``, ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
