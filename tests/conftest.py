"""Isolation for every test: its own OPENMAAS_HOME, an in-memory keyring, no provider keys from
the environment, and no network beyond loopback."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from tests.memory_keyring import MemoryKeyring
from tests.support.replay import ReplayServer
from tests.support.server import Reply

FIXTURES = Path(__file__).parent / "fixtures"

_KEY_VARS = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "GOOGLE_API_KEY",
    "GROQ_API_KEY",
    "OPENROUTER_API_KEY",
    "DEEPSEEK_API_KEY",
    "MISTRAL_API_KEY",
    "CEREBRAS_API_KEY",
    "OLLAMA_HOST",
    "OPENAI_BASE_URL",
    "ANTHROPIC_BASE_URL",
)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point OPENMAAS_HOME at a fresh directory and clear provider variables."""
    home = tmp_path / "openmaas-home"
    monkeypatch.setenv("OPENMAAS_HOME", str(home))
    for name in _KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring(request: pytest.FixtureRequest) -> Iterator[MemoryKeyring | None]:
    """Swap the OS keyring for an in-memory one, except in Secret Service tests."""
    if request.node.get_closest_marker("secret_service"):
        yield None
        return
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # unix sockets
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every connection that does not go to 127.0.0.0/8 or ::1."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"tests may not reach {address!r}")
        return real_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise ConnectionRefusedError(f"tests may not reach {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


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
