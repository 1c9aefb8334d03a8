"""Paths follow OPENMAAS_HOME; settings parse, and bad ones name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.config.settings import Settings, load_settings
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError


def test_openmaas_home_holds_everything(tmp_path: Path) -> None:
    paths = resolve_paths({"OPENMAAS_HOME": str(tmp_path)})
    assert paths.config_file == tmp_path / "config.toml"
    for directory in (paths.data_dir, paths.cache_dir, paths.log_dir):
        assert directory.is_relative_to(tmp_path)
    assert paths.history_db.is_relative_to(tmp_path)


def test_without_home_platform_dirs_are_used() -> None:
    paths = resolve_paths({})
    assert paths.config_dir.name == "openmaas"
    assert paths.data_dir.name == "openmaas"


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "nope.toml") == Settings()


def test_endpoints_parse(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'default_model = "gpt-4o-mini"\n\n'
        "[endpoints.labbox]\n"
        'base_url = "http://localhost:1234/v1/"\n'
        'api_key_env = "LABBOX_KEY"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    assert settings.default_model == "gpt-4o-mini"
    assert settings.endpoints == {
        "labbox": Endpoint("labbox", "http://localhost:1234/v1", "LABBOX_KEY")
    }


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('default_model = "x"\nread_timeout_s = = 3\n', 2, "not valid TOML"),
        ('default_model = "x"\n\n[endpoints.lm]\nbase = "http://x"\n', 3, "unknown"),
        ('\n[endpoints.lm]\nbase_url = "ftp://x"\n', 2, "base_url"),
        ('default_model = "x"\nread_timeout_s = -1\n', 2, "positive"),
        ("colour = 3\n", 1, "unknown 'colour'"),
        ('[endpoints.openai]\nbase_url = "http://x"\n', 1, "built-in provider"),
    ],
)
def test_bad_settings_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(OpenMaaSError) as info:
        load_settings(config)
    assert info.value.code is ErrorCode.INVALID_SETTINGS
    assert f"{config}:{line}" in info.value.message
    assert words in info.value.message
