"""Tokens and cost summed over answers: one shape for a session, a day, a model, a compare run
and the whole history.

A :class:`Totals` is built from one answer (:meth:`Totals.of_answer`) or from the history's SQL
sums (:func:`~openmaas_tui.core.history.rows.totals_of`) and added up with ``+`` or
:func:`total`. An answer whose price is unknown is counted apart (``unknown``), never as
``$0``: a session shows ``price unknown`` as soon as it holds one (:attr:`Totals.cost_text`),
the cost report shows what is known beside how many are not (:attr:`Totals.breakdown_text`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openmaas_tui.core.money import UNKNOWN, format_usd
from openmaas_tui.core.types import Usage


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True, slots=True)
class Totals:
    """Tokens and cost summed over answers.

    Attributes:
        answers: the answers counted (failed empty ones included).
        priced: the answers with a known cost.
        unknown: the answers with text or tokens but no known cost (price unknown).
        input_tokens / output_tokens / cached_input_tokens / reasoning_tokens: sums of the
            counts that were known, in the :class:`~openmaas_tui.core.types.Usage` convention
            (input includes cached, output includes reasoning); unknown counts add nothing.
        cost_usd: the sum of the known costs, USD.
        estimated: True when some count or cost came from a local estimate rather than the
            provider's usage.
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

    @classmethod
    def of_answer(
        cls, usage: Usage | None, cost_usd: float | None, *, estimated: bool = False
    ) -> Totals:
        """One answer's totals: its token counts (None counts as 0) and its cost in USD
        (None: the price is unknown)."""
        u = usage or Usage()
        return cls(
            answers=1,
            priced=int(cost_usd is not None),
            unknown=int(cost_usd is None),
            input_tokens=u.input_tokens or 0,
            output_tokens=u.output_tokens or 0,
            cached_input_tokens=u.cached_input_tokens or 0,
            reasoning_tokens=u.reasoning_tokens or 0,
            cost_usd=cost_usd or 0.0,
            estimated=estimated,
        )

    def __add__(self, other: Totals) -> Totals:
        return Totals(
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
    def cost_known(self) -> bool:
        """True when every answer counted has a known cost (or cost nothing)."""
        return not self.unknown

    @property
    def cost_text(self) -> str:
        """The cost as a session shows it: ``$0.0042``, ``≈$0.0042`` with estimates, or
        ``price unknown`` (never ``$0``) as soon as one answer's price is unknown."""
        if not self.cost_known:
            return UNKNOWN
        return ("≈" if self.estimated else "") + format_usd(self.cost_usd)

    @property
    def known_cost_text(self) -> str:
        """The known part alone: ``$1.23``, ``≈$1.23`` with estimates, or ``price unknown``
        when no answer has a known cost but some have an unknown one."""
        if self.priced == 0 and self.unknown:
            return UNKNOWN
        return ("≈" if self.estimated else "") + format_usd(self.cost_usd)

    @property
    def breakdown_text(self) -> str:
        """The cost as the cost report shows it: ``$1.23``, ``≈$1.23``,
        ``$1.23 + 4 answers with unknown price`` or, with no known cost at all,
        ``price unknown (4 answers)``."""
        if not self.unknown:
            return self.known_cost_text
        if not self.priced:
            return f"{UNKNOWN} ({_plural(self.unknown, 'answer')})"
        return f"{self.known_cost_text} + {_plural(self.unknown, 'answer')} with unknown price"


def total(parts: Iterable[Totals]) -> Totals:
    """The sum of ``parts`` (zero for none)."""
    result = Totals()
    for part in parts:
        result = result + part
    return result
