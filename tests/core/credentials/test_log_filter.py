"""No key reaches a log: httpx and httpcore debug logs of a real request carrying a key (in the
URL, a header, and echoed back in the response) hold no 8 consecutive characters of it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from openmaas_tui.core.credentials.log_filter import LOGGERS, install_log_redaction
from openmaas_tui.core.credentials.redact import FRAGMENT_CHARS, forget_secret, register_secret
from tests.support.replay import ReplayServer
from tests.support.server import Reply

KEY = "AIza-FAKE-qzx9lg3kd5mw2vt"
UNREGISTERED = "sk-ant-FAKEqzx0nr4wj7kv2p"


def _parts(key: str) -> list[str]:
    return [key[i : i + FRAGMENT_CHARS] for i in range(len(key) - FRAGMENT_CHARS + 1)]


@pytest.fixture
def key() -> Iterator[str]:
    register_secret(KEY)
    yield KEY
    forget_secret(KEY)


async def test_httpx_debug_logs_of_a_request_carrying_the_key_are_masked(
    key: str, server: ReplayServer, caplog: pytest.LogCaptureFixture
) -> None:
    install_log_redaction()
    server.default = Reply.json_body(
        {"error": {"message": f"bad key {key[:20]}"}}, 401
    )  # echoed in part in the body: not logged by httpx, but checked below anyway
    server.default.headers = {"x-echo-key": key, "x-echo-other": UNREGISTERED}
    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{server.url}/v1beta/models?key={key}", headers={"x-api-key": UNREGISTERED}
        )
    assert response.status_code == 401
    logged = caplog.text
    assert "HTTP Request: GET" in logged  # httpx logged the request line…
    assert "receive_response_headers.complete" in logged  # …and httpcore the echoed headers
    for secret in (key, UNREGISTERED):
        leaked = [part for part in _parts(secret) if part in logged]
        assert not leaked, f"{secret[:4]}… leaked: {leaked}"


def test_arguments_tracebacks_and_every_listed_logger_are_covered(key: str) -> None:
    redacting = install_log_redaction()
    assert install_log_redaction() is redacting
    for name in (*LOGGERS, "httpcore.http11"):
        assert logging.getLogger(name).filters.count(redacting) == 1
    try:
        raise RuntimeError(f"failed with {key}")
    except RuntimeError as exc:
        record = logging.LogRecord(
            "openmaas_tui.x", logging.ERROR, __file__, 1, "key %s in %r", (key, {"k": key}), None
        )
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert redacting.filter(record)
    text = logging.Formatter().format(record)
    assert "RuntimeError" in text and "key AIza…" in text
    assert not any(part in text for part in _parts(key))
