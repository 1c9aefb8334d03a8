"""Which models the local server and the custom endpoints offer, asked all at once.

The catalog (:data:`~openmaas_tui.core.models.catalog.CATALOG`) knows the hosted models; what a
local Ollama has pulled, or what an LM Studio / vLLM / llama.cpp endpoint serves, is only known
by asking it. The sources are the providers whose spec says so
(:attr:`~openmaas_tui.core.models.provider_specs.Discovery.AUTOMATIC`: Ollama, the local
presets vLLM, llama.cpp and LM Studio, every custom endpoint). :func:`discover_models` asks them
all concurrently, each within a short time limit, so a server that is not running costs little,
and one failing source never hides the others. A local preset that nothing listens for is
simply not installed here, and is left out without an error.
"""

from __future__ import annotations

import asyncio

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.provider_specs import Discovery
from openmaas_tui.providers.registry import Providers

DISCOVERY_TIMEOUT_S = 2.5
"""How long one source may take to list its models before it is given up on."""


async def discover_models(
    providers: Providers, *, timeout_s: float = DISCOVERY_TIMEOUT_S
) -> tuple[list[ModelInfo], list[OpenMaaSError]]:
    """Ask every provider whose spec discovers its models automatically, concurrently.

    Those are Ollama, reached where ``OLLAMA_HOST`` says (default ``http://localhost:11434``),
    through ``GET /api/tags``, and each ``[endpoints.NAME]`` of ``config.toml`` through ``GET
    {base_url}/models`` with its own key, if it has one.

    Args:
        providers: the provider registry (its settings name the endpoints).
        timeout_s: the most seconds one source may take (connecting included).

    Returns:
        ``(models, errors)``. ``models`` lists what the sources answered in the order of
        :meth:`Providers.specs` (Ollama's first, then each endpoint's in the order of
        ``config.toml``); each :class:`ModelInfo` has the
        source's name as ``provider`` (its ``ref`` is ``ollama/llama3.2:latest`` or
        ``NAME/model``, a spec :meth:`Providers.target` routes). ``errors`` holds one
        :class:`OpenMaaSError` per source that failed, its ``provider`` set to the source's
        name: STREAM_CONNECTION_FAILED when nothing listens, STREAM_TIMEOUT when the source
        did not answer within ``timeout_s``, AUTH_FAILED, PROVIDER_UNAVAILABLE or
        STREAM_PARSING_FAILED from its answer. Nothing is raised.
    """
    sources = [s.id for s in providers.specs() if s.discovery is Discovery.AUTOMATIC]
    results = await asyncio.gather(*(_ask(providers, name, timeout_s) for name in sources))
    models: list[ModelInfo] = []
    errors: list[OpenMaaSError] = []
    for name, result in zip(sources, results, strict=True):
        if isinstance(result, OpenMaaSError):
            if not _absent_preset(providers, name, result):
                errors.append(result)
        else:
            models.extend(result)
    return models, errors


def _absent_preset(providers: Providers, name: str, error: OpenMaaSError) -> bool:
    """Whether ``error`` only says that a preset's local server is not running (nothing
    listens at its default address): not an error worth showing, since most people run at
    most one of them."""
    return (
        error.code is ErrorCode.STREAM_CONNECTION_FAILED
        and name not in providers.settings.endpoints
        and providers.spec(name).preset
    )


async def _ask(
    providers: Providers, name: str, timeout_s: float
) -> list[ModelInfo] | OpenMaaSError:
    """The models of source ``name``, or the error that kept them from us."""
    try:
        async with asyncio.timeout(timeout_s):
            return await providers.list_models(name)
    except OpenMaaSError as exc:
        exc.provider = exc.provider or name
        return exc
    except TimeoutError:
        return OpenMaaSError(
            ErrorCode.STREAM_TIMEOUT,
            f"{name} did not list its models within {timeout_s:g} s",
            provider=name,
        )
