"""Every read and write of sessions the playground makes, in one place.

The screen never changes a :class:`~openmaas_tui.core.sessions.conversation.Session` itself: it asks
a :class:`SessionBook`. The book changes the session in memory and, once a history store is attached
(:meth:`SessionBook.attach`), saves the change through the
:class:`~openmaas_tui.core.history.async_store.AsyncStore`, whose worker thread keeps SQLite off the
event loop. A session is saved once it holds a message (an empty "New chat" never reaches the
database); the sidebar lists the stored sessions a page at a time from their summaries
(:meth:`SessionBook.listed`), and a session's messages are read when it is opened
(:meth:`SessionBook.load`).

A failed write (STORAGE_FAILED: a full disk, a file gone read-only) never stops the
playground: the change stays in memory and the first failure is reported through ``on_problem``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.recorder import StreamRecorder
from openmaas_tui.core.history.records import StoredSession
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.conversation import NEW_TITLE, Session, SessionMessage
from openmaas_tui.core.sessions.store_map import (
    attachments_of,
    message_from_stored,
    session_from_stored,
    stored_defaults,
    stored_message,
)
from openmaas_tui.core.types import ImagePart, Message, Role

T = TypeVar("T")

TAIL = 200
"""Messages read to open a stored session: far more than a screen shows; the earlier ones are
read just after, off the critical path."""


class SessionBook:
    """The sessions of the playground and the operations on them.

    Args:
        sessions: the sessions to start with, in creation order.
        endpoints: the custom endpoints, to name stored models as the model picker does.
        on_problem: told about the first failed write to the history (STORAGE_FAILED).
    """

    def __init__(
        self,
        sessions: list[Session] | None = None,
        *,
        endpoints: dict[str, Endpoint] | None = None,
        on_problem: Callable[[OpenMaaSError], None] | None = None,
    ) -> None:
        self.sessions: list[Session] = list(sessions or [])
        """The sessions of this run: made, opened or taken in, in that order (the history's
        others are listed from the store, see :meth:`listed`)."""
        self.store: AsyncStore | None = None
        """The history the changes are saved to (None: in memory only)."""
        self._endpoints = endpoints
        self._on_problem = on_problem
        self._reported = False
        self.default_model = ""
        """The model of a stored session that names none (set by :meth:`attach`)."""
        self._earlier: dict[str, asyncio.Task[int]] = {}
        """Sessions whose earlier messages are being read (see :meth:`open`), by id."""

    def ordered(self, sessions: list[Session] | None = None) -> list[Session]:
        """``sessions`` (default: all) by last activity, newest first."""
        return sorted(self.sessions if sessions is None else sessions, key=_activity)

    def __contains__(self, session: Session) -> bool:
        return any(s is session for s in self.sessions)

    # -- the store --------------------------------------------------------------------------

    async def attach(self, store: AsyncStore, *, default_model: str) -> None:
        """Save every later change to ``store``. Its sessions are not read here: the sidebar
        lists them a page at a time (:class:`~openmaas_tui.core.sessions.listed.ListedSessions`)
        and a listed session joins :attr:`sessions` when it is opened (:meth:`add`).

        Args:
            store: the history.
            default_model: the model of a stored session that names none.
        """
        self.store = store
        self.default_model = default_model

    def listed(self, stored: StoredSession) -> Session:
        """The session a row of the stored list stands for: the one in :attr:`sessions`
        with its store id (what this run changed is there), else one built from the row's
        summary (its messages are read when it is opened)."""
        known = next((s for s in self.sessions if s.store_id == stored.id), None)
        if known is not None:
            return known
        return session_from_stored(
            stored, default_model=self.default_model, endpoints=self._endpoints
        )

    async def read(self, call: Awaitable[T]) -> T | None:
        """Await a read of the store; None when it fails (STORAGE_FAILED is reported once,
        as for writes) or the store is closed."""
        return await self._try(call)

    async def _try(self, call: Awaitable[T]) -> T | None:
        """Await a store call; on STORAGE_FAILED report it (the first time) and return None.

        A store already closed (the app is quitting: its worker takes no more work) returns
        None too, without a report: an answer still streaming then stays as last flushed and
        shows as interrupted next time.
        """
        try:
            return await call
        except RuntimeError:
            return None
        except OpenMaaSError as exc:
            self._report(exc)
            return None

    def _report(self, problem: OpenMaaSError) -> None:
        """Tell ``on_problem`` about the first failed write to the history."""
        if not self._reported and self._on_problem is not None:
            self._reported = True
            self._on_problem(problem)

    async def open(self, session: Session) -> asyncio.Task[int] | None:
        """Read the last :data:`TAIL` messages of ``session`` if it is not loaded, enough to
        show it; the earlier ones are read by the task returned (None: nothing left to read),
        which puts them first in ``session.messages`` and returns how many they were."""
        if session.loaded or session.id in self._earlier:
            return self._earlier.get(session.id)
        if self.store is None or session.store_id is None:
            session.loaded = True
            return None
        offset, rows = await self._try(
            self.store.call(Store.last_messages, session.store_id, TAIL)
        ) or (0, [])
        session.messages = [message_from_stored(m) for m in rows]
        if offset == 0:
            session.loaded = True
            return None
        task = asyncio.create_task(self._read_earlier(session, session.store_id, offset))
        self._earlier[session.id] = task
        return task

    async def _read_earlier(self, session: Session, store_id: str, count: int) -> int:
        assert self.store is not None
        rows = await self._try(self.store.call(Store.messages, store_id, limit=count)) or []
        session.messages[:0] = [message_from_stored(m) for m in rows]
        session.loaded = True
        return len(rows)

    async def load(self, session: Session) -> None:
        """Read all of ``session``'s messages from the store if they are not loaded yet (wait
        for the earlier ones when :meth:`open` has begun)."""
        if session.loaded:
            return
        task = await self.open(session)
        if task is not None:
            await asyncio.shield(task)

    async def _saved(self, session: Session) -> str | None:
        """The store id of ``session``, saving it first (empty) if it is not saved yet."""
        if self.store is None or session.store_id is not None:
            return session.store_id
        defaults = stored_defaults(session, self._endpoints)
        stored = await self._try(
            self.store.call(Store.create_session, source=session.source, **defaults)
        )
        if stored is None:
            return None
        session.store_id = stored.id
        if session.title != NEW_TITLE:
            await self._try(self.store.call(Store.rename_session, stored.id, session.title))
        return stored.id

    async def _save_whole(self, session: Session) -> None:
        """Save a session that arrived with its messages (in one transaction)."""
        if self.store is None or session.store_id is not None or not session.messages:
            return
        defaults = stored_defaults(session, self._endpoints)
        head = StoredSession(
            "", session.title, False, session.created_at, session.updated_at, **defaults
        )
        rows = [stored_message(m, "", i) for i, m in enumerate(session.messages)]
        store_id = await self._try(
            self.store.call(Store.import_session, head, rows, source=session.source)
        )
        if store_id is None:
            return
        session.store_id = store_id
        saved = await self._try(self.store.call(Store.messages, store_id)) or []
        for message, row in zip(session.messages, saved, strict=False):
            message.store_id = row.id

    # -- sessions ---------------------------------------------------------------------------

    async def create(self, model: str) -> Session:
        """A new, empty session with ``model`` (saved once it holds a message)."""
        session = Session(model=model)
        self.sessions.append(session)
        return session

    async def add(self, session: Session) -> None:
        """Take in a session built elsewhere (compare's "continue", an import, a test); one
        holding messages is saved."""
        if session not in self:
            self.sessions.append(session)
        await self._save_whole(session)

    async def save_settings(self, session: Session) -> None:
        """Keep ``session``'s model, where it is asked (:attr:`Session.base_url`,
        :attr:`Session.api`) and settings (:attr:`Session.params`) as those its next request
        starts with, also after a restart (a session not saved yet keeps them in memory until
        its first message)."""
        if self.store is None or session.store_id is None:
            return
        defaults = stored_defaults(session, self._endpoints)
        await self._try(self.store.call(Store.set_defaults, session.store_id, **defaults))

    async def rename(self, session: Session, title: str) -> None:
        """Give ``session`` the person's title."""
        session.rename(title)
        if self.store is not None and session.store_id is not None:
            await self._try(self.store.call(Store.rename_session, session.store_id, session.title))

    async def delete(self, session: Session) -> None:
        """Forget ``session`` and its messages."""
        self._earlier.pop(session.id, None)
        self.sessions = [s for s in self.sessions if s is not session]
        if self.store is not None and session.store_id is not None:
            await self._try(self.store.call(Store.delete_session, session.store_id))

    # -- messages ---------------------------------------------------------------------------

    async def add_user(
        self,
        session: Session,
        text: str,
        *,
        provider: str | None = None,
        model: str | None = None,
        images: tuple[ImagePart, ...] = (),
    ) -> SessionMessage:
        """Record the person's message and its images; with a store it is on disk (images
        kept once per content) when this returns (call it before the request leaves)."""
        await self.load(session)
        store_id = await self._saved(session)
        record = session.add_user(text, images)
        record.provider, record.model = provider, model
        if self.store is not None and store_id is not None:
            record.store_id = await self._try(
                self.store.call(
                    Store.add_message,
                    store_id,
                    Role.USER,
                    text,
                    attachments=attachments_of(record),
                    provider=provider,
                    model=model,
                )
            )
        return record

    async def add_tool_results(
        self, session: Session, results: Sequence[Message]
    ) -> list[SessionMessage]:
        """Record the person's results of an answer's tool calls (messages of role ``tool``,
        :meth:`~openmaas_tui.core.types.Message.tool_result`), in order; with a store they are
        on disk when this returns (call it before the request leaves)."""
        await self.load(session)
        store_id = await self._saved(session)
        records = []
        for result in results:
            record = SessionMessage(
                Role.TOOL,
                result.text,
                tool_call_id=result.tool_call_id,
                tool_name=result.tool_name,
                is_error=result.is_error,
            )
            session.messages.append(record)
            records.append(record)
            if self.store is not None and store_id is not None:
                record.store_id = await self._try(
                    self.store.call(
                        Store.add_message,
                        store_id,
                        Role.TOOL,
                        result.text,
                        tool_call_id=result.tool_call_id,
                        tool_name=result.tool_name,
                        is_error=result.is_error,
                    )
                )
        session.touch()
        return records

    async def start_answer(
        self,
        session: Session,
        *,
        provider: str | None,
        model: str | None,
        params: Mapping[str, Any] | None = None,
    ) -> StreamRecorder | None:
        """Add an empty streaming answer to the stored session and return the recorder that
        writes its text as it arrives (None without a store): the answer's exchange feeds and
        finishes it; :meth:`add_answer` then keeps the answer in the session (``params``:
        what the request carried). The session's model and settings are saved with it
        (:meth:`save_settings`)."""
        store_id = await self._saved(session)
        if self.store is None or store_id is None:
            return None
        await self.save_settings(session)
        return await self._try(
            StreamRecorder.start(
                self.store, store_id, provider=provider, model=model, params=params
            )
        )

    async def add_answer(
        self,
        session: Session,
        message: SessionMessage,
        recorder: StreamRecorder | None = None,
    ) -> SessionMessage | None:
        """Keep a finished answer (complete, stopped or failed); None if it held nothing.

        Args:
            session: where it belongs.
            message: the answer, with its usage, cost, timings and how it ended.
            recorder: the recorder it streamed into (see :meth:`start_answer`), already
                finished by its exchange: the row is deleted when the answer is not kept, and
                a failure of its writes is reported like any other.
        """
        kept = session.add(message)
        if self.store is None or recorder is None:
            return kept
        if recorder.error is not None:
            self._report(recorder.error)
        if kept is None:
            await self._try(self.store.call(Store.delete_message, recorder.message_id))
            return None
        kept.store_id = recorder.message_id
        return kept

    async def truncate(self, session: Session, message: SessionMessage) -> list[SessionMessage]:
        """Drop ``message`` and everything after it; returns what was dropped."""
        await self.load(session)
        dropped = session.truncate(message)
        first = next((m.store_id for m in dropped if m.store_id is not None), None)
        if self.store is None or session.store_id is None or first is None:
            return dropped
        row = await self._try(self.store.call(Store.get_message, first))
        if row is not None:
            await self._try(self.store.call(Store.truncate_from, session.store_id, row.position))
        return dropped

    async def remove(self, session: Session, message: SessionMessage) -> None:
        """Delete one message."""
        await self.load(session)
        session.remove(message)
        if self.store is not None and message.store_id is not None:
            await self._try(self.store.call(Store.delete_message, message.store_id))

    async def clear(self, session: Session) -> None:
        """Delete every message of ``session``."""
        await self.load(session)
        session.clear()
        if self.store is not None and session.store_id is not None:
            await self._try(self.store.call(Store.clear_session, session.store_id))


def _activity(session: Session) -> float:
    return -session.updated_at
