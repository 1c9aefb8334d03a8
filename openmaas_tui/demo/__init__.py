"""The offline demo model: canned Markdown answers streamed as OpenAI Chat Completions by an
in-process ``httpx`` transport, so the app works with no key, no network and no open port."""

from openmaas_tui.demo.transport import DemoTransport, demo_mounts

__all__ = ["DemoTransport", "demo_mounts"]
