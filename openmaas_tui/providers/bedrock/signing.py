"""AWS credentials for Bedrock and the SigV4 signature of each request, both by botocore.

Credentials come from the key store (access key id, secret access key, optional session
token) or, when none is stored, from the AWS credential chain as botocore's session resolves
it (``AWS_PROFILE`` or the ``profile`` part, ``~/.aws/credentials`` and ``~/.aws/config``, SSO,
container and instance roles: https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html).
The chain reads files and may call the network, so it runs in a worker thread; nothing is
copied into ``os.environ``. Requests are signed with ``botocore.auth.SigV4Auth`` (service
``bedrock``) over exactly the bytes that are sent
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.credentials.redact import register_secret
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.providers.optional import require

SERVICE = "bedrock"
"""The SigV4 signing name of both the runtime and the control-plane endpoints."""

EXTRA = "bedrock"
"""The package extra that brings botocore."""


class _NoSigningDetails(logging.Filter):
    """Drops botocore's DEBUG records of a signature: its canonical request holds the session
    token (``x-amz-security-token``), and no credential may reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_QUIET = _NoSigningDetails()
logging.getLogger("botocore.auth").addFilter(_QUIET)


@dataclass(frozen=True, slots=True, repr=False)
class AwsKeys:
    """The keys one request is signed with (never shown: ``repr`` names no value).

    Attributes:
        access_key: the access key id.
        secret_key: the secret access key.
        token: the session token of temporary credentials, or None.
    """

    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:
        return "AwsKeys(…)"


def missing_aws_keys(provider: str, why: str = "") -> OpenMaaSError:
    """MISSING_KEY for Bedrock, with the exact ways to give it credentials."""
    detail = f": {why}" if why else ""
    return OpenMaaSError(
        ErrorCode.MISSING_KEY,
        f"no AWS credentials for {provider}{detail}",
        provider=provider,
        hint=f"set an access key with `openmaas keys set {provider}`, or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE, "
        "`aws configure`, `aws sso login`)",
    )


def _chain_keys(provider: str, profile: str | None) -> AwsKeys:
    """The AWS credential chain's keys, resolved by a botocore session (blocking).

    Raises:
        OpenMaaSError: MISSING_KEY when the chain finds nothing or the profile does not
            exist; AUTH_FAILED when it finds credentials it cannot use (an expired SSO
            session).
    """
    session_mod = require("botocore.session", extra=EXTRA, provider=provider)
    exceptions = require("botocore.exceptions", extra=EXTRA, provider=provider)
    try:
        session = session_mod.Session(profile=profile)
        found = session.get_credentials()
        frozen = found.get_frozen_credentials() if found is not None else None
    except exceptions.ProfileNotFound:
        raise missing_aws_keys(provider, f"no profile {profile!r} in ~/.aws") from None
    except (exceptions.BotoCoreError, exceptions.ClientError) as exc:
        raise OpenMaaSError(
            ErrorCode.AUTH_FAILED,
            f"the AWS credential chain failed: {exc}",
            provider=provider,
            hint="refresh the session (`aws sso login`) or store keys with "
            f"`openmaas keys set {provider}`",
        ) from None
    if frozen is None or not frozen.access_key or not frozen.secret_key:
        raise missing_aws_keys(provider)
    return _masked(AwsKeys(str(frozen.access_key), str(frozen.secret_key), frozen.token or None))


def _masked(keys: AwsKeys) -> AwsKeys:
    """``keys``, each registered for masking (an error body that echoes one shows it masked)."""
    for secret in (keys.access_key, keys.secret_key, keys.token):
        if secret:
            register_secret(secret)
    return keys


async def resolve_keys(creds: Credentials, provider: str) -> AwsKeys:
    """The keys to sign with: the stored access key id and secret (with the session token),
    else the AWS credential chain (``profile`` part or ``AWS_PROFILE``), asked in a thread.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when botocore is not installed (hint
            ``pip install 'openmaas-tui[bedrock]'``); MISSING_KEY when nothing can sign (or
            only half a key is stored); AUTH_FAILED from a chain that cannot be used.
    """
    require("botocore.auth", extra=EXTRA, provider=provider)
    access, secret = creds.get(Part.ACCESS_KEY_ID), creds.get(Part.SECRET_ACCESS_KEY)
    if access and secret:
        return _masked(AwsKeys(access, secret, creds.get(Part.SESSION_TOKEN)))
    if access or secret:
        half = "secret access key" if access else "access key id"
        raise missing_aws_keys(provider, f"an access key without its {half}")
    return await asyncio.to_thread(_chain_keys, provider, creds.get(Part.PROFILE))


def signed_headers(
    keys: AwsKeys,
    region: str,
    method: str,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
) -> dict[str, str]:
    """``headers`` plus the SigV4 ones (``Authorization``, ``X-Amz-Date``, and
    ``X-Amz-Security-Token`` for temporary keys) for ``method url`` with exactly ``body``.

    The time is botocore's (``botocore.auth.get_current_datetime``). botocore's DEBUG log of
    the canonical request (which holds a session token) is filtered out. The headers given are
    signed too, so send them unchanged; headers the HTTP client adds later (user agent,
    content length) are not part of the signature.

    Raises:
        OpenMaaSError: INVALID_SETTINGS when botocore is not installed.
    """
    auth = require("botocore.auth", extra=EXTRA, provider=SERVICE)
    awsrequest = require("botocore.awsrequest", extra=EXTRA, provider=SERVICE)
    botocreds = require("botocore.credentials", extra=EXTRA, provider=SERVICE)
    credentials: Any = botocreds.Credentials(keys.access_key, keys.secret_key, keys.token)
    request: Any = awsrequest.AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    auth.SigV4Auth(credentials, SERVICE, region).add_auth(request)
    return {str(k): str(v) for k, v in request.headers.items()}


__all__ = ["AwsKeys", "missing_aws_keys", "resolve_keys", "signed_headers"]
