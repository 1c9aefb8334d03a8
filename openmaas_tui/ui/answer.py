"""One streamed answer: Markdown that grows as tokens arrive, and a line of counters under it."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message as TMessage
from textual.widgets import Markdown, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.meter import StreamMeter
from openmaas_tui.core.pricing import PriceTable, format_usd
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

    def __init__(self, target: Target, request: ChatRequest, prices: PriceTable) -> None:
        super().__init__()
        self.target = target
        self.request = request
        self.prices = prices
        self.meter = StreamMeter(target.route.model)
        self.stopped = False

    def compose(self) -> ComposeResult:
        yield Markdown(classes="answer")
        yield Static("waiting…", classes="meta")

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self.refresh_meta)
        self.run_stream()

    def refresh_meta(self) -> None:
        """Copy the meter into the counters line."""
        m, usage = self.meter, self.meter.builder.usage
        parts = [self.target.label]
        if m.ttft_ms is not None:
            parts.append(f"TTFT {m.ttft_ms:.0f} ms")
        if (rate := m.tokens_per_s()) is not None:
            parts.append(f"{rate:.1f} tok/s")
        if usage.output_tokens is not None:
            parts.append(f"{usage.input_tokens or 0} in / {usage.output_tokens} out")
            price = self.prices.price(self.target.route.provider, self.target.route.model)
            parts.append(format_usd(price.cost_usd(usage) if price else None))
        if self.stopped:
            parts.append("stopped")
        self.query_one(".meta", Static).update(" · ".join(parts))

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
