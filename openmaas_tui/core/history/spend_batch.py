"""The spends of answers that end together, written to the ledger in one transaction.

The gateway records one ledger row per request, and a busy gateway ends many requests at once:
one transaction per row was a commit (and a hand-off to the store's thread and back) per
request. :class:`SpendBatcher` writes what is waiting at once (the spends added in the same turn
of the event loop together) and, while that write is under way, gathers the spends that arrive;
when it ends they go together, in one transaction, and so on (group commit). Nothing waits for a
batch to fill: a lone spend is written as soon as it comes, and each caller returns once its own
row is in the ledger.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from openmaas_tui.core.history.ledger import NewSpend

SpendWriter = Callable[[list[NewSpend]], Awaitable[None]]
"""Writes spends in one transaction (``AsyncStore.call(Store.add_spends, spends)``)."""


class SpendBatcher:
    """Writes spends through ``write``, those that arrive during a write together after it.

    Args:
        write: writes a list of spends in one transaction; raises what the store raises.
    """

    def __init__(self, write: SpendWriter) -> None:
        self._write = write
        self._waiting: list[tuple[NewSpend, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, spend: NewSpend) -> None:
        """Put ``spend`` into the ledger; returns once its row is written (a caller cancelled
        meanwhile still has its row written).

        Raises:
            OpenMaaSError: STORAGE_FAILED when its batch could not be written.
            RuntimeError: the store was closed.
        """
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((spend, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._run())
        await future

    async def _run(self) -> None:
        """Write what is waiting, a batch at a time, until nothing is (cancelled: the callers
        still waiting are cancelled too)."""
        batch: list[tuple[NewSpend, asyncio.Future[None]]] = []
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    await self._write([spend for spend, _ in batch])
                except Exception as exc:  # each caller raises it
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                else:
                    for _, future in batch:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._writer = None
            for _, future in batch + self._waiting:
                future.cancel()  # a no-op for those already answered
            self._waiting = []
