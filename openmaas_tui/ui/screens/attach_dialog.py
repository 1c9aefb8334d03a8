"""The dialog that picks an image to attach: a path field that completes as you type, and the
folder tree below it (Textual's ``DirectoryTree``, showing folders and image files).

``enter`` in the field, or choosing a file in the tree, reads the file
(:func:`~openmaas_tui.core.attachments.images.read_image`) and returns it; a file that is not
a supported image, or cannot be read, is said in the dialog, which stays open. ``escape``
cancels (None).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import DirectoryTree, Input, Label, Static

from openmaas_tui.core.attachments.images import read_image
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.types import ImagePart

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})
"""What the tree lists besides folders (the file's content still decides on reading)."""


class PathSuggester(Suggester):
    """Completes a path from what is on disk: the first entry of its folder that starts with
    what was typed after the last ``/`` (folders get a trailing ``/``)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        head, sep, start = value.rpartition("/")
        folder = Path(os.path.expanduser(head + sep)) if sep else Path(".")
        try:
            names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
        except OSError:
            return None
        for name in names:
            if name.startswith(start) and name != start:
                return f"{head}{sep}{name}" + ("/" if (folder / name).is_dir() else "")
        return None


class ImageTree(DirectoryTree):
    """A ``DirectoryTree`` showing folders and image files only."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in IMAGE_SUFFIXES)
        ]


class AttachDialog(ModalScreen[ImagePart | None]):
    """Pick an image file to attach to the prompt.

    Args:
        start: the folder the tree opens at (default: the working directory).
    """

    DEFAULT_CSS = """
    AttachDialog { align: center middle; }
    AttachDialog > Vertical {
        width: 80;
        height: 24;
        padding: 1 2;
        border: round $primary;
        background: $surface;
    }
    AttachDialog ImageTree { height: 1fr; margin: 1 0 0 0; }
    AttachDialog #attach-problem { color: $error; height: auto; }
    AttachDialog .dialog-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="attach.cancel")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__()
        self.start = start or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Attach an image (png, jpeg, webp, gif)")
            yield Input(
                placeholder="path/to/image.png", suggester=PathSuggester(), id="attach-path"
            )
            yield Static("", id="attach-problem", markup=False)
            yield ImageTree(self.start, id="attach-tree")
            yield Static(
                "enter attaches · → completes the path · escape cancels", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#attach-path", Input).focus()

    def action_cancel(self) -> None:
        """Close without attaching anything."""
        self.dismiss(None)

    @on(Input.Submitted, "#attach-path")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.attach(Path(os.path.expanduser(event.value.strip())))

    @on(DirectoryTree.FileSelected, "#attach-tree")
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.attach(event.path)

    def attach(self, path: Path) -> None:
        """Read ``path`` and return it, or say why it cannot be attached."""
        try:
            image = read_image(path)
        except OpenMaaSError as exc:
            self.query_one("#attach-problem", Static).update(
                terminal_safe(f"{exc.code}: {exc.message}")
            )
            return
        self.dismiss(image)
