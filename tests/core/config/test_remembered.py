"""The theme written into ``config.toml``: one line replaced or added, the rest kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.config.remembered import remember_theme, with_top_level
from openmaas_tui.core.config.settings import load_settings
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError


def test_the_line_is_replaced_and_comments_stay() -> None:
    text = (
        '# mine\ntheme = "nord"  # old\ndefault_model = "demo"\n\n[endpoints.x]\nbase_url = "u"\n'
    )
    assert with_top_level(text, "theme", "gruvbox") == (
        '# mine\ntheme = "gruvbox"\ndefault_model = "demo"\n\n[endpoints.x]\nbase_url = "u"\n'
    )


def test_a_line_is_added_before_the_first_table() -> None:
    text = '# mine\n[endpoints.x]\nbase_url = "u"\ntheme_x = 1\n'
    assert with_top_level(text, "theme", "nord") == (
        '# mine\ntheme = "nord"\n\n[endpoints.x]\nbase_url = "u"\ntheme_x = 1\n'
    )
    assert with_top_level("", "theme", "nord") == 'theme = "nord"\n'
    assert with_top_level("a = 1", "theme", "x") == 'a = 1\ntheme = "x"\n'


def test_remembered_theme_is_read_back_by_the_settings(tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.toml"
    remember_theme(config, "textual-light")
    assert load_settings(config).theme == "textual-light"
    remember_theme(config, 'odd "name"')
    assert load_settings(config).theme == 'odd "name"'


def test_a_broken_file_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("theme = \n", encoding="utf-8")
    with pytest.raises(OpenMaaSError) as caught:
        remember_theme(config, "nord")
    assert caught.value.code is ErrorCode.INVALID_SETTINGS
    assert config.read_text(encoding="utf-8") == "theme = \n"
