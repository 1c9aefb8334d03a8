"""Numbers that come from outside (flags, ``config.toml``, ``pricing.toml``, presets, imported
sessions), checked where they enter: finite, in range, and small enough for where they go.

``float("nan")`` passes every ``<``/``>`` comparison as False, so ``value <= 0`` lets a NaN
through; these checks start from :func:`math.isfinite`. JSON cannot carry NaN or infinity
(RFC 8259, section 6), and SQLite stores integers in at most 8 bytes
(https://www.sqlite.org/datatype3.html), so :data:`SQLITE_INTEGER_MAX` bounds every count.
"""

from __future__ import annotations

import math

SQLITE_INTEGER_MAX = 2**63 - 1
"""The largest integer SQLite stores (a signed 64-bit integer)."""

LATEST_TIMESTAMP_S = 253_402_300_799.0
"""9999-12-31 23:59:59 UTC in seconds since the epoch: the last moment :mod:`datetime` shows."""

MAX_RATE_USD_PER_MTOK = 1_000_000.0
"""The highest price a pricing file may set, in USD per 1M tokens: far above any real price
(the dearest listed ones are some hundreds), low enough that no cost overflows."""


def is_number(value: object) -> bool:
    """True for an ``int`` or ``float`` that is not a ``bool`` (TOML and JSON numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_finite(value: object) -> bool:
    """True for a number (:func:`is_number`) that is neither NaN nor infinite; ints always are
    (``math.isfinite`` of an int too large for a float would raise)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, float) and math.isfinite(value)


def as_float(value: float) -> float:
    """``value`` as a float; an int too large for one (TOML and JSON allow any size) becomes
    an infinity of its sign, which every range check then refuses."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def check_decimal(name: str, value: object, low: float, high: float) -> float:
    """``value`` as a float, if it is a finite number within ``[low, high]``.

    Raises:
        ValueError: ``read_timeout_s must be a number from 0.1 to 86400``.
    """
    if not is_finite(value) or not low <= value <= high:  # type: ignore[operator]
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}")
    return float(value)  # type: ignore[arg-type]


def check_whole(name: str, value: object, low: int, high: int = SQLITE_INTEGER_MAX) -> int:
    """``value``, if it is an ``int`` (not a bool) within ``[low, high]``.

    Raises:
        ValueError: ``position must be a whole number from 0 to 9223372036854775807``.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value
