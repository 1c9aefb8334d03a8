"""Error bodies of every shape in the corpus map to the right code, keep the provider's words,
carry retry-after, and never show a key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.providers.http_errors import (
    error_from_payload,
    error_from_response,
    retry_after_s,
)
from openmaas_tui.providers.openai_responses.events import error_of
from tests.support.recordings import fixture_path
from tests.support.replay import load_meta


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        (
            "openai_responses/error_400_model_not_found.json",
            ErrorCode.INVALID_MODEL,
            "does not exist",
        ),
        ("openai/error_404_model_not_found.json", ErrorCode.INVALID_MODEL, "model"),
        ("openai/error_400_context_length.json", ErrorCode.CONTEXT_TOO_LONG, "context length"),
        ("openai/error_400_web_search_unsupported.json", ErrorCode.INVALID_REQUEST, "web search"),
        ("openai/error_401_invalid_key.json", ErrorCode.AUTH_FAILED, "Incorrect API key"),
        ("anthropic/error_404_model.json", ErrorCode.INVALID_MODEL, "model"),
        ("anthropic/error_529_overloaded.json", ErrorCode.PROVIDER_UNAVAILABLE, "Overloaded"),
        ("gemini/error_400_api_key_invalid.json", ErrorCode.AUTH_FAILED, "API key not valid"),
        ("groq/error_404_tool_regular.json", ErrorCode.INVALID_MODEL, "does not exist"),
        ("bedrock/error_400_invalid_model.json", ErrorCode.INVALID_MODEL, "model identifier"),
        ("openrouter/error_429_rate_limit.json", ErrorCode.RATE_LIMITED, "rate-limited upstream"),
        ("cohere/error_404_embed.json", ErrorCode.INVALID_MODEL, ""),
    ],
)
def test_recorded_error_bodies(name: str, code: ErrorCode, words: str) -> None:
    path = fixture_path(name)
    meta = load_meta(path)
    error = error_from_response("p", meta["status"], meta["response_headers"], path.read_bytes())
    assert error.code is code
    assert error.status == meta["status"]
    assert words.lower() in error.message.lower()


def test_retry_after_in_every_form() -> None:
    assert retry_after_s({"retry-after": "20"}) == 20
    assert retry_after_s({"retry-after-ms": "1500", "retry-after": "20"}) == 1.5
    later = datetime.now(UTC) + timedelta(seconds=90)
    assert 80 < (retry_after_s({"retry-after": format_datetime(later, usegmt=True)}) or 0) <= 90
    assert retry_after_s({}) is None
    assert retry_after_s({"retry-after": "soon"}) is None


def test_429_carries_retry_after_and_5xx_are_unavailable() -> None:
    body = json.dumps({"error": {"message": "slow down", "type": "requests"}}).encode()
    limited = error_from_response("openai", 429, {"retry-after": "7"}, body)
    assert (limited.code, limited.retry_after) == (ErrorCode.RATE_LIMITED, 7)
    for status in (500, 502, 503, 529):
        assert error_from_response("x", status, {}, b"<html>bad gateway</html>").code is (
            ErrorCode.PROVIDER_UNAVAILABLE
        )
    assert "bad gateway" in error_from_response("x", 502, {}, b"<html>bad gateway</html>").message


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
            ErrorCode.PROVIDER_UNAVAILABLE,
        ),
        (
            {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
            ErrorCode.RATE_LIMITED,
        ),
        ({"error": {"code": 429, "message": "Provider returned error"}}, ErrorCode.RATE_LIMITED),
        ({"error": {"code": 502, "message": "upstream failed"}}, ErrorCode.PROVIDER_UNAVAILABLE),
        ({"error": "model 'x' not found"}, ErrorCode.INVALID_MODEL),
    ],
)
def test_errors_inside_a_200_stream(payload: dict[str, object], code: ErrorCode) -> None:
    assert error_from_payload("p", payload).code is code


def test_an_echoed_key_is_masked() -> None:
    key = "sk-test-fake-key-not-real-000000000123"
    body = json.dumps({"error": {"message": f"Incorrect API key provided: {key}."}}).encode()
    error = error_from_response("openai", 401, {}, body)
    assert key not in error.message and key not in repr(error) and key not in str(error)
    assert "sk-…0123" in error.message


def test_an_in_stream_code_is_a_status_only_when_it_looks_like_one() -> None:
    assert error_from_payload("p", {"error": {"code": True, "message": "x"}}).code is (
        ErrorCode.PROVIDER_UNAVAILABLE
    )
    assert error_from_payload("p", {"error": {"code": 7, "message": "x"}}).code is (
        ErrorCode.PROVIDER_UNAVAILABLE
    )
    assert error_from_payload("p", {"error": {"code": 401, "message": "x"}}).code is (
        ErrorCode.AUTH_FAILED
    )


@pytest.mark.parametrize(
    ("kind", "code", "transient"),
    [
        ("overloaded_error", ErrorCode.PROVIDER_UNAVAILABLE, True),  # as a 529
        ("rate_limit_error", ErrorCode.RATE_LIMITED, True),  # as a 429
        ("api_error", ErrorCode.PROVIDER_UNAVAILABLE, False),  # as a 500
        ("timeout_error", ErrorCode.STREAM_TIMEOUT, False),  # as a 504
        ("invalid_request_error", ErrorCode.INVALID_REQUEST, False),
    ],
)
def test_an_anthropic_error_event_is_retried_as_its_status_would_be(
    kind: str, code: ErrorCode, transient: bool
) -> None:
    error = error_from_payload("anthropic", {"type": "error", "error": {"type": kind}})
    assert (error.code, error.transient) == (code, transient)


@pytest.mark.parametrize(
    ("raw", "code", "transient"),
    [
        ("rate_limit_exceeded", ErrorCode.RATE_LIMITED, True),
        ("insufficient_quota", ErrorCode.RATE_LIMITED, False),
        ("server_error", ErrorCode.PROVIDER_UNAVAILABLE, False),
        ("invalid_prompt", ErrorCode.INVALID_REQUEST, False),
    ],
)
def test_a_responses_error_event_is_retried_as_its_status_would_be(
    raw: str, code: ErrorCode, transient: bool
) -> None:
    error = error_of("openai", {"code": raw, "message": "x"})
    assert (error.code, error.transient) == (code, transient)
