"""``Services.history()``: opened once, on first use, in memory (with the reason) when the file
cannot be used, and closed with the services."""

from __future__ import annotations

import asyncio
from pathlib import Path

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.store import Store
from openmaas_tui.services import open_services


async def test_history_is_opened_once_under_openmaas_home(isolated_home: Path) -> None:
    services = open_services(use_keyring=False)
    first, second = await asyncio.gather(services.history(), services.history())
    assert first is second
    assert first.path == isolated_home / "data" / "history.db" and first.problem is None
    await first.call(Store.create_session, title="kept")
    await services.aclose()
    again = open_services(use_keyring=False)
    assert [s.title for s in await (await again.history()).call(Store.list_sessions)] == ["kept"]
    await again.aclose()


async def test_a_damaged_history_falls_back_to_memory(isolated_home: Path) -> None:
    path = isolated_home / "data" / "history.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not sqlite" * 64)
    services = open_services(use_keyring=False)
    store = await services.history()
    assert store.in_memory and store.problem is not None
    assert store.problem.code == ErrorCode.STORAGE_FAILED and str(path) in store.problem.message
    await services.aclose()
    assert path.read_bytes() == b"\x00not sqlite" * 64


async def test_an_injected_history_is_used() -> None:
    services = open_services(use_keyring=False)
    memory = await AsyncStore.open(":memory:")
    services.use_history(memory)
    assert await services.history() is memory
    await services.aclose()
