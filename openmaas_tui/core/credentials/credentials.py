"""What a provider needs to sign a request: one :class:`Credentials` value per request.

Most providers need one API key. Bedrock needs an AWS access key, secret and session token with
a region; Vertex AI a project and location with an access token minted from application default
credentials (or an express-mode API key); Azure OpenAI a key or an Entra ID token, and an
``api-version`` for the deployment path. Each of those is a :class:`Part`; a
:class:`Credentials` value holds the parts in force for one provider, resolved by the key store
(:meth:`~openmaas_tui.core.credentials.keys.KeyStore.credentials`) from memory, the OS keyring,
``config.toml`` (non-secret parts only) and the environment, in that order.

Secret parts are masked in every ``repr`` and registered with
:mod:`~openmaas_tui.core.credentials.redact`, so an error body that echoes one is masked too.
The value lives in memory only: never pickled to disk, never copied into ``os.environ``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from openmaas_tui.core.credentials.redact import mask


class Part(StrEnum):
    """One piece of a provider's credentials. Its value is the name it is stored under (in the
    keyring's JSON for providers with several parts) and set by in ``config.toml``."""

    API_KEY = "api_key"
    """An API key sent in a header (``Authorization``, ``x-api-key``, ``api-key``,
    ``x-goog-api-key``)."""
    TOKEN = "token"
    """A bearer token: an Azure Entra ID token, or a Google Cloud access token."""
    ACCESS_KEY_ID = "access_key_id"
    """An AWS access key id (``AKIA…``, ``ASIA…``)."""
    SECRET_ACCESS_KEY = "secret_access_key"
    """An AWS secret access key."""
    SESSION_TOKEN = "session_token"
    """An AWS session token (temporary credentials)."""
    PROFILE = "profile"
    """A named AWS profile (``~/.aws/config``) for the AWS credential chain."""
    REGION = "region"
    """An AWS region (``us-east-1``)."""
    PROJECT = "project"
    """A Google Cloud project id."""
    LOCATION = "location"
    """A Google Cloud location (``us-central1``, ``global``)."""
    API_VERSION = "api_version"
    """An Azure OpenAI ``api-version`` (``2024-10-21``): selects the deployment path."""

    @property
    def secret(self) -> bool:
        """Whether the part is a secret: masked when shown, stored only in the keyring."""
        return self in _SECRET


_SECRET = frozenset(
    {Part.API_KEY, Part.TOKEN, Part.ACCESS_KEY_ID, Part.SECRET_ACCESS_KEY, Part.SESSION_TOKEN}
)


@dataclass(frozen=True, slots=True, repr=False)
class Credentials:
    """The credential parts in force for one provider.

    Attributes:
        provider: the provider (or custom endpoint) the parts belong to; ``""`` when unnamed.
        values: part -> value, only parts that are set (never an empty string).
    """

    provider: str = ""
    values: Mapping[Part, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        cleaned = {Part(p): v for p, v in self.values.items() if v}
        object.__setattr__(self, "values", MappingProxyType(cleaned))

    @classmethod
    def of_key(cls, key: str | None, provider: str = "") -> Credentials:
        """Credentials made of one API key (or of nothing when ``key`` is None or empty)."""
        return cls(provider, {Part.API_KEY: key} if key else {})

    def get(self, part: Part) -> str | None:
        """The value of ``part``, or None when it is not set."""
        return self.values.get(part)

    @property
    def api_key(self) -> str | None:
        """The API key, or None."""
        return self.values.get(Part.API_KEY)

    @property
    def empty(self) -> bool:
        """Whether no part is set."""
        return not self.values

    def secrets(self) -> tuple[str, ...]:
        """The values of the secret parts (for masking)."""
        return tuple(v for p, v in self.values.items() if p.secret)

    def with_values(self, **values: str | None) -> Credentials:
        """A copy with the named parts set (a None or empty value unsets one)."""
        merged = {**self.values, **{Part(k): v or "" for k, v in values.items()}}
        return Credentials(self.provider, merged)

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{p.value}={mask(v) if p.secret else v!r}" for p, v in self.values.items()
        )
        return f"Credentials(provider={self.provider!r}{', ' if shown else ''}{shown})"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("credentials are never pickled")


NO_CREDENTIALS = Credentials()
"""Nothing: a local server or the offline demo."""


__all__ = ["NO_CREDENTIALS", "Credentials", "Part"]
