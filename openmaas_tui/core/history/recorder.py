"""Recording an answer while it streams: text on disk at most about a second behind.

The streaming code calls :meth:`StreamRecorder.append` for every delta: O(1), it never waits
for the database. The first delta is written at once; later ones are gathered and written by a
timer at most once per :data:`FLUSH_INTERVAL_S` (a write still running on the store's worker
delays the next one rather than queueing more). :meth:`StreamRecorder.finish` writes the whole
text with the final usage, cost and state. A process killed in between leaves the answer as
last flushed, in state ``streaming``, which the next open turns into ``interrupted``.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import Any

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.records import MessageState
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role, Usage

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
        interval_s: float = FLUSH_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.message_id = message_id
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
        interval_s: float = FLUSH_INTERVAL_S,
    ) -> StreamRecorder:
        """Add an empty ``streaming`` answer at the end of the session and record into it.

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
        return cls(store, message_id, interval_s=interval_s)

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

    async def finish(
        self,
        *,
        state: MessageState = MessageState.COMPLETE,
        usage: Usage | None = None,
        cost_usd: float | None = None,
        cost_estimated: bool = False,
        ttft_ms: float | None = None,
        duration_ms: float | None = None,
        finish_reason: str | None = None,
        finish_reason_raw: str | None = None,
        error_code: str | None = None,
        error_message: str | None = None,
    ) -> None:
        """Write the whole text with how the answer ended; later appends are ignored.

        Args are those of :meth:`Store.finish_message` (cost in USD, times in ms).

        Raises:
            OpenMaaSError: STORAGE_FAILED when the final write fails.
        """
        self._finished = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self.store.finish_message(
            self.message_id,
            state=state,
            content=self.text,
            reasoning=self.reasoning,
            usage=usage,
            cost_usd=cost_usd,
            cost_estimated=cost_estimated,
            ttft_ms=ttft_ms,
            duration_ms=duration_ms,
            finish_reason=finish_reason,
            finish_reason_raw=finish_reason_raw,
            error_code=error_code,
            error_message=error_message,
        )
