"""Compare runs in the history database: save, list, fetch and delete.

A run is stored as the JSON :func:`~openmaas_tui.core.compare.export.run_json` makes (the source
of truth for exports, kept verbatim) plus a few columns and one row per target
(``compare_runs`` / ``compare_targets``, schema 2 in :mod:`openmaas_tui.core.history.schema`), so
the history lists quickly and can be queried per model without parsing the JSON.

Every function but :func:`save_in_history` takes the :class:`~openmaas_tui.core.history.store.Store`
first, so async code calls it off the event loop as ``await async_store.call(save_run, data)``
(the compare screen and ``openmaas compare`` save through :func:`save_in_history`). Saving
under an id that exists replaces that record: a run is saved each time all its lanes have ended,
under its own id, so a run whose column was rerun is one record holding its latest results.
Every function raises ``OpenMaaSError(STORAGE_FAILED)`` when SQLite fails.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from openmaas_tui.core.compare.export import SCHEMA
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.store import Store


@dataclass(frozen=True, slots=True)
class TargetRecord:
    """One target of a stored run, as listed (times in ms, cost in USD; None = unknown)."""

    position: int
    label: str
    provider: str | None
    model: str
    status: str
    error_code: str | None
    ttft_ms: float | None
    duration_ms: float | None
    input_tokens: int | None
    output_tokens: int | None
    tokens_per_s: float | None
    cost_usd: float | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One stored run, as listed: everything but the answers' text.

    Attributes:
        id: hex id (a UUID4 unless the caller chose one).
        created_at / updated_at: seconds since the epoch (the run was made / last saved).
        prompt / system: what every target was asked.
        target_count: how many targets raced.
        labels: the targets' labels in order.
        succeeded / failed: how many targets finished, how many ended in an error.
        total_cost_usd: the run's cost in USD, None when any target's is unknown.
        targets: each target's figures, in order.
    """

    id: str
    created_at: float
    updated_at: float
    prompt: str
    system: str | None
    target_count: int
    labels: tuple[str, ...]
    succeeded: int
    failed: int
    total_cost_usd: float | None
    targets: tuple[TargetRecord, ...]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready object (``openmaas sessions compares --json``)."""
        data = asdict(self)
        data["labels"] = list(self.labels)
        data["targets"] = list(data["targets"])
        return data


_RUN_COLUMNS = (
    "id, created_at, updated_at, prompt, system, target_count, labels, succeeded, failed, "
    "total_cost_usd"
)
"""The columns :func:`_record` reads, in order."""
_TARGET_COLUMNS = ", ".join(f.name for f in fields(TargetRecord))


def _insert(table: str, columns: str) -> str:
    """An INSERT of ``columns`` into ``table`` whose parameters are named as the columns."""
    names = columns.split(", ")
    return f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + n for n in names)})"


_INSERT_RUN = _insert("compare_runs", f"{_RUN_COLUMNS}, run_json")
_INSERT_TARGET = _insert("compare_targets", f"run_id, {_TARGET_COLUMNS}")


def _epoch(text: Any, default: float) -> float:
    """An ISO time from the run's JSON as epoch seconds (``default`` when absent or broken)."""
    try:
        return datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return default


def _target_row(
    run_id: str, position: int, target: Mapping[str, Any], setup: Any
) -> dict[str, Any]:
    """A ``compare_targets`` row, keyed by column (the parameters of :data:`_INSERT_TARGET`)."""
    setup = setup if isinstance(setup, Mapping) else {}
    usage = target.get("usage") or {}
    error = target.get("error") or {}
    status = setup.get("status") or ("error" if error else "done")
    return {
        "run_id": run_id,
        "position": position,
        "label": str(setup.get("label") or target.get("model") or ""),
        "provider": target.get("provider"),
        "model": str(target.get("model") or ""),
        "status": str(status),
        "error_code": error.get("code"),
        "ttft_ms": target.get("ttft_ms"),
        "duration_ms": target.get("duration_ms"),
        "input_tokens": usage.get("input_tokens"),
        "output_tokens": usage.get("output_tokens"),
        "tokens_per_s": target.get("tokens_per_s"),
        "cost_usd": target.get("cost_usd"),
    }


