"""``[providers.NAME]`` tables of ``config.toml``: where a built-in provider lives and the
non-secret parts of its credentials.

Example::

    [providers.bedrock]
    region = "eu-west-1"

    [providers.vertex]
    project = "my-project"
    location = "europe-west4"

    [providers.azure]
    base_url = "https://my-resource.openai.azure.com"
    api_version = "2024-10-21"     # the deployment path; without it, the v1 API
    api = "responses"              # OpenAI and Azure: ask through Responses (default: chat)

Secrets never belong here: a key is refused with the line it is on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.provider_specs import API_PROVIDERS, SPECS, Api

OPTION_NAMES = frozenset(
    {"base_url", "region", "project", "location", "api_version", "profile", "api"}
)
"""What a ``[providers.NAME]`` table may set."""

_APIS = frozenset(api.value for api in Api)
_SECRETS = frozenset(
    {"api_key", "key", "token", "access_key_id", "secret_access_key", "session_token"}
)


def parse_provider_options(
    raw: Any, invalid: Callable[[str, str], OpenMaaSError]
) -> dict[str, dict[str, str]]:
    """The ``providers`` table of ``config.toml`` checked: provider -> option -> value.

    Args:
        raw: the parsed ``providers`` value.
        invalid: builds the INVALID_SETTINGS error from a line pattern and what is wrong.

    Raises:
        OpenMaaSError: INVALID_SETTINGS for an unknown provider or option, a secret, a value
            that is not a non-empty string, or a ``base_url`` that is not http(s).
    """
    if not isinstance(raw, dict):
        raise invalid(r"^\s*providers\s*=", "providers must be tables ([providers.NAME])")
    options: dict[str, dict[str, str]] = {}
    for name, table in raw.items():
        where = rf"^\s*\[providers\.{name}\]"
        if name not in SPECS:
            raise invalid(where, f"[providers.{name}]: no such provider")
        if not isinstance(table, dict):
            raise invalid(where, f"[providers.{name}] must be a table")
        if secret := sorted(set(table) & _SECRETS):
            raise invalid(
                where,
                f"[providers.{name}] holds {secret[0]}: secrets belong in the keyring "
                f"(`openmaas keys set {name}`), never in a file",
            )
        if unknown := sorted(set(table) - OPTION_NAMES):
            raise invalid(where, f"[providers.{name}]: unknown {unknown}")
        for key, value in table.items():
            if not isinstance(value, str) or not value.strip():
                raise invalid(where, f"[providers.{name}] {key} must be a non-empty string")
            if key == "base_url" and not value.startswith(("http://", "https://")):
                raise invalid(where, f'[providers.{name}] base_url must be "http(s)://…"')
            if key == "api" and (name not in API_PROVIDERS or value not in _APIS):
                raise invalid(
                    where, f'[providers.{name}] api: "chat" or "responses", for openai and azure'
                )
        options[name] = {
            k: v.strip().rstrip("/") if k == "base_url" else v.strip() for k, v in table.items()
        }
    return options


__all__ = ["OPTION_NAMES", "parse_provider_options"]
