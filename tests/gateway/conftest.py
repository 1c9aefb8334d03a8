"""One replay server (in a thread of its own) and one ``openmaas serve`` child process per
module: each test queues the upstream reply it needs and talks to the gateway with the official
``openai`` SDK."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer


@pytest.fixture(scope="module")
def upstream() -> Iterator[ReplayServer]:
    """The providers' stand-in: answers what each test queues."""
    server = ReplayServer()
    server.start_in_thread()
    yield server
    server.stop_thread()


@pytest.fixture(scope="module")
def gateway(
    upstream: ReplayServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[GatewayProcess]:
    """A running ``openmaas serve`` whose providers all live at ``upstream``."""
    process = GatewayProcess(tmp_path_factory.mktemp("gateway") / "home", upstream.url)
    yield process
    try:
        process.stop()
    finally:
        process.kill()


@pytest.fixture(autouse=True)
def fresh_upstream(upstream: ReplayServer) -> Iterator[None]:
    """Each test starts with nothing queued and no requests seen."""
    upstream.requests.clear()
    yield
    upstream._queued.clear()
