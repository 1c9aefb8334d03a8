"""KeyStore: memory, keyring (in-memory backend here), env fallback, masking, no file writes."""

from __future__ import annotations

import os
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.credentials.keys import SERVICE, KeySource, KeyStore
from openmaas_tui.core.credentials.redact import mask, redact
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from tests.support.memory_keyring import MemoryKeyring

OPENAI_KEY = "sk-test-0123456789abcdef1a2b"


def test_set_goes_to_the_keyring_and_reads_back(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore(environ={})
    assert store.set("openai", OPENAI_KEY) is KeySource.KEYRING
    assert memory_keyring.store[(SERVICE, "openai")] == OPENAI_KEY
    fresh = KeyStore(environ={})
    assert fresh.lookup("openai") == (OPENAI_KEY, KeySource.KEYRING)


def test_memory_only_store_keeps_nothing_in_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore(environ={}, use_keyring=False)
    assert store.set("anthropic", "sk-ant-test-abcdefghijkl9999") is KeySource.MEMORY
    assert memory_keyring.store == {}
    assert store.get("anthropic") == "sk-ant-test-abcdefghijkl9999"
    assert KeyStore(environ={}).get("anthropic") is None


def test_environment_is_a_read_only_fallback() -> None:
    environ = {"GOOGLE_API_KEY": "AIzaTestTestTestTestTestTest1234"}
    store = KeyStore(environ=environ)
    assert store.lookup("gemini") == ("AIzaTestTestTestTestTestTest1234", KeySource.ENV)
    store.set("gemini", "AIzaFromKeyringFromKeyring000000")
    assert store.lookup("gemini")[1] is KeySource.KEYRING
    assert environ == {"GOOGLE_API_KEY": "AIzaTestTestTestTestTestTest1234"}
    assert "GOOGLE_API_KEY" not in os.environ


def test_custom_endpoint_gets_only_its_own_key() -> None:
    endpoints = {
        "labbox": Endpoint("labbox", "http://localhost:1234/v1"),
        "gpubox": Endpoint("gpubox", "http://localhost:8000/v1", api_key_env="GPUBOX_KEY"),
    }
    environ = {"OPENAI_API_KEY": OPENAI_KEY, "GPUBOX_KEY": "gpubox-secret-value-42"}
    store = KeyStore(endpoints, environ=environ)
    assert store.get("labbox") is None
    assert store.get("gpubox") == "gpubox-secret-value-42"
    assert store.get("openai") == OPENAI_KEY


def test_delete_removes_memory_and_keyring(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore(environ={})
    store.set("openai", OPENAI_KEY)
    assert store.delete("openai") is True
    assert store.get("openai") is None
    assert memory_keyring.store == {}
    assert store.delete("openai") is False


def test_no_backend_falls_back_to_memory_and_says_so_once() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    store = KeyStore(environ={})
    assert not store.keyring_available
    assert store.backend_name == "memory only"
    assert len(store.warnings) == 1 and "memory" in store.warnings[0]
    assert store.set("openai", OPENAI_KEY) is KeySource.MEMORY
    assert store.get("openai") == OPENAI_KEY
    assert len(store.warnings) == 1


def test_the_backend_is_found_on_first_use_not_when_the_store_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    real = keyring.get_keyring

    def counting() -> object:
        calls.append(1)
        return real()

    monkeypatch.setattr(keyring, "get_keyring", counting)
    store = KeyStore(environ={})
    assert calls == []  # start-up does not wait for keyring's imports and D-Bus
    assert store.probe() is True
    assert store.keyring_available and store.warnings == []
    assert calls == [1]  # found once


def test_keys_are_masked_in_repr_info_and_redaction() -> None:
    store = KeyStore(environ={})
    store.set("openai", OPENAI_KEY)
    assert OPENAI_KEY not in repr(store)
    info = store.info("openai")
    assert info.masked == "sk-…1a2b" == mask(OPENAI_KEY)
    echoed = f"Incorrect API key provided: {OPENAI_KEY}. You can find your key at …"
    assert OPENAI_KEY not in redact(echoed)
    error = OpenMaaSError(ErrorCode.AUTH_FAILED, echoed, provider="openai")
    assert OPENAI_KEY not in str(error) and OPENAI_KEY not in repr(error)
    assert "sk-…1a2b" in error.message


def test_empty_key_is_refused() -> None:
    with pytest.raises(OpenMaaSError) as info:
        KeyStore(environ={}).set("openai", "   ")
    assert info.value.code is ErrorCode.INVALID_REQUEST


def test_no_key_is_ever_written_under_openmaas_home(isolated_home: Path) -> None:
    store = KeyStore(environ={})
    store.set("openai", OPENAI_KEY)
    store.set("anthropic", "sk-ant-test-abcdefghijkl9999", persist=False)
    files = list(isolated_home.rglob("*")) if isolated_home.exists() else []
    for path in files:
        if path.is_file():
            assert OPENAI_KEY.encode() not in path.read_bytes()
