"""Isolation for every test: its own OPENMAAS_HOME, an in-memory keyring, no provider keys from
the environment, no name lookups, and no connections beyond the loopback servers it started."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import keyring
import pytest
from hypothesis import settings

from openmaas_tui.core.credentials import redact
from openmaas_tui.core.credentials.fields import fields_for
from openmaas_tui.core.models.provider_specs import (
    SPECS,
    CredentialKind,
    ProviderSpec,
    WireProtocol,
)
from tests.support import network_guard
from tests.support.memory_keyring import MemoryKeyring
from tests.support.replay import ReplayServer
from tests.support.server import Reply

# Speed is measured by the benchmarks under bench/, never by a test: Hypothesis' per-example
# deadline is a timing assert that fails on a loaded machine, so it is off for every test.
settings.register_profile("openmaas", deadline=None)
settings.load_profile("openmaas")

FIXTURES = Path(__file__).parent / "fixtures"

_EVERY_KIND = tuple(
    ProviderSpec(kind.value, kind.value, WireProtocol.OPENAI_CHAT, "", credential=kind)
    for kind in CredentialKind
)

_KEY_VARS = (
    *(name for spec in SPECS.values() for name in spec.key_env),
    *(name for spec in _EVERY_KIND for field in fields_for(spec) for name in field.env),
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "GOOGLE_APPLICATION_CREDENTIALS",
    *(spec.host_env for spec in SPECS.values() if spec.host_env),
    "OPENAI_BASE_URL",
    "ANTHROPIC_BASE_URL",
    "AZURE_OPENAI_AD_TOKEN",
    "OPENAI_API_VERSION",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
)
"""Every variable a provider spec or a credential part reads (keys, AWS and Google Cloud
parts, ``OLLAMA_HOST``), where the AWS and Google SDKs look for credential files, and the SDKs'
base URLs."""


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point OPENMAAS_HOME at a fresh directory and clear provider variables."""
    home = tmp_path / "openmaas-home"
    monkeypatch.setenv("OPENMAAS_HOME", str(home))
    for name in _KEY_VARS:
        monkeypatch.delenv(name, raising=False)
    # The AWS chain reads ~/.aws and asks the instance metadata service: neither here.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Nor gcloud's application default credentials under the real ~/.config/gcloud.
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "no-gcloud"))
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


@pytest.fixture(autouse=True)
def secrets_forgotten_after_the_test() -> Iterator[None]:
    """Forget the secrets a test registered for masking: a test key's slices (any 8
    characters, such as ``anthropi`` of ``test-anthropic-key``) would otherwise mask that text
    in the messages of later tests in the same process."""
    before = set(redact._secrets)
    yield
    for secret in set(redact._secrets) - before:
        redact.forget_secret(secret)


@pytest.fixture(scope="session", autouse=True)
def listening_servers() -> Iterator[None]:
    """Remember every server socket of the run: the guard lets tests reach only those."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        network_guard.record_listening(monkeypatch)
        yield


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every name lookup but localhost and loopback literals, and every connection but
    those to a loopback port a server of this test listens on
    (see :mod:`tests.support.network_guard`)."""
    network_guard.guard(monkeypatch)


@pytest.fixture(autouse=True)
def ollama_nowhere(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point OLLAMA_HOST at a loopback port this test holds and never listens on, so model
    discovery fails at once whatever runs on 11434, in the test and in its child processes."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{held.getsockname()[1]}"
        monkeypatch.setenv("OLLAMA_HOST", url)
        yield url


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
