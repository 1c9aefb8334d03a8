"""Bedrock's errors as our codes: HTTP errors before the stream (a JSON ``{"message"}`` body
with the error type in the ``x-amzn-errortype`` header) and exception events inside it.

Error types from https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
("Errors") and the common errors of
https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.providers.http_errors import classify, error_from_response

_TYPES: dict[str, ErrorCode] = {
    "accessdeniedexception": ErrorCode.AUTH_FAILED,
    "unrecognizedclientexception": ErrorCode.AUTH_FAILED,
    "invalidsignatureexception": ErrorCode.AUTH_FAILED,
    "signaturedoesnotmatch": ErrorCode.AUTH_FAILED,
    "expiredtokenexception": ErrorCode.AUTH_FAILED,
    "incompletesignature": ErrorCode.AUTH_FAILED,
    "missingauthenticationtokenexception": ErrorCode.AUTH_FAILED,
    "resourcenotfoundexception": ErrorCode.INVALID_MODEL,
    "throttlingexception": ErrorCode.RATE_LIMITED,
    "servicequotaexceededexception": ErrorCode.RATE_LIMITED,
    "modelnotreadyexception": ErrorCode.PROVIDER_UNAVAILABLE,
    "internalserverexception": ErrorCode.PROVIDER_UNAVAILABLE,
    "serviceunavailableexception": ErrorCode.PROVIDER_UNAVAILABLE,
    "modelstreamerrorexception": ErrorCode.PROVIDER_UNAVAILABLE,
    "modelerrorexception": ErrorCode.PROVIDER_UNAVAILABLE,
    "modeltimeoutexception": ErrorCode.STREAM_TIMEOUT,
}
"""Error type (lowercased, as the header or the ``:exception-type`` names it) -> code.
``validationException`` is left to the message (context too long, unknown model, or a bad
request)."""

_BUSY = {"serviceunavailableexception", "modelnotreadyexception"}
"""Error types that say the model is busy or not ready yet: worth another try, as throttling is
(an internal error is not, as with every provider: see
:mod:`~openmaas_tui.core.exchange.retry`)."""


def _transient(kind: str, code: ErrorCode) -> bool:
    """Whether the error is :attr:`~openmaas_tui.core.errors.OpenMaaSError.transient` (the
    exchange asks again only when nothing of the answer has come)."""
    return code is ErrorCode.RATE_LIMITED or kind in _BUSY


def _kind(raw: str | None) -> str:
    """``ValidationException:http://internal.amazon.com/…`` -> ``validationexception``."""
    return (raw or "").partition(":")[0].strip().lower()


def _message(payload: Any) -> str | None:
    if isinstance(payload, dict):
        for key in ("message", "Message"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    return None


def _code(kind: str, status: int | None, message: str) -> ErrorCode:
    code = _TYPES.get(kind)
    if code is not None:
        return code
    if kind == "validationexception" and status is None:
        status = 400  # an in-stream validation error reads like the HTTP one
    return classify(status, message, None)


def error_from_http(
    provider: str, status: int, headers: Mapping[str, str], body: bytes
) -> OpenMaaSError:
    """The error for a Bedrock HTTP response with ``status`` >= 400: the type from
    ``x-amzn-errortype`` where it names one we know, else by status and message (the generic
    mapping of :func:`~openmaas_tui.providers.http_errors.error_from_response`, which also
    reads ``retry-after``)."""
    generic = error_from_response(provider, status, headers, body)
    kind = _kind(headers.get("x-amzn-errortype"))
    code = _TYPES.get(kind)
    if code is None or code is generic.code:
        return generic
    return OpenMaaSError(
        code,
        generic.message,
        status=status,
        provider=provider,
        retry_after=generic.retry_after,
        transient=generic.transient or _transient(kind, code),
    )


def error_from_event(provider: str, kind: str | None, payload: bytes) -> OpenMaaSError:
    """The error for an exception event inside a ConverseStream answer (``:message-type:
    exception``, its type in ``:exception-type``; the payload ``{"message"}``), or an
    event-stream ``error`` message (``:error-code``)."""
    try:
        parsed = json.loads(payload) if payload else None
    except (ValueError, RecursionError):
        parsed = None
    message = _message(parsed) or payload.decode("utf-8", errors="replace").strip()
    message = message or (kind or "the stream reported an error")
    code = _code(_kind(kind), None, message)
    transient = _transient(_kind(kind), code)
    return OpenMaaSError(code, message, provider=provider, transient=transient)


__all__ = ["error_from_event", "error_from_http"]
