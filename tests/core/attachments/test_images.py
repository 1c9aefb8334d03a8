"""Image files are recognised by their content, measured from their header, and anything else
is refused with UNSUPPORTED_FILE_FORMAT naming the formats taken."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from openmaas_tui.core.attachments.images import (
    image_part,
    part_dimensions,
    read_image,
    sniff_media_type,
)
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ImagePart
from tests.support.images import gif, jpeg, png, webp


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (png(3, 5), "image/png"),
        (jpeg(3, 5), "image/jpeg"),
        (gif(3, 5), "image/gif"),
        (webp(3, 5), "image/webp"),
    ],
)
def test_each_format_is_told_by_content_and_measured(data: bytes, media_type: str) -> None:
    part = image_part(data, "picture")
    assert sniff_media_type(data) == media_type
    assert (part.media_type, part.width, part.height) == (media_type, 3, 5)
    assert base64.b64decode(part.data_base64) == data
    assert part.size_bytes == len(data)


def test_the_name_does_not_decide_the_format(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(png(4, 4))
    part = read_image(path)
    assert (part.media_type, part.name) == ("image/png", "photo.jpg")


@pytest.mark.parametrize(
    "data",
    [b"not an image at all", b"BM" + b"\0" * 40, b"%PDF-1.7\n", b"", b"RIFF\0\0\0\0WAVE"],
)
def test_anything_else_is_unsupported_naming_the_formats(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chart.png"
    path.write_bytes(data)
    with pytest.raises(OpenMaaSError) as caught:
        read_image(path)
    assert caught.value.code is ErrorCode.UNSUPPORTED_FILE_FORMAT
    assert "chart.png" in caught.value.message
    assert "png, jpeg, webp, gif" in caught.value.message


def test_a_missing_file_is_an_invalid_request(tmp_path: Path) -> None:
    with pytest.raises(OpenMaaSError) as caught:
        read_image(tmp_path / "nowhere.png")
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert "nowhere.png" in caught.value.message


def test_dimensions_are_read_from_data_when_the_part_lacks_them() -> None:
    data = base64.b64encode(png(640, 480) + b"\0" * 200_000).decode()
    assert part_dimensions(ImagePart(data, "image/png")) == (640, 480)
    assert part_dimensions(ImagePart("aGVsbG8=", "image/png")) is None
