"""API keys: the OS keyring, or memory for this run, with environment variables as a read-only
fallback.

Keys are read in this order: memory (set during this run), the OS keyring (service
``openmaas``, user = provider name), then the environment variables its provider spec names
(:attr:`~openmaas_tui.core.models.provider_specs.ProviderSpec.key_env`: ``OPENAI_API_KEY``,
``ANTHROPIC_API_KEY``, ``GEMINI_API_KEY`` / ``GOOGLE_API_KEY``, …, or a custom endpoint's own
``api_key_env``). Keys are never written to a file nor copied into
``os.environ``; every key handed out is registered with
:mod:`~openmaas_tui.core.credentials.redact` so it
is masked wherever it might be shown. A custom endpoint only ever gets its own key.

Keyring calls block (D-Bus on Linux): the UI calls them from a thread worker. Finding the
keyring backend (importing keyring and probing D-Bus, about 0.2 s) happens on first use, or
when :meth:`KeyStore.probe` is called, which the app does in a thread after its first screen.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.credentials.redact import forget_secret, mask, register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import SPECS, ProviderSpec, endpoint_spec

SERVICE = "openmaas"
"""The keyring service name under which keys are stored (user name = provider)."""


class KeySource(StrEnum):
    """Where a key came from."""

    KEYRING = "keyring"
    MEMORY = "memory"
    ENV = "env"


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A provider's key as shown to people: masked, with where it comes from.

    Attributes:
        provider: the provider or custom endpoint name.
        masked: the key masked (``sk-…1a2b``), or None when there is none.
        source: where the key in force comes from, or None.
        env_vars: the environment variables that would be read as a fallback.
    """

    provider: str
    masked: str | None
    source: KeySource | None
    env_vars: tuple[str, ...]


def _keyring() -> ModuleType:
    """The keyring package, imported on first use (it is slow to import)."""
    import keyring
    import keyring.errors

    return keyring


def _backend_usable(backend: object) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if name.startswith("keyring.backends.fail"):
        return False
    if name.startswith("keyring.backends.chainer"):
        return bool(getattr(backend, "backends", []))
    return True


