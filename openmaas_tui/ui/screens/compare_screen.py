"""The compare screen: pick 2–8 targets, send one prompt, watch every answer stream side by side.

The top bar adds targets (a model from the same list as the parameter panel, with its own
temperature / top_p / max_tokens; the same model twice is fine), an optional system prompt and
whether to send the current session's conversation as context. Each target is a
:class:`CompareColumn`; ``enter`` in the prompt starts a :class:`CompareRun` whose lanes stream
as their own tasks on the shared client. One timer renders the columns in turn, each ten times
a second (its new text and its counters); when all have ended, the summary table appears under
the columns.

Keys: ``enter`` sends; ``escape`` stops everything (or goes back when nothing runs); in a
column ``s`` stops it, ``r`` reruns it, ``c`` continues with it as a chat, ``del`` removes it,
``←/→`` move between columns; ``ctrl+r`` reruns all, ``ctrl+t`` adds the target set in the
bar, ``f4`` goes to the summary, ``ctrl+e`` exports the run (Markdown and JSON) to the data
directory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message as TMessage
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Footer, Header, Input, Select, Static

from openmaas_tui.core.compare.export import export_run, run_json
from openmaas_tui.core.compare.run import (
    MAX_TARGETS,
    MIN_TARGETS,
    CompareRun,
    CompareTarget,
    Lane,
)
from openmaas_tui.core.history.compare_runs import save_in_history
from openmaas_tui.core.sessions.params_state import DEMO_LABEL, FIELD_BY_NAME, read_fields
from openmaas_tui.core.types import Message, Usage
from openmaas_tui.services import Services
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.summary_table import CompareSummary
from openmaas_tui.ui.workers import WorkerOwner

_PLACEHOLDERS = {"temperature": "temp 0–2", "top_p": "top_p 0–1", "max_tokens": "max tokens"}
FIELDS = tuple(FIELD_BY_NAME[name] for name in _PLACEHOLDERS)
"""The parameters a target may override, as the parameter panel reads them."""

COLUMN_INTERVAL_S = 0.1
"""How often each column renders the text that arrived and its counters (seconds). The columns
take turns, evenly spread over this interval: rendered together, eight columns' drawing and
painting fall into one frame and hold the event loop for that long."""


class CompareScreen(WorkerOwner, Screen[None]):
    """Race several models on one prompt (see the module docstring).

    Args:
        services: the run's services (providers, prices, paths).
        targets: the columns to start with.
        choices: the model picker's ``(label, spec)`` pairs (the parameter panel's).
        context: the current session's conversation, offered as context.
        base_urls: a base URL for some specs (the playground's ``--base-url`` start model).
    """

    CSS_PATH = "compare.tcss"
    TITLE = "Compare"
    BINDINGS = [
        Binding("escape", "stop_or_close", "Stop all / Back", id="compare.stop_all"),
        Binding("ctrl+t", "add_target", "Add target", id="compare.add"),
        Binding("ctrl+r", "rerun_all", "Rerun all", id="compare.rerun_all"),
        Binding("f4", "summary", "Summary", id="compare.summary"),
        Binding("ctrl+e", "export", "Export", id="compare.export"),
        Binding("ctrl+l", "focus_model", "Model", id="compare.model"),
    ]

    @dataclass
    class ChatContinued(TMessage):
        """The person chose to carry on with one target's answer as a chat (the app opens
        it in the playground).

        Attributes:
            model_spec: the target's model, as the playground's picker names it.
            prompt: the prompt the target answered.
            answer_text: its answer.
            usage: the answer's token counts, or None when unknown.
            cost_usd: what the answer cost in USD, or None when unknown.
            estimated: whether the counts (and the cost) are local estimates.
            context: the conversation sent before the prompt.
        """

        model_spec: str
        prompt: str
        answer_text: str
        usage: Usage | None
        cost_usd: float | None
        estimated: bool
        context: tuple[Message, ...]

    def __init__(
        self,
        services: Services,
        *,
        targets: Sequence[CompareTarget] = (),
        choices: Sequence[tuple[str, str]] = ((DEMO_LABEL, "demo"),),
        context: Sequence[Message] = (),
        base_urls: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.choices = list(choices)
        self.context = tuple(context)
        self.base_urls = dict(base_urls or {})
        self.run: CompareRun | None = None
        self._initial = list(targets)
        self._timer: Timer | None = None
        self._timer_interval = 0.0
        self._turn = 0
        self._summarized = False
        self._lane_columns: list[CompareColumn] = []

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-bar"):
            first = self._initial[0].spec if self._initial else self.choices[0][1]
            specs = [spec for _, spec in self.choices]
            yield Select(
                self.choices,
                value=first if first in specs else self.choices[0][1],
                allow_blank=False,
                id="compare-model",
                compact=True,
            )
            for field in FIELDS:
                yield Input(
                    placeholder=_PLACEHOLDERS[field.name],
                    type=field.input_type,  # type: ignore[arg-type]
                    id=f"compare-{field.name}",
                    classes="param",
                    compact=True,
                    tooltip=f"{field.name} for the next target added (blank: default)",
                )
            yield Button("Add", id="compare-add", variant="primary", compact=True)
            yield Input(placeholder="system prompt (optional)", id="compare-system", compact=True)
            yield Checkbox(
                f"context ({len(self.context)})",
                id="compare-context",
                disabled=not self.context,
                tooltip="send the current session's conversation before the prompt",
                compact=True,
            )
        yield Static("Add 2–8 targets with ctrl+t, type a prompt, enter sends.", id="compare-hint")
        with Horizontal(id="compare-columns"):
            for number, target in enumerate(self._initial, 1):
                yield CompareColumn(target, number)
        yield CompareSummary(id="compare-summary")
        yield PromptArea(id="compare-prompt", placeholder="One prompt for every target · enter")
        yield Footer()

    def on_mount(self) -> None:
        self._update_hint()
        self.query_one(PromptArea).focus()

    # -- reading the screen ---------------------------------------------------------------

    @property
    def columns(self) -> list[CompareColumn]:
        """The target columns, left to right."""
        return list(self.query(CompareColumn))

    def _column_of(self, lane: Lane) -> CompareColumn | None:
        """The column showing ``lane`` (kept from the start of the run: a DOM query per token
        would cost more than the rest of the streaming together)."""
        columns = self._lane_columns
        return columns[lane.index] if lane.index < len(columns) else None

    def _update_hint(self) -> None:
        n = len(self.columns)
        hint = self.query_one("#compare-hint", Static)
        if n < MIN_TARGETS:
            hint.update(f"{n} target: add another with ctrl+t (model and overrides above).")
        else:
            hint.update(
                f"{n} targets · enter sends · in a column: s stop, r rerun, c continue, "
                "del remove, ←/→ move"
            )

    # -- targets --------------------------------------------------------------------------

    def target_from_bar(self) -> CompareTarget:
        """The target the bar describes.

        Raises:
            ValueError: a field holds a value no request may carry (the message says which).
        """
        texts = {f.name: self.query_one(f"#compare-{f.name}", Input).value for f in FIELDS}
        values, errors = read_fields(texts)
        if errors:
            raise ValueError("; ".join(errors))
        overrides = {name: values[name] for name in _PLACEHOLDERS}
        spec = str(self.query_one("#compare-model", Select).value)
        return CompareTarget(spec, base_url=self.base_urls.get(spec), **overrides)

    async def add_target(self, target: CompareTarget) -> CompareColumn | None:
        """Add a column for ``target`` (refused past :data:`MAX_TARGETS` or while running)."""
        if self.run is not None and self.run.running:
            self.notify("Wait for the run to end (escape stops it).", severity="warning")
            return None
        if len(self.columns) >= MAX_TARGETS:
            self.notify(f"A compare takes at most {MAX_TARGETS} targets.", severity="warning")
            return None
        column = CompareColumn(target, len(self.columns) + 1)
        await self.query_one("#compare-columns").mount(column)
        self._update_hint()
        return column

    async def action_add_target(self) -> None:
        """Add the target set in the bar."""
        try:
            target = self.target_from_bar()
        except ValueError as exc:
            self.notify(str(exc), title="Target", severity="error")
            return
        await self.add_target(target)

    @on(Button.Pressed, "#compare-add")
    async def _add_pressed(self) -> None:
        await self.action_add_target()

    @on(Input.Submitted)
    async def _field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "compare-system":
            await self.action_add_target()

    def action_focus_model(self) -> None:
        """Move to the model picker of the bar."""
        self.query_one("#compare-model", Select).focus()

    # -- running --------------------------------------------------------------------------

    @on(PromptArea.Submitted, "#compare-prompt")
    async def send(self, event: PromptArea.Submitted) -> None:
        """Start every column on the prompt."""
        prompt = event.text.strip()
        if not prompt:
            return
        await self.start([c.target for c in self.columns], prompt)

    async def start(self, targets: Sequence[CompareTarget], prompt: str) -> CompareRun | None:
        """Race ``targets`` on ``prompt`` (with the bar's system prompt and context)."""
        if self.run is not None and self.run.running:
            self.notify("A compare is running: escape stops it.", severity="warning")
            return None
        if len(targets) < MIN_TARGETS:
            self.notify(f"Add at least {MIN_TARGETS} targets (ctrl+t).", severity="warning")
            return None
        system = self.query_one("#compare-system", Input).value.strip() or None
        use_context = self.query_one("#compare-context", Checkbox).value
        self.run = CompareRun(
            self.services.providers,
            self.services.prices,
            targets,
            prompt,
            system=system,
            context=self.context if use_context else (),
            listener=self,
        )
        self._lane_columns = self.columns
        for column in self._lane_columns:
            await column.restart()
        self._hide_summary()
        self.run.start()
        self._start_timer()
        if self.columns:
            self.columns[0].focus()
        return self.run

    def _start_timer(self) -> None:
        interval = COLUMN_INTERVAL_S / max(len(self._lane_columns), 1)
        if self._timer is not None and self._timer_interval != interval:
            self._timer.stop()
            self._timer = None
        if self._timer is None:
            self._timer = self.set_interval(interval, self.tick)
            self._timer_interval = interval
        else:
            self._timer.resume()

    async def tick(self) -> None:
        """Render the next column in turn (its new text and counters); once every lane has
        ended and its end is drawn, show the summary and stop."""
        run = self.run
        if run is None:
            return
        columns = self._lane_columns
        if columns:
            self._turn = (self._turn + 1) % len(columns)
            if self._turn < len(run.lanes):
                await columns[self._turn].render_lane(run.lanes[self._turn])
        if run.finished and not self._summarized and all(c.settled for c in columns):
            # After every answer's last lines were drawn: the summary lays the screen out
            # again and repaints it all, which would hold back the last lines' frame.
            self._summarized = True
            if self._timer is not None:
                self._timer.pause()
            self.call_after_refresh(self._summarize)

    def _summarize(self) -> None:
        if self._summarized:  # not rerun meanwhile
            self.refresh_counters()
            self.show_summary()

    def refresh_counters(self) -> None:
        """Copy every lane's counters into its column now."""
        run = self.run
        if run is None:
            return
        for lane in run.lanes:
            column = self._column_of(lane)
            if column is not None:
                column.show(lane)

    # -- LaneListener (called by the run, on the event loop) -------------------------------

    def lane_started(self, lane: Lane) -> None:
        self._summarized = False

    def lane_text(self, lane: Lane, text: str) -> None:
        column = self._column_of(lane)
        if column is not None:
            column.append(text)

    def lane_reasoning(self, lane: Lane, text: str) -> None:
        pass  # counted in the lane's tokens; the columns show answers only

    def lane_ended(self, lane: Lane) -> None:
        column = self._column_of(lane)
        if column is not None and self.run is not None:
            span = max(x.meter.duration_ms for x in self.run.lanes) / 1000
            self.run_worker(
                column.ended(lane, span),
                group="compare-render",
                exit_on_error=False,
                description="draw a target's end",
            )
        if self.run is not None and self.run.finished:  # saved again (same id) after a rerun
            saving = save_in_history(self.services.history, run_json(self.run), self.run.id)
            self.run_worker(
                saving,
                group="compare-save",
                exclusive=True,
                exit_on_error=False,
                description="save the compare run in the history",
            )

    # -- summary --------------------------------------------------------------------------

    def show_summary(self) -> None:
        """Fill and show the summary table (after every lane has ended)."""
        if self.run is None:
            return
        table = self.query_one(CompareSummary)
        table.show(self.run.summary(), self.run.lanes)
        table.add_class("-shown")
        span = max(lane.meter.duration_ms for lane in self.run.lanes) / 1000
        for lane in self.run.lanes:
            column = self._column_of(lane)
            if column is not None:
                column.show_timeline(lane, span)

    def _hide_summary(self) -> None:
        self._summarized = False
        self.query_one(CompareSummary).remove_class("-shown")

    def action_summary(self) -> None:
        """Go to the summary (once the run has ended)."""
        table = self.query_one(CompareSummary)
        if table.has_class("-shown"):
            table.focus()
        else:
            self.notify("The summary appears when every target has ended.", timeout=3)

    # -- actions --------------------------------------------------------------------------

    def action_stop_or_close(self) -> None:
        """Stop every running target, keeping what arrived; with nothing running, go back."""
        if self.run is not None and self.run.running:
            self.run.stop_all()
        else:
            self.dismiss()

    async def action_rerun_all(self) -> None:
        """Run every target again on the same prompt."""
        if self.run is None:
            self.notify("Nothing to rerun yet: type a prompt, enter sends.", timeout=3)
            return
        for column in self.columns:
            await column.restart()
        self._hide_summary()
        self.run.rerun_all()
        self._start_timer()

    @on(CompareColumn.Requested)
    async def _column_requested(self, event: CompareColumn.Requested) -> None:
        event.stop()
        columns = self.columns
        index = columns.index(event.column)
        if event.action == "move":
            columns[(index + event.step) % len(columns)].focus()
            return
        if event.action == "remove":
            await self._remove(event.column)
            return
        run = self.run
        if run is None or index >= len(run.lanes):
            self.notify("This target has not run yet: enter sends.", timeout=3)
            return
        if event.action == "stop":
            run.stop(index)
        elif event.action == "rerun":
            await event.column.restart()
            self._hide_summary()
            run.rerun(index)
            self._start_timer()
        elif event.action == "continue":
            self.continue_with(run.lanes[index])

    async def _remove(self, column: CompareColumn) -> None:
        if self.run is not None and self.run.running:
            self.notify("Wait for the run to end (escape stops it).", severity="warning")
            return
        self.run = None  # the lanes no longer match the columns
        self._lane_columns = []
        self._hide_summary()
        await column.remove()
        for number, other in enumerate(self.columns, 1):
            other.renumber(number)
        self._update_hint()

    def continue_with(self, lane: Lane) -> None:
        """Ask to turn ``lane`` into a chat session (the prompt and its answer) and go there:
        posts :class:`ChatContinued`."""
        if self.run is None or not lane.text:
            self.notify("This target has no answer to continue with.", severity="warning")
            return
        usage, estimated = lane.usage()
        t = lane.target
        spec = f"{t.provider}/{t.spec}" if t.provider else t.spec
        run = self.run
        cost = lane.cost_usd()
        self.post_message(
            self.ChatContinued(spec, run.prompt, lane.text, usage, cost, estimated, run.context)
        )

    def action_export(self) -> None:
        """Write the run as Markdown and JSON into the data directory's ``compare`` folder."""
        if self.run is None:
            self.notify("Nothing to export yet.", timeout=3)
            return
        folder = self.services.paths.data_dir / "compare"
        stamp = datetime.fromtimestamp(self.run.created_at).strftime("%Y%m%d-%H%M%S")
        try:
            paths = [
                export_run(self.run, folder / f"compare-{stamp}{ext}") for ext in (".md", ".json")
            ]
        except OSError as exc:
            self.notify(f"Could not write {folder}: {exc.strerror}", severity="error")
            return
        self.notify(f"Saved {paths[0]}\nand {Path(paths[1]).name}", title="Export", timeout=8)

    def on_unmount(self) -> None:
        if self.run is not None:
            self.run.stop_all()
