"""Images kept with the history: once per content (by SHA-256) however many messages use them,
read back with their bytes, freed with the last message using them, exported to JSON with
their base64 and imported exactly, and a schema-4 file migrated to take them."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from openmaas_tui.core.attachments.images import format_bytes, image_part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.blobs import DATA, image_attachment, images_of
from openmaas_tui.core.history.schema import MIGRATIONS, migrate, user_version
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.export import session_json, session_markdown
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.sessions.store_map import message_from_stored
from openmaas_tui.core.types import ImagePart, Role, TextPart
from tests.support.images import gif, png

CAT = image_part(png(4, 3), "cat.png")
DOG = image_part(gif(5, 6), "dog.gif")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "history.db")
    yield s
    s.close()


def _blobs(store: Store) -> list[tuple[str, int]]:
    return store.read(
        lambda conn: conn.execute("SELECT sha256, size_bytes FROM blobs ORDER BY sha256").fetchall()
    )


def _with_images(store: Store, *images: ImagePart) -> str:
    session = store.create_session(provider="openai", model="gpt-4o").id
    attachments = [image_attachment(i) for i in images]
    store.add_message(session, Role.USER, "what are these?", attachments=attachments)
    return session


def test_each_content_is_kept_once_and_read_back_whole(store: Store) -> None:
    first = _with_images(store, CAT, DOG)
    second = _with_images(store, CAT)
    sha = hashlib.sha256(png(4, 3)).hexdigest()
    assert sorted(_blobs(store)) == sorted(
        [(sha, len(png(4, 3))), (hashlib.sha256(gif(5, 6)).hexdigest(), len(gif(5, 6)))]
    )
    column = store.read(lambda conn: conn.execute("SELECT attachments FROM messages").fetchall())
    assert all(DATA not in text for (text,) in column)  # the bytes live in blobs only
    [message] = store.messages(first)
    assert images_of(message.attachments) == (CAT, DOG)
    assert message.attachments[0] | {DATA: ""} == {
        "type": "image",
        "sha256": sha,
        "media_type": "image/png",
        "name": "cat.png",
        "size_bytes": len(png(4, 3)),
        "width": 4,
        "height": 3,
        DATA: "",
    }
    assert images_of(store.messages(second)[0].attachments) == (CAT,)


def test_a_stored_message_comes_back_with_its_images_as_context(store: Store) -> None:
    session = _with_images(store, CAT)
    loaded = message_from_stored(store.messages(session)[0])
    assert loaded.content == (TextPart("what are these?"), CAT)
    assert loaded.message.content == (TextPart("what are these?"), CAT)


def test_a_blob_goes_with_the_last_message_using_it(store: Store) -> None:
    first = _with_images(store, CAT, DOG)
    second = _with_images(store, CAT)
    store.delete_session(first)
    assert [sha for sha, _ in _blobs(store)] == [hashlib.sha256(png(4, 3)).hexdigest()]
    store.delete_session(second)
    assert _blobs(store) == []


def test_json_export_carries_base64_and_imports_exactly(store: Store) -> None:
    session = _with_images(store, CAT, DOG)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    assert exported["messages"][0]["attachments"][1][DATA] == base64.b64encode(gif(5, 6)).decode()
    text = json.dumps(exported)
    imported_id = store.import_session(*parse_session_json(text, source="chat.json"))
    imported = store.get_session(imported_id)
    assert imported is not None
    again = session_json(imported, store.messages(imported_id))
    assert [m["attachments"] for m in again["messages"]] == [
        m["attachments"] for m in exported["messages"]
    ]
    assert len(_blobs(store)) == 2  # the import reused the blobs already there
    markdown = session_markdown(stored, store.messages(session))
    assert f"*attached: cat.png (image/png, {format_bytes(len(png(4, 3)))})*" in markdown


def test_an_import_whose_bytes_do_not_match_their_sha256_is_refused(store: Store) -> None:
    session = _with_images(store, CAT)
    stored = store.get_session(session)
    assert stored is not None
    exported = session_json(stored, store.messages(session))
    exported["messages"][0]["attachments"][0][DATA] = base64.b64encode(b"tampered").decode()
    head, messages = parse_session_json(json.dumps(exported), source="chat.json")
    with pytest.raises(OpenMaaSError) as caught:
        store.import_session(head, messages)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert "sha256" in caught.value.message
    assert len(store.list_sessions()) == 1  # nothing half-imported


def test_a_schema_4_file_migrates_and_keeps_its_attachment_references(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    migrate(conn, target=4)
    conn.execute(
        "INSERT INTO sessions (id, title, title_is_custom, created_at, updated_at, params) "
        "VALUES ('s', 't', 0, 1, 1, '{}')"
    )
    old_ref = '[{"type":"image","media_type":"image/png","path":"diagram.png"}]'
    conn.execute(
        "INSERT INTO messages (session_id, position, role, content, attachments, created_at) "
        "VALUES ('s', 0, 'user', 'penguins', :refs, 1)",
        {"refs": old_ref},
    )
    conn.commit()
    with pytest.raises(sqlite3.OperationalError):  # schema 4 has no blobs
        conn.execute("SELECT count(*) FROM blobs")
    conn.close()
    store = Store(path)
    try:
        [old] = store.messages("s")
        assert old.attachments == (
            {"type": "image", "media_type": "image/png", "path": "diagram.png"},
        )
        assert images_of(old.attachments) == ()  # no bytes were ever kept for it
        store.add_message("s", Role.USER, "and this?", attachments=[image_attachment(CAT)])
        assert images_of(store.messages("s")[1].attachments) == (CAT,)
        assert [h.session_id for h in store.search("penguins")] == ["s"]
    finally:
        store.close()
    check = sqlite3.connect(path)
    assert user_version(check) == len(MIGRATIONS)  # migrated to the newest
    check.close()
