"""``[providers.NAME]`` tables and an endpoint's protocol in ``config.toml``."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.config.settings import load_settings
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import WireProtocol


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def test_provider_tables_and_endpoint_protocols_parse(tmp_path: Path) -> None:
    settings = _load(
        tmp_path,
        '[providers.gemini]\nbase_url = "https://proxy.example/gemini/"\n'
        '[endpoints.corp]\nprovider = "anthropic"\nbase_url = "https://proxy.example/a"\n',
    )
    assert settings.providers == {"gemini": {"base_url": "https://proxy.example/gemini"}}
    assert settings.endpoints["corp"].protocol is WireProtocol.ANTHROPIC


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[providers.gemini]\napi_key = "AIzaSyNOPE"\n', 1, "keyring"),
        ("[providers.nosuch]\nregion = 'x'\n", 1, "no such provider"),
        ("[providers.gemini]\ncolour = 'x'\n", 1, "unknown"),
        ("[providers.gemini]\nbase_url = 'ftp://x'\n", 1, "http"),
        ("[endpoints.x]\nprovider = 'smoke'\nbase_url = 'http://a'\n", 1, "provider must be"),
    ],
)
def test_bad_provider_tables_name_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    with pytest.raises(OpenMaaSError) as caught:
        _load(tmp_path, text)
    assert caught.value.code is ErrorCode.INVALID_SETTINGS
    assert f"config.toml:{line}" in caught.value.message and words in caught.value.message
    assert "AIzaSyNOPE" not in caught.value.message
