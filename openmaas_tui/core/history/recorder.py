"""Recording an answer while it streams: text on disk at most about a second behind.

The streaming code calls :meth:`StreamRecorder.append` for every delta: O(1), it never waits
for the database. The first delta is written at once; later ones are gathered and written by a
timer at most once per :data:`FLUSH_INTERVAL_S` (a write still running on the store's worker
delays the next one rather than queueing more). :meth:`StreamRecorder.finish` writes the whole
text with the final usage, cost and state, from the exchange's
:class:`~openmaas_tui.core.exchange.record.AnswerRecord`. A process killed in between leaves the
answer as last flushed, in state ``streaming``, which the first open after that process is gone
turns into ``interrupted`` (another process still answering keeps its answer streaming).

An answer kept in no session (a compare lane, the gateway) has a :class:`SpendRecorder`
instead: it writes nothing while streaming and only the answer's spend into the ledger at its
end (:mod:`openmaas_tui.core.history.ledger`). Either recorder's ``finish`` is called once, by
the exchange, when the answer ends: that is where every ended answer's spend is written.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord, MessageState
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.ledger import NewSpend, SpendSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role

FLUSH_INTERVAL_S = 1.0
"""The longest a received delta waits before it is written, in seconds (plus the write)."""

_RETRY_S = 0.05
"""How soon to try again when the previous write has not finished, in seconds."""


class StreamRecorder:
    """Writes one streaming answer to the history.

    Attributes:
        message_id: the answer's id in the store.
        error: the first failure of a background write (STORAGE_FAILED), or None.
        flushes: how many background writes were started (for tests and benchmarks).
    """

    def __init__(
        self,
        store: AsyncStore,
        message_id: int,
        *,
        session_id: str | None = None,
        source: SpendSource = SpendSource.PLAYGROUND,
        interval_s: float = FLUSH_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.message_id = message_id
        self.session_id = session_id
        self.source = source
        self.error: OpenMaaSError | None = None
        self.flushes = 0
        self._interval_s = interval_s
        self._clock = clock
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._dirty = False
        self._finished = False
        self._last_flush = -math.inf
        self._timer: asyncio.TimerHandle | None = None
        self._pending: Future[None] | None = None

    @classmethod
    async def start(
        cls,
        store: AsyncStore,
        session_id: str,
        *,
        provider: str | None,
        model: str | None,
        params: Mapping[str, Any] | None = None,
        source: SpendSource = SpendSource.PLAYGROUND,
        interval_s: float = FLUSH_INTERVAL_S,
    ) -> StreamRecorder:
        """Add an empty ``streaming`` answer at the end of the session and record into it
        (``source``: the face asking, for the spend ledger).

        Raises:
            OpenMaaSError: STORAGE_FAILED when the answer cannot be added.
        """
        message_id = await store.call(
            Store.add_message,
            session_id,
            Role.ASSISTANT,
            provider=provider,
            model=model,
            params=params,
            state=MessageState.STREAMING,
        )
        return cls(store, message_id, session_id=session_id, source=source, interval_s=interval_s)

    @property
    def text(self) -> str:
        """All the answer text appended so far."""
        return "".join(self._text)

    @property
    def reasoning(self) -> str | None:
        """All the reasoning appended so far, or None when there was none."""
        return "".join(self._reasoning) if self._reasoning else None

    def append(self, text: str = "", reasoning: str = "") -> None:
        """Take a delta of answer text and/or reasoning; never waits for the database.

        Must be called from the event loop's thread (it arms a timer on the running loop).
        """
        if self._finished or not (text or reasoning):
            return
        if text:
            self._text.append(text)
        if reasoning:
            self._reasoning.append(reasoning)
        self._dirty = True
        if self._timer is None:
            delay = max(0.0, self._last_flush + self._interval_s - self._clock())
            self._timer = asyncio.get_running_loop().call_later(delay, self._flush_due)

    def _flush_due(self) -> None:
        self._timer = None
        if self._finished or not self._dirty:
            return
        if self._pending is not None and not self._pending.done():
            self._timer = asyncio.get_running_loop().call_later(_RETRY_S, self._flush_due)
            return
        self._dirty = False
        self._last_flush = self._clock()
        self._pending = self._write()

    def _write(self) -> Future[None]:
        text = self.text
        self._text = [text]
        if self._reasoning:
            self._reasoning = ["".join(self._reasoning)]
        self.flushes += 1
        future = self.store.submit(Store.update_streaming, self.message_id, text, self.reasoning)
        future.add_done_callback(self._note)
        return future

    def _note(self, future: Future[None]) -> None:
        if future.cancelled():
            return
        exc = future.exception()
        if isinstance(exc, OpenMaaSError) and self.error is None:
            self.error = exc

    async def flush(self) -> None:
        """Write what arrived now and wait until it is on disk."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._dirty = False
        self._last_flush = self._clock()
        self._pending = self._write()
        await asyncio.wrap_future(self._pending)

    async def finish(self, record: AnswerRecord) -> None:
        """Write how the answer ended (:meth:`Store.finish_message`: its whole text, usage,
        cost in USD, times in ms, state, and its row in the spend ledger); later appends are
        ignored.

        Raises:
            OpenMaaSError: STORAGE_FAILED when the final write fails or the history was closed
                first (the app quitting mid-answer); also kept in :attr:`error`. The answer
                then stays as last flushed, and shows as interrupted at the next open.
        """
        self._finished = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            await self.store.call(
                Store.finish_message,
                self.message_id,
                record,
                source=self.source,
                session_id=self.session_id,
            )
        except RuntimeError:  # the store's worker takes no more work: it was closed
            failure = OpenMaaSError(
                ErrorCode.STORAGE_FAILED, "the history was closed before the answer ended"
            )
        except OpenMaaSError as exc:
            failure = exc
        else:
            return
        if self.error is None:
            self.error = failure
        raise failure


