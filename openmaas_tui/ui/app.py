"""The playground app: a conversation with one model, streamed as Markdown."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Input, Markdown, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.types import ChatRequest, Message
from openmaas_tui.services import Services
from openmaas_tui.ui.answer import AnswerView

WELCOME = Path(__file__).with_name("welcome.md")


class PlaygroundApp(App[None]):
    """Chat with a model: type below, watch the answer stream in."""

    CSS_PATH = "app.tcss"
    TITLE = "openMaaS"
    BINDINGS = [
        Binding("escape", "stop", "Stop", id="stop"),
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        model: str,
        provider: str | None = None,
        base_url: str | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.model = model
        self.provider = provider
        self.base_url = base_url
        self.history: list[Message] = []
        self.sub_title = model

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="chat"):
            yield Markdown(WELCOME.read_text(encoding="utf-8"), id="welcome")
        yield Input(placeholder="Ask anything — enter sends", id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#chat", VerticalScroll).anchor()
        self.query_one("#prompt", Input).focus()
        for warning in self.services.keys.warnings:
            self.notify(warning, title="Keys", severity="warning", timeout=10)

    @on(Input.Submitted, "#prompt")
    async def send(self, event: Input.Submitted) -> None:
        """Send the prompt; on an error the prompt stays in the input."""
        text = event.value.strip()
        if not text:
            return
        chat = self.query_one("#chat", VerticalScroll)
        try:
            target = await self.services.providers.target(
                self.model, provider=self.provider, base_url=self.base_url
            )
        except OpenMaaSError as exc:
            hint = f"\n{exc.hint}" if exc.hint else ""
            await chat.mount(Static(f"{exc.code}: {exc.message}{hint}", classes="error"))
            return
        event.input.value = ""
        self.history.append(Message.user(text))
        request, _notes = target.prepare(
            ChatRequest(model=target.route.model, messages=tuple(self.history))
        )
        await chat.mount(Static(text, classes="user"))
        price = self.services.prices.price(target.route.provider, target.route.model)
        await chat.mount(AnswerView(target, request, price))

    @on(AnswerView.Finished)
    def remember(self, event: AnswerView.Finished) -> None:
        """Keep the answer in the conversation history."""
        text = event.view.meter.completion().text
        if text:
            self.history.append(Message.assistant(text))

    def action_stop(self) -> None:
        """Stop the answer that is streaming, keeping what arrived."""
        for view in self.query(AnswerView):
            if view.meter.finished_at is None:
                view.stop()

    async def on_unmount(self) -> None:
        await self.services.aclose()
