"""The history store for async code: every call runs on one dedicated worker thread.

:class:`AsyncStore` owns a single-thread executor; the
:class:`~openmaas_tui.core.history.store.Store` (and so its SQLite connection) is created on that
thread and only ever used there, so database work never blocks the event loop and calls run in
the order they were made. Any store method, or any function taking the store first, runs there
through one typed forwarder::

    session = await history.call(Store.create_session, model="gpt-4o")
    report = await history.call(cost_report, days=30)

It returns what the store returned and raises what the store raised, the very same exception
(``OpenMaaSError(STORAGE_FAILED)`` when SQLite fails, INVALID_REQUEST from
:meth:`Store.resolve_id`, …); mypy checks the arguments against the method's signature.

:meth:`AsyncStore.open_or_memory` never fails: when the file is damaged or unwritable it opens
an in-memory store for this run and keeps the reason in :attr:`AsyncStore.problem` for the UI to
show. Streaming answers are recorded with
:class:`~openmaas_tui.core.history.recorder.StreamRecorder`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.ledger import NewSpend
from openmaas_tui.core.history.opening import MEMORY
from openmaas_tui.core.history.spend_batch import SpendBatcher
from openmaas_tui.core.history.store import Store

P = ParamSpec("P")
T = TypeVar("T")


class AsyncStore:
    """A :class:`Store` on its own worker thread. Build it with :meth:`open` or
    :meth:`open_or_memory`; close it with :meth:`aclose`.

    Attributes:
        path: the database file, or ``":memory:"``.
        problem: why the history is in memory for this run (a STORAGE_FAILED error naming the
            file), or None when the file opened.
        recovered: answers found ``streaming`` at open and marked interrupted.
    """

    def __init__(
        self, store: Store, executor: ThreadPoolExecutor, *, problem: OpenMaaSError | None = None
    ) -> None:
        self._store = store
        self._executor = executor
        self.path = store.path
        self.problem = problem
        self.recovered = store.recovered
        self._spends: dict[float, SpendBatcher] = {}

    @classmethod
    async def open(cls, path: Path | str, *, clock: Callable[[], float] = time.time) -> AsyncStore:
        """Open the history at ``path`` on a new worker thread.

        Raises:
            OpenMaaSError: STORAGE_FAILED (see :class:`Store`); the file is untouched.
        """
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="openmaas-store")
        try:
            store = await asyncio.wrap_future(executor.submit(Store, path, clock=clock))
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(store, executor)

    @classmethod
    async def open_or_memory(
        cls, path: Path | str, *, clock: Callable[[], float] = time.time
    ) -> AsyncStore:
        """Open the history at ``path``, or, when that fails with STORAGE_FAILED, an empty
        in-memory history for this run with the failure in :attr:`problem`."""
        try:
            return await cls.open(path, clock=clock)
        except OpenMaaSError as exc:
            if exc.code != ErrorCode.STORAGE_FAILED:
                raise
            memory = await cls.open(MEMORY, clock=clock)
            memory.problem = exc
            return memory

    @property
    def in_memory(self) -> bool:
        """True when nothing is kept after this run."""
        return self._store.in_memory

    def submit(
        self, method: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Future[T]:
        """Queue ``method(store, *args, **kwargs)`` on the worker without waiting for it (the
        recorder's flushes). Calls run one at a time, in the order they were queued.

        Raises:
            RuntimeError: the store is closed (its worker takes no more work).
        """
        return self._executor.submit(method, self._store, *args, **kwargs)

    async def call(
        self, method: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``method(store, *args, **kwargs)`` on the worker and wait for its result.

        Args:
            method: a :class:`Store` method (``Store.messages``) or a function taking the store
                first (:func:`~openmaas_tui.core.history.cost_report.cost_report`).
            *args: its arguments after the store.
            **kwargs: its keyword arguments.

        Returns:
            What ``method`` returned.

        Raises:
            OpenMaaSError: whatever ``method`` raised on the worker, the same object
                (STORAGE_FAILED when SQLite fails).
            RuntimeError: the store is closed.
        """
        return await asyncio.wrap_future(self.submit(method, *args, **kwargs))

    async def add_spend(self, spend: NewSpend, *, window_s: float = 0.0) -> None:
        """Put ``spend`` (an answer kept in no session) into the ledger, in one transaction with
        the others added with the same ``window_s`` that arrive within ``window_s`` seconds of
        the first waiting, or while a write is under way
        (:class:`~openmaas_tui.core.history.spend_batch.SpendBatcher`). Returns once its row
        is written.

        Raises:
            OpenMaaSError: STORAGE_FAILED when SQLite fails (nothing of its batch is kept).
            RuntimeError: the store is closed.
        """
        batcher = self._spends.get(window_s)
        if batcher is None:
            batcher = self._spends[window_s] = SpendBatcher(self._write_spends, window_s)
        await batcher.add(spend)

    async def _write_spends(self, spends: list[NewSpend]) -> None:
        await self.call(Store.add_spends, spends)

    async def aclose(self) -> None:
        """Finish queued work, close the connection and stop the worker."""
        try:
            await self.call(Store.close)
        finally:
            self._executor.shutdown(wait=False)
