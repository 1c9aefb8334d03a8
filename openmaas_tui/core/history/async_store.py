"""The history store for async code: every call runs on one dedicated worker thread.

:class:`AsyncStore` owns a single-thread executor; the
:class:`~openmaas_tui.core.history.store.Store`
(and so its SQLite connection) is created on that thread and only ever used there, so database
work never blocks the event loop and calls run in the order they were made. Its ``async``
methods mirror the store's (same arguments, same errors: ``OpenMaaSError(STORAGE_FAILED)``).

:meth:`AsyncStore.open_or_memory` never fails: when the file is damaged or unwritable it opens
an in-memory store for this run and keeps the reason in :attr:`AsyncStore.problem` for the UI to
show. Streaming answers are recorded with
:class:`~openmaas_tui.core.history.recorder.StreamRecorder`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.opening import MEMORY
from openmaas_tui.core.history.records import (
    DayTotals,
    MessageState,
    ModelTotals,
    SearchHit,
    StoredMessage,
    StoredSession,
)
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.conversation import NEW_TITLE
from openmaas_tui.core.types import Role

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
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Future[T]:
        """Queue ``fn(store, *args, **kwargs)`` on the worker without waiting for it."""
        return self._executor.submit(fn, self._store, *args, **kwargs)

    async def call(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run ``fn(store, *args, **kwargs)`` on the worker and wait for its result."""
        return await asyncio.wrap_future(self.submit(fn, *args, **kwargs))

    async def aclose(self) -> None:
        """Finish queued work, close the connection and stop the worker."""
        try:
            await self.call(Store.close)
        finally:
            self._executor.shutdown(wait=False)

    # The store's methods; see Store for their documentation.

    async def create_session(
        self,
        *,
        title: str = NEW_TITLE,
        provider: str | None = None,
        model: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> StoredSession:
        """See :meth:`Store.create_session`."""
        return await self.call(
            Store.create_session, title=title, provider=provider, model=model, params=params
        )

    async def list_sessions(self, *, limit: int | None = None) -> list[StoredSession]:
        """See :meth:`Store.list_sessions`."""
        return await self.call(Store.list_sessions, limit=limit)

    async def get_session(self, session_id: str) -> StoredSession | None:
        """See :meth:`Store.get_session`."""
        return await self.call(Store.get_session, session_id)

    async def resolve_id(self, prefix: str) -> str:
        """See :meth:`Store.resolve_id`."""
        return await self.call(Store.resolve_id, prefix)

    async def rename_session(self, session_id: str, title: str) -> None:
        """See :meth:`Store.rename_session`."""
        await self.call(Store.rename_session, session_id, title)

    async def set_defaults(
        self,
        session_id: str,
        *,
        provider: str | None,
        model: str | None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """See :meth:`Store.set_defaults`."""
        await self.call(
            Store.set_defaults, session_id, provider=provider, model=model, params=params
        )

    async def delete_session(self, session_id: str) -> None:
        """See :meth:`Store.delete_session`."""
        await self.call(Store.delete_session, session_id)

    async def clear_session(self, session_id: str) -> int:
        """See :meth:`Store.clear_session`."""
        return await self.call(Store.clear_session, session_id)

    async def messages(
        self, session_id: str, *, offset: int = 0, limit: int | None = None
    ) -> list[StoredMessage]:
        """See :meth:`Store.messages`."""
        return await self.call(Store.messages, session_id, offset=offset, limit=limit)

    async def count_messages(self, session_id: str) -> int:
        """See :meth:`Store.count_messages`."""
        return await self.call(Store.count_messages, session_id)

    async def get_message(self, message_id: int) -> StoredMessage | None:
        """See :meth:`Store.get_message`."""
        return await self.call(Store.get_message, message_id)

    async def add_message(
        self,
        session_id: str,
        role: Role,
        content: str = "",
        *,
        attachments: Sequence[Mapping[str, Any]] = (),
        reasoning: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        params: Mapping[str, Any] | None = None,
        state: MessageState = MessageState.COMPLETE,
    ) -> int:
        """See :meth:`Store.add_message`."""
        return await self.call(
            Store.add_message,
            session_id,
            role,
            content,
            attachments=attachments,
            reasoning=reasoning,
            provider=provider,
            model=model,
            params=params,
            state=state,
        )

    async def update_streaming(
        self, message_id: int, content: str, reasoning: str | None = None
    ) -> None:
        """See :meth:`Store.update_streaming`."""
        await self.call(Store.update_streaming, message_id, content, reasoning)

    async def finish_message(self, message_id: int, record: AnswerRecord) -> None:
        """See :meth:`Store.finish_message`."""
        await self.call(Store.finish_message, message_id, record)

    async def delete_message(self, message_id: int) -> None:
        """See :meth:`Store.delete_message`."""
        await self.call(Store.delete_message, message_id)

    async def truncate_from(self, session_id: str, position: int) -> int:
        """See :meth:`Store.truncate_from`."""
        return await self.call(Store.truncate_from, session_id, position)

    async def import_session(
        self, session: StoredSession, messages: Sequence[StoredMessage]
    ) -> str:
        """See :meth:`Store.import_session`."""
        return await self.call(Store.import_session, session, messages)

    async def search(
        self,
        text: str,
        *,
        limit: int = 100,
        marks: tuple[str, str] = ("«", "»"),
        snippets: bool = True,
    ) -> list[SearchHit]:
        """See :meth:`Store.search`."""
        return await self.call(Store.search, text, limit=limit, marks=marks, snippets=snippets)

    async def cost_by_day(self) -> list[DayTotals]:
        """See :meth:`Store.cost_by_day`."""
        return await self.call(Store.cost_by_day)

    async def cost_by_model(self) -> list[ModelTotals]:
        """See :meth:`Store.cost_by_model`."""
        return await self.call(Store.cost_by_model)
