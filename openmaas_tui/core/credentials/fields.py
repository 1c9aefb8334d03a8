"""The parts each kind of credentials is made of: what ``openmaas keys set`` and the keys screen
ask for, and which environment variables are read for each.

The environment variables are the ones each provider's own tools read: the AWS CLI and SDKs
(https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html), Google Cloud's
(``GOOGLE_CLOUD_PROJECT``, ``GOOGLE_CLOUD_LOCATION``, as google-genai reads them) and the
OpenAI SDK's Azure client (``AZURE_OPENAI_API_KEY``, ``AZURE_OPENAI_AD_TOKEN``,
``OPENAI_API_VERSION``).
"""

from __future__ import annotations

from dataclasses import dataclass

from openmaas_tui.core.credentials.credentials import Part
from openmaas_tui.core.models.provider_specs import CredentialKind, ProviderSpec


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One part a provider's credentials are made of.

    Attributes:
        part: which part.
        label: how it is asked for (``Secret access key``).
        env: environment variables read, in this order, when it is not stored.
        required: whether the provider cannot sign without it (or a documented fallback).
        hint: a short note shown beside the question (``blank: the AWS credential chain``).
        default: the value used when nothing sets it, or None.
    """

    part: Part
    label: str
    env: tuple[str, ...] = ()
    required: bool = False
    hint: str = ""
    default: str | None = None

    @property
    def secret(self) -> bool:
        """Whether the value is a secret (typed hidden, shown masked)."""
        return self.part.secret


_AWS = (
    CredentialField(
        Part.ACCESS_KEY_ID,
        "Access key ID",
        ("AWS_ACCESS_KEY_ID",),
        hint="blank: the AWS credential chain (AWS_PROFILE, ~/.aws, SSO)",
    ),
    CredentialField(Part.SECRET_ACCESS_KEY, "Secret access key", ("AWS_SECRET_ACCESS_KEY",)),
    CredentialField(
        Part.SESSION_TOKEN, "Session token", ("AWS_SESSION_TOKEN",), hint="temporary keys only"
    ),
    CredentialField(
        Part.REGION,
        "Region",
        ("AWS_REGION", "AWS_DEFAULT_REGION"),
        required=True,
        hint="us-east-1, eu-west-1, …",
    ),
    CredentialField(Part.PROFILE, "Profile", ("AWS_PROFILE",), hint="a profile of ~/.aws/config"),
)


def fields_for(spec: ProviderSpec) -> tuple[CredentialField, ...]:
    """The parts ``spec``'s provider is signed with, in the order they are asked for: none for
    a local server, one API key for most (read from ``spec.key_env``), several for AWS, Google
    Cloud and Azure."""
    kind = spec.credential
    if kind is CredentialKind.NONE:
        return ()
    if kind is CredentialKind.AWS:
        return _AWS
    if kind is CredentialKind.GOOGLE_CLOUD:
        return (
            CredentialField(Part.PROJECT, "Project ID", ("GOOGLE_CLOUD_PROJECT",), required=True),
            CredentialField(
                Part.LOCATION,
                "Location",
                ("GOOGLE_CLOUD_LOCATION",),
                hint="us-central1, europe-west4, global, …",
                default="us-central1",
            ),
            CredentialField(
                Part.API_KEY,
                "Express-mode API key",
                spec.key_env,
                hint="blank: application default credentials (gcloud auth application-default "
                "login)",
            ),
        )
    if kind is CredentialKind.AZURE:
        return (
            CredentialField(
                Part.API_KEY, "API key", spec.key_env, hint="or an Entra ID token below"
            ),
            CredentialField(
                Part.TOKEN, "Entra ID token", ("AZURE_OPENAI_AD_TOKEN",), hint="instead of a key"
            ),
            CredentialField(
                Part.API_VERSION,
                "API version",
                ("OPENAI_API_VERSION",),
                hint="blank: the v1 API; a date (2024-10-21): the deployment path",
            ),
        )
    return (
        CredentialField(
            Part.API_KEY, "API key", spec.key_env, required=kind is CredentialKind.API_KEY
        ),
    )


__all__ = ["CredentialField", "fields_for"]
