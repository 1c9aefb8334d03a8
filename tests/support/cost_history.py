"""A history with known costs, for the cost report and cost screen tests.

Times are local: :func:`fixed_zone` sets a POSIX ``TZ`` (no tz database needed) so that SQLite's
``localtime`` and Python's ``datetime`` agree on which day an answer belongs to.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.ledger import NewSpend, SpendSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role, Usage

TODAY = date(2026, 3, 14)
"""The day every seeded history and report ends on."""


@contextmanager
def fixed_zone(tz: str = "UTC0") -> Iterator[None]:
    """Run with local time set by the POSIX zone ``tz`` (``"XYZ-02"`` is UTC+2)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


def local_ts(day: date, hour: int = 12, minute: int = 0) -> float:
    """Seconds since the epoch of ``day`` at ``hour:minute`` local time."""
    return datetime(day.year, day.month, day.day, hour, minute).timestamp()


class SettableClock:
    """A clock that reads whatever was set last."""

    def __init__(self) -> None:
        self.now = local_ts(TODAY)

    def __call__(self) -> float:
        return self.now


def add_answer(
    store: Store,
    clock: SettableClock,
    session_id: str,
    at: float,
    *,
    provider: str | None,
    model: str | None,
    text: str = "an answer",
    usage: Usage | None = None,
    cost_usd: float | None = None,
    estimated: bool = False,
    state: MessageState = MessageState.COMPLETE,
) -> int:
    """Record a question and its answer at ``at`` (epoch seconds); returns the answer's id."""
    clock.now = at
    store.add_message(session_id, Role.USER, "a question", provider=provider, model=model)
    answer = store.add_message(session_id, Role.ASSISTANT, text, provider=provider, model=model)
    store.finish_message(
        answer,
        AnswerRecord(text, usage=usage, cost_usd=cost_usd, estimated=estimated, state=state),
    )
    return answer


def seed(path: Path | str) -> Store:
    """A history ending on :data:`TODAY` (local days; call under :func:`fixed_zone`):

    - today: gpt-4o 1,000 in (200 cached) / 500 out, $0.50; claude-sonnet ≈$0.25 (estimated),
      300 in / 100 out; one answer of a self-hosted model with no price (40 out).
    - 3 days ago: gpt-4o 2,000 in / 1,000 out (300 reasoning), $1.00.
    - 10 days ago: claude-sonnet $2.00, 100 in / 50 out.
    - 40 days ago: gpt-4o $4.00, 10 in / 10 out.
    - an empty failed answer today (nothing arrived: costs nothing, no unknown price).
    """
    clock = SettableClock()
    store = Store(path, clock=clock)
    session = store.create_session().id

    def day(back: int, hour: int = 12) -> float:
        return local_ts(date.fromordinal(TODAY.toordinal() - back), hour)

    add_answer(
        store, clock, session, day(0, 9), provider="openai", model="gpt-4o",
        usage=Usage(1000, 500, 200, None), cost_usd=0.5,
    )  # fmt: skip
    add_answer(
        store, clock, session, day(0, 10), provider="anthropic", model="claude-sonnet-4-5",
        usage=Usage(300, 100), cost_usd=0.25, estimated=True,
    )  # fmt: skip
    add_answer(
        store, clock, session, day(0, 11), provider="mylab", model="llama-70b",
        usage=Usage(None, 40),
    )  # fmt: skip
    add_answer(
        store, clock, session, day(0, 12), provider="openai", model="gpt-4o", text="",
        state=MessageState.ERROR,
    )  # fmt: skip
    add_answer(
        store, clock, session, day(3), provider="openai", model="gpt-4o",
        usage=Usage(2000, 1000, None, 300), cost_usd=1.0,
    )  # fmt: skip
    add_answer(
        store, clock, session, day(10), provider="anthropic", model="claude-sonnet-4-5",
        usage=Usage(100, 50), cost_usd=2.0,
    )  # fmt: skip
    add_answer(
        store, clock, session, day(40), provider="openai", model="gpt-4o",
        usage=Usage(10, 10), cost_usd=4.0,
    )  # fmt: skip
    return store


def seed_with_gateway(path: Path | str, answer: AnswerRecord, clients: Sequence[str]) -> None:
    """:func:`seed`, then ``answer`` once through the gateway from each of ``clients``."""
    store = seed(path)
    store.add_spends([NewSpend(answer, SpendSource.GATEWAY, client=c) for c in clients])
    store.close()
