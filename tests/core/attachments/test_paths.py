"""A path pasted or dropped into the prompt is told apart from text: quoted, escaped or as a
``file://`` URI, it must name an existing file that starts like a supported image."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.core.attachments.paths import pasted_image_path
from tests.support.images import png


def test_the_forms_terminals_paste_a_dropped_file_in(tmp_path: Path) -> None:
    path = tmp_path / "my cat.png"
    path.write_bytes(png())
    for pasted in (
        str(path),
        f"'{path}'",
        f'"{path}"',
        str(path).replace(" ", "\\ "),
        "file://" + str(path).replace(" ", "%20"),
        f"  {path}\n",
    ):
        assert pasted_image_path(pasted) == path, pasted


def test_anything_else_is_text(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.png"
    text_file.write_text("not an image")
    assert pasted_image_path(str(text_file)) is None
    assert pasted_image_path(str(tmp_path / "missing.png")) is None
    assert pasted_image_path(str(tmp_path)) is None  # a folder
    assert pasted_image_path("what is in this picture?") is None
    assert pasted_image_path(f"{tmp_path}/a.png\n{tmp_path}/b.png") is None
    assert pasted_image_path("") is None
