"""Reading a request body in each provider's own form: the images of its first user
message, the function tools it declares and the tool results it carries, and the form an
image takes for each (sources: the API references cited in tests/providers/test_image_forms.py
and tests/providers/test_tool_two_step.py). A form is ``openai_chat`` (also Azure OpenAI and
OpenAI-compatible providers), ``responses``, ``anthropic``, ``gemini`` (also Vertex AI),
``ollama``, ``mistral``, ``cohere`` or ``bedrock``."""

from __future__ import annotations

import base64
import json
from typing import Any


def image_sent(form: str, data: bytes) -> Any:
    """The image as a provider of ``form`` takes it in a user message (PNG, base64), each
    from its API reference: OpenAI Chat, Mistral and Cohere an ``image_url`` part with a
    ``data:`` URL; Responses an ``input_image``; Anthropic an ``image`` block with a base64
    source; Gemini and Vertex AI ``inlineData``; Ollama the message's ``images`` list; Bedrock
    an ``image`` block with its ``format`` and ``source.bytes`` (sources in
    tests/providers/test_image_forms.py)."""
    b64 = base64.b64encode(data).decode()
    url = f"data:image/png;base64,{b64}"
    return {
        "openai_chat": {"type": "image_url", "image_url": {"url": url}},
        "mistral": {"type": "image_url", "image_url": {"url": url}},
        "cohere": {"type": "image_url", "image_url": {"url": url}},
        "responses": {"type": "input_image", "image_url": url, "detail": "auto"},
        "anthropic": {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": b64},
        },
        "gemini": {"inlineData": {"mimeType": "image/png", "data": b64}},
        "ollama": b64,
        "bedrock": {"image": {"format": "png", "source": {"bytes": b64}}},
    }[form]


def images_in(form: str, body: dict[str, Any]) -> list[Any]:
    """The images of the first user message of ``body``, a request in ``form``."""
    if form == "gemini":
        return [p for p in body["contents"][0]["parts"] if "inlineData" in p]
    if form == "responses":
        parts = body["input"][0]["content"]
        return [p for p in parts if p.get("type") == "input_image"]
    message = body["messages"][0]
    if form == "ollama":
        return list(message.get("images") or [])
    if form == "bedrock":
        return [p for p in message["content"] if "image" in p]
    if isinstance(message["content"], str):
        return []
    return [p for p in message["content"] if p.get("type") in ("image_url", "image")]


def tool_names_in(form: str, body: dict[str, Any]) -> list[str]:
    """The names of the function tools ``body`` (a request in ``form``) declares: OpenAI's
    nested ``function`` (also Mistral, Cohere, Ollama), flat for Responses and Anthropic,
    Gemini's ``functionDeclarations``, Bedrock's ``toolConfig.tools[].toolSpec``."""
    if form == "gemini":
        return [f["name"] for t in body["tools"] for f in t["functionDeclarations"]]
    if form == "bedrock":
        return [t["toolSpec"]["name"] for t in body["toolConfig"]["tools"]]
    if form in ("responses", "anthropic"):
        return [t["name"] for t in body["tools"]]
    return [t["function"]["name"] for t in body["tools"]]


def calls_in(form: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """The tool calls the assistant turns of ``body`` (a request in ``form``) carry back, as
    (the call's id, its function's name); by function name twice where the provider names
    calls by name (Gemini's ``functionCall``, Ollama's ``tool_calls``)."""
    if form == "responses":
        return [
            (i["call_id"], i["name"]) for i in body["input"] if i.get("type") == "function_call"
        ]
    if form == "gemini":
        calls = [
            p["functionCall"] for c in body["contents"] for p in c["parts"] if "functionCall" in p
        ]
        return [(c["name"], c["name"]) for c in calls]
    found: list[tuple[str, str]] = []
    for message in body["messages"]:
        if message["role"] != "assistant":
            continue
        content = message.get("content")
        if form == "anthropic" and isinstance(content, list):
            found += [(b["id"], b["name"]) for b in content if b["type"] == "tool_use"]
        elif form == "bedrock":
            uses = [b["toolUse"] for b in content if "toolUse" in b]
            found += [(u["toolUseId"], u["name"]) for u in uses]
        elif form == "ollama":
            names = [c["function"]["name"] for c in message.get("tool_calls") or []]
            found += [(name, name) for name in names]
        else:
            found += [(c["id"], c["function"]["name"]) for c in message.get("tool_calls") or []]
    return found


def signatures_in(body: dict[str, Any]) -> list[str | None]:
    """The ``thoughtSignature`` of each ``functionCall`` part of a Gemini request (None where
    a part has none)."""
    parts = [p for c in body["contents"] for p in c["parts"] if "functionCall" in p]
    return [p.get("thoughtSignature") for p in parts]


def tool_results_in(form: str, body: dict[str, Any]) -> list[tuple[str, str]]:
    """The tool results ``body`` (a request in ``form``) carries, as (the call they answer,
    the result's text): by call id where the provider names calls by id, by function name
    where it does not (Gemini's ``functionResponse``, Ollama's ``tool_name``)."""
    if form == "responses":
        return [
            (i["call_id"], i["output"])
            for i in body["input"]
            if i.get("type") == "function_call_output"
        ]
    if form == "gemini":
        return [
            (p["functionResponse"]["name"], json.dumps(p["functionResponse"]["response"]))
            for c in body["contents"]
            for p in c["parts"]
            if "functionResponse" in p
        ]
    found: list[tuple[str, str]] = []
    for message in body["messages"]:
        content = message.get("content")
        if form == "anthropic" and isinstance(content, list):
            found += [
                (b["tool_use_id"], b["content"]) for b in content if b["type"] == "tool_result"
            ]
        elif form == "bedrock":
            found += [
                (b["toolResult"]["toolUseId"], b["toolResult"]["content"][0]["text"])
                for b in content
                if "toolResult" in b
            ]
        elif message["role"] == "tool" and form == "ollama":
            found.append((message["tool_name"], content))
        elif message["role"] == "tool":
            found.append((message["tool_call_id"], content))
    return found
