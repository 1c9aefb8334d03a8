"""The one exception the engine raises, and its stable codes.

Every failure that reaches a person is an :class:`OpenMaaSError`::

    OpenMaaSError (code: ErrorCode)
      MISSING_KEY, AUTH_FAILED, INVALID_MODEL, INVALID_REQUEST, EMPTY_MESSAGE,
      CONTEXT_TOO_LONG, RATE_LIMITED, PROVIDER_UNAVAILABLE, STREAM_CONNECTION_FAILED,
      STREAM_TIMEOUT, STREAM_INTERRUPTED, STREAM_PARSING_FAILED, CONTENT_FILTERED,
      STORAGE_FAILED, INVALID_SETTINGS, UNSUPPORTED_FILE_FORMAT

Adapters map httpx exceptions and HTTP error bodies to these at their boundary
(:mod:`openmaas_tui.providers.http_errors`); nothing raw leaves them. Messages are passed through
:func:`~openmaas_tui.core.credentials.redact.redact`, so a key echoed by a provider never shows.
"""

from __future__ import annotations

from enum import StrEnum

from openmaas_tui.core.credentials.redact import redact


class ErrorCode(StrEnum):
    """Stable error codes (see ../shared/DESIGN.md, "Errors")."""

    MISSING_KEY = "MISSING_KEY"
    AUTH_FAILED = "AUTH_FAILED"
    INVALID_MODEL = "INVALID_MODEL"
    INVALID_REQUEST = "INVALID_REQUEST"
    EMPTY_MESSAGE = "EMPTY_MESSAGE"
    CONTEXT_TOO_LONG = "CONTEXT_TOO_LONG"
    RATE_LIMITED = "RATE_LIMITED"
    PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE"
    STREAM_CONNECTION_FAILED = "STREAM_CONNECTION_FAILED"
    STREAM_TIMEOUT = "STREAM_TIMEOUT"
    STREAM_INTERRUPTED = "STREAM_INTERRUPTED"
    STREAM_PARSING_FAILED = "STREAM_PARSING_FAILED"
    CONTENT_FILTERED = "CONTENT_FILTERED"
    STORAGE_FAILED = "STORAGE_FAILED"
    INVALID_SETTINGS = "INVALID_SETTINGS"
    UNSUPPORTED_FILE_FORMAT = "UNSUPPORTED_FILE_FORMAT"
    """An attached file is not an image the providers take (png, jpeg, webp, gif)."""


_DEFAULT_HINTS: dict[ErrorCode, str] = {
    ErrorCode.MISSING_KEY: "add a key with `openmaas keys set {provider}` (or f2 in the app)",
    ErrorCode.AUTH_FAILED: "check the key with `openmaas keys test {provider}`",
    ErrorCode.INVALID_MODEL: "check the model id; `openmaas models` lists the known ones",
    ErrorCode.RATE_LIMITED: "wait and try again",
    ErrorCode.PROVIDER_UNAVAILABLE: "the provider is having trouble; try again shortly",
    ErrorCode.STREAM_CONNECTION_FAILED: "check the network and the endpoint's base URL",
    ErrorCode.STREAM_TIMEOUT: "the provider sent nothing for too long; try again",
    ErrorCode.STREAM_INTERRUPTED: "the connection dropped; what arrived is kept",
    ErrorCode.CONTEXT_TOO_LONG: "shorten the conversation or pick a model with a larger window",
    ErrorCode.UNSUPPORTED_FILE_FORMAT: "attach a png, jpeg, webp or gif image",
}


class OpenMaaSError(Exception):
    """A failure with a stable code, safe to show: its message never contains a key.

    Attributes:
        code: what kind of failure (:class:`ErrorCode`).
        message: what happened, in the provider's words where it gave any (keys masked).
        status: the HTTP status, when the failure came with one.
        provider: the provider involved, when there is one.
        retry_after: seconds to wait before retrying (from ``retry-after``), for RATE_LIMITED
            and PROVIDER_UNAVAILABLE, when the provider said.
        hint: what the person can do about it.
        transient: the request was refused, or never reached the provider, for a reason that
            passes (429, 503, 529, overloaded, a refused or reset connection): asking again
            later may work. Set where the failure is mapped; the exchange retries on it.
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        status: int | None = None,
        provider: str | None = None,
        retry_after: float | None = None,
        hint: str | None = None,
        transient: bool = False,
    ) -> None:
        self.code = code
        self.message = redact(message)
        self.status = status
        self.provider = provider
        self.retry_after = retry_after
        self.transient = transient
        default = _DEFAULT_HINTS.get(code)
        self.hint = hint or (default.format(provider=provider or "PROVIDER") if default else None)
        super().__init__(f"{code}: {self.message}")

    def __repr__(self) -> str:
        return (
            f"OpenMaaSError(code={self.code!s}, message={self.message!r}, "
            f"status={self.status!r}, provider={self.provider!r})"
        )

    def as_dict(self) -> dict[str, str]:
        """``{"code", "message"}``, the ``error`` object of ``--json`` output."""
        return {"code": str(self.code), "message": self.message}
