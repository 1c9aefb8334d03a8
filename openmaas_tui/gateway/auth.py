"""Who may use the gateway: this machine only, and only with the launch's bearer token.

The token is made once per launch (:func:`new_token`, 256 random bits) unless the
``OPENMAAS_SERVE_TOKEN`` variable gives one, and is compared in constant time
(:func:`hmac.compare_digest`) so its characters cannot be found one by one from response
times. It authorises a client to the gateway and is never sent anywhere else: the adapters
build the upstream request's headers themselves, from the provider's key.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

TOKEN_ENV = "OPENMAAS_SERVE_TOKEN"
"""The environment variable a script may set the token with (at least 16 characters)."""

TOKEN_PREFIX = "omg-"
"""Tokens made here start with this, so a scrubber and a person can tell one apart."""

MIN_TOKEN_CHARS = 16
"""The shortest token accepted from :data:`TOKEN_ENV`."""


def new_token() -> str:
    """A fresh token: :data:`TOKEN_PREFIX` and 43 URL-safe characters (256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_from(environ: dict[str, str] | None) -> str:
    """The token in :data:`TOKEN_ENV` when set, else a fresh one.

    Raises:
        OpenMaaSError: INVALID_SETTINGS for a token shorter than :data:`MIN_TOKEN_CHARS` or
            holding characters a header cannot carry.
    """
    given = (environ or {}).get(TOKEN_ENV)
    if given is None:
        return new_token()
    if len(given) < MIN_TOKEN_CHARS or not given.isascii() or not given.isprintable():
        raise OpenMaaSError(
            ErrorCode.INVALID_SETTINGS,
            f"{TOKEN_ENV} must be at least {MIN_TOKEN_CHARS} printable ASCII characters",
            hint=f"unset {TOKEN_ENV} to get a fresh token at each launch",
        )
    return given.strip()


def bearer_matches(authorization: bytes | None, token: bytes) -> bool:
    """Whether an ``Authorization: Bearer TOKEN`` header value carries ``token``, compared
    in constant time."""
    if authorization is None:
        return False
    scheme, _, given = authorization.partition(b" ")
    if scheme.lower() != b"bearer":
        return False
    return hmac.compare_digest(given.strip(), token)


def api_key_matches(value: bytes | None, token: bytes) -> bool:
    """Whether an ``x-api-key`` header (as Anthropic's SDKs send the key) carries ``token``,
    compared in constant time."""
    return value is not None and hmac.compare_digest(value.strip(), token)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only: ``localhost`` or a loopback address
    (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, allow_remote: bool) -> None:
    """Refuse to listen beyond this machine unless asked to.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a host that is not loopback without
            ``allow_remote``.
    """
    if not allow_remote and not is_loopback(host):
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"refusing to listen on {host}: the gateway lends your keys to whoever reaches it",
            hint="keep the default 127.0.0.1, or pass --allow-remote if you really mean it",
        )
