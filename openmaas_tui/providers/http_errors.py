"""Mapping HTTP failures to :class:`OpenMaaSError` codes: the boundary where raw httpx
exceptions and provider error bodies stop.

Error body shapes handled (from each provider's API reference):

- OpenAI and compatible: ``{"error": {"message", "type", "param", "code"}}``
  (https://platform.openai.com/docs/guides/error-codes)
- Anthropic: ``{"type": "error", "error": {"type", "message"}}``
  (https://docs.anthropic.com/en/api/errors)
- Gemini: ``{"error": {"code", "message", "status"}}``
  (https://ai.google.dev/gemini-api/docs/troubleshooting)
- Ollama: ``{"error": "message"}`` (https://github.com/ollama/ollama/blob/main/docs/api.md)
- Mistral: ``{"object": "error", "message", "type", "param", "code"}``, whose ``message`` may
  itself be a validation report ``{"detail": [{"loc", "msg", "type"}]}``, or that report alone
  at the top (HTTP 422; https://docs.mistral.ai/api/, the ``HTTPValidationError`` schema)
- Cohere: ``{"id", "message"}`` (https://docs.cohere.com/reference/errors)
- Azure OpenAI's filtered prompt: OpenAI's shape with ``"code": "content_filter"`` and an
  ``innererror`` (``"code": "ResponsibleAIPolicyViolation"``, ``content_filter_result``),
  CONTENT_FILTERED (https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter)
"""

from __future__ import annotations

import email.utils
import json
import math
import socket
import ssl
import time
from collections.abc import Mapping
from typing import Any

import httpx

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.providers.html_page import is_html, page_summary
from openmaas_tui.providers.rate_limits import rate_limit_reset_s

_CONTEXT_WORDS = (
    "context length",
    "context_length",
    "context window",
    "maximum context",
    "prompt is too long",
    "too many tokens",
    "input is too long",
    "exceeds the maximum number of tokens",
)
_MODEL_WORDS = (
    "does not exist",
    "not found",
    "unknown model",
    "invalid model",
    "no such model",
    "model identifier is invalid",  # Bedrock
)
_ANTHROPIC_TYPES = {
    "authentication_error": ErrorCode.AUTH_FAILED,
    "permission_error": ErrorCode.AUTH_FAILED,
    "not_found_error": ErrorCode.INVALID_MODEL,
    "rate_limit_error": ErrorCode.RATE_LIMITED,
    "overloaded_error": ErrorCode.PROVIDER_UNAVAILABLE,
    "api_error": ErrorCode.PROVIDER_UNAVAILABLE,
    "invalid_request_error": ErrorCode.INVALID_REQUEST,
    "request_too_large": ErrorCode.CONTEXT_TOO_LONG,
    "timeout_error": ErrorCode.STREAM_TIMEOUT,
}


def _seconds(raw: str, scale: float = 1.0) -> float | None:
    """``raw`` as a finite, non-negative number of seconds (``raw / scale``), or None when it
    is not a number or not finite (``inf``, ``nan``, ``1e400``)."""
    try:
        value = float(raw) / scale
    except ValueError:
        return None
    return max(0.0, value) if math.isfinite(value) else None


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from ``retry-after-ms``, or ``retry-after`` as seconds or an HTTP date,
    else from the ``x-ratelimit-reset-*`` headers (:func:`.rate_limit_reset_s`). A value that is
    none of these (or not finite) is ignored rather than failing."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        seconds = _seconds(raw_ms, 1000)
        if seconds is not None:
            return seconds
    raw = headers.get("retry-after")
    if not raw:
        return rate_limit_reset_s(headers)
    seconds = _seconds(raw)
    if seconds is not None:
        return seconds
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return rate_limit_reset_s(headers)  # neither seconds nor an HTTP date: ignore it
    return max(0.0, parsed.timestamp() - time.time())


def error_message(payload: Any) -> tuple[str | None, str | None]:
    """The message and type/status found in a parsed error body of any known shape."""
    if isinstance(payload, list) and payload:
        payload = payload[0]  # Gemini sometimes wraps errors in a list
    if not isinstance(payload, dict):
        return None, None
    error = payload.get("error", payload)
    if isinstance(error, str):
        return error, None
    if isinstance(error, dict):
        message = error.get("message")
        if message is None or isinstance(message, dict):
            message = _validation_report(message if message is not None else error) or message
        kind = error.get("type") or error.get("status") or error.get("code")
        metadata = error.get("metadata")
        upstream = metadata.get("raw") if isinstance(metadata, dict) else None
        if isinstance(upstream, str) and upstream and message is not None:
            message = f"{message}: {upstream}"  # OpenRouter: the upstream provider's own words
        return (str(message) if message is not None else None), (str(kind) if kind else None)
    return None, None


