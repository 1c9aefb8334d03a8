"""The compare screen's runs: start one on the prompt, rerun it, stop it, show its summary when
every lane has ended and save it in the history.

Mixed into :class:`~openmaas_tui.ui.screens.compare_screen.CompareScreen`; the run itself is a
:class:`~openmaas_tui.core.compare.run.CompareRun` drawn by the screen's
:class:`~openmaas_tui.ui.widgets.compare_columns.CompareColumns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from openmaas_tui.core.compare.export import run_json
from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.compare.run import MIN_TARGETS, CompareRun
from openmaas_tui.core.history.compare_runs import save_in_history
from openmaas_tui.core.history.recorder import compare_recorders
from openmaas_tui.core.types import ImagePart, Message
from openmaas_tui.services import Services
from openmaas_tui.ui.widgets.compare_bar import CompareBar
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.widgets.compare_columns import CompareColumns
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.summary_table import CompareSummary
from openmaas_tui.ui.workers import WorkerOwner

if TYPE_CHECKING:
    from textual.screen import Screen

    _Base = Screen[None]
else:
    _Base = object


class CompareRunning(WorkerOwner, _Base):
    """Starting, rerunning, stopping and summing up the screen's run (mixed into the screen;
    the save runs as a worker, whose failure goes up as :class:`WorkerOwner.WorkerFailed`)."""

    services: Services
    context: tuple[Message, ...]
    bar: CompareBar
    board: CompareColumns

    @property
    def run(self) -> CompareRun | None:
        """The run shown, or None before the first (and after a column is removed)."""
        return self.board.run

    @property
    def columns(self) -> list[CompareColumn]:
        """The target columns, left to right."""
        return self.board.columns

    def _busy(self) -> bool:
        """Say so and return True while a run streams."""
        if self.run is not None and self.run.running:
            self.notify("Wait for the run to end (escape stops it).", severity="warning")
            return True
        return False

    async def start(
        self,
        targets: Sequence[CompareTarget],
        prompt: str,
        images: Sequence[ImagePart] = (),
    ) -> CompareRun | None:
        """Race ``targets`` on ``prompt`` and ``images`` (with the bar's system prompt and
        context); None when a run is still streaming or there are too few targets."""
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
            images=images,
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

    def on_compare_columns_settled(self) -> None:
        """Every lane's end is drawn: the counters one last time, then the summary."""
        self.refresh_counters()
        self.show_summary()

    def on_compare_columns_run_ended(self, event: CompareColumns.RunEnded) -> None:
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

    # -- stopping and rerunning -----------------------------------------------------------

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

    def on_unmount(self) -> None:
        if self.run is not None:
            self.run.stop_all()
