"""The compare screen: pick 2–8 targets, send one prompt, watch every answer stream side by side.

The top bar (:class:`~openmaas_tui.ui.widgets.compare_bar.CompareBar`) adds targets (a model from
the same list as the parameter panel, with its own temperature / top_p / max_tokens; the same
model twice is fine), an optional system prompt and whether to send the current session's
conversation as context. Each target is a column
(:class:`~openmaas_tui.ui.widgets.compare_columns.CompareColumns`); ``enter`` in the prompt
starts a :class:`CompareRun` whose lanes stream as their own tasks on the shared client and
are drawn in the columns; when all have ended, the summary table appears under them and the run
is saved in the history.

Keys: ``enter`` sends; ``escape`` stops everything, or with nothing running goes back to the
prompt (from a column, the summary or the bar), and from the prompt back to the playground; in a
column ``s`` stops it, ``r`` reruns it, ``c`` continues with it as a chat, ``t`` opens its
reasoning, ``del`` removes it, ``←/→`` move between columns, and any other letter goes to the
prompt with the focus (the next prompt is being typed); ``ctrl+r`` reruns all, ``ctrl+t`` adds
the target set in the bar, ``ctrl+l`` picks the next target's model, ``f4`` goes to the
summary, ``ctrl+e`` exports the run (Markdown and JSON) to the data directory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message as TMessage
from textual.screen import Screen
from textual.widgets import Header, Static

from openmaas_tui.core.compare.export import export_run, run_json
from openmaas_tui.core.compare.lane import CompareTarget, Lane
from openmaas_tui.core.compare.run import MAX_TARGETS, MIN_TARGETS, CompareRun
from openmaas_tui.core.history.compare_runs import save_in_history
from openmaas_tui.core.history.recorder import compare_recorders
from openmaas_tui.core.models.choices import DEMO_LABEL
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.settings import params_of_request
from openmaas_tui.core.types import Message, Usage
from openmaas_tui.services import Services
from openmaas_tui.ui.screens.model_choice import ModelChoice
from openmaas_tui.ui.widgets.compare_bar import CompareBar
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.widgets.compare_columns import CompareColumns
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.summary_table import CompareSummary
from openmaas_tui.ui.workers import WorkerOwner


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
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    """Below 120 columns the bar stacks its two groups of fields and the columns scroll
    sideways (``compare.tcss``): one row of them takes about 120."""

    NARROW_FOOTER: dict[str, str | None] = {
        "app.quit": None,
        "quit": None,
        "stop_or_close": "Stop/Back",
        "add_target": "Add",
        "rerun_all": "Rerun",
    }
    """The footer on a narrow terminal (:class:`FittingFooter`): quit gives way (ctrl+q still
    works) and some labels shorten."""
    BINDINGS = [
        Binding(
            "escape",
            "stop_or_close",
            "Stop all / Back",
            id="compare.stop_all",
            tooltip="Stop every target; else back to the prompt; from the prompt, leave",
        ),
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
            params: the system prompt and parameters the target was asked with (the chat
                keeps them).
        """

        model_spec: str
        prompt: str
        answer_text: str
        usage: Usage | None
        cost_usd: float | None
        estimated: bool
        context: tuple[Message, ...]
        params: RequestParams = field(default_factory=RequestParams)

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
        self.context = tuple(context)
        first = targets[0].spec if targets else choices[0][1]
        self.bar = CompareBar(
            choices,
            first,
            context_size=len(self.context),
            base_urls=base_urls or {},
            id="compare-bar",
        )
        self.model_choice = ModelChoice(services)
        """ctrl+l: the model picker for the next target."""
        self.board = CompareColumns(list(targets), id="compare-columns")
        """The target columns; they draw the run."""

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.bar
        yield Static("Add 2–8 targets with ctrl+t, type a prompt, enter sends.", id="compare-hint")
        yield self.board
        yield CompareSummary(id="compare-summary")
        yield PromptArea(id="compare-prompt", placeholder="One prompt for every target · enter")
        yield FittingFooter(narrow=self.NARROW_FOOTER)

    def on_mount(self) -> None:
        self._update_hint()
        self.query_one(PromptArea).focus()

    # -- reading the screen ---------------------------------------------------------------

    @property
    def run(self) -> CompareRun | None:
        """The run shown, or None before the first (and after a column is removed)."""
        return self.board.run

    @property
    def columns(self) -> list[CompareColumn]:
        """The target columns, left to right."""
        return self.board.columns

    def _update_hint(self) -> None:
        n = len(self.columns)
        hint = self.query_one("#compare-hint", Static)
        if n < MIN_TARGETS:
            hint.update(f"{n} target: add another with ctrl+t (model and overrides above).")
        else:
            hint.update(
                f"{n} targets · enter sends · in a column: s stop, r rerun, c continue, "
                "t reasoning, del remove, ←/→ move, esc prompt"
            )

    def _busy(self) -> bool:
        """Say so and return True while a run streams."""
        if self.run is not None and self.run.running:
            self.notify("Wait for the run to end (escape stops it).", severity="warning")
            return True
        return False

    # -- targets --------------------------------------------------------------------------

    async def add_target(self, target: CompareTarget) -> CompareColumn | None:
        """Add a column for ``target`` (refused past :data:`MAX_TARGETS` or while running)."""
        if self._busy():
            return None
        if len(self.columns) >= MAX_TARGETS:
            self.notify(f"A compare takes at most {MAX_TARGETS} targets.", severity="warning")
            return None
        column = await self.board.add(target)
        self._update_hint()
        return column

    async def action_add_target(self) -> None:
        """Add the target set in the bar."""
        try:
            target = self.bar.target()
        except ValueError as exc:
            self.notify(str(exc), title="Target", severity="error")
            return
        await self.add_target(target)

    @on(CompareBar.Submitted)
    async def _bar_submitted(self) -> None:
        await self.action_add_target()

    def action_focus_model(self) -> None:
        """Open the model picker (price, context window, key) for the next target; the model
        picked is selected in the bar."""
        self.model_choice.open(self.app, self.bar.choices, self.bar.model, self.bar.set_model)

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
        run = CompareRun(
            self.services.providers,
            self.services.prices,
            targets,
            prompt,
            system=self.bar.system,
            context=self.context if self.bar.use_context else (),
            listener=self.board,
            recorders=compare_recorders(self.services.history),
        )
        await self.board.start(run)
        self._hide_summary()
        run.start()
        self.board.start_timer()
        if self.columns:
            self.columns[0].focus()
        return run

    def refresh_counters(self) -> None:
        """Copy every lane's counters into its column now."""
        self.board.refresh_counters()

    @on(CompareColumns.Settled)
    def _settled(self) -> None:
        self.refresh_counters()
        self.show_summary()

    @on(CompareColumns.RunEnded)
    def _save(self, event: CompareColumns.RunEnded) -> None:
        """Save the run in the history (again under the same id after a rerun)."""
        run = event.run
        self.run_worker(
            save_in_history(self.services.history, run_json(run), run.id),
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
        self.board.show_timelines()

    def _hide_summary(self) -> None:
        self.board.rearm()
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
        """Stop every running target, keeping what arrived; with nothing running, go back to
        the prompt, and from the prompt back to the playground."""
        prompt = self.query_one("#compare-prompt", PromptArea)
        if self.run is not None and self.run.running:
            self.run.stop_all()
        elif not prompt.has_focus:
            prompt.focus()
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
        self.board.start_timer()

    @on(CompareColumn.Requested)
    async def _column_requested(self, event: CompareColumn.Requested) -> None:
        event.stop()
        columns = self.columns
        index = columns.index(event.column)
        if event.action == "type":  # the next prompt, begun in a column
            prompt = self.query_one("#compare-prompt", PromptArea)
            prompt.focus()
            prompt.insert(event.text)
            return
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
            self.board.start_timer()
        elif event.action == "continue":
            self.continue_with(run.lanes[index])

    async def _remove(self, column: CompareColumn) -> None:
        if self._busy():
            return
        self._hide_summary()
        await self.board.remove_column(column)
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
        params = params_of_request(run.request_for(t))
        self.post_message(
            self.ChatContinued(
                spec, run.prompt, lane.text, usage, cost, estimated, run.context, params
            )
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
