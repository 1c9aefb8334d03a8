"""Attachments kept with the history, content-addressed: each distinct image once, by SHA-256.

Why a table of blobs in the history file, not files under the data folder: a message and its
images are written in one transaction (a crash never leaves a message pointing at an image
that is not there, nor an image nobody points at), the history stays one file to back up or
move, and deleting a chat frees its images by the same foreign keys that delete its
messages. Images are small next to SQLite's limits (a provider takes 3.75 to 50 MB;
https://www.sqlite.org/limits.html allows 1 GB per value), and they are read only when a
session is opened, never while the sidebar is listed or searched.

Three places hold an attachment:

- ``messages.attachments`` (JSON): per message, in order, a reference
  ``{"type": "image", "sha256", "media_type", "name", "size_bytes", "width", "height"}``;
- ``blobs`` (schema 5): ``sha256`` (hex, unique), ``media_type``, ``size_bytes``, ``data``
  (the bytes), ``created_at``: one row per distinct content, however many messages use it;
- ``message_blobs`` (schema 5): ``(message_id, position) -> sha256``, which messages use which
  blob. Deleting a message deletes its links (``ON DELETE CASCADE``); a trigger then deletes a
  blob no link uses any more.

In memory (a :class:`~openmaas_tui.core.history.records.StoredMessage`, an export) a reference
also carries ``data_base64``: :func:`keep_blobs` takes it off and stores the bytes when a message
is written; :func:`fill_blobs` puts it back when messages are read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.records import StoredMessage
from openmaas_tui.core.types import ContentPart, ImagePart

DATA = "data_base64"
"""The key of an attachment's bytes (base64) in memory and in exports; never in the column."""

_INSERT_BLOB = (
    "INSERT INTO blobs (sha256, media_type, size_bytes, data, created_at) "
    "VALUES (:sha256, :media_type, :size_bytes, :data, :created_at) "
    "ON CONFLICT (sha256) DO NOTHING"
)
_INSERT_LINK = (
    "INSERT INTO message_blobs (message_id, position, sha256) "
    "VALUES (:message_id, :position, :sha256)"
)


def image_attachment(part: ImagePart) -> dict[str, Any]:
    """The attachment of ``part``, bytes included (``data_base64``), with its SHA-256."""
    data = base64.b64decode(part.data_base64)
    return {
        "type": "image",
        "sha256": hashlib.sha256(data).hexdigest(),
        "media_type": part.media_type,
        "name": part.name,
        "size_bytes": len(data),
        "width": part.width,
        "height": part.height,
        DATA: part.data_base64,
    }


def attachments_of_content(content: str | tuple[ContentPart, ...]) -> list[dict[str, Any]]:
    """The attachments of a message's content: one per image, in order."""
    if isinstance(content, str):
        return []
    return [image_attachment(p) for p in content if isinstance(p, ImagePart)]


def image_of(attachment: Mapping[str, Any]) -> ImagePart | None:
    """The image an attachment holds, or None for one without its bytes (or not an image)."""
    data = attachment.get(DATA)
    if attachment.get("type") != "image" or not isinstance(data, str):
        return None
    width, height = attachment.get("width"), attachment.get("height")
    return ImagePart(
        data,
        str(attachment.get("media_type") or ""),
        name=str(attachment.get("name") or ""),
        width=width if isinstance(width, int) else None,
        height=height if isinstance(height, int) else None,
    )


def images_of(attachments: Iterable[Mapping[str, Any]]) -> tuple[ImagePart, ...]:
    """Every image the attachments hold, in order."""
    return tuple(image for a in attachments if (image := image_of(a)) is not None)


def keep_blobs(
    conn: sqlite3.Connection,
    message_id: int,
    attachments: Sequence[Mapping[str, Any]],
    now: float,
) -> list[dict[str, Any]]:
    """Store the bytes of ``attachments`` (each distinct content once) and link them to
    ``message_id``, inside the caller's transaction.

    Returns:
        The references to keep in ``messages.attachments``: the same objects without
        ``data_base64`` (an attachment without bytes is kept as it is).

    Raises:
        OpenMaaSError: INVALID_REQUEST for bytes that are not base64, or whose SHA-256 is not
            the one the attachment names (a damaged import).
    """
    kept: list[dict[str, Any]] = []
    for position, attachment in enumerate(attachments):
        ref = {k: v for k, v in attachment.items() if k != DATA}
        encoded = attachment.get(DATA)
        if isinstance(encoded, str):
            data = _decoded(encoded)
            digest = hashlib.sha256(data).hexdigest()
            if ref.setdefault("sha256", digest) != digest:
                raise OpenMaaSError(
                    ErrorCode.INVALID_REQUEST,
                    f"attachment {position} does not match its sha256 ({ref['sha256']})",
                    hint="the file was changed after it was exported",
                )
            ref["size_bytes"] = len(data)
            conn.execute(
                _INSERT_BLOB,
                {
                    "sha256": digest,
                    "media_type": str(ref.get("media_type") or ""),
                    "size_bytes": len(data),
                    "data": data,
                    "created_at": now,
                },
            )
            conn.execute(
                _INSERT_LINK, {"message_id": message_id, "position": position, "sha256": digest}
            )
        kept.append(ref)
    return kept


def attach(
    conn: sqlite3.Connection,
    message_id: int,
    attachments: Sequence[Mapping[str, Any]],
    now: float,
) -> None:
    """Keep ``attachments``' bytes as blobs (:func:`keep_blobs`) and their references in the
    message's ``attachments`` column, inside the caller's transaction."""
    if attachments:
        refs = json.dumps(keep_blobs(conn, message_id, attachments, now), ensure_ascii=False)
        conn.execute(
            "UPDATE messages SET attachments = :refs WHERE id = :message_id",
            {"refs": refs, "message_id": message_id},
        )


def _decoded(encoded: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST, "an attachment's data_base64 is not base64"
        ) from None


def fill_blobs(conn: sqlite3.Connection, messages: list[StoredMessage]) -> list[StoredMessage]:
    """``messages`` with each attachment's bytes put back (``data_base64``), read in one query
    per batch of blobs; messages without attachments are returned as they are."""
    wanted = {
        a["sha256"]
        for m in messages
        for a in m.attachments
        if isinstance(a.get("sha256"), str) and DATA not in a
    }
    if not wanted:
        return messages
    found: dict[str, str] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        batch = ordered[start : start + 500]
        marks = ", ".join("?" * len(batch))
        rows = conn.execute(f"SELECT sha256, data FROM blobs WHERE sha256 IN ({marks})", batch)
        found.update((sha, base64.b64encode(data).decode("ascii")) for sha, data in rows)

    def filled(attachment: dict[str, Any]) -> dict[str, Any]:
        data = found.get(attachment.get("sha256", ""))
        return attachment if data is None else {**attachment, DATA: data}

    return [
        replace(m, attachments=tuple(filled(a) for a in m.attachments)) if m.attachments else m
        for m in messages
    ]
