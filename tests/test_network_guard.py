"""The network guard every test runs under (:mod:`tests.support.network_guard`): public names do not
resolve, a loopback port nobody in the test opened is refused before the kernel is asked, and
loopback servers the test started are reached as usual."""

from __future__ import annotations

import asyncio
import os
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.providers.discovery import discover_models
from openmaas_tui.services import open_services
from tests.support.network_guard import GUARD, listening_ports
from tests.support.replay import ReplayServer
from tests.support.server import Reply

PUBLIC = "api.openai.com"


def _closed_port() -> int:
    """A loopback port that was free a moment ago and that nothing of this test listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_public_name_does_not_resolve_and_the_error_says_why() -> None:
    for lookup in (
        lambda: socket.getaddrinfo(PUBLIC, 443),
        lambda: socket.gethostbyname(PUBLIC),
        lambda: socket.gethostbyname_ex(PUBLIC),
        lambda: socket.create_connection((PUBLIC, 443)),
    ):
        with pytest.raises(socket.gaierror) as caught:
            lookup()
        assert PUBLIC in str(caught.value) and GUARD in str(caught.value)


async def test_asyncio_and_httpx_lookups_are_refused_too() -> None:
    loop = asyncio.get_running_loop()
    with pytest.raises(socket.gaierror, match="tests may not resolve"):
        await loop.getaddrinfo(PUBLIC, 443)
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError, match="tests may not resolve"):
            await client.get(f"https://{PUBLIC}/v1/models")


async def test_loopback_names_resolve_and_reach_a_server_of_the_test(server: ReplayServer) -> None:
    server.default = Reply.json_body({"ok": True})
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    assert socket.getaddrinfo("127.0.0.1", server.port)[0][4][:2] == ("127.0.0.1", server.port)
    assert socket.getaddrinfo(None, 0, flags=socket.AI_PASSIVE)  # no name: no lookup
    loop = asyncio.get_running_loop()
    assert await loop.getaddrinfo("localhost", server.port)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://localhost:{server.port}/v1/models")
    assert response.json() == {"ok": True}
    assert server.port in listening_ports()


def test_a_loopback_port_the_test_did_not_open_is_refused_by_the_guard() -> None:
    port = _closed_port()
    for address in (("127.0.0.1", port), ("localhost", 11434), ("::1", port, 0, 0)):
        family = socket.AF_INET6 if len(address) == 4 else socket.AF_INET
        with socket.socket(family) as sock, pytest.raises(ConnectionRefusedError) as caught:
            sock.connect(address)
        assert f"port {address[1]}" in str(caught.value) and GUARD in str(caught.value)
        with socket.socket(family) as sock, pytest.raises(ConnectionRefusedError):
            sock.connect_ex(address)


def test_a_bound_socket_is_not_a_server_until_it_listens_and_not_after_it_closes() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    with pytest.raises(ConnectionRefusedError, match="no server of this test"):
        socket.create_connection(("127.0.0.1", port))
    listener.listen()
    with socket.create_connection(("127.0.0.1", port)):
        pass
    listener.close()
    assert port not in listening_ports()
    with pytest.raises(ConnectionRefusedError, match="no server of this test"):
        socket.create_connection(("127.0.0.1", port))


async def test_ollama_discovery_never_reaches_a_port_the_test_did_not_open() -> None:
    url = urlsplit(os.environ["OLLAMA_HOST"])
    assert url.hostname == "127.0.0.1" and url.port != 11434
    assert url.port not in listening_ports()
    services = open_services(use_keyring=False)
    try:
        models, errors = await discover_models(services.providers, timeout_s=30)
    finally:
        await services.aclose()
    assert models == []
    assert [(e.provider, e.code) for e in errors] == [
        ("ollama", ErrorCode.STREAM_CONNECTION_FAILED)
    ]
