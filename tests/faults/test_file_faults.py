"""Faults in the TOML files a person edits (``config.toml``, ``presets.toml``, a
``pricing.toml`` override): bytes that are not UTF-8, nesting deeper than the parser can
follow, and numbers that are NaN, infinite, negative or too large. Each is INVALID_SETTINGS
naming the file (and the line where there is one); no NaN or infinity ever reaches a setting,
a request parameter or a cost."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmaas_tui.core.config.presets import load_presets
from openmaas_tui.core.config.settings import LIMITS, load_settings
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.request_params import COUNT_MAXIMUM, RANGES
from openmaas_tui.core.pricing.prices import PriceTable, cost_usd
from openmaas_tui.core.pricing.reading import read_prices
from openmaas_tui.core.types import Usage
from tests.faults.support import FAST_DEMO, assert_refused, run_openmaas, write_config

PRICE = '[models."m"]\nprovider = "openai"\n'

Loader = Callable[[Path], Any]

LOADERS: dict[str, tuple[Loader, str]] = {
    "config.toml": (load_settings, 'default_model = "demo"\ntheme = "{}"\n'),
    "presets.toml": (load_presets, '[presets.p]\nsystem = "{}"\n'),
    "pricing.toml": (read_prices, PRICE + 'input = 1\noutput = 1\nsource = "{}"\n'),
}
"""Each file, its loader and a valid document with a string to spoil."""

TOML_NUMBERS = st.one_of(
    st.sampled_from(["nan", "+nan", "-nan", "inf", "+inf", "-inf", "1e400", "-1e400"]),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
"""Number literals TOML accepts, special values and every size included."""


def _refused(call: Callable[[], object], path: Path) -> OpenMaaSError:
    with pytest.raises(OpenMaaSError) as caught:
        call()
    assert caught.value.code is ErrorCode.INVALID_SETTINGS
    assert str(path) in caught.value.message
    return caught.value


@pytest.mark.parametrize("name", list(LOADERS))
def test_bytes_that_are_not_utf8_name_the_file_line_and_byte(tmp_path: Path, name: str) -> None:
    load, valid = LOADERS[name]
    path = tmp_path / name
    path.write_bytes(valid.format("x").encode().replace(b'"x"', b'"caf\xe9"'))
    error = _refused(lambda: load(path), path)
    line = 2 if name != "pricing.toml" else 5
    assert f"{path}:{line}: not UTF-8 text: line {line}, column" in error.message
    assert "byte 0xe9" in error.message


@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("depth", [200, 5_000, 100_000])
def test_nesting_deeper_than_the_parser_follows_is_refused(
    tmp_path: Path, name: str, depth: int
) -> None:
    load, _ = LOADERS[name]
    path = tmp_path / name
    path.write_text("deep = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    error = _refused(lambda: load(path), path)
    assert "deeper" in error.message or "unknown" in error.message


def test_deep_inline_tables_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", encoding="utf-8")
    error = _refused(lambda: load_settings(path), path)
    assert "deeper than" in error.message


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(LIMITS)), literal=TOML_NUMBERS)
def test_a_numeric_setting_is_finite_and_in_range_or_refused(
    tmp_path: Path, key: str, literal: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"{key} = {literal}\n", encoding="utf-8")
    low, high = LIMITS[key]
    try:
        value = getattr(load_settings(path), key)
    except OpenMaaSError as exc:
        assert exc.code is ErrorCode.INVALID_SETTINGS
        assert f"{path}:1: {key} must be a positive number" in exc.message
        return
    assert math.isfinite(value) and low <= value <= high


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from([*RANGES, *COUNT_MAXIMUM]), literal=TOML_NUMBERS)
def test_a_preset_number_is_finite_and_in_range_or_refused(
    tmp_path: Path, key: str, literal: str
) -> None:
    path = tmp_path / "presets.toml"
    path.write_text(f"[presets.p]\n{key} = {literal}\n", encoding="utf-8")
    try:
        value = getattr(load_presets(path)["p"].params, key)
    except OpenMaaSError as exc:
        assert exc.code is ErrorCode.INVALID_SETTINGS
        assert f"{path}:2: [presets.p] {key} must be" in exc.message
        return
    if key in RANGES:
        low, high = RANGES[key]
        assert math.isfinite(value) and low <= value <= high
    else:
        assert isinstance(value, int) and 0 <= value <= COUNT_MAXIMUM[key]


def test_a_preset_schema_nested_too_deeply_or_holding_nan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "presets.toml"
    for schema, said in [("[" * 50_000 + "]" * 50_000, "deeper"), ('{"x": NaN}', "NaN")]:
        path.write_text(
            f"[presets.p]\nresponse_format = 'json_schema'\nschema = '''{schema}'''\n",
            encoding="utf-8",
        )
        error = _refused(lambda: load_presets(path), path)
        assert said in error.message


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(["input", "output", "cached_input", "cache_write"]),
    literal=TOML_NUMBERS,
    tokens=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_a_price_is_finite_and_not_negative_or_refused_so_no_cost_is_nan(
    tmp_path: Path, field: str, literal: str, tokens: int
) -> None:
    rates = {"input": "1", "output": "1", field: literal}
    path = tmp_path / "pricing.toml"
    body = "".join(f"{name} = {value}\n" for name, value in rates.items())
    path.write_text(PRICE + body, encoding="utf-8")
    try:
        [entry] = read_prices(path).values()
    except OpenMaaSError as exc:
        assert exc.code is ErrorCode.INVALID_SETTINGS
        text = PRICE + body
        line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith(f"{field} ="))
        assert f'{path}:{line}: [models."m"]: {field} must be a number of USD' in exc.message
        return
    usage = Usage(input_tokens=tokens, output_tokens=tokens, cached_input_tokens=tokens // 2)
    cost = cost_usd(entry.price, usage, cache_write_tokens=tokens // 4)
    assert cost is not None and math.isfinite(cost) and cost >= 0


def test_a_tier_threshold_past_what_sqlite_holds_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pricing.toml"
    tier = (
        '[[models."m".tiers]]\nabove_input_tokens = 99999999999999999999\ninput = 1\noutput = 1\n'
    )
    path.write_text(PRICE + "input = 1\noutput = 1\n" + tier, encoding="utf-8")
    error = _refused(lambda: PriceTable.load(path), path)
    assert "above_input_tokens must be a positive integer" in error.message


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("config.toml", b'theme = "\xff"\n', "not UTF-8 text"),
        ("config.toml", b"read_timeout_s = nan\n", "read_timeout_s must be a positive number"),
        ("config.toml", b"demo_tokens_per_s = 1e-320\n", "demo_tokens_per_s must be"),
        ("config.toml", b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "deeper than"),
        ("pricing.toml", b'[models."x"]\nprovider="demo"\ninput=inf\noutput=1\n', "input must"),
        ("pricing.toml", b'[models."x"]\nprovider="demo"\ninput=-1\noutput=1\n', "input must"),
    ],
    ids=["utf8", "nan", "tiny", "deep", "inf-price", "negative-price"],
)
def test_the_command_says_a_broken_file_in_one_line(
    isolated_home: Path, name: str, text: bytes, said: str
) -> None:
    write_config(isolated_home, FAST_DEMO)
    write_config(isolated_home, text, name)
    result = run_openmaas(isolated_home, ["ask", "-m", "demo", "--json", "hi"], timeout_s=60)
    assert_refused(result, "INVALID_SETTINGS")
    assert said in result.err


def test_a_broken_preset_is_said_in_one_line(isolated_home: Path) -> None:
    write_config(isolated_home, FAST_DEMO)
    write_config(isolated_home, b"[presets.p]\nsystem = '\xff'\n", "presets.toml")
    result = run_openmaas(isolated_home, ["ask", "-m", "demo", "--preset", "p", "hi"])
    assert_refused(result, "INVALID_SETTINGS")
    assert "presets.toml:2: not UTF-8 text" in result.err
