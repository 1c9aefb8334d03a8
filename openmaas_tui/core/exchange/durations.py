"""How long a model took to answer before, to estimate how long the next answer takes.

Kept in memory for this run; the history store will hold them later, behind the same two
functions.
"""

from __future__ import annotations

import statistics
from collections import deque

KEPT_PER_MODEL = 20
"""Durations kept per model: the most recent ones."""

_PAST: dict[str, deque[float]] = {}


def record_duration(model: str, seconds: float) -> None:
    """Remember that ``model`` (``provider/id``) took ``seconds`` to answer in full."""
    if seconds > 0:
        _PAST.setdefault(model, deque(maxlen=KEPT_PER_MODEL)).append(seconds)


def expected_duration_s(model: str) -> float | None:
    """The median of ``model``'s recent durations, or None before its first answer."""
    past = _PAST.get(model)
    return statistics.median(past) if past else None


def forget_durations() -> None:
    """Forget every duration (tests start from nothing)."""
    _PAST.clear()
