"""The session book keeps a prompt's images: on disk with the message, back in the context
when the session is opened again (so regenerate sends them), and through edit-and-resend."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.core.attachments.images import image_part
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.book import SessionBook
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.types import Message, Role, TextPart
from tests.support.images import png, webp

CAT = image_part(png(4, 3), "cat.png")
MAP = image_part(webp(8, 8), "map.webp")


async def test_images_survive_a_restart_and_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    store = await AsyncStore.open(path)
    book = SessionBook()
    await book.attach(store, default_model="demo")
    session = await book.create("claude-sonnet-4-5")
    record = await book.add_user(session, "what are these?", images=(CAT, MAP))
    assert record.images == (CAT, MAP)
    assert session.context() == (Message(Role.USER, (TextPart("what are these?"), CAT, MAP)),)
    await store.aclose()

    reopened, store = await _reopen(path)
    [user] = reopened.messages
    assert user.images == (CAT, MAP)
    assert reopened.context() == (Message(Role.USER, (TextPart("what are these?"), CAT, MAP)),)
    # edit-and-resend, as the playground does it: the edited message goes, its images come back
    book = SessionBook()
    await book.attach(store, default_model="demo")
    book.sessions.append(reopened)
    await book.truncate(reopened, user)
    await book.add_user(reopened, "and now?", images=user.images)
    await store.aclose()

    edited, store = await _reopen(path)
    assert edited.context() == (Message(Role.USER, (TextPart("and now?"), CAT, MAP)),)
    await store.aclose()


async def _reopen(path: Path) -> tuple[Session, AsyncStore]:
    store = await AsyncStore.open(path)
    book = SessionBook()
    await book.attach(store, default_model="demo")
    [stored] = await store.call(Store.list_sessions)
    session = book.listed(stored)
    await book.load(session)
    return session, store