def save_run(
    store: Store,
    run_json: Mapping[str, Any],
    *,
    run_id: str | None = None,
    now: float | None = None,
) -> str:
    """Save a run (``run_json`` as :func:`~openmaas_tui.core.compare.export.run_json` made it).

    Args:
        store: the history.
        run_json: the run; kept verbatim.
        run_id: save under this id, replacing a record that has it; None for a new UUID4 hex.
        now: the save time in epoch seconds (default: now).

    Returns:
        The record's id.

    Raises:
        ValueError: ``run_json`` is not a compare run.
        OpenMaaSError: STORAGE_FAILED when SQLite fails (nothing is saved).
    """
    if run_json.get("schema") != SCHEMA or not isinstance(run_json.get("targets"), list):
        raise ValueError(f"not a compare run (schema {run_json.get('schema')!r})")
    saved_at = time.time() if now is None else now
    run_id = run_id or uuid.uuid4().hex
    targets: list[Mapping[str, Any]] = run_json["targets"]
    setups = run_json.get("setup") or []
    rows = [
        _target_row(run_id, i, t, setups[i] if i < len(setups) else None)
        for i, t in enumerate(targets)
    ]
    summary = run_json.get("summary") or {}
    head = {
        "id": run_id,
        "created_at": _epoch(run_json.get("created_at"), saved_at),
        "updated_at": saved_at,
        "prompt": str(run_json.get("prompt") or ""),
        "system": run_json.get("system"),
        "target_count": len(targets),
        "labels": json.dumps([r["label"] for r in rows], ensure_ascii=False),
        "succeeded": int(summary.get("succeeded") or 0),
        "failed": int(summary.get("failed") or 0),
        "total_cost_usd": summary.get("total_cost_usd"),
        "run_json": json.dumps(run_json, ensure_ascii=False),
    }

    def change(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM compare_runs WHERE id = :id", {"id": run_id})
        conn.execute(_INSERT_RUN, head)
        conn.executemany(_INSERT_TARGET, rows)

    store.write(change)
    return run_id


def _record(row: tuple[Any, ...], targets: list[TargetRecord]) -> RunRecord:
    run_id, created, updated, prompt, system, count, labels, ok, failed, cost = row
    return RunRecord(
        id=run_id,
        created_at=created,
        updated_at=updated,
        prompt=prompt,
        system=system,
        target_count=count,
        labels=tuple(json.loads(labels)),
        succeeded=ok,
        failed=failed,
        total_cost_usd=cost,
        targets=tuple(targets),
    )


def list_runs(store: Store, limit: int | None = None) -> list[RunRecord]:
    """Stored runs with their targets' figures (not the answers), newest first."""

    def query(conn: sqlite3.Connection) -> list[RunRecord]:
        runs = conn.execute(
            f"SELECT {_RUN_COLUMNS} FROM compare_runs "
            "ORDER BY created_at DESC, rowid DESC LIMIT :limit",
            {"limit": -1 if limit is None else limit},
        ).fetchall()
        targets: dict[str, list[TargetRecord]] = {row[0]: [] for row in runs}
        if runs:
            ids = {f"id{i}": run_id for i, run_id in enumerate(targets)}
            for row in conn.execute(
                f"SELECT run_id, {_TARGET_COLUMNS} FROM compare_targets "
                f"WHERE run_id IN ({', '.join(':' + n for n in ids)}) ORDER BY run_id, position",
                ids,
            ):
                targets[row[0]].append(TargetRecord(*row[1:]))
        return [_record(row, targets[row[0]]) for row in runs]

    return store.read(query)


def get_run(store: Store, run_id: str) -> dict[str, Any] | None:
    """The run's JSON exactly as saved, or None when there is no run with this id."""
    row = store.read(
        lambda conn: conn.execute(
            "SELECT run_json FROM compare_runs WHERE id = :id", {"id": run_id}
        ).fetchone()
    )
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row[0])
    return data


def delete_run(store: Store, run_id: str) -> bool:
    """Delete the run and its targets; returns whether there was one."""
    cursor = store.write(
        lambda conn: conn.execute("DELETE FROM compare_runs WHERE id = :id", {"id": run_id})
    )
    return cursor.rowcount > 0


def resolve_run_id(store: Store, prefix: str) -> str:
    """The id of the one stored run whose id starts with ``prefix``.

    Raises:
        OpenMaaSError: INVALID_REQUEST when no run or several runs match.
    """
    rows = store.read(
        lambda conn: conn.execute(
            "SELECT id FROM compare_runs WHERE substr(id, 1, :length) = :prefix LIMIT 2",
            {"length": len(prefix), "prefix": prefix.lower()},
        ).fetchall()
    )
    if len(rows) == 1 and prefix:
        return str(rows[0][0])
    what = "no compare run" if not rows else "several compare runs"
    raise OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"{what} with an id starting with {prefix!r}",
        hint="`openmaas sessions compares` shows the ids",
    )


async def save_in_history(
    history: Callable[[], Awaitable[AsyncStore]], run_json: Mapping[str, Any], run_id: str
) -> str:
    """Save a finished run from async code, on the history's worker thread.

    Compute ``run_json`` when the run finishes and pass it here (a rerun may change the lanes
    before this runs); saves are queued in order, so the last one wins.

    Args:
        history: opens (or returns) the history, e.g. ``services.history``.
        run_json: the run (:func:`~openmaas_tui.core.compare.export.run_json`).
        run_id: the run's id (:attr:`~openmaas_tui.core.compare.run.CompareRun.id`).

    Returns:
        The record's id.

    Raises:
        OpenMaaSError: STORAGE_FAILED when SQLite fails.
    """
    store = await history()
    return await store.call(save_run, run_json, run_id=run_id)
