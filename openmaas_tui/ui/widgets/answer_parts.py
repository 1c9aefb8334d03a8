"""Two small parts of an answer view: the progress line shown while a whole (not streamed)
answer is awaited, and the marker that says whether a JSON answer is what was asked for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from openmaas_tui.core.exchange.json_check import JsonCheck


def waiting_text(elapsed_s: float, expected_s: float | None) -> str:
    """``waiting for the whole answer · 3.2 s of ~5.1 s`` (the model's usual time), or
    ``… · 3.2 s`` when there is no past answer to compare with."""
    head = f"waiting for the whole answer · {elapsed_s:.1f} s"
    if expected_s is None:
        return f"{head} (first answer from this model)"
    return f"{head} of ~{expected_s:.1f} s"


class WaitingBar(Horizontal):
    """Elapsed time against the model's usual time, while a non-streamed answer is awaited.

    Args:
        expected_s: how long this model usually takes (seconds), or None when unknown: the bar
            then only pulses.
    """

    DEFAULT_CSS = """
    WaitingBar { height: 1; padding: 0 1; color: $text-muted; }
    WaitingBar ProgressBar { width: 24; }
    WaitingBar Static { width: 1fr; }
    """

    def __init__(self, expected_s: float | None) -> None:
        super().__init__()
        self.expected_s = expected_s
        self.bar = ProgressBar(
            total=expected_s, show_percentage=False, show_eta=False, id="waiting-bar"
        )
        self.label = Static(waiting_text(0.0, expected_s), id="waiting-label", markup=False)

    def compose(self) -> ComposeResult:
        yield self.bar
        yield self.label

    def show(self, elapsed_s: float) -> None:
        """Show ``elapsed_s`` seconds waited so far."""
        if self.expected_s is not None:
            self.bar.update(progress=min(elapsed_s, self.expected_s))
        self.label.update(waiting_text(elapsed_s, self.expected_s))


class JsonMarker(Static):
    """``✓ valid JSON…`` or ``✗ invalid JSON: …`` / ``✗ truncated JSON: …`` /
    ``✗ does not match the schema…`` under a JSON answer.

    Args:
        check: what checking the answer found.
    """

    DEFAULT_CSS = """
    JsonMarker { padding: 0 1; margin: 1 0 0 0; }
    JsonMarker.-ok { color: $success; }
    JsonMarker.-bad { color: $error; text-style: bold; }
    """

    def __init__(self, check: JsonCheck) -> None:
        mark = "✓" if check.ok else "✗"
        super().__init__(
            f"{mark} {check.message}", markup=False, classes="-ok" if check.ok else "-bad"
        )
        self.check = check