def _validation_report(holder: Any) -> str | None:
    """The ``msg`` of each entry of a validation report's ``detail`` list, joined with where
    it applies (``body.temperature: Input should be less than or equal to 1.5``), or None."""
    detail = holder.get("detail") if isinstance(holder, dict) else None
    if not isinstance(detail, list):
        return None
    lines = []
    for entry in detail:
        if not isinstance(entry, dict) or not isinstance(entry.get("msg"), str):
            continue
        loc = entry.get("loc")
        where = ".".join(str(part) for part in loc) if isinstance(loc, list) else ""
        lines.append(f"{where}: {entry['msg']}" if where else entry["msg"])
    return "; ".join(lines) or None


def classify(status: int | None, message: str, kind: str | None) -> ErrorCode:
    """The code for an HTTP ``status`` (or an in-stream error with none) given the provider's
    message and error type."""
    lowered = message.lower()
    if kind in _ANTHROPIC_TYPES and status is None:
        return _ANTHROPIC_TYPES[kind]
    if kind == "overloaded_error" or status == 529:
        return ErrorCode.PROVIDER_UNAVAILABLE
    if status in (401, 403) or "api key not valid" in lowered or kind == "authentication_error":
        return ErrorCode.AUTH_FAILED
    if status == 429 or kind == "rate_limit_error":
        return ErrorCode.RATE_LIMITED
    if status is not None and status >= 500:
        return ErrorCode.PROVIDER_UNAVAILABLE
    if any(word in lowered for word in _CONTEXT_WORDS) or status == 413:
        return ErrorCode.CONTEXT_TOO_LONG
    if status == 404 or ("model" in lowered and any(w in lowered for w in _MODEL_WORDS)):
        return ErrorCode.INVALID_MODEL
    if status is None and kind in _ANTHROPIC_TYPES:
        return _ANTHROPIC_TYPES[kind]
    if status is None:
        return ErrorCode.PROVIDER_UNAVAILABLE
    return ErrorCode.INVALID_REQUEST


TRANSIENT_STATUSES = frozenset({429, 503, 529})
"""Statuses that say "not now" rather than "never": rate limited, unavailable, overloaded."""
_TRANSIENT_KINDS = frozenset({"overloaded_error", "rate_limit_error"})

WAIT_CODES = frozenset({ErrorCode.RATE_LIMITED, ErrorCode.PROVIDER_UNAVAILABLE})
"""Codes whose response may say how long to wait (429, and 503 / 529 / overloaded)."""


def error_from_response(
    provider: str, status: int, headers: Mapping[str, str], body: bytes
) -> OpenMaaSError:
    """The error for an HTTP response with ``status`` >= 400, keeping the provider's message.

    A web page (a proxy's ``502 Bad Gateway``, a captive portal) is summarised by its title
    and status (:func:`~.html_page.page_summary`), never quoted raw. For RATE_LIMITED and
    PROVIDER_UNAVAILABLE, ``retry_after`` holds the seconds the response asked to wait
    (:func:`retry_after_s`, or Gemini's ``RetryInfo``), when it said.
    """
    text = body.decode("utf-8", errors="replace")
    payload: Any = None
    try:
        payload = json.loads(text)
        message, kind = error_message(payload)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        message, kind = None, None
    if not message and is_html(headers, body):
        message = f"{provider} answered with {page_summary(status, body)}"
    if not message:
        message = text.strip()[:500] or f"HTTP {status}"
    code = (
        ErrorCode.CONTENT_FILTERED if content_filtered(payload) else classify(status, message, kind)
    )
    retry_after = None
    if code in WAIT_CODES:
        retry_after = retry_after_s(headers)
        if retry_after is None:
            retry_after = google_retry_delay_s(payload)
    return OpenMaaSError(
        code,
        message,
        status=status,
        provider=provider,
        retry_after=retry_after,
        transient=status in TRANSIENT_STATUSES or kind in _TRANSIENT_KINDS,
    )


_FILTER_CODES = frozenset({"content_filter", "ResponsibleAIPolicyViolation"})


