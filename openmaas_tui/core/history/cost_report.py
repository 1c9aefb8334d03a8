"""What the history cost: totals for today, the last 7 and 30 days and all time, per day, per
model and per source, from the spend ledger (:mod:`openmaas_tui.core.history.ledger`).

The ledger holds one row per ended answer of every face (playground, ``ask``, compare lanes,
the gateway), kept when a chat is deleted or an answer regenerated, and none for an imported
session: the report is what was spent here, not what is still stored. Per source, the
gateway's spend is split by the program that asked it (the first product token of its
``User-Agent``, e.g. ``OpenAI/Python``), so what other programs spent through the gateway
reads apart from the person's own chats.

Days are **local** calendar days (SQLite's ``date(ended_at, 'unixepoch', 'localtime')``): an
answer at 23:30 belongs to the day the person saw on their clock. "Last 7 days" is today and
the 6 days before it.

Unlike a session's line, whose cost turns unknown as soon as one answer has no price, the report
shows each :class:`~openmaas_tui.core.totals.Totals` with its
:attr:`~openmaas_tui.core.totals.Totals.breakdown_text`: ``$1.23 + 4 answers with unknown
price``: what is known is shown, and what is not is never shown as ``$0``. One SQL query groups
the answers by day, provider and model; everything else is plain Python over those groups (a few
hundred rows for a busy month); a second groups them by source and client over all time.
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

_LEDGER_TOTALS = """
    count(*),
    count(cost_usd),
    sum(cost_usd IS NULL AND billed),
    coalesce(sum(input_tokens), 0),
    coalesce(sum(output_tokens), 0),
    coalesce(sum(cached_input_tokens), 0),
    coalesce(sum(reasoning_tokens), 0),
    coalesce(sum(cost_usd), 0.0),
    coalesce(max(cost_usd IS NOT NULL AND estimated), 0)
"""
"""The totals' columns over ledger rows, in the order
:func:`~openmaas_tui.core.history.rows.totals_of` reads. A billed answer without a cost has an
unknown price; an answer that received nothing was not billed and costs nothing. Only known
costs make a total "estimated"."""

_QUERY = f"""
SELECT date(ended_at, 'unixepoch', 'localtime') AS day, provider, model, {_LEDGER_TOTALS}
FROM spend_ledger
GROUP BY day, provider, model
"""
"""Ended answers grouped by local day, provider and model, with :data:`_LEDGER_TOTALS`."""

_SOURCE_QUERY = f"""
SELECT source, client, {_LEDGER_TOTALS}
FROM spend_ledger
GROUP BY source, client
"""
"""Ended answers grouped by the face that ran them and, for the gateway, the client that asked
(the other faces record none), with :data:`_LEDGER_TOTALS`."""


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
class SourceCost:
    """The answers of one face over all time, and for the gateway of one client.

    Attributes:
        source: the face that ran them (a :class:`~openmaas_tui.core.history.ledger.SpendSource`
            value: ``playground``, ``ask``, ``compare``, ``gateway``, or ``history`` for
            answers found stored before the ledger existed).
        client: the program that asked the gateway (``OpenAI/Python``, ``curl/8.5.0``), None
            for the other faces or a client that sent no ``User-Agent``.
        totals: their tokens and cost.
    """

    source: str
    client: str | None
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
        sources: every face (and gateway client) over all time, costliest first.
    """

    today: date
    periods: tuple[tuple[str, Totals], ...]
    days: tuple[DayCost, ...]
    models: tuple[ModelCost, ...]
    sources: tuple[SourceCost, ...] = ()

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


def query_sources(conn: sqlite3.Connection) -> list[SourceCost]:
    """The answers grouped by source and client over all time (see :data:`_SOURCE_QUERY`)."""
    return [SourceCost(row[0], row[1], totals_of(row, 2)) for row in conn.execute(_SOURCE_QUERY)]


def _model_order(m: ModelCost) -> tuple[float, int, str, str]:
    return (-m.totals.cost_usd, -m.totals.unknown, m.provider or "", m.model or "")


def _source_order(s: SourceCost) -> tuple[float, int, str, str]:
    return (-s.totals.cost_usd, -s.totals.unknown, s.source, s.client or "")


def build_report(
    groups: Sequence[CostGroup],
    *,
    today: date,
    days: int = DEFAULT_DAYS,
    sources: Sequence[SourceCost] = (),
) -> CostReport:
    """Fold query groups into a report.

    Args:
        groups: from :func:`query_groups`.
        today: the last day of the window (answers dated after it count in "All time" only).
        days: how many days the per-day series covers (at least 1).
        sources: from :func:`query_sources`.

    Returns:
        The report; its models and sources are ordered by known cost, then unknown answers,
        descending.
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
    return CostReport(
        today, periods, window, tuple(models), tuple(sorted(sources, key=_source_order))
    )


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
    groups, sources = store.read(_groups_and_sources)
    return build_report(groups, today=today or date.today(), days=days, sources=sources)


def _groups_and_sources(
    conn: sqlite3.Connection,
) -> tuple[list[CostGroup], list[SourceCost]]:
    """Both queries, in one read of the history."""
    return query_groups(conn), query_sources(conn)
