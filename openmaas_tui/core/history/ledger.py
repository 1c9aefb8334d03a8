"""The spend ledger: one append-only row per ended answer, whatever face ran it.

The cost report (:mod:`openmaas_tui.core.history.cost_report`) adds up this table, not the
answers still stored: deleting a chat, regenerating an answer or editing and resending a
question never un-spends money; a compare's lanes count; an imported session (its spend made
elsewhere) never enters it. Triggers refuse any UPDATE or DELETE (schema 3 in
:mod:`openmaas_tui.core.history.schema`), and there is no foreign key to cascade.

Where rows come from, once per answer:

- an answer kept in a session (playground, ``openmaas ask``): in the same transaction as its
  end (:meth:`~openmaas_tui.core.history.store.Store.finish_message`), keyed ``message:<id>``
  (message ids are never reused, so a second finish of the same answer adds nothing);
- an answer kept in no session (a compare lane, the gateway):
  :meth:`~openmaas_tui.core.history.store.Store.add_spends`, fed by the exchange's recorder
  (:class:`~openmaas_tui.core.history.recorder.SpendRecorder`), keyed by a fresh UUID;
- an answer whose process died mid-stream: at the next open, when it is marked interrupted
  (source ``history``, cost unknown);
- the answers and compare targets stored before the ledger existed: once, by the migration
  (source ``history`` for answers, ``compare`` for targets).

Times are seconds since the epoch (UTC); money is USD.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openmaas_tui.core.exchange.record import AnswerRecord, received_anything
from openmaas_tui.core.types import Usage


class SpendSource(StrEnum):
    """Which face ran the answer (``history``: found in the stored answers, not seen ending)."""

    PLAYGROUND = "playground"
    ASK = "ask"
    COMPARE = "compare"
    GATEWAY = "gateway"
    HISTORY = "history"


STATUS_CLOSED = 499
"""The ``status`` of a gateway answer the client left before its end (nginx's word for it)."""

SPEND_COLUMNS = (
    "answer_key",
    "ended_at",
    "source",
    "provider",
    "model",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "reasoning_tokens",
    "cost_usd",
    "billed",
    "estimated",
    "session_id",
    "message_id",
    "compare_run_id",
    "client",
    "status",
)
"""The columns a row is written with, each also the name of its parameter."""

INSERT_SPEND = (
    f"INSERT OR IGNORE INTO spend_ledger ({', '.join(SPEND_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in SPEND_COLUMNS)})"
)
"""Adds a row unless one with its ``answer_key`` is there already (never twice)."""


def message_key(message_id: int) -> str:
    """The ledger key of the answer stored as message ``message_id``."""
    return f"message:{message_id}"


@dataclass(frozen=True, slots=True)
class SpendEntry:
    """One row of the ledger as read (:func:`spend_entries`).

    Attributes:
        answer_key: what the row counts (``message:<id>``, ``compare:<run>:<i>`` or a UUID).
        ended_at: when the answer ended, seconds since the epoch (UTC).
        source: the face that ran it.
        provider / model: who answered, None when not known.
        usage: the four token counts (None each when unknown).
        cost_usd: what it cost in USD; None when the price or the counts are unknown.
        billed: something of the answer arrived (it is charged).
        estimated: the counts (and cost) are local estimates.
        session_id / message_id: the stored answer it came from (may since be deleted).
        compare_run_id: the compare run it raced in.
        client: who asked the gateway (the product token of its ``User-Agent``), else None.
        status: the HTTP status the gateway answered with, else None.
    """

    answer_key: str
    ended_at: float
    source: SpendSource
    provider: str | None
    model: str | None
    usage: Usage
    cost_usd: float | None
    billed: bool
    estimated: bool
    session_id: str | None
    message_id: int | None
    compare_run_id: str | None
    client: str | None = None
    status: int | None = None


@dataclass(frozen=True, slots=True)
class NewSpend:
    """The spend of an answer kept in no session, to be added to the ledger (a compare lane,
    the gateway: :meth:`~openmaas_tui.core.history.store.Store.add_spends`).

    Attributes:
        record: how the answer ended.
        source: the face that ran it.
        compare_run_id: the compare run it raced in, if any.
        client: who asked the gateway (the product token of its ``User-Agent``), else None.
        status: the HTTP status the gateway answered with, else None.
    """

    record: AnswerRecord
    source: SpendSource
    compare_run_id: str | None = None
    client: str | None = None
    status: int | None = None


def spend_row(
    record: AnswerRecord,
    *,
    answer_key: str,
    ended_at: float,
    source: SpendSource,
    session_id: str | None = None,
    message_id: int | None = None,
    compare_run_id: str | None = None,
    client: str | None = None,
    status: int | None = None,
) -> dict[str, Any]:
    """The parameters of :data:`INSERT_SPEND` for ``record`` (``client`` and ``status``: the
    gateway's, see :class:`SpendEntry`).

    ``billed`` is the record's and the billing rule's
    (:func:`~openmaas_tui.core.exchange.record.received_anything`) together.
    """
    u = record.usage or Usage()
    billed = record.billed and received_anything(
        record.text, record.reasoning, record.usage, record.tool_calls
    )
    return {
        "answer_key": answer_key,
        "ended_at": ended_at,
        "source": str(source),
        "provider": record.provider,
        "model": record.model,
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
        "cached_input_tokens": u.cached_input_tokens,
        "reasoning_tokens": u.reasoning_tokens,
        "cost_usd": record.cost_usd,
        "billed": int(billed),
        "estimated": int(record.estimated),
        "session_id": session_id,
        "message_id": message_id,
        "compare_run_id": compare_run_id,
        "client": client,
        "status": status,
    }


RECOVER_SPEND = """
INSERT OR IGNORE INTO spend_ledger (answer_key, ended_at, source, provider, model, billed,
    session_id, message_id)
SELECT 'message:' || id, created_at, 'history', provider, model,
    content != '' OR output_tokens IS NOT NULL, session_id, id
FROM messages WHERE state = 'streaming' AND owner IS :owner
"""
"""The ledger rows of the answers of a dead ``:owner`` (None: written before owners were
kept), before they are marked interrupted: spent, at a price nobody saw."""


def spend_entries(conn: sqlite3.Connection) -> list[SpendEntry]:
    """Every row of the ledger, oldest first (run with ``store.read(spend_entries)``)."""
    rows = conn.execute(
        f"SELECT {', '.join(SPEND_COLUMNS)} FROM spend_ledger ORDER BY ended_at, id"
    ).fetchall()
    return [entry_of(r) for r in rows]


def entry_of(r: Sequence[Any]) -> SpendEntry:
    """The entry of one row read as ``SELECT`` :data:`SPEND_COLUMNS` (in that order)."""
    return SpendEntry(
        answer_key=r[0],
        ended_at=float(r[1]),
        source=SpendSource(r[2]),
        provider=r[3],
        model=r[4],
        usage=Usage(r[5], r[6], r[7], r[8]),
        cost_usd=r[9],
        billed=bool(r[10]),
        estimated=bool(r[11]),
        session_id=r[12],
        message_id=r[13],
        compare_run_id=r[14],
        client=r[15],
        status=r[16],
    )
