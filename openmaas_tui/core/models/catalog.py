"""Models: what exists, what each can do, and which provider serves it (the providers
themselves are declared in :mod:`.provider_specs`).

Model facts (context window, output limit, capabilities) come from the providers' model pages:
OpenAI https://platform.openai.com/docs/models, Anthropic
https://docs.anthropic.com/en/docs/about-claude/models/overview, Gemini
https://ai.google.dev/gemini-api/docs/models (all read 2025-11), Mistral
https://docs.mistral.ai/getting-started/models/ and Cohere https://docs.cohere.com/docs/models
(read 2026-12). Mistral publishes no output limit apart from the context window, so its
models' ``max_output_tokens`` is unknown (None). The Responses-only OpenAI models (``-pro``,
codex) are from their pages on https://platform.openai.com/docs/models (read 2026-05).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.capabilities import (
    ALL_PARAMS,
    CLAUDE_PARAMS,
    CLAUDE_THINKING_PARAMS,
    CODEX_EFFORTS,
    COHERE_PARAMS,
    COMMON_PARAMS,
    GEMINI_3_EFFORTS,
    GEMINI_3_PARAMS,
    GEMINI_PARAMS,
    GEMINI_THINKING_PARAMS,
    GPT5_EFFORTS,
    MISTRAL_EFFORTS,
    MISTRAL_PARAMS,
    MISTRAL_REASONING_PARAMS,
    O_SERIES_EFFORTS,
    OPENAI_REASONING_PARAMS,
    PRO_EFFORTS,
    applicable,
)
from openmaas_tui.core.models.provider_specs import SPECS

__all__ = [
    "ALL_PARAMS",
    "CATALOG",
    "COMMON_PARAMS",
    "ModelInfo",
    "Route",
    "applicable",
    "find_model",
    "model_info",
    "route",
]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """A model and what it can do.

    Attributes:
        id: the model id as its provider knows it.
        provider: the provider's name (a key of
            :data:`~openmaas_tui.core.models.provider_specs.SPECS` or a custom endpoint).
        context_window: prompt + output tokens the model accepts, or None when unknown.
        max_output_tokens: the most output tokens per answer, or None when unknown.
        vision: accepts images.
        reasoning: thinks before answering (reasoning tokens, billed as output).
        tools: supports function/tool calling.
        params: which parameters of :data:`ALL_PARAMS` apply (see
            :mod:`openmaas_tui.core.models.capabilities`); the others are dropped before sending.
            Models the catalog does not know take :data:`COMMON_PARAMS`.
        label: a short description for pickers.
        temperature_or_top_p: the model refuses ``temperature`` and ``top_p`` together (Claude
            Opus 4.1 and the 4.5 family: "temperature and top_p cannot both be specified");
            when both are set, top_p is dropped.
        efforts: the reasoning efforts the model takes, least first, when ``params`` has
            ``reasoning_effort``.
        responses_only: the model is offered only through OpenAI's Responses API (the
            ``-pro`` and codex models: "only supported in v1/responses and not in
            v1/chat/completions"); the registry asks it there unless told otherwise.
    """

    id: str
    provider: str
    context_window: int | None = None
    max_output_tokens: int | None = None
    vision: bool = False
    reasoning: bool = False
    tools: bool = True
    params: frozenset[str] = COMMON_PARAMS
    label: str = ""
    temperature_or_top_p: bool = False
    efforts: tuple[str, ...] = ()
    responses_only: bool = False

    @property
    def ref(self) -> str:
        """``provider/id``, the unambiguous way to name this model."""
        return f"{self.provider}/{self.id}"


def _m(provider: str, id: str, ctx: int, out: int, **kw: object) -> ModelInfo:
    return ModelInfo(id, provider, ctx, out, **kw)  # type: ignore[arg-type]


_V = {"vision": True}
_C45 = {"vision": True, "params": CLAUDE_THINKING_PARAMS, "temperature_or_top_p": True}
_C4 = {"vision": True, "params": CLAUDE_THINKING_PARAMS}
_O = {"reasoning": True, "params": OPENAI_REASONING_PARAMS, "efforts": O_SERIES_EFFORTS}
_R = {**_O, "vision": True}
_G5 = {**_R, "efforts": GPT5_EFFORTS}
_CODEX = {**_R, "efforts": CODEX_EFFORTS, "responses_only": True}
_PRO = {**_R, "responses_only": True}
_G25 = {"vision": True, "reasoning": True, "params": GEMINI_THINKING_PARAMS}
_MV = {"vision": True, "params": MISTRAL_PARAMS}
_MR = {"vision": True, "params": MISTRAL_REASONING_PARAMS, "efforts": MISTRAL_EFFORTS}
_MAG = {"vision": True, "reasoning": True, "params": MISTRAL_PARAMS}
_CO = {"params": COHERE_PARAMS}


def _mistral(id: str, ctx: int, **kw: object) -> ModelInfo:
    kw.setdefault("params", MISTRAL_PARAMS)
    return ModelInfo(id, "mistral", ctx, None, **kw)  # type: ignore[arg-type]


_G3 = {"vision": True, "reasoning": True, "params": GEMINI_3_PARAMS, "efforts": GEMINI_3_EFFORTS}

_GEMINI: tuple[ModelInfo, ...] = (
    _m("gemini", "gemini-3-pro-preview", 1_048_576, 65_536, **_G3),
    _m("gemini", "gemini-2.5-pro", 1_048_576, 65_536, **_G25),
    _m("gemini", "gemini-2.5-flash", 1_048_576, 65_536, **_G25),
    _m("gemini", "gemini-2.5-flash-lite", 1_048_576, 65_536, **_G25),
    _m(
        "gemini",
        "gemini-2.0-flash",
        1_048_576,
        8_192,
        vision=True,
        params=GEMINI_PARAMS | {"presence_penalty", "frequency_penalty"},
    ),
)
"""Gemini models: served by the Gemini API and, with the same facts, by Vertex AI."""

_BR = {"params": CLAUDE_PARAMS}
_BEDROCK: tuple[ModelInfo, ...] = (
    _m("bedrock", "amazon.nova-micro-v1:0", 128_000, 10_000, **_BR),
    _m("bedrock", "amazon.nova-lite-v1:0", 300_000, 10_000, vision=True, **_BR),
    _m("bedrock", "amazon.nova-pro-v1:0", 300_000, 10_000, vision=True, **_BR),
    _m("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 200_000, 64_000, **_C45),
    _m("bedrock", "us.anthropic.claude-haiku-4-5-20251001-v1:0", 200_000, 64_000, **_C45),
    _m(
        "bedrock",
        "openai.gpt-oss-120b-1:0",
        128_000,
        32_768,
        reasoning=True,
        params=CLAUDE_PARAMS | {"reasoning_effort"},
        efforts=("low", "medium", "high"),
    ),
)
"""Bedrock models by their Bedrock ids (an inference profile where on-demand calls need one);
facts from https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html (read
2025-11). Converse takes only temperature, top_p, max_tokens and stop sequences (and model
fields for reasoning)."""

CATALOG: tuple[ModelInfo, ...] = (
    _m("openai", "gpt-4o", 128_000, 16_384, **_V),
    _m("openai", "gpt-4o-mini", 128_000, 16_384, **_V),
    _m("openai", "gpt-4.1", 1_047_576, 32_768, **_V),
    _m("openai", "gpt-4.1-mini", 1_047_576, 32_768, **_V),
    _m("openai", "gpt-4.1-nano", 1_047_576, 32_768, **_V),
    _m("openai", "gpt-5", 400_000, 128_000, **_G5),
    _m("openai", "gpt-5-mini", 400_000, 128_000, **_G5),
    _m("openai", "gpt-5-nano", 400_000, 128_000, **_G5),
    _m("openai", "gpt-5-pro", 400_000, 272_000, **{**_PRO, "efforts": PRO_EFFORTS}),
    _m("openai", "gpt-5.2-pro", 400_000, 128_000, **{**_PRO, "efforts": ("medium", "high")}),
    _m("openai", "gpt-5-codex", 400_000, 128_000, **_CODEX),
    _m("openai", "gpt-5.1-codex", 400_000, 128_000, **_CODEX),
    _m("openai", "gpt-5.1-codex-mini", 400_000, 128_000, **_CODEX),
    _m("openai", "codex-mini-latest", 200_000, 100_000, **_CODEX),
    _m("openai", "o1", 200_000, 100_000, **_R),
    _m("openai", "o1-pro", 200_000, 100_000, **_PRO),
    _m("openai", "o3", 200_000, 100_000, **_R),
    _m("openai", "o3-pro", 200_000, 100_000, **_PRO),
    _m("openai", "o3-mini", 200_000, 100_000, **_O),
    _m("openai", "o4-mini", 200_000, 100_000, **_R),
    _m("anthropic", "claude-opus-4-5", 200_000, 64_000, **_C45),
    _m("anthropic", "claude-opus-4-1", 200_000, 32_000, **_C45),
    _m("anthropic", "claude-sonnet-4-5", 200_000, 64_000, **_C45),
    _m("anthropic", "claude-sonnet-4-0", 200_000, 64_000, **_C4),
    _m("anthropic", "claude-haiku-4-5", 200_000, 64_000, **_C45),
    _m("anthropic", "claude-3-5-haiku-latest", 200_000, 8_192, params=CLAUDE_PARAMS),
    *_GEMINI,
    *(replace(m, provider="vertex") for m in _GEMINI),
    *_BEDROCK,
    _mistral("mistral-large-latest", 262_144, **_MV),
    _mistral("mistral-medium-latest", 131_072, **_MV),
    _mistral("mistral-small-latest", 262_144, **_MR),
    _mistral("magistral-medium-latest", 131_072, **_MAG),
    _mistral("magistral-small-latest", 131_072, **_MAG),
    _mistral("codestral-latest", 262_144),
    _mistral("devstral-small-latest", 262_144),
    _mistral("ministral-8b-latest", 262_144, **_MV),
    _mistral("ministral-3b-latest", 262_144, **_MV),
    _mistral("pixtral-large-latest", 131_072, **_MV),
    _m("cohere", "command-a-03-2025", 256_000, 8_000, **_CO),
    _m("cohere", "command-r-plus-08-2024", 128_000, 4_000, **_CO),
    _m("cohere", "command-r-08-2024", 128_000, 4_000, **_CO),
    _m("cohere", "command-r7b-12-2024", 128_000, 4_000, **_CO),
    ModelInfo(
        "demo",
        "demo",
        32_768,
        4_096,
        tools=False,
        params=COMMON_PARAMS - {"json_object", "json_schema"},
        label="offline demo: canned answers",
    ),
)
"""Known models. Models discovered at run time (Ollama, custom endpoints) are added beside."""


@dataclass(frozen=True, slots=True)
class Route:
    """Where a model lives: the provider's name and the model id sent to it."""

    provider: str
    model: str

    @property
    def ref(self) -> str:
        """``provider/model``."""
        return f"{self.provider}/{self.model}"


