"""A custom endpoint, as ``config.toml`` names it (``[endpoints.NAME]``).

It lives apart from the settings' loader so that the model catalog can route to endpoints
without importing the loader, which reads the catalog's provider names.
"""

from __future__ import annotations

from dataclasses import dataclass

from openmaas_tui.core.models.provider_specs import (
    CredentialKind,
    Discovery,
    ProviderSpec,
    WireProtocol,
)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A custom server: OpenAI-compatible unless it names another protocol.

    Attributes:
        name: the prefix its models are addressed by (``lmstudio`` in ``lmstudio/qwen``).
        base_url: the URL that ``/chat/completions`` is appended to (usually ends in ``/v1``).
        api_key_env: the environment variable holding its key, or None. An endpoint only ever
            receives its own key, never another provider's.
        protocol: the wire protocol it speaks (``provider = "anthropic"`` in its table): a
            company proxy or a regional host of any provider.
    """

    name: str
    base_url: str
    api_key_env: str | None = None
    protocol: WireProtocol = WireProtocol.OPENAI_CHAT


def endpoint_spec(endpoint: Endpoint) -> ProviderSpec:
    """The spec of a custom endpoint (``[endpoints.NAME]`` in ``config.toml``), speaking its
    table's protocol (OpenAI-compatible when it names none): its own key only (from its
    ``api_key_env``, the keyring or memory; none required), or the several parts its protocol
    signs with (Bedrock, Vertex, Azure); its models discovered, its tokens counted locally."""
    kind = _ENDPOINT_CREDENTIALS.get(endpoint.protocol, CredentialKind.OPTIONAL_KEY)
    return ProviderSpec(
        endpoint.name,
        endpoint.name,
        endpoint.protocol,
        endpoint.base_url,
        credential=kind,
        key_env=(endpoint.api_key_env,) if endpoint.api_key_env else (),
        discovery=Discovery.AUTOMATIC,
    )


_ENDPOINT_CREDENTIALS = {
    WireProtocol.BEDROCK: CredentialKind.AWS,
    WireProtocol.VERTEX: CredentialKind.GOOGLE_CLOUD,
    WireProtocol.AZURE: CredentialKind.AZURE,
}
"""The credentials of an endpoint speaking a protocol that is signed with more than a key."""
