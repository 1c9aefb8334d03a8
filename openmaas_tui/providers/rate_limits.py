"""How long a rate limit lasts, from the ``x-ratelimit-reset-*`` headers some providers send
beside (or instead of) ``retry-after``.

Shapes seen (from each provider's documentation):

- OpenAI: ``x-ratelimit-reset-requests: 1s``, ``x-ratelimit-reset-tokens: 6m0s`` (durations),
  with ``x-ratelimit-remaining-requests`` / ``-tokens`` beside them
  (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers).
- Groq: the same names, durations such as ``2m59.56s`` and ``7.66s``
  (https://console.groq.com/docs/rate-limits).
- OpenRouter and others: ``x-ratelimit-reset`` as a Unix time in milliseconds
  (https://openrouter.ai/docs/api-reference/limits).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping

_PREFIX = "x-ratelimit-reset"
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_EPOCH_MS = 1e12  # a bare number this large is a Unix time in milliseconds
_EPOCH_S = 1e9  # ... and this large, in seconds


def duration_s(raw: str, now_s: float | None = None) -> float | None:
    """Seconds until a reset given as a Go-style duration (``6m0s``, ``7.66s``, ``20ms``), a
    number of seconds, or a Unix time in seconds or milliseconds; None when it is none of
    these. Never negative.

    Args:
        raw: the header's value.
        now_s: the current Unix time (tests pass one); default ``time.time()``.
    """
    text = raw.strip().lower()
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        if number >= _EPOCH_S:
            now = time.time() if now_s is None else now_s
            number = (number / 1000 if number >= _EPOCH_MS else number) - now
        return max(0.0, number)
    if not text or _DURATION.sub("", text):
        return None  # something besides duration parts (or nothing at all)
    total = sum(float(value) * _UNIT_S[unit] for value, unit in _DURATION.findall(text))
    return total if math.isfinite(total) else None


def rate_limit_reset_s(headers: Mapping[str, str], now_s: float | None = None) -> float | None:
    """Seconds until the exhausted rate limit resets, from the ``x-ratelimit-reset*`` headers:
    the reset of a limit whose ``x-ratelimit-remaining-*`` is 0 when one says so, else the
    soonest reset given; None without any readable one.

    Args:
        headers: the response headers (case-insensitive, as httpx gives them; or lower-case).
        now_s: the current Unix time, for resets given as a time.
    """
    resets: dict[str, float] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered.startswith(_PREFIX):
            seconds = duration_s(value, now_s)
            if seconds is not None:
                resets[lowered.removeprefix(_PREFIX)] = seconds
    if not resets:
        return None
    exhausted = [
        seconds
        for suffix, seconds in resets.items()
        if headers.get(f"x-ratelimit-remaining{suffix}", "").strip() == "0"
    ]
    return max(exhausted) if exhausted else min(resets.values())
