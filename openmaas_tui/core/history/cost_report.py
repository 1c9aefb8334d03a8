"""What the history cost: totals for today, the last 7 and 30 days and all time, per day and per
model, from the spend ledger (:mod:`openmaas_tui.core.history.ledger`).

The ledger holds one row per ended answer of every face (playground, ``ask``, compare lanes),
kept when a chat is deleted or an answer regenerated, and none for an imported session: the
report is what was spent here, not what is still stored.

Days are **local** calendar days (SQLite's ``date(ended_at, 'unixepoch', 'localtime')``): an
answer at 23:30 belongs to the day the person saw on their clock. "Last 7 days" is today and
the 6 days before it.

Unlike a session's line, whose cost turns unknown as soon as one answer has no price, the report
shows each :class:`~openmaas_tui.core.totals.Totals` with its
:attr:`~openmaas_tui.core.totals.Totals.breakdown_text`: ``$1.23 + 4 answers with unknown
price``: what is known is shown, and what is not is never shown as ``$0``. One SQL query groups
the answers by day, provider and model; everything else is plain Python over those groups (a few
hundred rows for a busy month).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from openmaas_tui.core.history.rows import totals_of
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.totals import Totals, total

DEFAULT_DAYS = 30
"""How many days the per-day series covers unless asked otherwise."""

PERIODS: tuple[tuple[str, int | None], ...] = (
    ("Today", 1),
    ("Last 7 days", 7),
    ("Last 30 days", 30),
    ("All time", None),
)
"""The totals a report holds: a label and how many days back from today (None: all)."""

_QUERY = """
SELECT date(ended_at, 'unixepoch', 'localtime') AS day, provider, model,
    count(*),
    count(cost_usd),
    sum(cost_usd IS NULL AND billed),
    coalesce(sum(input_tokens), 0),
    coalesce(sum(output_tokens), 0),
    coalesce(sum(cached_input_tokens), 0),
    coalesce(sum(reasoning_tokens), 0),
    coalesce(sum(cost_usd), 0.0),
    coalesce(max(cost_usd IS NOT NULL AND estimated), 0)
FROM spend_ledger
GROUP BY day, provider, model
"""
"""Ended answers grouped by local day, provider and model, with the totals' columns in the
order :func:`~openmaas_tui.core.history.rows.totals_of` reads. A billed answer without a cost
has an unknown price; an answer that received nothing was not billed and costs nothing. Only
known costs make a total "estimated"."""


@dataclass(frozen=True, slots=True)
class DayCost:
    """The answers of one local calendar day."""

    day: date
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True, slots=True)
class ModelCost:
    """The answers of one model at one provider (either None when not recorded)."""

    provider: str | None
    model: str | None
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True, slots=True)
class CostGroup:
    """One row of the query: the answers of one model on one local day."""

    day: date
    provider: str | None
    model: str | None
    totals: Totals


@dataclass(frozen=True, slots=True)
class CostReport:
    """The cost of the history as of ``today``.

    Attributes:
        today: the local day the report ends on.
        periods: :data:`PERIODS`' labels with their totals (today, 7 days, 30 days, all time).
        days: one entry per day of the window, oldest first, ending today (days without
            answers have zero totals).
        models: every provider and model over all time, costliest first.
    """

    today: date
    periods: tuple[tuple[str, Totals], ...]
    days: tuple[DayCost, ...]
    models: tuple[ModelCost, ...]

    @property
    def all_time(self) -> Totals:
        """The totals over the whole history."""
        return self.periods[-1][1]

    @property
    def empty(self) -> bool:
        """True when the history holds no answer at all."""
        return self.all_time.answers == 0


def query_groups(conn: sqlite3.Connection) -> list[CostGroup]:
    """The answers grouped by local day, provider and model (see :data:`_QUERY`)."""
    return [
        CostGroup(date.fromisoformat(row[0]), row[1], row[2], totals_of(row, 3))
        for row in conn.execute(_QUERY)
    ]


def _model_order(m: ModelCost) -> tuple[float, int, str, str]:
    return (-m.totals.cost_usd, -m.totals.unknown, m.provider or "", m.model or "")


def build_report(
    groups: Sequence[CostGroup], *, today: date, days: int = DEFAULT_DAYS
) -> CostReport:
    """Fold query groups into a report.

    Args:
        groups: from :func:`query_groups`.
        today: the last day of the window (answers dated after it count in "All time" only).
        days: how many days the per-day series covers (at least 1).

    Returns:
        The report; its models are ordered by known cost, then unknown answers, descending.
    """
    days = max(1, days)
    by_day: dict[date, Totals] = {}
    by_model: dict[tuple[str | None, str | None], Totals] = {}
    for g in groups:
        by_day[g.day] = by_day.get(g.day, Totals()) + g.totals
        key = (g.provider, g.model)
        by_model[key] = by_model.get(key, Totals()) + g.totals

    def since(n: int | None) -> Totals:
        if n is None:
            return total(by_day.values())
        first = today - timedelta(days=n - 1)
        return total(t for d, t in by_day.items() if first <= d <= today)

    periods = tuple((label, since(n)) for label, n in PERIODS)
    window = tuple(
        DayCost(day, by_day.get(day, Totals()))
        for day in (today - timedelta(days=back) for back in range(days - 1, -1, -1))
    )
    models = sorted((ModelCost(p, m, t) for (p, m), t in by_model.items()), key=_model_order)
    return CostReport(today, periods, window, tuple(models))


def cost_report(store: Store, *, today: date | None = None, days: int = DEFAULT_DAYS) -> CostReport:
    """The report of ``store``'s history (run it on the store's thread, e.g. with
    ``await history.call(cost_report, days=30)``).

    Args:
        store: the history.
        today: the local day the report ends on (default: today on this machine's clock).
        days: how many days the per-day series covers.

    Raises:
        OpenMaaSError: STORAGE_FAILED when SQLite fails.
    """
    groups = store.read(query_groups)
    return build_report(groups, today=today or date.today(), days=days)
