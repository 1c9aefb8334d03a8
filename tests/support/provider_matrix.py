"""The provider matrix shared by the ``ask`` and playground tests: for each provider, a
two-step tool call (its recording of a call, then of an answer), a model that sees images,
and a recording with reasoning; and each provider's credentials in an in-memory keyring. How
each provider's requests carry images and tool results is read by
:mod:`tests.support.request_forms`.

Azure OpenAI replays OpenAI's recordings at its own paths and Vertex AI Gemini's (the corpus
holds no tool call of either); where no answer was recorded after a tool result, a plain text
recording of the same provider stands in for it. Cohere and Bedrock have no recorded streamed
tool call: their first step is asked whole (``--no-stream``, the playground's stream switch
off).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openmaas_tui.core.credentials.keys import SERVICE
from tests.support.images import png
from tests.support.memory_keyring import MemoryKeyring
from tests.support.recordings import expected, fixture_path

KEYS = {
    "openai": "sk-fake-matrix-openai-0001",
    "openrouter": "sk-or-fake-matrix-0002",
    "azure": "fake-matrix-azure-0003",
    "anthropic": "sk-ant-fake-matrix-0004",
    "gemini": "AIza-fake-matrix-gemini-0005",
    "mistral": "fake-matrix-mistral-0006",
    "cohere": "fake-matrix-cohere-0007",
    "deepseek": "sk-fake-matrix-deepseek-0008",
    "bedrock": json.dumps(
        {
            "access_key_id": "AKIAMATRIXEXAMPLE",
            "secret_access_key": "fake/matrix/secret-0009",
            "region": "us-east-1",
        }
    ),
    "vertex": json.dumps({"api_key": "fake-matrix-vertex-0010", "project": "matrix-test"}),
}
"""Each provider's credentials as the keyring keeps them (a key alone, or a JSON object of
parts: AWS access keys and region, a Vertex AI express-mode key and project)."""


def store_keys(keyring: MemoryKeyring) -> None:
    """Put every provider's credentials of :data:`KEYS` in ``keyring``."""
    for provider, value in KEYS.items():
        keyring.store[(SERVICE, provider)] = value


def signed(provider: str, headers: dict[str, str]) -> bool:
    """Whether a request with ``headers`` carries ``provider``'s credentials of :data:`KEYS`
    (for Bedrock its access key id in the SigV4 ``authorization``); Ollama takes none."""
    if provider == "ollama":
        return True
    value = KEYS[provider]
    if value.startswith("{"):
        parts = json.loads(value)
        value = parts.get("api_key") or parts["access_key_id"]
    return any(value in shown for shown in headers.values())


@dataclass(frozen=True)
class Row:
    """One provider asked for one model (``api`` chooses Chat Completions or Responses), the
    form its requests take, and its recordings."""

    id: str
    provider: str
    model: str
    form: str
    api: str | None = None
    first: str | None = None
    second: str | None = None
    whole_first: bool = False
    whole_second: bool = False

    def argv(self, url: str) -> list[str]:
        """The options of ``openmaas ask`` (and of the app) that reach this provider at
        ``url``."""
        return [
            "--provider",
            self.provider,
            "-m",
            self.model,
            "--base-url",
            url,
            *(["--api", self.api] if self.api else []),
        ]

    def tools(self) -> list[dict[str, Any]]:
        """A tools file (OpenAI's function form) declaring the functions the recording
        calls."""
        assert self.first is not None
        names = dict.fromkeys(c["name"] for c in expected(self.first)["tool_calls"])
        return [
            {
                "type": "function",
                "function": {
                    "name": name,
                    "description": f"{name} for the matrix.",
                    "parameters": {"type": "object", "properties": {}},
                },
            }
            for name in names
        ]


TOOLS = [
    Row(
        "openai",
        "openai",
        "gpt-4o-mini",
        "openai_chat",
        first="openai/chat_stream_tool_call_args_split.sse",
        second="openai/chat_json_text_after_tools.json",
    ),
    Row(
        "openai-responses",
        "openai",
        "gpt-4o-mini",
        "responses",
        api="responses",
        first="openai_responses/stream_function_call.sse",
        second="openai_responses/stream_basic.sse",
    ),
    Row(
        "openrouter",
        "openrouter",
        "openai/gpt-4o-mini",
        "openai_chat",
        first="openrouter/stream_tool_call_repeated_name_no_finish.sse",
        second="openrouter/stream_text_after_tool_result.sse",
    ),
    Row(
        "azure",
        "azure",
        "my-gpt-4o",
        "openai_chat",
        first="openai/chat_stream_parallel_tool_calls_usage.sse",
        second="openai/chat_json_text_after_tools.json",
    ),
    Row(
        "azure-responses",
        "azure",
        "my-gpt-4o",
        "responses",
        api="responses",
        first="openai_responses/stream_function_call.sse",
        second="openai_responses/stream_basic.sse",
    ),
    Row(
        "anthropic",
        "anthropic",
        "claude-sonnet-4-5",
        "anthropic",
        first="anthropic/stream_tool_use.sse",
        second="anthropic/stream_after_tool_result.sse",
    ),
    Row(
        "gemini",
        "gemini",
        "gemini-2.5-flash",
        "gemini",
        first="gemini/sse_function_call_thought_signature.sse",
        second="gemini/sse_after_function_response.sse",
    ),
    Row(
        "vertex",
        "vertex",
        "gemini-2.5-flash",
        "gemini",
        first="gemini/sse_function_call_thought_signature.sse",
        second="gemini/sse_after_function_response.sse",
    ),
    Row(
        "ollama",
        "ollama",
        "llama3.2",
        "ollama",
        first="ollama/chat_stream_tool_call.ndjson",
        second="ollama/chat_stream_text.ndjson",
    ),
    Row(
        "mistral",
        "mistral",
        "mistral-small-latest",
        "mistral",
        first="mistral/stream_tool_call.sse",
        second="mistral/stream_text.sse",
    ),
    Row(
        "cohere",
        "cohere",
        "command-r",
        "cohere",
        first="cohere/json_tool_calls.json",
        second="cohere/stream_text.sse",
        whole_first=True,
    ),
    Row(
        "bedrock",
        "bedrock",
        "amazon.nova-pro-v1:0",
        "bedrock",
        first="bedrock/converse_json_tool_call.json",
        second="bedrock/converse_json_text.json",
        whole_first=True,
        whole_second=True,
    ),
]
"""Every provider that takes tools, with a recorded call and an answer after it."""

