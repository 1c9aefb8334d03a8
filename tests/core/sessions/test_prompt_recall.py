"""↑/↓ through earlier prompts: the steps, the order of the sources, and the history's read."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.core.history.recent_prompts import recent_prompts
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.prompt_recall import PromptRecall, newest_first
from openmaas_tui.core.types import Role


def test_older_then_newer_and_back_to_the_empty_prompt() -> None:
    recall = PromptRecall()
    recall.begin(["third", "second", "first"])
    assert not recall.active and recall.newer() is None
    assert [recall.older(), recall.older(), recall.older()] == ["third", "second", "first"]
    assert recall.older() is None and recall.shown == "first"  # the oldest: nothing moves
    assert [recall.newer(), recall.newer(), recall.newer()] == ["second", "third", ""]
    assert not recall.active and recall.shown is None


def test_the_chats_prompts_come_before_the_historys_each_once() -> None:
    assert newest_first(["b", "a"], ["c", "b", " ", "d"]) == ["b", "a", "c", "d"]


def test_recent_prompts_are_the_users_newest_first_each_once(tmp_path: Path) -> None:
    store = Store(tmp_path / "history.db")
    try:
        one = store.create_session(provider="demo", model="demo")
        two = store.create_session(provider="demo", model="demo")
        for session, role, text in (
            (one.id, "user", "hello"),
            (one.id, "assistant", "hi there"),
            (two.id, "user", "tell me more"),
            (one.id, "user", "hello"),
            (two.id, "user", "   "),
        ):
            store.add_message(session, Role(role), text)
        assert recent_prompts(store) == ["hello", "tell me more"]
        assert recent_prompts(store, limit=1) == ["hello"]
    finally:
        store.close()
