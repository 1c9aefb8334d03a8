"""Credentials: the OS keyring, or memory for this run, with ``config.toml`` (non-secret parts)
and environment variables as read-only fallbacks.

Each part of a provider's credentials (:mod:`~openmaas_tui.core.credentials.fields`) is read
in this order: memory (set during this run), the OS keyring (service ``openmaas``, user =
provider name; the key itself, or a JSON object of parts for providers with several), the
provider's ``[providers.NAME]`` table of ``config.toml`` (region, project, location,
api_version: never a secret), then the environment variables its field names
(``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``, ``AWS_SECRET_ACCESS_KEY``, … or a custom
endpoint's own ``api_key_env``). Secrets are never written to a file nor copied into
``os.environ``; every one handed out is registered with
:mod:`~openmaas_tui.core.credentials.redact` so it is masked wherever it might be shown. A
custom endpoint only ever gets its own key.

Keyring calls block (D-Bus on Linux): the UI calls them from a thread worker. Finding the
keyring backend (importing keyring and probing D-Bus, about 0.2 s) happens on first use, or
when :meth:`KeyStore.probe` is called, which the app does in a thread after its first screen.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType

from openmaas_tui.core.config.endpoint import Endpoint, endpoint_spec
from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.credentials.fields import CredentialField, fields_for
from openmaas_tui.core.credentials.ready import ALWAYS_READY, can_authenticate
from openmaas_tui.core.credentials.redact import forget_secret, mask, register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import SPECS, ProviderSpec

SERVICE = "openmaas"
"""The keyring service name under which keys are stored (user name = provider)."""


class KeySource(StrEnum):
    """Where a key came from."""

    KEYRING = "keyring"
    MEMORY = "memory"
    CONFIG = "config"
    """``config.toml``'s ``[providers.NAME]`` table (non-secret parts only)."""
    ENV = "env"
    DEFAULT = "default"
    """The field's documented default (Vertex's location)."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A provider's key as shown to people: masked, with where it comes from.

    Attributes:
        provider: the provider or custom endpoint name.
        masked: the key masked (``sk-…1a2b``), or for several parts each set part (secrets
            masked: ``AKIA…WXYZ · us-east-1``), or None when nothing is set.
        source: where the key (the first secret part set) comes from, or None.
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


def _encode(values: Mapping[Part, str]) -> str:
    """How parts are kept in one keyring entry: an API key alone as itself (as every version
    stored it), anything more as a JSON object of part names."""
    if set(values) == {Part.API_KEY}:
        return values[Part.API_KEY]
    return json.dumps({p.value: v for p, v in values.items()}, sort_keys=True)


def _decode(value: str) -> dict[Part, str]:
    """The parts of a keyring entry written by :func:`_encode` (unknown names are ignored)."""
    if value.startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            data = None
        if isinstance(data, dict):
            known = {p.value for p in Part}
            return {Part(k): v for k, v in data.items() if k in known and isinstance(v, str) and v}
    return {Part.API_KEY: value}


class KeyStore:
    """Keys for every provider.

    Args:
        endpoints: custom endpoints from settings (their ``api_key_env`` is their only
            environment fallback; see
            :func:`~openmaas_tui.core.config.endpoint.endpoint_spec`).
        environ: environment to read fallbacks from (default ``os.environ``); never written.
        use_keyring: False keeps every key in memory (``--no-keyring``).
        options: non-secret parts per provider from ``config.toml`` (``[providers.NAME]``:
            ``region``, ``project``, ``location``, ``api_version``, ``profile``).

    Attributes:
        warnings: things the person should be told once (e.g. no keyring backend).
    """

    def __init__(
        self,
        endpoints: Mapping[str, Endpoint] | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        use_keyring: bool = True,
        options: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._specs: dict[str, ProviderSpec] = {
            **SPECS,
            **{name: endpoint_spec(e) for name, e in (endpoints or {}).items()},
        }
        self._environ = os.environ if environ is None else environ
        self._options = options or {}
        self._memory: dict[str, dict[Part, str]] = {}
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

    def fields(self, provider: str) -> tuple[CredentialField, ...]:
        """The parts ``provider`` is signed with, in the order they are asked for (none for
        an unknown name)."""
        spec = self._specs.get(provider)
        return fields_for(spec) if spec is not None else ()

    def env_vars(self, provider: str) -> tuple[str, ...]:
        """The environment variables read, in order, as fallbacks for ``provider``'s parts:
        for a key its spec's ``key_env`` (a custom endpoint's ``api_key_env``); none for an
        unknown name."""
        return tuple(v for f in self.fields(provider) for v in f.env)

    def _multi_part(self, provider: str) -> bool:
        spec = self._specs.get(provider)
        return spec is not None and spec.credential.multi_part

    def _from_keyring(self, provider: str) -> dict[Part, str] | None:
        if not self._keyring_ok:
            return None
        keyring = _keyring()
        try:
            value = keyring.get_password(SERVICE, provider)
        except keyring.errors.KeyringError as exc:
            self._no_keyring(f"the OS keyring could not be read ({type(exc).__name__})")
            return None
        return _decode(value) if value else None

    def _stored(self, provider: str) -> tuple[dict[Part, str], KeySource | None]:
        if provider in self._memory:
            return self._memory[provider], KeySource.MEMORY
        if (stored := self._from_keyring(provider)) is not None:
            return stored, KeySource.KEYRING
        return {}, None

    def credentials(self, provider: str) -> Credentials:
        """Every part of ``provider``'s credentials in force (see the module's order), its
        secrets registered for masking. Blocks on the keyring: call it from a thread in the
        UI."""
        return self._resolve(provider)[0]

    def _resolve(self, provider: str) -> tuple[Credentials, dict[Part, KeySource]]:
        stored, stored_source = self._stored(provider)
        options = self._options.get(provider, {})
        values: dict[Part, str] = {}
        sources: dict[Part, KeySource] = {}
        for f in self.fields(provider):
            value: str | None = stored.get(f.part)
            source = stored_source
            if not value and not f.secret and options.get(f.part.value):
                value, source = options[f.part.value], KeySource.CONFIG
            if not value:
                value = next((self._environ[v] for v in f.env if self._environ.get(v)), None)
                source = KeySource.ENV
            if not value and f.default is not None:
                value, source = f.default, KeySource.DEFAULT
            if value and source is not None:
                values[f.part], sources[f.part] = value, source
                if f.secret:
                    register_secret(value)
        return Credentials(provider, values), sources

    def can_authenticate(self, provider: str) -> bool:
        """Whether ``provider`` can sign a request with what is here, its endpoint included
        where it has no default (Azure: ``[providers.NAME] base_url`` or its ``host_env``);
        see :func:`~openmaas_tui.core.credentials.ready.can_authenticate`. False for an
        unknown name. Blocks on the keyring and checks a few files: call it from a thread in
        the UI."""
        spec = self._specs.get(provider)
        if spec is None:
            return False
        if spec.credential in ALWAYS_READY:
            return True  # no keyring read for what needs no key
        endpoint = spec.base_url or self._options.get(provider, {}).get("base_url")
        if not endpoint and spec.host_env:
            endpoint = self._environ.get(spec.host_env, "").strip()
        return can_authenticate(
            spec, self.credentials(provider), endpoint_set=bool(endpoint), environ=self._environ
        )

    def lookup(self, provider: str) -> tuple[str | None, KeySource | None]:
        """The API key in force for ``provider`` and where it comes from, or
        ``(None, None)``."""
        creds, sources = self._resolve(provider)
        key = creds.api_key
        return (key, sources[Part.API_KEY]) if key else (None, None)

    def get(self, provider: str) -> str | None:
        """The API key for ``provider``, or None."""
        return self.lookup(provider)[0]

    def set(self, provider: str, key: str, *, persist: bool = True) -> KeySource:
        """Store ``key`` as ``provider``'s API key (its other parts, if any, are kept).

        Returns:
            Where the key was stored.

        Raises:
            OpenMaaSError: INVALID_REQUEST for an empty key.
        """
        if not key.strip():
            raise OpenMaaSError(ErrorCode.INVALID_REQUEST, "the key is empty", provider=provider)
        kept = self._stored(provider)[0] if self._multi_part(provider) else {}
        return self.set_parts(provider, {**kept, Part.API_KEY: key}, persist=persist)

    def set_parts(
        self, provider: str, values: Mapping[Part, str], *, persist: bool = True
    ) -> KeySource:
        """Store ``provider``'s credential parts (replacing what was stored): in the OS
        keyring when ``persist`` and a backend is available, else in memory for this run.
        Blank values are left out.

        Returns:
            Where the parts were stored.

        Raises:
            OpenMaaSError: INVALID_REQUEST when every value is blank, or a part is not one of
                ``provider``'s.
        """
        cleaned = {Part(p): v.strip() for p, v in values.items() if v and v.strip()}
        if not cleaned:
            raise OpenMaaSError(ErrorCode.INVALID_REQUEST, "the key is empty", provider=provider)
        allowed = {f.part for f in self.fields(provider)} or {Part.API_KEY}
        if unknown := set(cleaned) - allowed:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"{provider} takes no {', '.join(sorted(unknown))}",
                provider=provider,
            )
        for part, value in cleaned.items():
            if part.secret:
                register_secret(value)
        if persist and self._keyring_ok:
            keyring = _keyring()
            try:
                keyring.set_password(SERVICE, provider, _encode(cleaned))
            except keyring.errors.KeyringError as exc:
                self._no_keyring(f"the OS keyring refused the key ({type(exc).__name__})")
            else:
                self._memory.pop(provider, None)
                return KeySource.KEYRING
        self._memory[provider] = cleaned
        return KeySource.MEMORY

    def delete(self, provider: str) -> bool:
        """Remove ``provider``'s key from memory and the keyring (environment variables are
        not touched). Returns whether a key was removed."""
        removed = False
        old = self._memory.pop(provider, None)
        if old is not None:
            for part, value in old.items():
                if part.secret:
                    forget_secret(value)
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
        """``provider``'s key (or parts), masked, with where the first secret comes from."""
        creds, sources = self._resolve(provider)
        if not self._multi_part(provider):
            key = creds.api_key
            source = sources.get(Part.API_KEY) if key else None
            return KeyInfo(provider, mask(key) if key else None, source, self.env_vars(provider))
        shown = [mask(v) if p.secret else v for p, v in creds.values.items()]
        secret = next((p for p in creds.values if p.secret), None)
        return KeyInfo(
            provider,
            " · ".join(shown) if secret is not None else None,
            sources[secret] if secret is not None else None,
            self.env_vars(provider),
        )

    def list(self) -> list[KeyInfo]:
        """:meth:`info` for every provider that takes a key."""
        return [self.info(p) for p in self.providers()]
