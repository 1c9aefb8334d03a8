"""How long to wait, what ran out, and web pages where an API answer was expected."""

from __future__ import annotations

import ssl

import httpx
import pytest

from openmaas_tui.core.credentials.credentials import NO_CREDENTIALS
from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.http import make_client
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.providers.html_page import page_summary, page_title
from openmaas_tui.providers.http_errors import error_from_response, map_transport_error
from openmaas_tui.providers.openai_chat.adapter import OpenAIChatAdapter
from openmaas_tui.providers.rate_limits import duration_s, rate_limit_reset_s
from tests.providers.helpers import drain
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply

_NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("raw", "seconds"),
    [
        ("1s", 1.0),
        ("6m0s", 360.0),
        ("2m59.56s", 179.56),
        ("20ms", 0.02),
        ("1h", 3600.0),
        ("7", 7.0),
        (str(int(_NOW + 30)), 30.0),
        (str(int((_NOW + 12) * 1000)), 12.0),
        (str(int(_NOW - 5)), 0.0),
        ("soon", None),
        ("5x", None),
        ("", None),
    ],
)
def test_reset_durations(raw: str, seconds: float | None) -> None:
    got = duration_s(raw, now_s=_NOW)
    assert got == pytest.approx(seconds) if seconds is not None else got is None


def test_the_exhausted_limit_s_reset_wins() -> None:
    headers = {
        "x-ratelimit-reset-requests": "2s",
        "x-ratelimit-reset-tokens": "40s",
        "x-ratelimit-remaining-requests": "12",
        "x-ratelimit-remaining-tokens": "0",
    }
    assert rate_limit_reset_s(headers) == 40.0
    del headers["x-ratelimit-remaining-tokens"]
    assert rate_limit_reset_s(headers) == 2.0  # unknown which: the soonest
    assert rate_limit_reset_s({"x-request-id": "1"}) is None


def test_retry_after_on_429_503_and_529() -> None:
    """``retry-after`` first, ``retry-after-ms`` before it, the reset headers last; on 429 and
    on the overloaded statuses alike."""
    body = b'{"error": {"message": "busy"}}'
    assert error_from_response("openai", 429, {"retry-after-ms": "1500"}, body).retry_after == 1.5
    assert error_from_response("x", 503, {"retry-after": "9"}, body).retry_after == 9.0
    overloaded = error_from_response("anthropic", 529, {"retry-after": "4"}, body)
    assert (overloaded.code, overloaded.retry_after) == (ErrorCode.PROVIDER_UNAVAILABLE, 4.0)
    reset = error_from_response("groq", 429, {"x-ratelimit-reset-tokens": "7.66s"}, body)
    assert reset.retry_after == pytest.approx(7.66)
    assert error_from_response("x", 400, {"retry-after": "9"}, body).retry_after is None


def test_a_proxy_error_page_is_summarised_not_printed() -> None:
    page = (
        b"<html><head><style>body{color:red}</style><title>502 Bad Gateway</title></head>"
        b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
        b"<script>alert(1)</script></body></html>"
    )
    error = error_from_response("openai", 502, {"content-type": "text/html"}, page)
    assert error.code is ErrorCode.PROVIDER_UNAVAILABLE
    assert error.message == "openai answered with HTTP 502, a web page: “502 Bad Gateway”"


@pytest.mark.parametrize(
    ("page", "title"),
    [
        (b"<h2>Service &amp; Maintenance</h2><p>back soon</p>", "Service & Maintenance"),
        (b"<html><body><p>Access   denied</p></body></html>", "Access denied"),
        (b"<html><script>x()</script></html>", None),
        (b"<title>" + b"a" * 300 + b"</title>", "a" * 119 + "…"),
        (b"<title>unclosed", "unclosed"),
    ],
)
def test_page_titles(page: bytes, title: str | None) -> None:
    assert page_title(page) == title


def test_a_page_without_text() -> None:
    assert page_summary(200, b"<html></html>") == "HTTP 200, a web page without text"


async def test_the_timeout_names_its_limit(server: ReplayServer) -> None:
    server.queue(fixture_reply(fixture_path("crusoe/stream_text.sse"), first_byte_delay_s=1.0))
    request = ChatRequest(model="m", messages=(Message.user("hi"),))
    async with make_client(read_timeout_s=0.25) as client:
        adapter = OpenAIChatAdapter(client, base_url=server.url + "/v1")
        error = (await drain(adapter.stream(request, NO_CREDENTIALS), "m")).failure
    assert error.code is ErrorCode.STREAM_TIMEOUT
    assert error.message == "no data from openai for 0.25 s (read_timeout_s)"
    assert error.hint is not None and "--timeout" in error.hint


def test_a_certificate_failure_points_at_ssl_cert_file() -> None:
    request = httpx.Request("GET", "https://api.example.test/v1/models")
    cause = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")
    try:
        raise httpx.ConnectError("[SSL] certificate verify failed", request=request) from cause
    except httpx.ConnectError as exc:
        error = map_transport_error("openai", exc, mid_stream=False)
    assert error.code is ErrorCode.STREAM_CONNECTION_FAILED
    assert error.hint is not None and "SSL_CERT_FILE" in error.hint
    refused = map_transport_error(
        "openai", httpx.ConnectError("refused", request=request), mid_stream=False
    )
    assert refused.hint is not None and "SSL_CERT_FILE" not in refused.hint
