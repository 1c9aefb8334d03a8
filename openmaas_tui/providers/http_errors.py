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
import time
from collections.abc import Mapping
from typing import Any

import httpx

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

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
    """Seconds to wait, from ``retry-after-ms``, or ``retry-after`` as seconds or an HTTP date.
    A value that is none of these (or not finite) is ignored rather than failing."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        seconds = _seconds(raw_ms, 1000)
        if seconds is not None:
            return seconds
    raw = headers.get("retry-after")
    if not raw:
        return None
    seconds = _seconds(raw)
    if seconds is not None:
        return seconds
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None  # neither seconds nor an HTTP date: ignore it rather than fail
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


def error_from_response(
    provider: str, status: int, headers: Mapping[str, str], body: bytes
) -> OpenMaaSError:
    """The error for an HTTP response with ``status`` >= 400, keeping the provider's message."""
    text = body.decode("utf-8", errors="replace")
    payload: Any = None
    try:
        payload = json.loads(text)
        message, kind = error_message(payload)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to read
        message, kind = None, None
    if not message:
        message = text.strip()[:500] or f"HTTP {status}"
    code = (
        ErrorCode.CONTENT_FILTERED if content_filtered(payload) else classify(status, message, kind)
    )
    retry_after = None
    if code is ErrorCode.RATE_LIMITED:
        retry_after = retry_after_s(headers)
        if retry_after is None:
            retry_after = google_retry_delay_s(payload)
    return OpenMaaSError(code, message, status=status, provider=provider, retry_after=retry_after)


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
    return OpenMaaSError(code, message or "the stream reported an error", provider=provider)


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
        return OpenMaaSError(
            ErrorCode.STREAM_TIMEOUT, f"{provider} sent nothing in time", provider=provider
        )
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout | httpx.ConnectError):
        return OpenMaaSError(
            ErrorCode.STREAM_CONNECTION_FAILED,
            f"could not connect to {provider}: {exc}",
            provider=provider,
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
    )
