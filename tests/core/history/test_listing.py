"""The sessions list read a page at a time: keyset pages in the order of ``list_sessions``,
jumps from either end, a session's place, search pages, and query plans that walk the index."""

from __future__ import annotations

import itertools
import sqlite3

import pytest

from openmaas_tui.core.history import listing
from openmaas_tui.core.history.listing import ListingKey
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.types import Role


@pytest.fixture
def store() -> Store:
    """30 sessions, one a second, some with equal times (made in the same second); session
    ``i`` is titled ``chat i`` and holds a question and an answer costing ``i`` cents."""
    times = itertools.chain([100.0] * 4, (float(t) for t in itertools.count(101)))
    now = [0.0]
    store = Store(":memory:", clock=lambda: now[0])
    for i in range(30):
        now[0] = next(times) if i % 7 else now[0] or 100.0
        session = store.create_session(model="demo")
        store.add_message(session.id, Role.USER, f"question {i}" + (" pelican" if i == 12 else ""))
        store.rename_session(session.id, f"chat {i}")
        answer = store.add_message(session.id, Role.ASSISTANT, f"answer {i}")
        store._run("UPDATE messages SET cost_usd = :c WHERE id = :m", c=i / 100, m=answer)
    return store


def _titles(rows: list[listing.ListedSession]) -> list[str]:
    return [r.session.title for r in rows]


def test_pages_walk_the_list_in_the_order_of_list_sessions(store: Store) -> None:
    everything = [s.title for s in store.list_sessions()]
    assert listing.count(store) == 30
    walked: list[str] = []
    rows = listing.page(store, limit=7)
    while rows:
        walked += _titles(rows)
        rows = listing.page(store, after=rows[-1].key, limit=7)
    assert walked == everything
    # Backwards from the last page gives the same rows.
    last = listing.page_at(store, 23, limit=7, total=30)
    assert _titles(last) == everything[23:]
    assert _titles(listing.page(store, before=last[0].key, limit=7)) == everything[16:23]
    assert listing.page(store, before=listing.page(store, limit=1)[0].key) == []


def test_a_page_carries_its_sessions_totals(store: Store) -> None:
    (top,) = listing.page(store, limit=1)
    stored = store.get_session(top.session.id)
    assert top.session == stored
    assert top.session.message_count == 2 and top.session.totals.cost_usd == pytest.approx(0.29)
    assert top.key == ListingKey(top.session.updated_at, top.key.rowid)


def test_jumps_read_from_either_end(store: Store) -> None:
    everything = [s.title for s in store.list_sessions()]
    for start in (0, 5, 14, 20, 27):
        for total in (None, 30):
            rows = listing.page_at(store, start, limit=5, total=total)
            assert _titles(rows) == everything[start : start + 5]
    assert listing.page_at(store, 40, limit=5, total=30) == []


def test_the_place_of_a_session(store: Store) -> None:
    everything = store.list_sessions()
    for i, session in enumerate(everything):
        assert listing.position(store, session.id) == i
    assert listing.position(store, "no such id") is None


def test_search_pages_and_places(store: Store) -> None:
    assert listing.count(store, "pelican") == 1
    assert _titles(listing.page(store, text="pelic")) == ["chat 12"]
    assert listing.count(store, "chat") == 30  # titles
    everything = [s.title for s in store.list_sessions()]
    assert _titles(listing.page(store, text="answer", limit=30)) == everything
    answer_3 = listing.page(store, text="answer 3")
    assert _titles(answer_3) == ["chat 3"]
    found = answer_3[0].session.id
    assert listing.position(store, found, "answer 3") == 0
    assert listing.position(store, found, "pelican") is None
    assert listing.count(store, "+++") == 0 and listing.page(store, text="+++") == []
    assert listing.position(store, found, "+++") is None


def test_every_listing_query_walks_the_activity_index(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No query scans the sessions table: each searches (or walks) ``sessions_by_activity``,
    and only the page's sessions have their messages read, through their index."""
    plans: list[str] = []
    real_read = store.read

    def explained(query):  # type: ignore[no-untyped-def]
        def spy(conn: sqlite3.Connection):  # type: ignore[no-untyped-def]
            class Explaining:
                def execute(self, sql: str, names: dict[str, object]) -> sqlite3.Cursor:
                    if "sessions AS s" in sql or "FROM sessions" in sql:
                        plan = conn.execute("EXPLAIN QUERY PLAN " + sql, names).fetchall()
                        plans.append(" | ".join(str(r[3]) for r in plan))
                    return conn.execute(sql, names)

            return query(Explaining())

        return real_read(spy)

    monkeypatch.setattr(store, "read", explained)
    key = listing.page(store, limit=3)[-1].key
    listing.page(store, after=key)
    listing.page(store, before=key)
    listing.position(store, listing.page(store, limit=1)[0].session.id)
    listing.count(store)
    assert plans
    for plan in plans:
        for step in plan.split(" | "):
            if step.startswith(("SCAN s ", "SCAN sessions")) or step in ("SCAN s", "SCAN m"):
                assert "INDEX sessions_by_activity" in step, plan
            if step.startswith(("SEARCH m", "SCAN m")):
                assert step.startswith("SEARCH m USING") and "(session_id=?)" in step, plan
            assert "AUTOMATIC" not in step, plan
    keyset = [p for p in plans if "(updated_at" in p]
    assert len(keyset) >= 3  # after, before and the place: a search of the index, not a walk
