"""A file path pasted or dropped into the prompt, recognised as an image to attach.

Terminals hand a dropped file to the program as pasted text: its path, sometimes quoted
(``'/tmp/my cat.png'``), with spaces escaped (``/tmp/my\\ cat.png``) or as a ``file://`` URI
(percent-encoded). Pasted text is taken as an image when it is one such path, on one line, to
an existing file whose content starts like a PNG, JPEG, WebP or GIF image.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from openmaas_tui.core.attachments.images import sniff_media_type

_SIGNATURE_BYTES = 16
"""Bytes read from a candidate file to tell its format."""


def _unwrapped(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.startswith("file://"):
        return unquote(urlsplit(text).path)
    return text.replace("\\ ", " ")


def pasted_image_path(text: str) -> Path | None:
    """The image file ``text`` names, or None when it is anything else (several lines, no such
    file, a file that is not a supported image)."""
    if not text.strip() or "\n" in text.strip():
        return None
    path = Path(os.path.expanduser(_unwrapped(text)))
    try:
        if not path.is_file():
            return None
        with path.open("rb") as file:
            head = file.read(_SIGNATURE_BYTES)
    except OSError:
        return None
    return path if sniff_media_type(head) else None
