"""Faults in a session import (``openmaas sessions import FILE``): numbers SQLite cannot hold
or that make no sense (token counts past 2**63, negative costs, NaN and infinite times), lone
surrogates, deep nesting and huge strings. Each is INVALID_REQUEST naming the field; nothing
is written; a huge title is kept whole and shown short."""

from __future__ import annotations

import copy
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openmaas_tui.cli.main import main
from openmaas_tui.core.config.paths import resolve_paths
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.sessions.titles import LIST_TITLE_CHARS, shown_title

VALID: dict[str, Any] = {
    "format": "openmaas-session",
    "schema_version": 1,
    "session": {"title": "hi", "created_at": 1_700_000_000.0, "updated_at": 1_700_000_001.0},
    "messages": [
        {"position": 0, "role": "user", "content": "hi", "created_at": 1_700_000_000.0},
        {
            "position": 1,
            "role": "assistant",
            "content": "hello",
            "created_at": 1_700_000_001.0,
            "input_tokens": 3,
            "output_tokens": 2,
            "cost_usd": 0.001,
            "ttft_ms": 120.0,
            "duration_ms": 300.0,
            "params": {"temperature": 0.5},
        },
    ],
}

NUMBER_FIELDS = [
    ("session", "created_at"),
    ("session", "updated_at"),
    *(
        (1, name)
        for name in (
            "position",
            "created_at",
            "input_tokens",
            "output_tokens",
            "cached_input_tokens",
            "reasoning_tokens",
            "cost_usd",
            "ttft_ms",
            "duration_ms",
        )
    ),
]


def _with(where: str | int, field: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    target = data["session"] if where == "session" else data["messages"][where]
    target[field] = value
    return data


def _refused(text: str) -> OpenMaaSError:
    with pytest.raises(OpenMaaSError) as caught:
        parse_session_json(text, source="chat.json")
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert caught.value.message.startswith("chat.json: ")
    return caught.value


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.mark.parametrize(
    ("where", "field", "value", "said"),
    [
        (1, "input_tokens", 2**64, "messages[1].input_tokens: expected integer from 0 to"),
        (1, "output_tokens", -5, "messages[1].output_tokens: expected integer from 0"),
        (1, "position", 2**70, "messages[1].position: expected integer from 0"),
        (1, "cost_usd", -3.5, "messages[1].cost_usd: expected number from 0"),
        (1, "ttft_ms", -1, "messages[1].ttft_ms: expected number from 0"),
        ("session", "updated_at", 1e300, "session.updated_at: expected number from 0"),
        ("session", "created_at", -1.0, "session.created_at: expected number from 0"),
    ],
)
def test_a_number_that_does_not_fit_names_its_field(
    where: str | int, field: str, value: Any, said: str
) -> None:
    assert said in _refused(json.dumps(_with(where, field, value))).message


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
@pytest.mark.parametrize(("where", "field"), [("session", "created_at"), (1, "cost_usd")])
def test_nan_and_infinite_numbers_are_refused_anywhere(
    literal: str, where: str | int, field: str
) -> None:
    text = json.dumps(_with(where, field, 12345.5)).replace("12345.5", literal)
    assert "number" in _refused(text).message


def test_nan_inside_the_parameters_is_refused() -> None:
    text = json.dumps(_with(1, "params", {"temperature": 12345.5})).replace("12345.5", "NaN")
    assert "NaN is not a JSON number" in _refused(text).message


@pytest.mark.parametrize(
    ("where", "field", "value"),
    [
        ("session", "title", "\ud800 title"),
        (1, "content", "an answer \udfff"),
        (1, "model", "\udc80"),
        (1, "params", {"stop": ["\ud83d"]}),
        (1, "attachments", [{"name": "\ud800"}]),
    ],
)
def test_lone_surrogates_are_refused_before_sqlite_sees_them(
    where: str | int, field: str, value: Any
) -> None:
    text = json.dumps(_with(where, field, value))  # ASCII: the surrogate as a \u escape
    error = _refused(text)
    assert "surrogate" in error.message and field in error.message


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_nesting_is_refused(depth: int) -> None:
    deep = "[" * depth + "]" * depth
    text = json.dumps(_with(1, "params", {"x": 0})).replace('{"x": 0}', f'{{"x": {deep}}}')
    assert "deeper than" in _refused(text).message


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spot=st.sampled_from(NUMBER_FIELDS),
    value=st.one_of(
        st.integers(min_value=-(2**80), max_value=2**80),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
)
def test_every_number_that_is_accepted_is_stored_and_read_back(
    tmp_path: Path, spot: tuple[str | int, str], value: float
) -> None:
    where, field = spot
    try:
        session, messages = parse_session_json(json.dumps(_with(where, field, value)))
    except OpenMaaSError as exc:
        assert exc.code is ErrorCode.INVALID_REQUEST
        return
    store = Store(tmp_path / f"h{abs(hash((where, field, value)))}.db")
    try:
        new_id = store.import_session(session, messages)
        back = store.messages(new_id)
        stored = store.get_session(new_id)
    finally:
        store.close()
    assert stored is not None and len(back) == 2
    for number in (stored.created_at, stored.updated_at, *(m.created_at for m in back)):
        assert math.isfinite(number)


def test_a_huge_title_is_kept_whole_and_listed_short(capsys: pytest.CaptureFixture[str]) -> None:
    title = "T" * 10_000_000
    path = resolve_paths().config_dir / "big.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_with("session", "title", title)), encoding="utf-8")
    assert main(["--no-keyring", "sessions", "import", str(path)]) == 0
    said = capsys.readouterr().out
    assert len(said) < 500 and "…" in said
    assert main(["--no-keyring", "sessions", "list"]) == 0
    listed = capsys.readouterr().out
    assert len(listed) < 5_000 and "TTT" in listed
    store = Store(resolve_paths().history_db)
    try:
        [session] = store.list_sessions()
    finally:
        store.close()
    assert session.title == title


@given(st.text(max_size=500))
def test_a_shown_title_is_one_short_line(title: str) -> None:
    shown = shown_title(title)
    assert len(shown) <= LIST_TITLE_CHARS
    assert "\n" not in shown
    if len(title) <= LIST_TITLE_CHARS and title == " ".join(title.split()):
        assert shown == title


def test_the_command_says_a_bad_import_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_with(1, "input_tokens", 2**64)), encoding="utf-8")
    assert main(["--no-keyring", "sessions", "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error INVALID_REQUEST: ") and "input_tokens" in err
    assert "Traceback" not in err
