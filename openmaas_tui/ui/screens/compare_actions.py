"""The compare screen's targets and the run's export: add a target (from the bar, or the model
picker for the next one), remove one, write the run as Markdown and JSON.

Mixed into :class:`~openmaas_tui.ui.screens.compare_screen.CompareScreen`, whose bindings and
columns' bindings name these actions.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import Static

from openmaas_tui.core.compare.export import export_run
from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.compare.run import MAX_TARGETS, MIN_TARGETS
from openmaas_tui.ui.screens.compare_running import CompareRunning
from openmaas_tui.ui.screens.model_choice import ModelChoice
from openmaas_tui.ui.widgets.compare_column import CompareColumn


class CompareActions(CompareRunning):
    """Adding and removing targets, the model picker and the export (mixed into the
    screen)."""

    model_choice: ModelChoice

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

    async def on_compare_bar_submitted(self) -> None:
        """enter in the bar adds its target."""
        await self.action_add_target()

    def action_focus_model(self) -> None:
        """Open the model picker (price, context window, key) for the next target; the model
        picked is selected in the bar."""
        self.model_choice.open(self.app, self.bar.choices, self.bar.model, self.bar.set_model)

    async def _remove(self, column: CompareColumn) -> None:
        if self._busy():
            return
        self._hide_summary()
        await self.board.remove_column(column)
        self._update_hint()

    # -- export ---------------------------------------------------------------------------

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
