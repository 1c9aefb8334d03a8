"""``openmaas compare`` saves its run unless ``--no-log``; ``openmaas sessions compares`` lists
the saved runs and ``sessions compare-export`` writes one as the JSON it was saved as or as
Markdown, on loopback replay servers."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.cli.main import main
from tests.support.cost_history import fixed_zone
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

TEXT = "anthropic/stream_text.sse"
RATE_LIMITED = "openai/error_429_rate_limit.json"


@pytest.fixture(autouse=True)
def empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


@pytest.fixture
def served() -> Iterator[list[str]]:
    """``compare`` arguments racing an answering Anthropic model and a rate-limited OpenAI one."""
    ok = ReplayServer(fixture_reply(fixture_path(TEXT)))
    limited = ReplayServer(fixture_reply(fixture_path(RATE_LIMITED)))
    ok.start_in_thread()
    limited.start_in_thread()
    argv = ["-m", "claude-sonnet-4-5", "-m", "gpt-4o-mini", "--provider", "anthropic"]
    yield [*argv, "--provider", "openai", "--base-url", ok.url, "--base-url", limited.url]
    ok.stop_thread()
    limited.stop_thread()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--no-keyring", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _compares(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, _ = _run(["sessions", "compares", "--json"], capsys)
    assert code == 0
    records: list[dict[str, Any]] = json.loads(out)
    return records


def test_compare_saves_its_run_and_export_json_is_what_it_printed(
    served: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, printed, _ = _run(["compare", *served, "--json", "Two names"], capsys)
    assert code == 0
    [record] = _compares(capsys)
    assert record["prompt"] == "Two names" and record["target_count"] == 2
    assert record["labels"] == ["claude-sonnet-4-5", "gpt-4o-mini"]
    assert (record["succeeded"], record["failed"]) == (1, 1)
    first, second = record["targets"]
    assert (first["provider"], first["model"], first["status"]) == (
        "anthropic",
        "claude-sonnet-4-5",
        "done",
    )
    assert first["output_tokens"] == expected(TEXT)["usage"]["output_tokens"]
    assert first["cost_usd"] > 0 and first["ttft_ms"] is not None
    assert second["error_code"] == "RATE_LIMITED"
    code, exported, _ = _run(
        ["sessions", "compare-export", record["id"][:6], "--format", "json"], capsys
    )
    assert code == 0
    assert json.loads(exported) == json.loads(printed)
    assert record["total_cost_usd"] == json.loads(printed)["summary"]["total_cost_usd"]


def test_markdown_export_holds_every_target_and_goes_to_a_file(
    served: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert _run(["compare", *served, "Two names"], capsys)[0] == 0
    [record] = _compares(capsys)
    target = tmp_path / "run.md"
    code, out, err = _run(
        ["sessions", "compare-export", record["id"], "--format", "md", "-o", str(target)], capsys
    )
    assert code == 0 and out == "" and f"wrote {target}" in err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Compare\n") and "Two names" in text
    assert "## 1. claude-sonnet-4-5" in text and "## 2. gpt-4o-mini" in text
    assert expected(TEXT)["text"].strip() in text and "**RATE_LIMITED**" in text
    code, listed, _ = _run(["sessions", "compares"], capsys)
    assert code == 0 and record["id"][:8] in listed and "RATE_LIMITED" in listed


def test_no_log_saves_nothing(served: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["compare", *served, "--no-log", "--json", "Two names"], capsys)[0] == 0
    assert _compares(capsys) == []
    code, out, _ = _run(["sessions", "compares"], capsys)
    assert code == 0 and "no compare runs yet" in out


def test_newest_first_and_limited(served: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    for prompt in ("first", "second"):
        assert _run(["compare", *served, "--json", prompt], capsys)[0] == 0
    assert [r["prompt"] for r in _compares(capsys)] == ["second", "first"]
    code, out, _ = _run(["sessions", "compares", "--json", "-n", "1"], capsys)
    assert code == 0 and [r["prompt"] for r in json.loads(out)] == ["second"]


def test_an_unknown_id_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["sessions", "compare-export", "feed", "--format", "json"], capsys)
    assert code == 1 and out == ""
    assert "no compare run with an id starting with 'feed'" in err


def test_the_runs_list_shows_local_time_with_the_zone(
    served: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["compare", *served, "Two names"], capsys)[0] == 0
    with fixed_zone("XYZ-02"):
        code, listed, _ = _run(["sessions", "compares"], capsys)
    assert code == 0 and "XYZ" in listed and "UTC" not in listed
