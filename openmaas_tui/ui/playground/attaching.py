"""Attaching images in the playground: the dialog (its key and palette entry), a path pasted
or dropped into the prompt, and the chips that show what goes with the next prompt.

The images wait in the :class:`~openmaas_tui.ui.widgets.attachments.AttachmentBar` until the
prompt is sent; the engine checks them against the model before anything leaves
(:func:`~openmaas_tui.core.attachments.limits.check_images`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from textual.app import SystemCommand
from textual.screen import Screen

from openmaas_tui.core.attachments.images import read_image
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.types import ImagePart
from openmaas_tui.ui.screens.attach_dialog import AttachDialog
from openmaas_tui.ui.widgets.attachments import AttachmentBar, chip_text
from openmaas_tui.ui.widgets.prompt import PromptArea


class Attaching:
    """What the playground does to put images on the prompt.

    Args:
        screen: the playground (pushes the dialog, shows notices).
        bar: where the waiting images are shown.
    """

    def __init__(self, screen: Screen[None], bar: AttachmentBar) -> None:
        self.screen = screen
        self.bar = bar

    def open(self) -> None:
        """Open the dialog that picks an image file."""

        async def chosen(image: ImagePart | None) -> None:
            if image is not None:
                await self.add(image)

        self.screen.app.push_screen(AttachDialog(), chosen)

    async def add(self, image: ImagePart) -> None:
        """Put ``image`` on the prompt and say so."""
        await self.bar.add(image)
        self.screen.notify(chip_text(image), title="Attached", timeout=3)

    async def attach_path(self, path: Path) -> None:
        """Attach the image at ``path`` (pasted or dropped), or say why it cannot be."""
        try:
            image = read_image(path)
        except OpenMaaSError as exc:
            self.screen.notify(exc.message, title=str(exc.code), severity="error", timeout=8)
            return
        await self.add(image)

    def commands(self) -> Iterator[SystemCommand]:
        """The command palette's entry for the dialog."""
        yield SystemCommand("Attach an image", "png, jpeg, webp or gif (f5)", self.open)


class AttachActions:
    """The playground screen's side of attaching (mixed into it): the ``attach`` action its
    f5 binding runs, and the prompt's :class:`~PromptArea.PathPasted`."""

    attaching: Attaching

    def action_attach(self) -> None:
        """Pick an image file to attach to the prompt."""
        self.attaching.open()

    async def on_prompt_area_path_pasted(self, event: PromptArea.PathPasted) -> None:
        """Attach the image whose path was pasted or dropped into the prompt."""
        await self.attaching.attach_path(event.path)