def route(
    spec: str, provider: str | None = None, endpoints: dict[str, Endpoint] | None = None
) -> Route:
    """Decide which provider serves ``spec``.

    A name starting with one of a provider spec's ``routes`` goes to that provider (``gpt-*``,
    ``chatgpt-*``, ``o1*``, ``o3*``, ``o4*`` to openai; ``claude-*`` to anthropic; ``gemini-*``
    to gemini); ``demo`` to the offline demo; ``NAME/model`` to provider or custom
    endpoint NAME. With ``provider`` given, ``spec`` is passed to it verbatim (OpenRouter and
    Groq ids contain slashes).

    Raises:
        OpenMaaSError: INVALID_MODEL when no provider can be told from ``spec``;
            INVALID_REQUEST for an unknown ``provider``.
    """
    endpoints = endpoints or {}
    spec = spec.strip()
    if provider is not None:
        if provider not in SPECS and provider not in endpoints:
            known = ", ".join(sorted({*SPECS, *endpoints}))
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"unknown provider {provider!r}",
                hint=f"use one of: {known}, or add [endpoints.{provider}] to config.toml",
            )
        return Route(provider, spec)
    if spec == "demo":
        return Route("demo", "demo")
    head, sep, rest = spec.partition("/")
    if sep and rest and (head in SPECS or head in endpoints):
        return Route(head, rest)
    for provider_spec in SPECS.values():
        if spec.startswith(provider_spec.routes):
            return Route(provider_spec.id, spec)
    raise OpenMaaSError(
        ErrorCode.INVALID_MODEL,
        f"cannot tell which provider serves {spec!r}",
        hint="name it as PROVIDER/MODEL (e.g. ollama/llama3.2) or pass --provider",
    )


def find_model(provider: str, model: str) -> ModelInfo | None:
    """The catalog entry for ``model`` at ``provider``; dated snapshots such as
    ``claude-sonnet-4-5-20250929`` or ``gpt-4o-2024-08-06`` match their family's entry."""
    best: ModelInfo | None = None
    for info in CATALOG:
        if info.provider != provider:
            continue
        if info.id == model:
            return info
        if model.startswith(info.id + "-") and (best is None or len(info.id) > len(best.id)):
            best = info
    return best


def model_info(r: Route) -> ModelInfo:
    """What is known of ``r``'s model: its catalog entry, or an entry that allows the common
    OpenAI parameters (:data:`COMMON_PARAMS`) when the model is not in the catalog (local and
    custom models)."""
    return find_model(r.provider, r.model) or ModelInfo(r.model, r.provider)