def content_filtered(payload: Any) -> bool:
    """Whether an error body says a content filter refused the request (Azure OpenAI:
    ``error.code`` ``content_filter``, or ``error.innererror.code``
    ``ResponsibleAIPolicyViolation``)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return False
    inner = error.get("innererror")
    inner_code = inner.get("code") if isinstance(inner, dict) else None
    codes = (error.get("code"), inner_code)
    return any(isinstance(code, str) and code in _FILTER_CODES for code in codes)


def google_retry_delay_s(payload: Any) -> float | None:
    """Seconds to wait from a Google error body's ``google.rpc.RetryInfo`` detail
    (``{"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
    "retryDelay": "37s"}]}}``, sent by Gemini with 429 instead of a ``retry-after`` header;
    https://ai.google.dev/gemini-api/docs/troubleshooting), or None."""
    if isinstance(payload, list) and payload:
        payload = payload[0]
    error = payload.get("error") if isinstance(payload, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else ():
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("rpc.RetryInfo"):
            return _seconds(str(detail.get("retryDelay", "")).removesuffix("s"))
    return None


def error_from_payload(provider: str, payload: Any) -> OpenMaaSError:
    """The error for an error object that arrived inside a 200 stream (Anthropic ``event:
    error``, an OpenRouter chunk with ``error``). Its ``code`` may carry an HTTP status."""
    message, kind = error_message(payload)
    status: int | None = None
    inner = payload.get("error") if isinstance(payload, dict) else None
    raw_code = inner.get("code") if isinstance(inner, dict) else None
    if isinstance(raw_code, int) and not isinstance(raw_code, bool) and 100 <= raw_code <= 599:
        status = raw_code  # OpenRouter puts the upstream HTTP status here
    code = classify(status, message or "", kind)
    transient = status in TRANSIENT_STATUSES or kind in _TRANSIENT_KINDS
    message = message or "the stream reported an error"
    return OpenMaaSError(code, message, provider=provider, transient=transient)


def map_transport_error(provider: str, exc: httpx.HTTPError, *, mid_stream: bool) -> OpenMaaSError:
    """The error for an httpx exception. ``mid_stream`` is True once the response status was
    received: a drop after that is STREAM_INTERRUPTED, before it STREAM_CONNECTION_FAILED.
    A body whose ``content-encoding`` cannot be decoded is STREAM_PARSING_FAILED."""
    if isinstance(exc, httpx.DecodingError):  # e.g. "content-encoding: gzip" on plain bytes
        return OpenMaaSError(
            ErrorCode.STREAM_PARSING_FAILED,
            f"{provider} sent a body that could not be decoded: {exc}",
            provider=provider,
        )
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return _timeout(provider, exc)
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        certificate = _is_certificate_error(exc)
        return OpenMaaSError(
            ErrorCode.STREAM_CONNECTION_FAILED,
            f"could not connect to {provider}: {exc}",
            provider=provider,
            hint=_TLS_HINT if certificate else None,
            transient=isinstance(exc, httpx.ConnectError)
            and not certificate
            and not _is_name_error(exc),
        )
    if mid_stream:
        return OpenMaaSError(
            ErrorCode.STREAM_INTERRUPTED,
            f"the connection to {provider} dropped mid-answer: {exc}",
            provider=provider,
        )
    return OpenMaaSError(
        ErrorCode.STREAM_CONNECTION_FAILED,
        f"request to {provider} failed: {exc}",
        provider=provider,
        transient=isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError),
    )


_TLS_HINT = (
    "the server's certificate could not be verified; behind a proxy that inspects TLS, point "
    "SSL_CERT_FILE at its CA bundle (a .pem file) and try again"
)


def _is_certificate_error(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a failed TLS certificate check."""
    seen: BaseException | None = exc
    for _ in range(8):  # the chain is short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_name_error(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a failed host name lookup: asking again soon
    will not find the host either."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        text = str(seen).lower()
        if isinstance(seen, socket.gaierror) or "name or service not known" in text:
            return True
        if "nodename nor servname" in text or "getaddrinfo failed" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_limit_s(exc: httpx.HTTPError) -> float | None:
    """The read timeout (seconds) the failed request ran with, from its ``timeout``
    extension (set by the client: https://www.python-httpx.org/advanced/timeouts/)."""
    try:
        timeouts = exc.request.extensions.get("timeout") or {}
    except RuntimeError:  # an exception raised without its request
        return None
    limit = timeouts.get("read") if isinstance(timeouts, dict) else None
    return float(limit) if isinstance(limit, int | float) else None


def _timeout(provider: str, exc: httpx.HTTPError) -> OpenMaaSError:
    """STREAM_TIMEOUT naming the limit that ran out: ``no data from openai for 30 s
    (read_timeout_s)``, with a hint to raise it."""
    limit = _read_limit_s(exc)
    waited = f" for {limit:g} s" if limit is not None else " in time"
    return OpenMaaSError(
        ErrorCode.STREAM_TIMEOUT,
        f"no data from {provider}{waited} (read_timeout_s)",
        provider=provider,
        hint="try again; for slow models raise read_timeout_s in config.toml "
        "or pass --timeout SECONDS",
    )
