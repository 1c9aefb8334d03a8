"""Following the ledger: the rows of one face after the last one seen, oldest first, the
newest few when many arrived, and nothing twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.ledger import NewSpend, SpendSource
from openmaas_tui.core.history.ledger_tail import spend_since
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Usage
from tests.support.cost_history import SettableClock

GATEWAY = SpendSource.GATEWAY


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(tmp_path / "history.db", clock=SettableClock())
    yield opened
    opened.close()


def _spend(store: Store, model: str, source: SpendSource = GATEWAY) -> None:
    record = AnswerRecord("x", usage=Usage(3, 4), cost_usd=0.5, provider="openai", model=model)
    store.add_spends([NewSpend(record, source)])


def test_only_the_rows_after_the_last_seen_and_of_one_source(store: Store) -> None:
    assert spend_since(store, source=GATEWAY) == []
    _spend(store, "a")
    _spend(store, "compare lane", SpendSource.COMPARE)
    _spend(store, "b")
    first = spend_since(store, source=GATEWAY)
    assert [r.entry.model for r in first] == ["a", "b"]
    assert first[0].row_id < first[1].row_id
    assert first[0].entry.usage == Usage(3, 4) and first[0].entry.cost_usd == 0.5
    assert spend_since(store, source=GATEWAY, after=first[-1].row_id) == []
    _spend(store, "c")
    later = spend_since(store, source=GATEWAY, after=first[-1].row_id)
    assert [r.entry.model for r in later] == ["c"]


def test_many_new_rows_give_the_newest_few(store: Store) -> None:
    for n in range(5):
        _spend(store, f"m{n}")
    rows = spend_since(store, source=GATEWAY, limit=2)
    assert [r.entry.model for r in rows] == ["m3", "m4"]
