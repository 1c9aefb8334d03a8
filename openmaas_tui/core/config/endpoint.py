"""A custom endpoint, as ``config.toml`` names it (``[endpoints.NAME]``).

It lives apart from the settings' loader so that the model catalog can route to endpoints
without importing the loader, which reads the catalog's provider names.
"""

from __future__ import annotations

from dataclasses import dataclass

from openmaas_tui.core.models.provider_specs import WireProtocol


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
