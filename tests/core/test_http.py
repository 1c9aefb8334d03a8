"""The shared client: its transport is built in a thread, and requests wait for it."""

from __future__ import annotations

import ssl

import httpx
import pytest

from openmaas_tui.core.http import (
    DeferredTransport,
    make_client,
    prepare_transport,
    transport_ready,
)
from openmaas_tui.providers.base import parsed_url
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


async def test_the_shared_client_keeps_no_cookie_a_provider_set() -> None:
    server = ReplayServer()
    answer = Reply.json_body({"ok": True})
    answer.headers["set-cookie"] = "__cf_bm=abc123; Path=/; HttpOnly"
    server.queue(answer)
    server.queue(Reply.json_body({"ok": True}))
    await server.start()
    try:
        async with make_client() as client:
            first = await client.get(server.url + "/v1/models")
            assert first.headers["set-cookie"].startswith("__cf_bm=")
            await client.get(server.url + "/v1/models")
            assert "cookie" not in server.last.headers
            assert len(client.cookies) == 0
            with pytest.raises(TypeError):
                client.cookies = {"a": "b"}
    finally:
        await server.stop()


def test_a_url_is_parsed_once() -> None:
    url = "https://api.openai.com/v1/chat/completions"
    assert parsed_url(url) is parsed_url(url)
    assert parsed_url(url) == httpx.URL(url)


async def test_transport_ready_builds_the_transport_and_waits_for_it() -> None:
    async with make_client() as client:
        transport = client._transport
        assert isinstance(transport, DeferredTransport) and not transport._started
        await transport_ready(client)
        assert transport._started and transport._ready.is_set()
        assert transport._transport is not None
