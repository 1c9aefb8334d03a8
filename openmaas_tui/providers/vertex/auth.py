"""How a Vertex AI request is signed: an express-mode API key, or an OAuth access token minted
from application default credentials by google-auth.

Express mode (https://cloud.google.com/vertex-ai/generative-ai/docs/start/express-mode/vertex-ai-express-mode-api-reference)
sends the key in ``x-goog-api-key`` to the global endpoint without project or location. Otherwise
``google.auth.default(scopes=[cloud-platform])`` finds the credentials (``gcloud auth
application-default login``, ``GOOGLE_APPLICATION_CREDENTIALS``, a service account on Google
Cloud: https://cloud.google.com/docs/authentication/application-default-credentials), refreshed
in a worker thread (it may read files and call the network) and cached, token included, until
the token is about to expire.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from openmaas_tui.core.credentials.credentials import Credentials
from openmaas_tui.core.credentials.redact import register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.providers.optional import require

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
"""The OAuth scope Vertex AI requests need."""

EXTRA = "vertex"
"""The package extra that brings google-auth."""

_lock = threading.Lock()
_cached: dict[str, Any] = {}  # "adc" -> the google-auth credentials object


def missing_adc(provider: str, why: str) -> OpenMaaSError:
    """MISSING_KEY for Vertex AI, with the exact ways to give it credentials."""
    return OpenMaaSError(
        ErrorCode.MISSING_KEY,
        f"no Google Cloud credentials for {provider}: {why}",
        provider=provider,
        hint="run `gcloud auth application-default login` (or set "
        f"GOOGLE_APPLICATION_CREDENTIALS), or store an express-mode API key with "
        f"`openmaas keys set {provider}`",
    )


def _fresh_token(provider: str) -> str:
    """An access token from application default credentials, refreshed when it is missing or
    about to expire (blocking: run it in a thread).

    Raises:
        OpenMaaSError: MISSING_KEY when no credentials are found; AUTH_FAILED when refreshing
            them fails.
    """
    google_auth = require("google.auth", extra=EXTRA, provider=provider)
    exceptions = require("google.auth.exceptions", extra=EXTRA, provider=provider)
    transport = require("google.auth.transport.requests", extra=EXTRA, provider=provider)
    with _lock:
        credentials = _cached.get("adc")
        if credentials is None:
            try:
                credentials, _ = google_auth.default(scopes=list(SCOPES))
            except exceptions.DefaultCredentialsError as exc:
                raise missing_adc(provider, str(exc)) from None
            _cached["adc"] = credentials
        if not credentials.valid:
            try:
                credentials.refresh(transport.Request())
            except exceptions.GoogleAuthError as exc:
                raise OpenMaaSError(
                    ErrorCode.AUTH_FAILED,
                    f"refreshing the Google Cloud credentials failed: {exc}",
                    provider=provider,
                    hint="run `gcloud auth application-default login` again",
                ) from None
        token = credentials.token
    if not token:
        raise missing_adc(provider, "the credentials gave no access token")
    register_secret(str(token))
    return str(token)


def forget_cached_credentials() -> None:
    """Drop the cached application default credentials (after they changed on disk)."""
    with _lock:
        _cached.clear()


async def auth_headers(creds: Credentials, provider: str) -> dict[str, str]:
    """``x-goog-api-key`` for an express-mode key, else ``Authorization: Bearer`` with a token
    from application default credentials (asked in a thread).

    Raises:
        OpenMaaSError: INVALID_SETTINGS when google-auth is not installed (hint
            ``pip install 'openmaas-tui[vertex]'``); MISSING_KEY when nothing can sign;
            AUTH_FAILED when the credentials cannot be refreshed.
    """
    key = creds.api_key
    if key:
        return {"x-goog-api-key": key}
    require("google.auth", extra=EXTRA, provider=provider)
    token = await asyncio.to_thread(_fresh_token, provider)
    return {"authorization": f"Bearer {token}"}


__all__ = ["SCOPES", "auth_headers", "forget_cached_credentials", "missing_adc"]
