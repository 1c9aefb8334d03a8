"""Our errors in Anthropic's shape: the HTTP status, the ``error`` body, the SSE ``error`` event.

Anthropic answers a failure with ``{"type": "error", "error": {"type": ..., "message": ...}}``
and one status per error type (https://docs.anthropic.com/en/api/errors): 400
``invalid_request_error``, 401 ``authentication_error``, 403 ``permission_error``, 404
``not_found_error``, 413 ``request_too_large``, 429 ``rate_limit_error``, 500 ``api_error``, 529
``overloaded_error``; a stream that fails after its 200 ends with the same object as an
``event: error`` (https://docs.anthropic.com/en/api/messages-streaming, "Error events").

The status is the upstream's when the failure came with one (a provider's 401 stays 401, its 503
stays 503), else the one our code stands for; the error type follows the status, as Anthropic's
does, so a client's SDK raises the matching exception. The message keeps our code and hint:
``RATE_LIMITED: Too many requests (hint: wait and try again)``.
"""

from __future__ import annotations

import json
import math

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.gateway.scrub import scrub

_STATUS: dict[ErrorCode, int] = {
    ErrorCode.MISSING_KEY: 401,
    ErrorCode.AUTH_FAILED: 401,
    ErrorCode.INVALID_MODEL: 404,
    ErrorCode.INVALID_REQUEST: 400,
    ErrorCode.EMPTY_MESSAGE: 400,
    ErrorCode.CONTEXT_TOO_LONG: 400,
    ErrorCode.CONTENT_FILTERED: 400,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.PROVIDER_UNAVAILABLE: 529,
    ErrorCode.STREAM_CONNECTION_FAILED: 502,
    ErrorCode.STREAM_TIMEOUT: 504,
    ErrorCode.STREAM_INTERRUPTED: 502,
    ErrorCode.STREAM_PARSING_FAILED: 502,
    ErrorCode.STORAGE_FAILED: 500,
    ErrorCode.INVALID_SETTINGS: 500,
}
"""The status for a failure that came without an upstream one."""

_TYPE: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
"""Anthropic's error type per status (https://docs.anthropic.com/en/api/errors); 504
``timeout_error`` is what its API sends for a request that timed out."""


def error_status(error: OpenMaaSError) -> int:
    """The HTTP status to answer ``error`` with: the upstream's (400-599) when there was one,
    else the one its code stands for (MISSING_KEY and AUTH_FAILED 401, INVALID_MODEL 404,
    INVALID_REQUEST / EMPTY_MESSAGE / CONTEXT_TOO_LONG / CONTENT_FILTERED 400, RATE_LIMITED 429,
    PROVIDER_UNAVAILABLE 529, STREAM_TIMEOUT 504, other stream failures 502, STORAGE_FAILED and
    INVALID_SETTINGS 500)."""
    status = error.status
    if status is not None and 400 <= status <= 599:
        return status
    return _STATUS.get(error.code, 500)


def error_type(status: int) -> str:
    """Anthropic's error type for an HTTP status: its own table, then ``invalid_request_error``
    for any other 4xx ("we may also use this error type for other 4XX status codes") and
    ``api_error`` for any other 5xx."""
    known = _TYPE.get(status)
    if known is not None:
        return known
    return "invalid_request_error" if status < 500 else "api_error"


def error_message(error: OpenMaaSError) -> str:
    """``CODE: message (hint: ...)``: the message with our code and hint, anything shaped like
    a key masked (:func:`~openmaas_tui.gateway.scrub.scrub`: an upstream's error may echo the
    key it was sent)."""
    text = f"{error.code}: {error.message}"
    if error.hint:
        text += f" (hint: {error.hint})"
    return scrub(text)


def error_body(error: OpenMaaSError, *, status: int | None = None) -> dict[str, object]:
    """``{"type": "error", "error": {"type", "message"}}`` for ``error``.

    Args:
        error: the failure.
        status: the status whose type to give; default :func:`error_status`. A failure in a
            stream that already answered 200 still takes the type of the status it would have
            had (``overloaded_error`` for PROVIDER_UNAVAILABLE, as Anthropic's own mid-stream
            errors read).
    """
    kind = error_type(error_status(error) if status is None else status)
    return {"type": "error", "error": {"type": kind, "message": error_message(error)}}


def error_headers(error: OpenMaaSError) -> dict[str, str]:
    """Headers to answer ``error`` with: ``retry-after`` (whole seconds, rounded up) when the
    provider said how long to wait (RATE_LIMITED, PROVIDER_UNAVAILABLE)."""
    wait = error.retry_after
    if wait is None or not math.isfinite(wait) or wait < 0:
        return {}
    return {"retry-after": str(math.ceil(wait))}


def error_response(error: OpenMaaSError) -> tuple[int, bytes, dict[str, str]]:
    """A whole error answer: ``(status, JSON body bytes, headers)``; the headers include
    ``content-type: application/json`` and any ``retry-after``."""
    status = error_status(error)
    body = json.dumps(error_body(error, status=status)).encode()
    return status, body, {"content-type": "application/json", **error_headers(error)}


def error_event(error: OpenMaaSError) -> bytes:
    """The SSE ``event: error`` frame that ends a stream which already answered 200."""
    data = json.dumps(error_body(error)).encode()
    return b"event: error\ndata: " + data + b"\n\n"
