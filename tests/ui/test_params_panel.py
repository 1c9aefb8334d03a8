"""The parameter panel, driven from the keyboard only in a small host app."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest
from textual import on
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea

from openmaas_tui.core.models.choices import ModelChoices
from openmaas_tui.core.sessions.params_state import Params, read_fields
from openmaas_tui.services import open_services
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import settle


class Host(App[None]):
    """A chat-sized placeholder beside the panel, as the playground lays them out."""

    CSS = "#chat { width: 1fr; height: 1fr; }"

    def __init__(self, model: str = "gpt-4o-mini", *, discover: bool = False) -> None:
        super().__init__()
        self.services = open_services(use_keyring=False)
        self.model = model
        self.discover = discover
        self.changes: list[str] = []

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("chat", id="chat")
            yield ParamsPanel(
                self.model, providers=self.services.providers, discover=self.discover, id="params"
            )

    @on(ParamsPanel.ModelChanged)
    def remember(self, event: ParamsPanel.ModelChanged) -> None:
        self.changes.append(event.model)

    @property
    def panel(self) -> ParamsPanel:
        return self.query_one(ParamsPanel)

    async def on_unmount(self) -> None:
        await self.services.aclose()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
async def ollama(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ReplayServer]:
    """A replayed Ollama listing ``llama3.2:latest`` and ``qwen3:0.6b``."""
    server = ReplayServer(fixture_reply(fixture_path("ollama/tags.json"), chunked=False))
    await server.start()
    monkeypatch.setenv("OLLAMA_HOST", server.url)
    yield server
    await server.stop()


async def _type(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def _pick(pilot: Pilot[None], search: str) -> None:
    """Open the focused picker, type to search, take the match."""
    await pilot.press("enter")
    await _type(pilot, search)
    await pilot.press("enter")
    await pilot.pause()


async def test_every_field_is_set_from_the_keyboard() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        app.panel.focus()
        await pilot.pause()
        assert app.focused is app.panel.query_one("#model", Select)
        await pilot.press("tab")
        await _type(pilot, "0.7")
        await pilot.press("tab", "tab")
        await _type(pilot, "256")
        app.panel.query_one("#system", TextArea).focus()
        await _type(pilot, "Be brief.")
        await pilot.press("enter")
        await _type(pilot, "Use metric units.")
        for _ in range(11):  # back past tools, stream, format, stop, seed, the penalties, …
            await pilot.press("shift+tab")
        assert app.focused is app.panel.query_one("#model", Select)
        await _pick(pilot, "sonnet-4-5")
        assert app.panel.params == Params(
            model="claude-sonnet-4-5",
            temperature=0.7,
            top_p=None,
            max_tokens=256,
            system="Be brief.\nUse metric units.",
        )
        assert app.panel.errors() == []
        assert app.changes == ["claude-sonnet-4-5"]
        info = str(app.panel.query_one("#model-info", Static).render())
        assert info == "ctx 200k · out 64k"


FOCUS_ORDER = [
    "model",
    "temperature",
    "top_p",
    "max_tokens",
    "presence_penalty",
    "frequency_penalty",
    "seed",
    "stop",
    "response_format",
    "stream",
    "tools",
    "system",
]
"""Tab order for gpt-4o-mini: reasoning effort and thinking budget are off, the schema hidden."""


async def test_tab_and_arrows_visit_every_field_in_order_and_enter_moves_on() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        for key in ("tab", "down"):
            app.panel.focus_model()
            await pilot.pause()
            seen = []
            for _ in FOCUS_ORDER:
                assert app.focused is not None
                seen.append(app.focused.id)
                await pilot.press(key)
            assert seen == FOCUS_ORDER, key
        app.panel.query_one("#temperature", Input).focus()
        await _type(pilot, "1")
        await pilot.press("enter")
        assert app.focused is app.panel.query_one("#top_p", Input)


async def test_invalid_values_are_named_and_read_as_unset() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        app.panel.query_one("#temperature", Input).focus()
        await _type(pilot, "2.5")
        await pilot.press("tab")
        await _type(pilot, "1.01")
        await pilot.press("tab")
        await _type(pilot, "0")
        await pilot.pause()
        assert app.panel.errors() == [
            "temperature must be between 0 and 2 for OpenAI",
            "top_p must be between 0 and 1 for OpenAI",
            "max_tokens must be a whole number of at least 1",
        ]
        params = app.panel.params
        assert (params.temperature, params.top_p, params.max_tokens) == (None, None, None)
        temperature = app.panel.query_one("#temperature", Input)
        assert temperature.has_class("-invalid")
        shown = str(app.panel.query_one("#param-errors", Static).render())
        assert "temperature must be between 0 and 2 for OpenAI" in shown
        temperature.focus()
        await pilot.press("end", "backspace", "backspace")  # "2.5" -> "2"
        await pilot.pause()
        assert app.panel.errors() == [
            "top_p must be between 0 and 1 for OpenAI",
            "max_tokens must be a whole number of at least 1",
        ]
        assert app.panel.params.temperature == 2.0
        assert not temperature.has_class("-invalid")


async def test_empty_fields_mean_provider_defaults() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.params == Params(model="gpt-4o-mini")
        assert app.panel.errors() == []
        assert app.panel.query_one("#temperature", Input).placeholder.startswith("default")
        app.panel.query_one("#system", TextArea).focus()
        await pilot.press("space", "enter", "space")
        assert app.panel.params.system is None


async def test_demo_comes_first_and_every_catalog_model_is_listed() -> None:
    app = Host("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        choices = app.panel.choices
        assert choices[0] == ("demo (offline)", "demo")
        labels = [label for label, _ in choices]
        assert "anthropic/claude-haiku-4-5" in labels
        assert "gemini/gemini-2.5-pro" in labels
        specs = dict(choices)
        assert specs["openai/gpt-4o"] == "gpt-4o"
        assert app.panel.params.model == "demo"
        assert app.panel.query_one("#model", Select).value == "demo"


@pytest.mark.parametrize(
    ("initial", "selected"),
    [
        ("llama3.2", "llama3.2"),  # a verbatim model for --provider
        ("ollama/llama3.2", "ollama/llama3.2"),
        ("openai/gpt-4o", "gpt-4o"),  # routes where the catalog entry routes
    ],
)
async def test_the_initial_model_is_selected_and_listed(initial: str, selected: str) -> None:
    app = Host(initial)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.panel.params.model == selected
        assert app.panel.query_one("#model", Select).value == selected
        assert selected in dict((spec, label) for label, spec in app.panel.choices)
        assert app.changes == []


async def test_set_model_selects_adds_and_announces() -> None:
    app = Host()
    async with app.run_test(size=(120, 40)) as pilot:
        app.panel.set_model("claude-opus-4-1")
        app.panel.set_model("ollama/mistral")
        app.panel.set_model("ollama/mistral")
        await pilot.pause()
        assert app.panel.params.model == "ollama/mistral"
        assert app.changes == ["claude-opus-4-1", "ollama/mistral"]
        assert app.panel.choices[-1] == ("ollama/mistral", "ollama/mistral")
        assert str(app.panel.query_one("#model-info", Static).render()) == "limits unknown"


async def test_discovered_models_join_the_picker(ollama: ReplayServer) -> None:
    app = Host(discover=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        specs = [spec for _, spec in app.panel.choices]
        assert specs[-2:] == ["ollama/llama3.2:latest", "ollama/qwen3:0.6b"]
        assert ollama.last.path == "/api/tags"
        note = app.panel.query_one("#discovered", Static)
        assert str(note.render()) == "+2 from ollama"
        assert app.panel.params.model == "gpt-4o-mini"  # discovery keeps the selection
        assert app.changes == []
        app.panel.focus_model()
        await _pick(pilot, "qwen3")
        assert app.panel.params.model == "ollama/qwen3:0.6b"
        assert app.changes == ["ollama/qwen3:0.6b"]


async def test_discovery_failures_are_not_shown_as_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{_closed_port()}")
    app = Host(discover=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        note = app.panel.query_one("#discovered", Static)
        assert not note.display
        assert not app.panel.query_one("#param-errors", Static).display
        assert "ollama" in str(note.tooltip)
        assert len(app.panel.choices) == len({spec for _, spec in app.panel.choices})


@pytest.mark.parametrize("size", [(120, 40), (160, 50)])
async def test_the_panel_fits_32_columns(size: tuple[int, int]) -> None:
    app = Host("anthropic/claude-3-5-haiku-latest")
    async with app.run_test(size=size) as pilot:
        app.panel.query_one("#temperature", Input).focus()
        await _type(pilot, "9")  # an error line takes room too
        await pilot.pause()
        panel = app.panel.region
        assert panel.width == 32
        assert panel.bottom <= size[1]
        for widget_id in ("model", "model-info", "temperature", "top_p", "max_tokens", "system"):
            region = app.panel.query_one(f"#{widget_id}").region
            assert region.width > 0 and region.height > 0, widget_id
            assert panel.x < region.x and region.right < panel.right, widget_id
            assert region.bottom < panel.bottom, widget_id
        assert app.panel.query_one("#system").region.height >= 4


def test_the_panel_state_imports_without_textual() -> None:
    code = "import sys, openmaas_tui.core.sessions.params_state; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    ("temperature", "top_p", "max_tokens", "values", "bad"),
    [
        ("", " ", "", (None, None, None), []),
        ("0", "1", "1", (0.0, 1.0, 1), []),
        ("nan", "inf", "1.5", (None, None, None), ["temperature", "top_p", "max_tokens"]),
        ("-0.1", "0.5", "x", (None, 0.5, None), ["temperature", "max_tokens"]),
    ],
)
def test_fields_read_without_a_panel(
    temperature: str, top_p: str, max_tokens: str, values: tuple[object, ...], bad: list[str]
) -> None:
    texts = {"temperature": temperature, "top_p": top_p, "max_tokens": max_tokens}
    read, errors = read_fields(texts)
    assert (read["temperature"], read["top_p"], read["max_tokens"]) == values
    assert [message.split()[0] for message in errors] == bad


def test_model_choices_without_a_panel() -> None:
    choices = ModelChoices(dict)
    assert choices.option_for("openai/gpt-4o") == "gpt-4o"
    assert choices.option_for("ollama/mistral") == "ollama/mistral"
    assert choices.pairs[-1] == ("ollama/mistral", "ollama/mistral")
    assert choices.limits_text("claude-sonnet-4-5") == "ctx 200k · out 64k"
    assert choices.limits_text("ollama/mistral") == "limits unknown"
