"""Presets in presets.toml: saved and read back, errors naming the file and line, deleted."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.config.presets import (
    Preset,
    delete_preset,
    find_preset,
    load_presets,
    presets_path,
    save_preset,
)
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.types import ResponseFormat

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer", "default": None}}}
FULL = RequestParams(
    system="Answer in JSON.\nNothing else.",
    temperature=0.2,
    top_p=0.9,
    max_tokens=256,
    stop=("END", "\n\n"),
    seed=7,
    presence_penalty=-0.5,
    frequency_penalty=1.0,
    reasoning_effort="low",
    thinking_budget=2048,
    response_format=ResponseFormat("json_schema", SCHEMA, "answer"),
    stream=False,
)


def test_presets_live_in_the_config_dir(isolated_home: Path) -> None:
    assert presets_path(resolve_paths()) == isolated_home / "presets.toml"


def test_save_then_load_gives_every_value_back(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "presets.toml"
    save_preset(path, Preset("json, please", FULL, "gpt-4o-mini"))
    save_preset(path, Preset("plain", RequestParams()))
    presets = load_presets(path)
    assert presets == {
        "json, please": Preset("json, please", FULL, "gpt-4o-mini"),
        "plain": Preset("plain", RequestParams()),
    }
    assert "temperature = 0.2" in path.read_text(encoding="utf-8")
    save_preset(path, Preset("plain", RequestParams(temperature=1.5)))
    assert find_preset(path, "plain").params.temperature == 1.5


def test_delete_and_unknown_names(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    assert load_presets(path) == {}
    save_preset(path, Preset("a", RequestParams(seed=1)))
    assert delete_preset(path, "a") is True
    assert delete_preset(path, "a") is False
    with pytest.raises(OpenMaaSError) as caught:
        find_preset(path, "a")
    assert caught.value.code == ErrorCode.INVALID_REQUEST and "none yet" in str(caught.value.hint)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[presets.a]\ntemperature = 3\n", 2, "temperature must be between 0 and 2"),
        ("[presets.a]\nseed = 1\n\n[presets.b]\nmax_tokens = 0\n", 5, "max_tokens"),
        ('[presets.a]\ncolour = "red"\n', 2, "unknown key 'colour'"),
        ("[presets.a]\ntemperature = \n", 2, "not valid TOML"),
        ('[presets.a]\nresponse_format = "json_schema"\nschema = "{"\n', 3, "schema is not JSON"),
        ('[presets.a]\nreasoning_effort = "max"\n', 2, "reasoning_effort must be one of"),
        ("[presets.a]\nstream = 1\n", 2, "stream must be true or false"),
        ('[presets.a]\nstop = ["a", "b", "c", "d", "e"]\n', 2, "at most 4"),
    ],
)
def test_a_bad_file_names_the_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "presets.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OpenMaaSError) as caught:
        load_presets(path)
    assert caught.value.code == ErrorCode.INVALID_SETTINGS
    assert caught.value.message.startswith(f"{path}:{line}: ")
    assert words in caught.value.message
