"""Spends that end together are written together: those that arrive within the window, or
during a write, in one transaction, every caller back once its own row is in the ledger."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.ledger import NewSpend, SpendSource, spend_entries
from openmaas_tui.core.history.spend_batch import SpendBatcher
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Usage


def _spend(i: int) -> NewSpend:
    record = AnswerRecord(f"answer {i}", usage=Usage(3, i), cost_usd=0.001, model="gpt-4o")
    return NewSpend(record, SpendSource.GATEWAY, client="OpenAI/Python", status=200)


class _Ledger:
    """A write that waits to be let through, keeping each batch it was given."""

    def __init__(self) -> None:
        self.batches: list[list[NewSpend]] = []
        self.gate = asyncio.Event()
        self.fail: Exception | None = None

    async def write(self, spends: list[NewSpend]) -> None:
        self.batches.append(spends)
        await self.gate.wait()
        if self.fail is not None:
            failure, self.fail = self.fail, None
            raise failure


async def _turns(n: int) -> None:
    """Let the loop turn ``n`` times (a task starts, then the writer it made)."""
    for _ in range(n):
        await asyncio.sleep(0)


async def test_spends_arriving_during_a_write_go_together_after_it() -> None:
    ledger = _Ledger()
    batcher = SpendBatcher(ledger.write, window_s=0)
    first = asyncio.create_task(batcher.add(_spend(0)))
    await _turns(2)
    assert [len(b) for b in ledger.batches] == [1]  # with no window, a lone spend goes at once
    later = [asyncio.create_task(batcher.add(_spend(i))) for i in (1, 2, 3)]
    await _turns(2)
    assert [len(b) for b in ledger.batches] == [1] and not first.done()
    ledger.gate.set()
    await asyncio.gather(first, *later)
    assert [[s.record.text for s in b] for b in ledger.batches] == [
        ["answer 0"],
        ["answer 1", "answer 2", "answer 3"],
    ]


async def test_a_failed_batch_fails_each_of_its_callers_and_the_next_batch_is_written() -> None:
    ledger = _Ledger()
    ledger.fail = OpenMaaSError(ErrorCode.STORAGE_FAILED, "disk full")
    batcher = SpendBatcher(ledger.write, window_s=0)
    failing = asyncio.create_task(batcher.add(_spend(0)))
    await _turns(2)
    next_one = asyncio.create_task(batcher.add(_spend(1)))
    ledger.gate.set()
    with pytest.raises(OpenMaaSError) as raised:
        await failing
    assert raised.value.code == ErrorCode.STORAGE_FAILED
    await next_one  # written, in a batch of its own
    assert [len(b) for b in ledger.batches] == [1, 1]


async def test_a_caller_cancelled_while_waiting_still_has_its_row_written() -> None:
    ledger = _Ledger()
    batcher = SpendBatcher(ledger.write, window_s=0)
    caller = asyncio.create_task(batcher.add(_spend(0)))
    await _turns(2)
    caller.cancel()
    ledger.gate.set()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await asyncio.sleep(0)
    assert [len(b) for b in ledger.batches] == [1]
    await batcher.add(_spend(1))  # the batcher carries on
    assert [len(b) for b in ledger.batches] == [1, 1]


async def test_spends_within_the_window_share_a_transaction() -> None:
    ledger = _Ledger()
    ledger.gate.set()
    batcher = SpendBatcher(ledger.write, window_s=0.05)
    first = asyncio.create_task(batcher.add(_spend(0)))
    await _turns(2)
    assert ledger.batches == []  # the first waits for company
    second = asyncio.create_task(batcher.add(_spend(1)))
    await asyncio.gather(first, second)
    assert [len(b) for b in ledger.batches] == [2]


async def test_concurrent_spends_reach_the_ledger_in_fewer_transactions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transactions: list[int] = []
    add_spends = Store.add_spends

    def counted(store: Store, spends: list[NewSpend]) -> None:
        transactions.append(len(spends))
        add_spends(store, spends)

    monkeypatch.setattr(Store, "add_spends", counted)
    history = await AsyncStore.open(tmp_path / "h.db")
    try:
        await asyncio.gather(*(history.add_spend(_spend(i)) for i in range(20)))
        entries = await history.call(Store.read, spend_entries)
    finally:
        await history.aclose()
    assert sorted(e.usage.output_tokens or 0 for e in entries) == list(range(20))
    assert {(e.client, e.status, e.source) for e in entries} == {
        ("OpenAI/Python", 200, SpendSource.GATEWAY)
    }
    assert sum(transactions) == 20 and len(transactions) < 20
