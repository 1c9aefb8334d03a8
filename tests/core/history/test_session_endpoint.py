"""Schema 8: each session keeps the base URL its model is asked at, never a credential.

A version-7 history upgrades with every session kept and no base URL (they were asked at their
provider's endpoint); a session of the book keeps its base URL and API through a restart, drops
them when its model changes, and never stores a user, password or query of a URL.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.schema import SCHEMA_VERSION, migrate, user_version
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.sessions.endpoint import storable_url

LOCAL = "http://127.0.0.1:8000/v1"


def test_a_version_7_history_upgrades_with_no_base_url(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        assert migrate(conn, target=7) == 7
        conn.execute(
            "INSERT INTO sessions (id, title, created_at, updated_at, provider, model, params) "
            "VALUES ('old', 'an old chat', 1, 1, 'openai', 'gpt-4o', '{\"api\":\"responses\"}')"
        )
        columns = [row[1] for row in conn.execute("PRAGMA table_info(sessions)")]
        assert "base_url" not in columns
    store = Store(path)
    try:
        [old] = store.list_sessions()
        assert (old.title, old.model, old.base_url) == ("an old chat", "gpt-4o", None)
        assert old.params == {"api": "responses"}
        store.set_defaults("old", provider="openai", model="gpt-4o", base_url=LOCAL)
        again = store.get_session("old")
        assert again is not None and again.base_url == LOCAL
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert user_version(conn) == SCHEMA_VERSION
        assert conn.execute("SELECT base_url FROM sessions").fetchall() == [(LOCAL,)]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (LOCAL, LOCAL),
        ("https://user:s3cret-pass@proxy.example/v1", "https://proxy.example/v1"),
        ("https://proxy.example/v1?api_key=s3cret-pass#x", "https://proxy.example/v1"),
        ("http://[::1]:8080/v1/", "http://[::1]:8080/v1/"),
        (None, None),
        ("", None),
    ],
)
def test_a_stored_url_carries_no_credential(url: str | None, kept: str | None) -> None:
    assert storable_url(url) == kept


def test_the_store_never_writes_a_urls_credentials(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    try:
        made = store.create_session(base_url="https://me:s3cret-pass@proxy.example/v1?key=s3cret")
        assert made.base_url == "https://proxy.example/v1"
        again = store.get_session(made.id)
        assert again is not None and again.base_url == "https://proxy.example/v1"
    finally:
        store.close()
    assert b"s3cret" not in (tmp_path / "h.db").read_bytes()


def _endpoint(session: Session) -> tuple[str | None, str | None]:
    return session.base_url, session.api


async def _reopened(path: Path) -> tuple[AsyncStore, Session]:
    store = await AsyncStore.open(path)
    book = SessionBook()
    await book.attach(store, default_model="demo")
    [stored] = await store.call(Store.list_sessions)
    return store, book.listed(stored)


async def test_a_chat_keeps_its_endpoint_through_a_restart_until_its_model_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.db"
    store = await AsyncStore.open(path)
    book = SessionBook()
    await book.attach(store, default_model="demo")
    session = Session(
        "openai/local-model",
        RequestParams(temperature=0.3),
        base_url=LOCAL,
        api="responses",
    )
    session.add_user("hello")
    await book.add(session)  # saved whole, as a compare answer carried on is
    await store.aclose()

    store, reopened = await _reopened(path)
    assert (reopened.model, reopened.base_url, reopened.api) == (
        "openai/local-model",
        LOCAL,
        "responses",
    )
    assert reopened.params.temperature == 0.3
    book = SessionBook()
    await book.attach(store, default_model="demo")
    reopened.choose_model("openai/local-model")  # the same model: kept
    assert _endpoint(reopened) == (LOCAL, "responses")
    reopened.choose_model("gpt-4o-mini")
    assert _endpoint(reopened) == (None, None)
    await book.save_settings(reopened)
    await store.aclose()

    store, again = await _reopened(path)
    assert (again.model, again.base_url, again.api) == ("gpt-4o-mini", None, None)
    await store.aclose()
