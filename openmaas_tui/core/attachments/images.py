"""Image files read into :class:`~openmaas_tui.core.types.ImagePart` values.

The format is told by the file's content (its signature bytes), not by its name: a PNG named
``photo.jpg`` is sent as ``image/png``, and a text file named ``chart.png`` is refused. Four
formats are taken, the ones every vision provider here accepts: PNG, JPEG, WebP and GIF
(OpenAI https://platform.openai.com/docs/guides/images-vision, Anthropic
https://docs.anthropic.com/en/docs/build-with-claude/vision, Gemini
https://ai.google.dev/gemini-api/docs/image-understanding, Bedrock
https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html; read
2026-12). Signatures: PNG ``89 50 4E 47 0D 0A 1A 0A`` (https://www.w3.org/TR/png-3/#5PNG-file-signature),
JPEG ``FF D8 FF`` (SOI then a marker), GIF ``GIF87a`` / ``GIF89a``, WebP ``RIFF`` size ``WEBP``
(https://developers.google.com/speed/webp/docs/riff_container). Width and height come from the
header, read by the ``imagesize`` library.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import imagesize

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ImagePart

SUPPORTED: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/webp": "webp",
    "image/gif": "gif",
}
"""The media types taken, with the short name people know each by."""

SUPPORTED_NAMES = ", ".join(SUPPORTED.values())
"""``png, jpeg, webp, gif``: what an UNSUPPORTED_FILE_FORMAT error names."""

MB = 1024 * 1024
"""Bytes in a megabyte, as the providers' limits count them (binary)."""

_HEAD_BYTES = 64 * 1024
"""Bytes of a file's start read to find its size (enough for JPEG's EXIF before the frame)."""


def sniff_media_type(data: bytes) -> str | None:
    """The media type ``data`` starts like, or None when it is none of :data:`SUPPORTED`."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def dimensions(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` in pixels from the image's header, or None when unreadable."""
    width, height = imagesize.get(io.BytesIO(data))
    return (width, height) if width > 0 and height > 0 else None


def image_part(data: bytes, name: str = "") -> ImagePart:
    """``data`` as an attachment, its format told by its content.

    Args:
        data: the file's bytes.
        name: the file's name, shown on the attachment's chip.

    Raises:
        OpenMaaSError: UNSUPPORTED_FILE_FORMAT when ``data`` is not a PNG, JPEG, WebP or GIF
            image (the message names the four).
    """
    media_type = sniff_media_type(data)
    if media_type is None:
        raise unsupported(name or "the file")
    size = dimensions(data)
    return ImagePart(
        base64.b64encode(data).decode("ascii"),
        media_type,
        name=name,
        width=size[0] if size else None,
        height=size[1] if size else None,
    )


def read_image(path: Path) -> ImagePart:
    """The image file at ``path`` as an attachment named after the file.

    Raises:
        OpenMaaSError: UNSUPPORTED_FILE_FORMAT when the file is not a PNG, JPEG, WebP or GIF
            image; INVALID_REQUEST when it cannot be read (missing, a directory, no
            permission).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"cannot read {path}: {exc.strerror or exc}",
            hint="check the path of the file to attach",
        ) from None
    return image_part(data, path.name)


def unsupported(what: str) -> OpenMaaSError:
    """UNSUPPORTED_FILE_FORMAT for ``what`` (a file name), naming the formats taken."""
    return OpenMaaSError(
        ErrorCode.UNSUPPORTED_FILE_FORMAT,
        f"{what} is not a supported image; supported formats: {SUPPORTED_NAMES}",
    )


def image_bytes(part: ImagePart) -> bytes:
    """The image's bytes, decoded from its base64."""
    return base64.b64decode(part.data_base64)


def part_dimensions(part: ImagePart) -> tuple[int, int] | None:
    """The image's size in pixels: as recorded on the part, else read from the start of its
    data (the header, not the whole image, is decoded when it suffices)."""
    if part.width and part.height:
        return part.width, part.height
    head = part.data_base64[: _HEAD_BYTES // 3 * 4]
    try:
        found = dimensions(base64.b64decode(head))
        if found is None and len(head) < len(part.data_base64):
            found = dimensions(image_bytes(part))
    except (ValueError, OSError):
        return None
    return found


def format_bytes(size: int) -> str:
    """``3.75 MB``, ``512 KB``, ``12 bytes``: a size in binary units, as people read it."""
    if size >= MB:
        return f"{size / MB:.2f}".rstrip("0").rstrip(".") + " MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"