class SpendRecorder:
    """Records the spend of an answer kept in no session (a compare lane, the gateway): nothing
    while it streams, one ledger row when it ends.

    Attributes:
        source: the face that runs the answer.
        compare_run_id: the compare run it races in, or None.
        client: who asked for it (the gateway's client), or None.
        status: tells the HTTP status the answer was given once it ended (the gateway's), or
            None.
        error: why the ledger could not be written (STORAGE_FAILED), or None.
    """

    def __init__(
        self,
        history: Callable[[], Awaitable[AsyncStore]],
        source: SpendSource,
        *,
        compare_run_id: str | None = None,
        client: str | None = None,
        status: Callable[[AnswerRecord], int] | None = None,
        window_s: float = 0.0,
    ) -> None:
        """Args:
        history: opens (or hands back) the history, e.g. ``services.history``.
        source: the face that runs the answer.
        compare_run_id: the compare run it races in, or None.
        client: who asked for it (the product token of a gateway client's ``User-Agent``).
        status: the HTTP status an ended answer was given (called once, at its end).
        window_s: how long its spend may wait for others to share a transaction, in seconds
            (:meth:`AsyncStore.add_spend`).
        """
        self._history = history
        self.source = source
        self.compare_run_id = compare_run_id
        self.client = client
        self.status = status
        self.window_s = window_s
        self.error: OpenMaaSError | None = None

    def append(self, text: str = "", reasoning: str = "") -> None:
        """Nothing of the answer's text is kept."""

    async def finish(self, record: AnswerRecord) -> None:
        """Put the answer's spend into the ledger (:meth:`AsyncStore.add_spend`: with the
        spends of answers that end meanwhile or within :attr:`window_s`, in one transaction).

        Raises:
            OpenMaaSError: STORAGE_FAILED when the history cannot be written or was closed
                first; also kept in :attr:`error`.
        """
        try:
            store = await self._history()
            status = None if self.status is None else self.status(record)
            await store.add_spend(
                NewSpend(record, self.source, self.compare_run_id, self.client, status),
                window_s=self.window_s,
            )
        except RuntimeError:  # the store's worker takes no more work: it was closed
            self.error = OpenMaaSError(
                ErrorCode.STORAGE_FAILED, "the history was closed before the answer ended"
            )
            raise self.error from None
        except OpenMaaSError as exc:
            self.error = exc
            raise


def compare_recorders(
    history: Callable[[], Awaitable[AsyncStore]],
) -> Callable[[str, int], SpendRecorder]:
    """The recorders of a compare's lanes (``CompareRun(recorders=...)``): each lane's answer,
    every start and rerun, is one row of the spend ledger under the run's id.

    Args:
        history: opens (or hands back) the history, e.g. ``services.history``.

    Returns:
        ``recorder(run_id, lane_index)``.
    """

    def recorder(run_id: str, lane_index: int) -> SpendRecorder:
        return SpendRecorder(history, SpendSource.COMPARE, compare_run_id=run_id)

    return recorder
