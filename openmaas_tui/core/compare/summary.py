"""A compare run's figures side by side, and who won what.

:func:`summarize` turns each lane into a :class:`Row` (TTFT, total time, tokens, tokens/s, cost)
and marks the cheapest, the fastest first token and the highest tokens/s among the lanes that
finished (a stopped or failed lane ranks for nothing), each only when its lead over the
runner-up is larger than measurement noise (:func:`beyond_noise`). :meth:`Summary.sorted_by`
orders the rows by any of :data:`SORT_KEYS`, unknown values last.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.exchange.meter import StreamMeter
from openmaas_tui.core.totals import Totals, total
from openmaas_tui.core.types import Usage


class Lane(Protocol):
    """What a summary reads of a lane; the run's :class:`~openmaas_tui.core.compare.run.Lane`
    is one (the run imports this module, so this module names the shape instead)."""

    @property
    def index(self) -> int: ...

    @property
    def label(self) -> str: ...

    @property
    def provider(self) -> str: ...

    @property
    def model(self) -> str: ...

    @property
    def status(self) -> StrEnum: ...

    @property
    def error(self) -> OpenMaaSError | None: ...

    @property
    def meter(self) -> StreamMeter: ...

    def usage(self) -> tuple[Usage | None, bool]: ...

    def tokens_per_s(self) -> float | None: ...

    def cost_usd(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Row:
    """One lane's figures.

    Attributes:
        index: the lane's place in the run.
        label: how the lane is shown.
        provider / model: where the request went.
        status: ``done``, ``stopped``, ``error``…
        (:class:`~openmaas_tui.core.compare.run.LaneStatus`).
        error_code: the error's code, or None.
        ttft_ms: milliseconds to the first token, or None.
        duration_ms: milliseconds from sending to the end.
        input_tokens / output_tokens: counts in force (reported, else local estimates).
        estimated: whether the counts (and the cost) are local estimates.
        tokens_per_s: output tokens per second after the first token, or None.
        cost_usd: USD, or None when the price or the counts are unknown.
    """

    index: int
    label: str
    provider: str
    model: str
    status: str
    error_code: str | None
    ttft_ms: float | None
    duration_ms: float
    input_tokens: int | None
    output_tokens: int | None
    estimated: bool
    tokens_per_s: float | None
    cost_usd: float | None

    @property
    def ok(self) -> bool:
        """Whether the lane finished its answer (not stopped, not failed)."""
        return self.status == "done"


def _none_last(value: float | None, descending: bool = False) -> tuple[bool, float]:
    if value is None:
        return (True, 0.0)
    return (False, -value if descending else value)


SORT_KEYS: dict[str, Callable[[Row], Any]] = {
    "total": lambda r: (not r.ok, r.duration_ms),
    "ttft": lambda r: (not r.ok, *_none_last(r.ttft_ms)),
    "tok/s": lambda r: (not r.ok, *_none_last(r.tokens_per_s, descending=True)),
    "cost": lambda r: (not r.ok, *_none_last(r.cost_usd)),
    "out": lambda r: (not r.ok, *_none_last(r.output_tokens, descending=True)),
    "in": lambda r: (not r.ok, *_none_last(r.input_tokens)),
    "model": lambda r: r.label.lower(),
    "order": lambda r: r.index,
}
"""How rows may be ordered: finished lanes first, then fastest total time, fastest first token,
highest tokens/s, cheapest, most output, least input, by name, or as entered."""

DEFAULT_SORT = "total"
"""The summary's first order: finished lanes by total time (the race's finishing order)."""


@dataclass(frozen=True, slots=True)
class Summary:
    """Every lane's row and the winners (lane indexes, None when nobody qualifies).

    Attributes:
        rows: one per lane, in the run's order.
        cheapest: the finished lane with the lowest known cost.
        fastest_ttft: the finished lane with the shortest time to first token.
        highest_rate: the finished lane with the highest tokens/s.
    """

    rows: tuple[Row, ...]
    cheapest: int | None
    fastest_ttft: int | None
    highest_rate: int | None

    @property
    def totals(self) -> Totals:
        """Tokens and cost over every lane (its cost is unknown when any lane's is)."""
        return total(
            Totals.of_answer(
                Usage(r.input_tokens, r.output_tokens), r.cost_usd, estimated=r.estimated
            )
            for r in self.rows
        )

    def sorted_by(self, key: str = DEFAULT_SORT, *, reverse: bool = False) -> list[Row]:
        """The rows ordered by ``key`` (one of :data:`SORT_KEYS`).

        Raises:
            KeyError: an unknown key.
        """
        return sorted(self.rows, key=SORT_KEYS[key], reverse=reverse)

    def marks(self, index: int) -> list[str]:
        """What lane ``index`` won: ``cheapest``, ``fastest TTFT``, ``highest tok/s``."""
        won = []
        if index == self.cheapest:
            won.append("cheapest")
        if index == self.fastest_ttft:
            won.append("fastest TTFT")
        if index == self.highest_rate:
            won.append("highest tok/s")
        return won


NOISE_FRACTION = 0.05
"""The least lead, as a share of the larger of the two values, that wins: measured times and
rates vary by a few percent from one run to the next, so a smaller lead wins nothing."""

NOISE_MS = 10.0
"""The least lead in milliseconds that wins a time (TTFT): below it, the scheduler's and the
network's jitter decide."""


def beyond_noise(best: float, runner_up: float, *, ms: bool = False) -> bool:
    """Whether ``best`` leads ``runner_up`` by more than measurement noise: by more than
    :data:`NOISE_FRACTION` of the larger value and, for times (``ms``), by more than
    :data:`NOISE_MS` milliseconds."""
    gap = abs(best - runner_up)
    if gap <= NOISE_FRACTION * max(abs(best), abs(runner_up)):
        return False
    return not ms or gap > NOISE_MS


def _best(
    rows: Sequence[Row], value: Callable[[Row], float | None], lowest: bool, *, ms: bool = False
) -> int | None:
    """The finished row with the best known value; None when none is known or when its lead
    over the runner-up is within measurement noise (:func:`beyond_noise`: 5%, and 10 ms for
    times); all free local models are not "the cheapest", 290 ms and 296 ms are a tie."""
    known = sorted(
        ((v if lowest else -v, r.index) for r in rows if r.ok and (v := value(r)) is not None),
    )
    if not known:
        return None
    if len(known) > 1 and not beyond_noise(abs(known[0][0]), abs(known[1][0]), ms=ms):
        return None
    return known[0][1]


def row_of(lane: Lane) -> Row:
    """``lane``'s figures as they stand."""
    usage, estimated = lane.usage()
    meter = lane.meter
    return Row(
        index=lane.index,
        label=lane.label,
        provider=lane.provider,
        model=lane.model,
        status=str(lane.status),
        error_code=str(lane.error.code) if lane.error else None,
        ttft_ms=meter.ttft_ms,
        duration_ms=meter.duration_ms,
        input_tokens=usage.input_tokens if usage else None,
        output_tokens=usage.output_tokens if usage else None,
        estimated=estimated,
        tokens_per_s=lane.tokens_per_s(),
        cost_usd=lane.cost_usd(),
    )


def summarize(lanes: Sequence[Lane]) -> Summary:
    """The rows of ``lanes`` and the winners among those that finished."""
    rows = tuple(row_of(lane) for lane in lanes)
    return Summary(
        rows=rows,
        cheapest=_best(rows, lambda r: r.cost_usd, lowest=True),
        fastest_ttft=_best(rows, lambda r: r.ttft_ms, lowest=True, ms=True),
        highest_rate=_best(rows, lambda r: r.tokens_per_s, lowest=False),
    )
