"""One streamed answer: Markdown that grows as tokens arrive, and a line of counters under it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message as TMessage
from textual.widgets import Markdown, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.meter import StreamMeter, counters_line
from openmaas_tui.core.pricing import Price
from openmaas_tui.core.types import ChatRequest, TextDelta
from openmaas_tui.providers.registry import Target


class AnswerView(Vertical):
    """Streams one answer into Markdown incrementally and shows model, TTFT, tokens/s, tokens
    and cost under it. Counters are pulled from a :class:`StreamMeter` by a 10 Hz timer."""

    DEFAULT_CSS = """
    AnswerView { height: auto; margin: 0 0 1 0; }
    AnswerView > .meta { color: $text-muted; }
    AnswerView > .error { color: $error; }
    """

    @dataclass
    class Finished(TMessage):
        """The answer ended (completed, stopped or failed)."""

        view: AnswerView

    def __init__(self, target: Target, request: ChatRequest, price: Price | None) -> None:
        super().__init__()
        self.target = target
        self.request = request
        self.price = price
        self.meter = StreamMeter(target.route.model)
        self.stopped = False

    def compose(self) -> ComposeResult:
        yield Markdown(classes="answer")
        self._meta = Static("waiting…", classes="meta")
        yield self._meta

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self.refresh_meta)
        self.run_stream()

    def refresh_meta(self) -> None:
        """Copy the meter into the counters line."""
        line = counters_line(self.target.label, self.meter, self.price, stopped=self.stopped)
        self._meta.update(line)

    @work(exclusive=True, group="answer", exit_on_error=False, description="stream answer")
    async def run_stream(self) -> None:
        """Stream the answer into the Markdown widget."""
        stream = Markdown.get_stream(self.query_one(Markdown))
        try:
            async for event in self.target.stream(self.request):
                self.meter.add(event)
                if isinstance(event, TextDelta):
                    await stream.write(event.text)
        except OpenMaaSError as exc:
            hint = f"\n{exc.hint}" if exc.hint else ""
            self.mount(Static(f"{exc.code}: {exc.message}{hint}", classes="error"))
        finally:
            self.meter.finish()
            await stream.stop()
            self._timer.stop()
            self.refresh_meta()
            self.post_message(self.Finished(self))

    def stop(self) -> None:
        """Stop streaming and keep what arrived, marked as stopped."""
        self.stopped = True
        self.workers.cancel_group(self, "answer")
