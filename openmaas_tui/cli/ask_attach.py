"""``openmaas ask -a PATH``: image files attached to the prompt.

Each ``-a`` / ``--attach`` names one file (repeatable); it is read and recognised by its
content (:func:`~openmaas_tui.core.attachments.images.read_image`) before anything is sent,
so a wrong path or a file that is not a PNG, JPEG, WebP or GIF image stops ``ask`` with its
code (INVALID_REQUEST, UNSUPPORTED_FILE_FORMAT). Whether the model takes images, and each
provider's size limit, are checked by the exchange, also before sending.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from openmaas_tui.core.attachments.images import read_image
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ImagePart, Message, Role, TextPart


def add_attach_arguments(parser: argparse.ArgumentParser) -> None:
    """``-a`` / ``--attach PATH`` (repeatable)."""
    parser.add_argument(
        "-a",
        "--attach",
        action="append",
        default=[],
        metavar="PATH",
        dest="attach",
        help="attach an image (png, jpeg, webp, gif) to the prompt (repeatable)",
    )


def read_attachments(args: argparse.Namespace) -> tuple[ImagePart, ...]:
    """The images ``--attach`` names, read in the order given.

    Raises:
        OpenMaaSError: INVALID_REQUEST for a file that cannot be read;
            UNSUPPORTED_FILE_FORMAT for one that is not a supported image.
    """
    paths: list[str] = getattr(args, "attach", None) or []
    return tuple(read_image(Path(path).expanduser()) for path in paths)


def user_message(prompt: str, images: tuple[ImagePart, ...]) -> Message:
    """The user's turn: ``prompt`` alone, or its text followed by the images.

    Raises:
        OpenMaaSError: EMPTY_MESSAGE for images without a prompt.
    """
    if not images:
        return Message.user(prompt)
    if not prompt:
        raise OpenMaaSError(
            ErrorCode.EMPTY_MESSAGE,
            "an image needs a prompt to go with it",
            hint='say what to do with it: openmaas ask -a photo.png "what is this?"',
        )
    return Message(Role.USER, (TextPart(prompt), *images))
