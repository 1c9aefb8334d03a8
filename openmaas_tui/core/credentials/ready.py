"""Whether a provider can authenticate with what is at hand, decided without any network wait.

A provider's :class:`~openmaas_tui.core.credentials.credentials.Credentials` may hold parts
that sign nothing (Vertex AI's default location, a Bedrock region, an Azure ``api-version``),
so "some part is set" is not "a request can be signed". :func:`can_authenticate` says the
latter, per kind of credentials, for whoever lists what can be asked: the gateway's
``GET /v1/models``, and the pickers that mark a provider's key.

Credentials the providers' own SDKs find outside the key store count only where they can be
seen on this machine at once: files and environment variables. The Google Cloud metadata server
and the AWS instance metadata service are never asked: off their clouds each can take seconds
to time out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.models.provider_specs import CredentialKind, ProviderSpec

_ADC_FILE = "application_default_credentials.json"

ALWAYS_READY = frozenset({CredentialKind.NONE, CredentialKind.OPTIONAL_KEY})
"""The kinds of credentials a request never lacks: nothing to sign, or a key that is optional."""


def home_dir(environ: Mapping[str, str]) -> Path:
    """The user's home as ``~`` expands in ``environ``: ``HOME``, else ``USERPROFILE`` (Windows),
    else the account's home directory."""
    for name in ("HOME", "USERPROFILE"):
        if environ.get(name):
            return Path(environ[name])
    return Path.home()


def adc_file(environ: Mapping[str, str], home: Path, *, windows: bool = os.name == "nt") -> Path:
    """Where google-auth reads application default credentials from disk, as its
    ``google.auth.default`` does (``_default._get_explicit_environ_credentials`` and
    ``_cloud_sdk.get_config_path``; https://cloud.google.com/docs/authentication/application-default-credentials):
    the file ``GOOGLE_APPLICATION_CREDENTIALS`` names when it is set (nothing else is tried
    then), else gcloud's well-known file in ``CLOUDSDK_CONFIG``, ``~/.config/gcloud`` or, on
    Windows, ``%APPDATA%\\gcloud``. The file may not exist.

    Args:
        environ: the environment to read.
        home: the user's home directory.
        windows: whether to use the Windows location.
    """
    explicit = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if explicit:
        return Path(explicit)
    if environ.get("CLOUDSDK_CONFIG"):
        config = Path(environ["CLOUDSDK_CONFIG"])
    elif windows:
        config = Path(environ.get("APPDATA") or environ.get("SystemDrive", "C:") + "\\") / "gcloud"
    else:
        config = home / ".config" / "gcloud"
    return config / _ADC_FILE


def aws_chain_found(environ: Mapping[str, str], home: Path) -> bool:
    """Whether the AWS credential chain has something to read here: the shared credentials or
    config file (``AWS_SHARED_CREDENTIALS_FILE``, ``AWS_CONFIG_FILE``, else ``~/.aws/credentials``
    and ``~/.aws/config``: https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html),
    which also hold every named profile, SSO and role; a web identity token file
    (``AWS_WEB_IDENTITY_TOKEN_FILE``); or a container credentials endpoint
    (``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`` / ``_FULL_URI``:
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-container-credentials.html). The
    instance metadata service is not counted.

    Args:
        environ: the environment to read.
        home: the user's home directory.
    """
    aws = home / ".aws"
    files = (
        environ.get("AWS_SHARED_CREDENTIALS_FILE") or aws / "credentials",
        environ.get("AWS_CONFIG_FILE") or aws / "config",
        environ.get("AWS_WEB_IDENTITY_TOKEN_FILE"),
    )
    if any(f and Path(f).is_file() for f in files):
        return True
    return any(
        environ.get(v)
        for v in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
    )


def can_authenticate(
    spec: ProviderSpec,
    creds: Credentials,
    *,
    endpoint_set: bool = True,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> bool:
    """Whether ``spec``'s provider can sign a request with ``creds`` and what this machine
    holds, so that asking it will not fail with MISSING_KEY before anything is sent. Reads only
    the environment and whether a few files exist; never the network.

    - no credentials (a local server, the demo) or an optional key (vLLM, llama.cpp, custom
      endpoints): always;
    - one API key: that key;
    - Google Cloud (Vertex AI): an express-mode API key; or a project with application default
      credentials on disk (:func:`adc_file`). The location, which has a default, counts for
      nothing;
    - AWS (Bedrock): a region, with an access key id and its secret, or what the AWS credential
      chain finds on disk (:func:`aws_chain_found`; a profile is looked up in those files);
    - Azure OpenAI: an endpoint (``endpoint_set``) with a key or an Entra ID token. The
      ``api-version`` counts for nothing.

    Args:
        spec: the provider.
        creds: its credentials in force
            (:meth:`~openmaas_tui.core.credentials.keys.KeyStore.credentials`).
        endpoint_set: whether a provider without a default endpoint has one set (Azure's
            ``AZURE_OPENAI_ENDPOINT`` or ``[providers.NAME] base_url``).
        environ: the environment (default ``os.environ``).
        home: the user's home (default :func:`home_dir` of ``environ``).

    Returns:
        True when a request can be signed; False when it would be refused for lack of
        credentials.
    """
    kind = spec.credential
    if kind in ALWAYS_READY:
        return True
    if kind is CredentialKind.API_KEY:
        return creds.api_key is not None
    environ = os.environ if environ is None else environ
    home = home_dir(environ) if home is None else home
    if kind is CredentialKind.GOOGLE_CLOUD:
        if creds.api_key:
            return True
        return creds.get(Part.PROJECT) is not None and adc_file(environ, home).is_file()
    if kind is CredentialKind.AWS:
        if creds.get(Part.REGION) is None:
            return False
        if creds.get(Part.ACCESS_KEY_ID) or creds.get(Part.SECRET_ACCESS_KEY):
            # Half a key is refused, not completed from the chain.
            return bool(creds.get(Part.ACCESS_KEY_ID) and creds.get(Part.SECRET_ACCESS_KEY))
        return aws_chain_found(environ, home)
    # CredentialKind.AZURE
    return endpoint_set and bool(creds.api_key or creds.get(Part.TOKEN))


__all__ = ["ALWAYS_READY", "adc_file", "aws_chain_found", "can_authenticate", "home_dir"]
