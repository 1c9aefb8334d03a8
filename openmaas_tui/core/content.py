"""The parts of a message's content: text and images (the shape every provider's image form
is built from)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class TextPart:
    """A piece of text in a message."""

    text: str
    type: Literal["text"] = "text"


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image attached to a message, as base64 data with its media type (e.g. ``image/png``).

    Attributes:
        data_base64: the file's bytes, base64 (standard alphabet, padded).
        media_type: ``image/png``, ``image/jpeg``, ``image/webp`` or ``image/gif``.
        name: the file's name as the person attached it (no directory), or ``""``.
        width: the width in pixels when known (read from the file's header).
        height: the height in pixels when known.
    """

    data_base64: str
    media_type: str
    name: str = ""
    width: int | None = None
    height: int | None = None
    type: Literal["image"] = "image"

    @property
    def size_bytes(self) -> int:
        """The decoded size of the image in bytes, computed from the base64 length."""
        data = self.data_base64
        padding = len(data) - len(data.rstrip("="))
        return len(data) * 3 // 4 - padding


ContentPart = TextPart | ImagePart