class KeyStore:
    """Keys for every provider.

    Args:
        endpoints: custom endpoints from settings (their ``api_key_env`` is their only
            environment fallback; see
            :func:`~openmaas_tui.core.models.provider_specs.endpoint_spec`).
        environ: environment to read fallbacks from (default ``os.environ``); never written.
        use_keyring: False keeps every key in memory (``--no-keyring``).

    Attributes:
        warnings: things the person should be told once (e.g. no keyring backend).
    """

    def __init__(
        self,
        endpoints: Mapping[str, Endpoint] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        use_keyring: bool = True,
    ) -> None:
        self._specs: dict[str, ProviderSpec] = {
            **SPECS,
            **{name: endpoint_spec(e) for name, e in (endpoints or {}).items()},
        }
        self._environ = os.environ if environ is None else environ
        self._memory: dict[str, str] = {}
        self._warnings: list[str] = []
        self._keyring_state: bool | None = None if use_keyring else False
        self._probe_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyStore(backend={self.backend_name!r}, in_memory={sorted(self._memory)})"

    def probe(self) -> bool:
        """Find the OS keyring backend, once (blocks: call it from a thread in the UI).

        Returns:
            Whether keys can be stored in the OS keyring.
        """
        with self._probe_lock:
            if self._keyring_state is None:
                self._keyring_state = _backend_usable(_keyring().get_keyring())
                if not self._keyring_state:
                    self._no_keyring("no OS keyring backend found (no Secret Service?)")
            return self._keyring_state

    @property
    def _keyring_ok(self) -> bool:
        return self.probe()

    @property
    def warnings(self) -> list[str]:
        """Things the person should be told once (e.g. no keyring backend)."""
        self.probe()
        return self._warnings

    def _no_keyring(self, why: str) -> None:
        self._keyring_state = False
        self._warnings.append(f"{why}; keys are kept in memory for this run only")

    @property
    def keyring_available(self) -> bool:
        """Whether keys can be stored in the OS keyring."""
        return self._keyring_ok

    @property
    def backend_name(self) -> str:
        """The keyring backend in use (``SecretService Keyring``, …) or ``memory only``."""
        if not self._keyring_ok:
            return "memory only"
        backend = _keyring().get_keyring()
        return str(getattr(backend, "name", type(backend).__name__))

    def providers(self) -> list[str]:
        """Every provider whose spec takes a key: built-ins in spec order, then custom
        endpoints."""
        return [spec.id for spec in self._specs.values() if spec.credential.takes_key]

    def env_vars(self, provider: str) -> tuple[str, ...]:
        """The environment variables read, in order, as a fallback for ``provider``'s key:
        its spec's ``key_env`` (a custom endpoint's ``api_key_env``); none for an unknown
        name."""
        spec = self._specs.get(provider)
        return spec.key_env if spec is not None else ()

    def _from_keyring(self, provider: str) -> str | None:
        if not self._keyring_ok:
            return None
        keyring = _keyring()
        try:
            value = keyring.get_password(SERVICE, provider)
        except keyring.errors.KeyringError as exc:
            self._no_keyring(f"the OS keyring could not be read ({type(exc).__name__})")
            return None
        return value or None

    def lookup(self, provider: str) -> tuple[str | None, KeySource | None]:
        """The key in force for ``provider`` and where it comes from, or ``(None, None)``."""
        if provider in self._memory:
            key, source = self._memory[provider], KeySource.MEMORY
        elif (stored := self._from_keyring(provider)) is not None:
            key, source = stored, KeySource.KEYRING
        else:
            found = next(
                (self._environ[v] for v in self.env_vars(provider) if v in self._environ), None
            )
            if not found:
                return None, None
            key, source = found, KeySource.ENV
        register_secret(key)
        return key, source

    def get(self, provider: str) -> str | None:
        """The key for ``provider``, or None."""
        return self.lookup(provider)[0]

    def set(self, provider: str, key: str, *, persist: bool = True) -> KeySource:
        """Store ``key`` for ``provider``: in the OS keyring when ``persist`` and a backend is
        available, else in memory for this run.

        Returns:
            Where the key was stored.

        Raises:
            OpenMaaSError: INVALID_REQUEST for an empty key.
        """
        key = key.strip()
        if not key:
            raise OpenMaaSError(ErrorCode.INVALID_REQUEST, "the key is empty", provider=provider)
        register_secret(key)
        if persist and self._keyring_ok:
            keyring = _keyring()
            try:
                keyring.set_password(SERVICE, provider, key)
            except keyring.errors.KeyringError as exc:
                self._no_keyring(f"the OS keyring refused the key ({type(exc).__name__})")
            else:
                self._memory.pop(provider, None)
                return KeySource.KEYRING
        self._memory[provider] = key
        return KeySource.MEMORY

    def delete(self, provider: str) -> bool:
        """Remove ``provider``'s key from memory and the keyring (environment variables are
        not touched). Returns whether a key was removed."""
        removed = False
        old = self._memory.pop(provider, None)
        if old is not None:
            forget_secret(old)
            removed = True
        if self._keyring_ok:
            keyring = _keyring()
            try:
                stored = keyring.get_password(SERVICE, provider)
                if stored is not None:
                    keyring.delete_password(SERVICE, provider)
                    removed = True
            except keyring.errors.KeyringError:
                pass
        return removed

    def info(self, provider: str) -> KeyInfo:
        """``provider``'s key, masked, with its source."""
        key, source = self.lookup(provider)
        return KeyInfo(provider, mask(key) if key else None, source, self.env_vars(provider))

    def list(self) -> list[KeyInfo]:
        """:meth:`info` for every provider that takes a key."""
        return [self.info(p) for p in self.providers()]
