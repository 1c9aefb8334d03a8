"""The images waiting to go with the next prompt, shown as chips above it.

Each chip names the file and its size (``cat.png · 12 KB``); clicking one, or ``delete`` on a
focused one, takes it off. The bar is hidden while it holds nothing. The playground takes the
images when the prompt is sent (:meth:`AttachmentBar.take`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from openmaas_tui.core.attachments.images import format_bytes
from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.core.types import ImagePart


def chip_text(image: ImagePart) -> str:
    """``cat.png · 800x600 · 12 KB``: the name (made inert), the size in pixels when known,
    and the size in bytes."""
    parts = [terminal_safe(image.name or "image")]
    if image.width and image.height:
        parts.append(f"{image.width}x{image.height}")
    parts.append(format_bytes(image.size_bytes))
    return " · ".join(parts)


class AttachmentChip(Static, can_focus=True):
    """One waiting image: its name and size. ``delete`` (or a click) takes it off."""

    DEFAULT_CSS = """
    AttachmentChip {
        width: auto;
        height: 1;
        padding: 0 1;
        margin: 0 1 0 0;
        background: $primary 20%;
    }
    AttachmentChip:focus { background: $primary 50%; }
    """
    BINDINGS = [Binding("delete,backspace", "remove", "Remove", id="attachment.remove")]

    @dataclass
    class RemoveRequested(Message):
        """The person asked to take this image off the prompt."""

        chip: AttachmentChip

    def __init__(self, image: ImagePart) -> None:
        super().__init__(f"🖼 {chip_text(image)} ✕", markup=False)
        self.image = image

    def on_click(self) -> None:
        self.action_remove()

    def action_remove(self) -> None:
        """Ask the bar to take this image off."""
        self.post_message(self.RemoveRequested(self))


class AttachmentBar(Horizontal):
    """The chips of the images that go with the next prompt (hidden when there are none)."""

    DEFAULT_CSS = """
    AttachmentBar {
        height: 1;
        width: 100%;
        padding: 0 1;
        display: none;
    }
    AttachmentBar.-filled { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._images: list[ImagePart] = []

    @property
    def images(self) -> tuple[ImagePart, ...]:
        """The waiting images, in the order attached."""
        return tuple(self._images)

    def compose(self) -> ComposeResult:
        yield from ()

    async def add(self, image: ImagePart) -> None:
        """Put ``image`` on the prompt (a chip at the end)."""
        self._images.append(image)
        await self.mount(AttachmentChip(image))
        self.set_class(True, "-filled")

    async def take(self) -> tuple[ImagePart, ...]:
        """The waiting images, which leave the bar (the prompt was sent)."""
        images = self.images
        self._images.clear()
        await self.remove_children()
        self.set_class(False, "-filled")
        return images

    async def on_attachment_chip_remove_requested(
        self, event: AttachmentChip.RemoveRequested
    ) -> None:
        event.stop()
        chips = list(self.query(AttachmentChip))
        index = chips.index(event.chip)
        del self._images[index]
        await event.chip.remove()
        self.set_class(bool(self._images), "-filled")
