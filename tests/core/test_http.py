"""The shared client: its transport is built in a thread, and requests wait for it."""

from __future__ import annotations

import ssl
from collections.abc import Mapping

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


_KEY_HEADERS = {"authorization": "Bearer sk-test-abcdefgh12345678"}


@pytest.mark.parametrize(
    "headers",
    [
        {"accept": "application/json, text/event-stream", **_KEY_HEADERS},
        {"Content-Type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01"},
        {"USER-AGENT": "mine/1.0", "Accept-Encoding": "identity"},
        {b"x-goog-api-key": b"AIza-FAKE", b"x-note": "café".encode()},
        {},
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "https://api.openai.com/v1/chat/completions",
        "http://127.0.0.1:8080/v1/messages?beta=true",
        "https://user:secret@example.com:8443/a%20b/c",
    ],
)
async def test_a_plain_request_is_built_as_httpx_builds_it(
    headers: Mapping[str, str] | Mapping[bytes, bytes], url: str
) -> None:
    async with make_client() as client:
        body = b'{"model":"m","stream":true}'
        ours = client.build_request("post", parsed_url(url), content=body, headers=headers)
        theirs = httpx.AsyncClient.build_request(
            client, "post", parsed_url(url), content=body, headers=headers
        )
    assert ours.method == theirs.method == "POST"
    assert ours.url == theirs.url
    assert ours.headers.raw == theirs.headers.raw
    assert ours.headers.encoding == theirs.headers.encoding
    assert ours.content == theirs.content == body
    assert ours.extensions == theirs.extensions
    assert isinstance(ours.stream, httpx.ByteStream)


@pytest.mark.parametrize(
    "form",
    [
        {"content": b"x", "headers": {"Host": "elsewhere.example"}},
        {"content": b"x", "headers": {"content-length": "1"}},
        {"content": b"", "headers": {}},
        {"content": b"x", "params": {}},
        {"content": b"x", "params": {"key": "v"}},
        {"json": {"a": 1}},
        {"content": b"x", "timeout": 5.0},
        {"content": b"x", "extensions": {"trace": None}},
    ],
)
async def test_any_other_request_is_httpxs_own(form: dict[str, object]) -> None:
    url = parsed_url("https://example.com/v1/x?keep=1")
    async with make_client() as client:
        ours = client.build_request("POST", url, **form)  # type: ignore[arg-type]
        theirs = httpx.AsyncClient.build_request(client, "POST", url, **form)  # type: ignore[arg-type]
    assert (ours.url, ours.headers.raw, ours.content) == (
        theirs.url,
        theirs.headers.raw,
        theirs.content,
    )
    assert ours.extensions.keys() == theirs.extensions.keys()


async def test_a_header_httpx_cannot_encode_fails_as_in_httpx() -> None:
    url = parsed_url("https://example.com/v1/x")
    async with make_client() as client:
        with pytest.raises(UnicodeEncodeError):
            httpx.AsyncClient.build_request(client, "POST", url, content=b"x", headers={"x": "é"})
        with pytest.raises(UnicodeEncodeError):
            client.build_request("POST", url, content=b"x", headers={"x": "é"})
