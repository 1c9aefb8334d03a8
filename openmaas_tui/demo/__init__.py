"""The offline demo model: a loopback server speaking the OpenAI Chat Completions protocol that
streams bundled sample answers, so the app works with no key and no network."""

from openmaas_tui.demo.server import DemoServer

__all__ = ["DemoServer"]
