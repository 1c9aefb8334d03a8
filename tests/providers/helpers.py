"""Helpers shared by the adapter tests: run a stream to its end or its error, get an answer
streamed or whole, and a port nothing listens on."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Completion, CompletionBuilder, StreamEvent
from openmaas_tui.providers.base import Adapter, collect


@dataclass
class Drained:
    """What a stream yielded, folded and as a list, and the error it ended with (if any)."""

    builder: CompletionBuilder
    events: list[StreamEvent] = field(default_factory=list)
    error: OpenMaaSError | None = None

    @property
    def failure(self) -> OpenMaaSError:
        """The error the stream ended with; a stream that ended without one fails the test."""
        if self.error is None:
            raise AssertionError("the stream ended without an error")
        return self.error


async def drain(events: AsyncIterator[StreamEvent], model: str) -> Drained:
    """Read ``events`` to the end or to the first error, keeping everything received before it.

    Any exception other than :class:`OpenMaaSError` fails the test: adapters must map them all.
    """
    drained = Drained(CompletionBuilder(model))
    try:
        async for event in events:
            drained.events.append(event)
            drained.builder.add(event)
    except Exception as error:  # anything but OpenMaaSError is a bug
        assert isinstance(error, OpenMaaSError), f"{type(error).__name__} escaped: {error}"
        drained.error = error
    return drained


async def answer(
    adapter: Adapter, request: ChatRequest, key: str | Credentials | None, *, stream: bool
) -> Completion:
    """The answer to ``request``: streamed and collected, or from ``complete()``; ``key`` is an
    API key or whole credentials (AWS access keys, an Azure key, a Vertex AI key)."""
    creds = key if isinstance(key, Credentials) else Credentials.of_key(key)
    if stream:
        return await collect(adapter.stream(request, creds), request.model)
    return await adapter.complete(request, creds)


def closed_port() -> int:
    """A loopback port nothing listens on (bound once to find it, then closed again)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