IMAGES = [
    Row("openai", "openai", "gpt-4o-mini", "openai_chat", first="openai/chat_json_gpt5.json"),
    Row(
        "openai-responses",
        "openai",
        "gpt-4o-mini",
        "responses",
        api="responses",
        first="openai_responses/stream_basic.sse",
    ),
    Row(
        "openrouter",
        "openrouter",
        "openai/gpt-4o-mini",
        "openai_chat",
        first="openrouter/stream_text_after_tool_result.sse",
    ),
    Row("azure", "azure", "my-gpt-4o", "openai_chat", first="openai/chat_json_gpt5.json"),
    Row(
        "azure-responses",
        "azure",
        "my-gpt-4o",
        "responses",
        api="responses",
        first="azure/responses_json_gpt5.json",
    ),
    Row(
        "anthropic",
        "anthropic",
        "claude-sonnet-4-5",
        "anthropic",
        first="anthropic/stream_text.sse",
    ),
    Row("gemini", "gemini", "gemini-2.5-flash", "gemini", first="gemini/sse_text.sse"),
    Row("vertex", "vertex", "gemini-2.5-flash", "gemini", first="gemini/sse_vertex_flex.sse"),
    Row("ollama", "ollama", "llama3.2-vision", "ollama", first="ollama/chat_stream_text.ndjson"),
    Row("mistral", "mistral", "mistral-small-latest", "mistral", first="mistral/stream_text.sse"),
    Row("cohere", "cohere", "command-a-vision-07-2025", "cohere", first="cohere/stream_text.sse"),
    Row(
        "bedrock",
        "bedrock",
        "amazon.nova-pro-v1:0",
        "bedrock",
        first="bedrock/converse_stream_nova.bin",
    ),
]
"""Every provider with a model that sees images, each answering from a plain text
recording."""

REASONING = [
    Row(
        "openai", "openai", "o3-mini", "openai_chat", first="openai/chat_json_reasoning_tokens.json"
    ),
    Row(
        "openai-responses",
        "openai",
        "gpt-5",
        "responses",
        api="responses",
        first="openai_responses/stream_usage_reasoning.sse",
    ),
    Row(
        "openrouter",
        "openrouter",
        "deepseek/deepseek-r1",
        "openai_chat",
        first="openrouter/stream_reasoning.sse",
    ),
    Row(
        "deepseek",
        "deepseek",
        "deepseek-reasoner",
        "openai_chat",
        first="deepseek/json_reasoning.json",
    ),
    Row(
        "anthropic",
        "anthropic",
        "claude-sonnet-4-5",
        "anthropic",
        first="anthropic/stream_thinking_small.sse",
    ),
    Row(
        "gemini", "gemini", "gemini-2.5-flash", "gemini", first="gemini/json_array_stream_text.json"
    ),
    Row(
        "vertex", "vertex", "gemini-2.5-flash", "gemini", first="gemini/json_array_stream_text.json"
    ),
    Row("ollama", "ollama", "qwen3", "ollama", first="ollama/chat_stream_thinking.ndjson"),
    Row(
        "mistral",
        "mistral",
        "magistral-small-latest",
        "mistral",
        first="mistral/stream_thinking.sse",
    ),
    Row(
        "cohere",
        "cohere",
        "command-a-03-2025",
        "cohere",
        first="cohere/json_tool_calls.json",
        whole_first=True,
    ),
    Row(
        "bedrock",
        "bedrock",
        "openai.gpt-oss-120b-1:0",
        "bedrock",
        first="bedrock/converse_stream_empty_text_delta.bin",
    ),
]
"""Every provider with a recording that holds reasoning (OpenAI's Chat Completions and
Responses recordings hold reasoning tokens only: the reasoning stays hidden; Cohere's is the
tool plan of a tool call)."""


def reasoning_of(row: Row) -> str | None:
    """The reasoning ``row``'s recording holds as we show it: the corpus's, or for Cohere the
    tool plan (``message.tool_plan``, shown as reasoning; the corpus reads none there)."""
    assert row.first is not None
    if row.provider == "cohere":
        plan: str = json.loads(fixture_path(row.first).read_text())["message"]["tool_plan"]
        return plan
    shown: str | None = expected(row.first)["reasoning"] or None
    return shown


def image_file(directory: Path) -> tuple[Path, bytes]:
    """A small real PNG written into ``directory``: its path and bytes."""
    data = png(5, 4)
    path = directory / "pelican.png"
    path.write_bytes(data)
    return path, data
