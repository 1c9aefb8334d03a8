"""Times as a person reads them: in the local time zone, the zone named.

The history stores times as seconds since the epoch (UTC, time-zone free); everything shown to a
person (``sessions list``, ``sessions compares``, a session exported to Markdown, the cost
screen's and report's days) is in the machine's local time, and names the zone so a time copied
elsewhere still says what it is. Machine-readable output (``--json``, JSON exports) keeps
seconds since the epoch or UTC ISO 8601.
"""

from __future__ import annotations

from datetime import UTC, datetime


def local_text(epoch_s: float) -> str:
    """``2026-01-01 13:00 CET`` for ``epoch_s`` (seconds since the epoch) in local time; the
    zone's offset (``UTC+0530``) where it has no name."""
    moment = datetime.fromtimestamp(epoch_s, UTC).astimezone()
    zone = moment.strftime("%Z") or moment.strftime("UTC%z")
    return f"{moment:%Y-%m-%d %H:%M} {zone}"


__all__ = ["local_text"]
