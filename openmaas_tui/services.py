"""The services one run of openMaaS uses, built in one place for the CLI, the app and tests.

``Services`` holds the resolved paths, the settings, the key store, the one shared
``httpx.AsyncClient`` (which answers the offline demo model's URL in-process, see
:mod:`openmaas_tui.demo.transport`), the provider registry and (opened on first use) the
history store. Build it with :func:`open_services`; close it with ``await services.aclose()``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from openmaas_tui.core.config.paths import Paths, resolve_paths
from openmaas_tui.core.config.settings import Settings, load_settings
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.http import make_client
from openmaas_tui.core.pricing.prices import PriceTable
from openmaas_tui.demo.transport import demo_mounts
from openmaas_tui.providers.registry import Providers


@dataclass(slots=True)
class Services:
    """Everything a command or the app needs, created once per run."""

    paths: Paths
    settings: Settings
    keys: KeyStore
    client: httpx.AsyncClient
    providers: Providers
    _prices: PriceTable | None = field(default=None, init=False)
    _history: AsyncStore | None = field(default=None, init=False)
    _history_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    @property
    def prices(self) -> PriceTable:
        """The price table (shipped prices merged with the user's overrides), loaded once.

        Raises:
            OpenMaaSError: INVALID_SETTINGS for a broken user override.
        """
        if self._prices is None:
            self._prices = PriceTable.load(self.paths.user_pricing_file)
        return self._prices

    async def history(self) -> AsyncStore:
        """The history store (``paths.history_db``), opened on first use on its own thread.

        Never fails: when the file is damaged or unwritable the history lives in memory for
        this run and :attr:`AsyncStore.problem` holds the STORAGE_FAILED error to show.
        """
        async with self._history_lock:
            if self._history is None:
                self._history = await AsyncStore.open_or_memory(self.paths.history_db)
        return self._history

    def use_prices(self, table: PriceTable) -> None:
        """Use ``table`` as the price table (the playground falls back to the shipped prices
        when the user's override is broken)."""
        self._prices = table

    def use_history(self, store: AsyncStore) -> None:
        """Use ``store`` as the history (tests inject an in-memory one); closed by aclose."""
        self._history = store

    async def aclose(self) -> None:
        """Close the history and the shared client."""
        if self._history is not None:
            await self._history.aclose()
            self._history = None
        await self.client.aclose()


def open_services(
    *, use_keyring: bool = True, paths: Paths | None = None, settings: Settings | None = None
) -> Services:
    """Resolve paths, read settings (unless given: the playground passes the defaults when
    ``config.toml`` is broken), open the key store and the shared client.

    Must be called with an event loop available for the client's later use (the client itself
    is created lazily by httpx and binds to the loop on first request).

    Raises:
        OpenMaaSError: INVALID_SETTINGS when ``config.toml`` is broken (file and line named).
    """
    paths = paths or resolve_paths()
    settings = settings or load_settings(paths.config_file)
    keys = KeyStore(settings.endpoints, use_keyring=use_keyring, options=settings.providers)
    client = make_client(
        connect_timeout_s=settings.connect_timeout_s,
        read_timeout_s=settings.read_timeout_s,
        mounts=demo_mounts(tokens_per_s=settings.demo_tokens_per_s),
    )
    return Services(paths, settings, keys, client, Providers(client, settings, keys))
