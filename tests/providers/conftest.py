"""Fixtures shared by the adapter tests: a started replay server and the shared HTTP client.

A module whose ``server`` should answer with a fixture when nothing is queued overrides the
``default_reply`` fixture.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from openmaas_tui.core.http import make_client
from openmaas_tui.loopback.replay import ReplayServer
from openmaas_tui.loopback.server import Reply


@pytest.fixture
def default_reply() -> Reply | None:
    """What ``server`` answers when nothing is queued: nothing unless a module says otherwise."""
    return None


@pytest.fixture
async def server(default_reply: Reply | None) -> AsyncIterator[ReplayServer]:
    """A :class:`ReplayServer` on 127.0.0.1, started in the test's event loop."""
    replay = ReplayServer(default_reply)
    await replay.start()
    yield replay
    await replay.stop()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The application's shared client (``make_client()``), closed after the test."""
    async with make_client() as shared:
        yield shared
