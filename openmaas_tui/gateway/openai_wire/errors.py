"""Failures in OpenAI's error shape, the upstream status kept.

OpenAI answers ``{"error": {"message", "type", "param", "code"}}``
(https://platform.openai.com/docs/guides/error-codes); here ``code`` is ours
(:class:`~openmaas_tui.core.errors.ErrorCode`) and ``hint`` (what to do) and ``provider`` are
added. The HTTP status is the provider's when the failure came with one (a 401, 429 or 500
upstream stays a 401, 429 or 500), else the one :data:`STATUS` gives the code; a wait the
provider asked for goes out as ``retry-after`` (whole seconds).
"""

from __future__ import annotations

import math
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.scrub import scrub

STATUS: dict[ErrorCode, int] = {
    ErrorCode.MISSING_KEY: 401,
    ErrorCode.AUTH_FAILED: 401,
    ErrorCode.INVALID_MODEL: 404,
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.EMPTY_MESSAGE: 400,
    ErrorCode.CONTEXT_TOO_LONG: 400,
    ErrorCode.CONTENT_FILTERED: 400,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.PROVIDER_UNAVAILABLE: 503,
    ErrorCode.STREAM_CONNECTION_FAILED: 502,
    ErrorCode.STREAM_INTERRUPTED: 502,
    ErrorCode.STREAM_PARSING_FAILED: 502,
    ErrorCode.STREAM_TIMEOUT: 504,
    ErrorCode.STORAGE_FAILED: 500,
    ErrorCode.INVALID_SETTINGS: 500,
}
"""The status of a failure that came with none of its own."""


def error_type(status: int) -> str:
    """OpenAI's error ``type`` for an HTTP status."""
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 404:
        return "not_found_error"
    if status == 429:
        return "rate_limit_error"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def status_of(error: OpenMaaSError) -> int:
    """The HTTP status to answer ``error`` with."""
    if error.status is not None and 400 <= error.status <= 599:
        return error.status
    return STATUS.get(error.code, 500)


def error_body(error: OpenMaaSError) -> dict[str, Any]:
    """``{"error": {...}}`` for ``error``, its words scrubbed of anything key-shaped."""
    status = status_of(error)
    return {
        "error": {
            "message": scrub(error.message),
            "type": error_type(status),
            "param": None,
            "code": str(error.code),
            "hint": scrub(error.hint) if error.hint else None,
            "provider": error.provider,
        }
    }


def error_headers(error: OpenMaaSError) -> list[tuple[str, str]]:
    """``retry-after`` when the provider asked for a wait."""
    if error.retry_after is None:
        return []
    return [("retry-after", str(max(0, math.ceil(error.retry_after))))]
