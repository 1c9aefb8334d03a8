"""Compare runs in the history: schema 2 migrates a first-schema file keeping its data, and a
real run (from loopback replay servers) is saved, listed with its targets' figures, read back
exactly, replaced under its id, deleted, and shown as Markdown from its saved JSON."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from openmaas_tui.core.compare.export import json_markdown, run_json, run_markdown
from openmaas_tui.core.compare.lane import CompareTarget
from openmaas_tui.core.compare.run import CompareRun
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.compare_runs import (
    delete_run,
    get_run,
    list_runs,
    resolve_run_id,
    save_run,
)
from openmaas_tui.core.history.opening import MEMORY
from openmaas_tui.core.history.schema import MIGRATIONS, migrate, user_version
from openmaas_tui.core.history.store import Store
from openmaas_tui.services import Services, open_services
from tests.core.history.test_store_open import _v1_file
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply

TEXT = "anthropic/stream_text.sse"
RATE_LIMITED = "openai/error_429_rate_limit.json"


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}


def test_a_first_schema_file_migrates_keeping_its_data_and_search(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    _v1_file(path)
    with sqlite3.connect(path) as conn:
        v1_tables = _tables(conn)
        v1_rows = conn.execute("SELECT * FROM messages").fetchall()
    store = Store(path)
    [session] = store.list_sessions()
    assert [h.session_id for h in store.search("penguin")] == [session.id]
    assert list_runs(store) == []
    store.close()
    conn = sqlite3.connect(path)
    assert user_version(conn) == len(MIGRATIONS)
    assert _tables(conn) - v1_tables >= {"compare_runs", "compare_targets"}
    assert v1_tables <= _tables(conn)  # FTS tables, triggers and indexes are all still there
    migrated = conn.execute("SELECT * FROM messages").fetchall()
    # later schemas only add columns after the first ones (the owner, the tool calls, the
    # reasoning blocks...): the first schema's columns keep their values
    assert [row[: len(v1_rows[0])] for row in migrated] == v1_rows
    added = {row[len(v1_rows[0]) :] for row in migrated}
    assert added == {(None, "[]", None, None, 0, None)}  # owner .. is_error, reasoning_blocks
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_migration_1_is_unchanged_by_migration_2() -> None:
    one = sqlite3.connect(MEMORY)
    migrate(one, target=1)
    two = sqlite3.connect(MEMORY)
    migrate(two, target=2)  # migration 3 rebuilds messages on purpose
    sql = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name NOT LIKE 'compare%'"
    assert sorted(one.execute(sql)) == sorted(two.execute(sql))


@pytest.fixture
async def services() -> AsyncIterator[Services]:
    opened = open_services(use_keyring=False)
    yield opened
    await opened.aclose()


@pytest.fixture
async def finished_run(services: Services) -> CompareRun:
    """Two targets raced on replay servers: one answers, one is rate limited. The lanes'
    clock steps by a quarter second, so every time in the JSON is exact."""
    servers = [
        ReplayServer(fixture_reply(fixture_path(TEXT))),
        ReplayServer(fixture_reply(fixture_path(RATE_LIMITED))),
    ]
    for s in servers:
        await s.start()
    ticks = itertools.count(0.0, 0.25)
    run = CompareRun(
        services.providers,
        services.prices,
        [
            CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=servers[0].url),
            CompareTarget("gpt-4o-mini", provider="openai", base_url=servers[1].url),
        ],
        "Two names for a pet pelican",
        system="Be brief.",
        clock=lambda: next(ticks),
    )
    run.start()
    await run.wait()
    for s in servers:
        await s.stop()
    return run


def test_save_list_get_delete(finished_run: CompareRun) -> None:
    data = run_json(finished_run)
    store = Store(MEMORY, clock=lambda: 1.0)
    run_id = save_run(store, data, now=1_700_000_000.0)
    assert get_run(store, run_id) == json.loads(json.dumps(data))
    [record] = list_runs(store)
    assert record.id == run_id and record.prompt == "Two names for a pet pelican"
    assert record.system == "Be brief." and record.target_count == 2
    assert record.labels == ("claude-sonnet-4-5", "gpt-4o-mini")
    assert (record.succeeded, record.failed) == (1, 1)
    assert record.updated_at == 1_700_000_000.0
    assert record.created_at == pytest.approx(finished_run.created_at, abs=1e-3)
    answered, limited = record.targets
    usage = expected(TEXT)["usage"]
    assert (answered.provider, answered.model, answered.status) == (
        "anthropic",
        "claude-sonnet-4-5",
        "done",
    )
    assert answered.output_tokens == usage["output_tokens"]
    assert answered.ttft_ms == data["targets"][0]["ttft_ms"] is not None
    assert answered.cost_usd == data["targets"][0]["cost_usd"] is not None
    assert (limited.status, limited.error_code) == ("error", str(ErrorCode.RATE_LIMITED))
    assert record.as_dict()["targets"][1]["error_code"] == "RATE_LIMITED"
    json.dumps(record.as_dict())  # JSON-ready
    assert delete_run(store, run_id) is True
    assert delete_run(store, run_id) is False
    assert list_runs(store) == [] and get_run(store, run_id) is None
    assert store.read(lambda c: c.execute("SELECT count(*) FROM compare_targets").fetchone()) == (
        0,
    )


def test_saving_under_an_id_replaces_the_record(finished_run: CompareRun) -> None:
    store = Store(MEMORY)
    first = save_run(store, run_json(finished_run), now=10.0)
    other = save_run(store, run_json(finished_run), now=11.0)
    changed: dict[str, Any] = run_json(finished_run)
    changed["prompt"] = "rerun"
    assert save_run(store, changed, run_id=first, now=12.0) == first
    records = {r.id: r for r in list_runs(store)}
    assert set(records) == {first, other}
    assert records[first].prompt == "rerun" and records[first].updated_at == 12.0
    assert len(records[first].targets) == 2
    assert get_run(store, first) == json.loads(json.dumps(changed))


def test_list_is_newest_first_and_limited(finished_run: CompareRun) -> None:
    store = Store(MEMORY)
    ids = []
    for n in range(3):
        data = run_json(finished_run)
        data["created_at"] = f"2026-01-0{n + 1}T00:00:00+00:00"
        ids.append(save_run(store, data))
    assert [r.id for r in list_runs(store)] == ids[::-1]
    assert [r.id for r in list_runs(store, 2)] == ids[:0:-1]


def test_ids_resolve_from_a_unique_prefix(finished_run: CompareRun) -> None:
    store = Store(MEMORY)
    run_id = save_run(store, run_json(finished_run), run_id="abc123")
    save_run(store, run_json(finished_run), run_id="abd456")
    assert resolve_run_id(store, "abc") == run_id
    for prefix in ("ab", "zz", ""):
        with pytest.raises(OpenMaaSError) as caught:
            resolve_run_id(store, prefix)
        assert caught.value.code == ErrorCode.INVALID_REQUEST


def test_something_else_than_a_run_is_refused_and_nothing_is_written() -> None:
    store = Store(MEMORY)
    with pytest.raises(ValueError):
        save_run(store, {"schema": "openmaas.session", "targets": []})
    assert list_runs(store) == []


def test_a_failed_write_keeps_nothing() -> None:
    store = Store(MEMORY)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO compare_runs (id, created_at, updated_at, prompt, target_count, "
            "run_json) VALUES ('x', 0, 0, 'p', 0, '{}')"
        )
        conn.execute("INSERT INTO compare_runs (id) VALUES ('y')")  # NOT NULL fails

    with pytest.raises(OpenMaaSError) as caught:
        store.write(broken)
    assert caught.value.code == ErrorCode.STORAGE_FAILED
    assert list_runs(store) == []


def test_markdown_from_the_saved_json_is_the_runs_markdown(finished_run: CompareRun) -> None:
    store = Store(MEMORY)
    saved = get_run(store, save_run(store, run_json(finished_run)))
    assert saved is not None
    text = json_markdown(saved)
    assert text == run_markdown(finished_run)
    assert "## 1. claude-sonnet-4-5" in text and "## 2. gpt-4o-mini" in text
    assert expected(TEXT)["text"].strip() in text and "**RATE_LIMITED**" in text
