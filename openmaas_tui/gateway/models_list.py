"""``GET /v1/models``: what the gateway can route to, as OpenAI's model list
(https://platform.openai.com/docs/api-reference/models/list).

The catalog's models of each provider that can sign a request from here
(:meth:`~openmaas_tui.core.credentials.keys.KeyStore.can_authenticate`: a key in the keyring,
memory or its environment variables, the other parts its kind needs, application default
credentials or an AWS profile on disk; or a local server, which needs none), the
offline ``demo``, and what the local servers and the ``[endpoints.NAME]`` of ``config.toml``
say they serve (asked at once, each within a short limit: one that is down is left out).
Each id is the model's ``provider/model`` name, which routes back to it exactly.
"""

from __future__ import annotations

import asyncio
from typing import Any

from openmaas_tui.core.models.catalog import CATALOG, ModelInfo
from openmaas_tui.gateway.access import Access
from openmaas_tui.gateway.asgi import send_json
from openmaas_tui.gateway.route import Call
from openmaas_tui.providers.discovery import discover_models
from openmaas_tui.services import Services


def _with_credentials(services: Services) -> set[str]:
    """The providers that can be asked from here (blocking: reads the keyring and checks for a
    few credential files)."""
    present = {"demo"}
    for spec in services.providers.specs():
        if services.keys.can_authenticate(spec.id):
            present.add(spec.id)
    return present


def _entry(info: ModelInfo) -> dict[str, Any]:
    model_id = "demo" if info.provider == "demo" else info.ref
    return {"id": model_id, "object": "model", "created": 0, "owned_by": info.provider}


async def handle(call: Call) -> Access:
    """List the models (see the module docstring)."""
    services = call.gateway.services
    present, (found, _errors) = await asyncio.gather(
        asyncio.to_thread(_with_credentials, services), discover_models(services.providers)
    )
    infos = [info for info in CATALOG if info.provider in present]
    infos += found
    data = [_entry(info) for info in infos]
    await send_json(call.send, 200, {"object": "list", "data": data})
    return Access(status=200)
