"""The shared client: its transport is built in a thread, and requests wait for it."""

from __future__ import annotations

import ssl

import httpx
import pytest

from openmaas_tui.core.http import DeferredTransport, make_client, prepare_transport
from tests.support.replay import ReplayServer
from tests.support.server import Reply


async def test_a_request_before_the_transport_is_built_waits_for_it() -> None:
    server = ReplayServer(Reply.json_body({"ok": True}))
    await server.start()
    try:
        async with make_client() as client:
            transport = client._transport
            assert isinstance(transport, DeferredTransport)
            assert not transport._started  # nothing is built until asked
            response = await client.get(server.url + "/v1/models")
            assert response.json() == {"ok": True}
            assert transport._ready.is_set()
    finally:
        await server.stop()


async def test_prepare_transport_builds_it_with_the_trusted_certificates() -> None:
    async with make_client() as client:
        prepare_transport(client)
        transport = client._transport
        assert isinstance(transport, DeferredTransport)
        assert transport._started
        built = await transport._ready_transport()
        assert built is not None
        context = transport._context
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        assert context.cert_store_stats()["x509_ca"] > 50  # certifi's bundle, as httpx trusts
        assert built is await transport._ready_transport()


async def test_a_transport_that_cannot_be_built_fails_the_request_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/bundle.pem")
    async with make_client() as client:
        with pytest.raises(httpx.ConnectError, match="cannot set up HTTPS: .*No such file"):
            await client.get("http://127.0.0.1:9/")
