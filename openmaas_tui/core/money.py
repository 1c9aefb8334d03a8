"""Money shown to people: one format for every cost in the app, the CLI and exports."""

from __future__ import annotations

import math

UNKNOWN = "price unknown"
"""What a cost that cannot be computed shows: never ``$0``, which would claim it was free."""

SMALLEST_USD = 0.000001
"""Costs below this (but above zero) show as ``<$0.000001``."""


def format_usd(usd: float | None) -> str:
    """Format a cost in US dollars, the same way everywhere.

    - None: ``price unknown`` (no price for the model, or usage not reported).
    - exactly zero: ``$0`` (local and demo models).
    - one dollar or more: two decimals with thousands separators (``$1.23``, ``$1,234.50``).
    - under a dollar: at least two decimals and two significant digits, so that a typical
      message's cost is legible (``$0.42``, ``$0.50``, ``$0.012``, ``$0.0042``, ``$0.000015``);
      below :data:`SMALLEST_USD` it shows ``<$0.000001``.
    - negative amounts (refunds, corrections) get a leading minus: ``-$0.12``.

    Args:
        usd: the amount in US dollars, or None when unknown.

    Returns:
        The formatted amount.
    """
    if usd is None or math.isnan(usd):
        return UNKNOWN
    if usd == 0:
        return "$0"
    sign = "-" if usd < 0 else ""
    amount = abs(usd)
    if amount < SMALLEST_USD:
        return f"{sign}<$0.000001"
    if amount < 1:
        decimals = max(2, 1 - math.floor(math.log10(amount)))
        text = f"{amount:.{decimals}f}"
        if float(text) < 1:
            head, _, tail = text.partition(".")
            tail = tail[:2] + tail[2:].rstrip("0")
            return f"{sign}${head}.{tail}"
    return f"{sign}${amount:,.2f}"
