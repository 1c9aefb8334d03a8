"""The Mistral chat completions wire: the request body, the finish reasons and the model list.

Mistral's ``POST /v1/chat/completions`` has the Chat Completions shape, so messages, images,
``response_format``, answers and stream chunks are read with the
:mod:`~openmaas_tui.providers.openai_chat` pieces; what differs is here. Sources: the API
reference https://docs.mistral.ai/api/ (``ChatCompletionRequest``, ``ChatCompletionChoice``,
``ModelList``) and the reasoning guide https://docs.mistral.ai/capabilities/reasoning/, checked
against the ``mistralai`` SDK's models (3.7).

Request differences from OpenAI's:

- the seed is ``random_seed``, not ``seed``;
- there is no ``stream_options``: usage comes on the stream's last chunk unasked, so none is sent;
- ``max_tokens`` only (no ``max_completion_tokens``);
- ``reasoning_effort`` on the models with adjustable reasoning (Mistral Small 4, Medium 3.5);
  the Magistral models always reason, and are sent ``prompt_mode: "reasoning"`` so Mistral uses
  its reasoning system prompt;
- ``safe_prompt`` (inject Mistral's safety prompt) is left at its default, off: a request has no
  field for it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from openmaas_tui.core.models.catalog import ModelInfo, find_model
from openmaas_tui.core.types import ChatRequest, Finish, FinishReason
from openmaas_tui.providers.openai_chat.parse import finish_of as openai_finish_of
from openmaas_tui.providers.openai_chat.wire import add_tools, chat_messages, response_format

_FINISH = {
    "stop": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "model_length": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALLS,
    "error": FinishReason.ERROR,
}
"""Mistral's finish reasons: ``model_length`` is the model's context filled up."""


def finish_of(raw: str) -> Finish:
    """The :class:`Finish` for one of Mistral's raw finish reasons (``stop``, ``length``,
    ``model_length``, ``tool_calls``, ``error``); any other is read as OpenAI would."""
    reason = _FINISH.get(raw)
    return Finish(reason, raw) if reason is not None else openai_finish_of(raw)


def native_reasoning(model: str) -> bool:
    """Whether ``model`` always reasons (the Magistral family), so it gets ``prompt_mode``."""
    return model.startswith("magistral-")


def build_body(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    """The JSON body of ``POST /v1/chat/completions`` for ``request``; parameters left as None
    (or no stop sequences) are not sent. ``thinking_budget`` is never sent (Mistral has no such
    field). Tools, ``tool_choice`` (``auto``, ``none``, ``required`` or one function),
    assistant ``tool_calls`` and ``role: tool`` results (with ``tool_call_id`` and ``name``)
    take OpenAI's shape (https://docs.mistral.ai/api/#tag/chat/operation/chat_completion_v1_chat_completions_post,
    https://docs.mistral.ai/capabilities/function_calling/).

    Args:
        request: what to ask.
        stream: add ``stream: true``.
    """
    messages = chat_messages(request)
    for entry, message in zip(messages[-len(request.messages) :], request.messages, strict=False):
        if message.tool_name and entry["role"] == "tool":
            entry["name"] = message.tool_name  # Mistral's tool message names its function
    body: dict[str, Any] = {"model": request.model, "messages": messages}
    optional = {
        "temperature": request.temperature,
        "top_p": request.top_p,
        "max_tokens": request.max_tokens,
        "random_seed": request.seed,
        "presence_penalty": request.presence_penalty,
        "frequency_penalty": request.frequency_penalty,
        "reasoning_effort": request.reasoning_effort,
    }
    body.update({name: value for name, value in optional.items() if value is not None})
    if request.stop:
        body["stop"] = list(request.stop)
    fmt = request.json_mode
    if fmt is not None:
        body["response_format"] = response_format(fmt)
    add_tools(body, request)  # the same tools and tool_choice as OpenAI's
    if native_reasoning(request.model):
        body["prompt_mode"] = "reasoning"
    if stream:
        body["stream"] = True
    return body


def listed_models(payload: Any, provider: str) -> list[ModelInfo]:
    """The chat models of a ``GET /v1/models`` answer (``{"object": "list", "data": [{"id",
    "capabilities": {"completion_chat", "function_calling", "vision"}, "max_context_length",
    ...}]}``), with catalog facts where known and Mistral's own otherwise. Models whose
    ``capabilities.completion_chat`` is false (embeddings, OCR, moderation) are left out.

    Raises:
        KeyError, TypeError, ValueError: a body without ``data[].id`` (non-empty strings);
            the adapter turns them into STREAM_PARSING_FAILED.
    """
    models: list[ModelInfo] = []
    for entry in payload["data"]:
        model_id = entry["id"]
        if type(model_id) is not str or not model_id:
            raise TypeError("a model id that is not a non-empty string")
        capabilities = entry.get("capabilities")
        if not isinstance(capabilities, dict):
            capabilities = {}
        if capabilities.get("completion_chat") is False:
            continue
        info = find_model(provider, model_id)
        if info is not None:
            models.append(replace(info, id=model_id))
            continue
        context = entry.get("max_context_length")
        models.append(
            ModelInfo(
                model_id,
                provider,
                context_window=context if type(context) is int and 0 < context < 2**53 else None,
                vision=capabilities.get("vision") is True,
                tools=capabilities.get("function_calling") is not False,
            )
        )
    return models
