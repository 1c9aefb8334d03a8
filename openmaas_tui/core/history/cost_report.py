"""What the history cost: totals for today, the last 7 and 30 days and all time, per day and per
model, from the answers in the history store.

Days are **local** calendar days (SQLite's ``date(created_at, 'unixepoch', 'localtime')``, as
:meth:`~openmaas_tui.core.history.store.Store.cost_by_day` uses): an answer at 23:30 belongs to the
day the
person saw on their clock. "Last 7 days" is today and the 6 days before it.

Unlike :class:`~openmaas_tui.core.history.records.StoredTotals`, whose cost turns unknown as soon as
one answer has no price, a :class:`CostTotals` counts the answers with an unknown price apart, so
a total reads ``$1.23 + 4 answers with unknown price``: what is known is shown, and what is not is
never shown as ``$0``. One SQL query groups the answers by day, provider and model; everything
else is plain Python over those groups (a few hundred rows for a busy month).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from openmaas_tui.core.history.store import Store
from openmaas_tui.core.money import UNKNOWN, format_usd

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
SELECT date(created_at, 'unixepoch', 'localtime') AS day, provider, model,
    count(*),
    count(cost_usd),
    sum(cost_usd IS NULL AND (content != '' OR output_tokens IS NOT NULL)),
    coalesce(sum(input_tokens), 0),
    coalesce(sum(output_tokens), 0),
    coalesce(sum(cached_input_tokens), 0),
    coalesce(sum(reasoning_tokens), 0),
    coalesce(sum(cost_usd), 0.0),
    coalesce(max(cost_usd IS NOT NULL AND cost_estimated), 0)
FROM messages WHERE role = 'assistant'
GROUP BY day, provider, model
"""
"""Answers grouped by local day, provider and model. An answer with text or tokens but no cost
has an unknown price; an empty failed answer (nothing arrived, nothing billed) costs nothing."""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True, slots=True)
class CostTotals:
    """Tokens and cost summed over answers.

    Attributes:
        answers: every answer counted (failed empty ones included).
        priced: the answers with a known cost.
        unknown: the answers with text or tokens but no known cost (price unknown).
        input_tokens / output_tokens / cached_input_tokens / reasoning_tokens: sums of the
            counts that were known, in the :class:`~openmaas_tui.core.types.Usage` convention
            (input includes cached, output includes reasoning).
        cost_usd: the sum of the known costs, USD.
        estimated: True when some known cost came from local token estimates.
    """

    answers: int = 0
    priced: int = 0
    unknown: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int = 0
    cost_usd: float = 0.0
    estimated: bool = False

    def __add__(self, other: CostTotals) -> CostTotals:
        return CostTotals(
            self.answers + other.answers,
            self.priced + other.priced,
            self.unknown + other.unknown,
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
            self.cost_usd + other.cost_usd,
            self.estimated or other.estimated,
        )

    @property
    def known_cost_text(self) -> str:
        """The known part alone: ``$1.23``, ``≈$1.23`` with estimates, or ``price unknown``
        when no answer has a known cost but some have an unknown one."""
        if self.priced == 0 and self.unknown:
            return UNKNOWN
        return ("≈" if self.estimated else "") + format_usd(self.cost_usd)

    @property
    def cost_text(self) -> str:
        """The cost as shown: ``$1.23``, ``≈$1.23``, ``$1.23 + 4 answers with unknown price``
        or, with no known cost at all, ``price unknown (4 answers)``."""
        if not self.unknown:
            return self.known_cost_text
        if not self.priced:
            return f"{UNKNOWN} ({_plural(self.unknown, 'answer')})"
        return f"{self.known_cost_text} + {_plural(self.unknown, 'answer')} with unknown price"


def total(parts: Iterable[CostTotals]) -> CostTotals:
    """The sum of ``parts`` (zero for none)."""
    result = CostTotals()
    for part in parts:
        result = result + part
    return result


@dataclass(frozen=True, slots=True)
class DayCost:
    """The answers of one local calendar day."""

    day: date
    totals: CostTotals = field(default_factory=CostTotals)


@dataclass(frozen=True, slots=True)
class ModelCost:
    """The answers of one model at one provider (either None when not recorded)."""

    provider: str | None
    model: str | None
    totals: CostTotals = field(default_factory=CostTotals)


@dataclass(frozen=True, slots=True)
class CostGroup:
    """One row of the query: the answers of one model on one local day."""

    day: date
    provider: str | None
    model: str | None
    totals: CostTotals


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
    periods: tuple[tuple[str, CostTotals], ...]
    days: tuple[DayCost, ...]
    models: tuple[ModelCost, ...]

    @property
    def all_time(self) -> CostTotals:
        """The totals over the whole history."""
        return self.periods[-1][1]

    @property
    def empty(self) -> bool:
        """True when the history holds no answer at all."""
        return self.all_time.answers == 0


def query_groups(conn: sqlite3.Connection) -> list[CostGroup]:
    """The answers grouped by local day, provider and model (see :data:`_QUERY`)."""
    groups = []
    for row in conn.execute(_QUERY):
        day, provider, model, answers, priced, unknown, tin, tout, cached, reasoning = row[:10]
        cost, estimated = row[10:]
        totals = CostTotals(
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
        groups.append(CostGroup(date.fromisoformat(day), provider, model, totals))
    return groups


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
    by_day: dict[date, CostTotals] = {}
    by_model: dict[tuple[str | None, str | None], CostTotals] = {}
    for g in groups:
        by_day[g.day] = by_day.get(g.day, CostTotals()) + g.totals
        key = (g.provider, g.model)
        by_model[key] = by_model.get(key, CostTotals()) + g.totals

    def since(n: int | None) -> CostTotals:
        if n is None:
            return total(by_day.values())
        first = today - timedelta(days=n - 1)
        return total(t for d, t in by_day.items() if first <= d <= today)

    periods = tuple((label, since(n)) for label, n in PERIODS)
    window = tuple(
        DayCost(day, by_day.get(day, CostTotals()))
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
