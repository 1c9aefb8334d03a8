"""Attaching images in the compare screen through the Pilot: f5's dialog (the playground's),
the chips by the compare prompt, the image sent with the prompt to every target, a target whose
model takes no images failing alone with the playground's INVALID_REQUEST while the other
answers, the images kept in the stored run (and its Markdown) and in a chat carried on from a
column; and a path pasted into the compare prompt attached, not typed."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.compare.export import json_markdown, run_json
from openmaas_tui.core.compare.lane import CompareTarget, LaneStatus
from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.core.history.compare_runs import get_run
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.attach_dialog import AttachDialog
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.attachments import AttachmentBar, AttachmentChip
from tests.support.images import png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import settle, wait_until
from tests.ui.test_compare_screen import _finished
from tests.ui.test_compare_store_screen import _saved

SIZE = (160, 45)
PICTURE = png(40, 30)


@pytest.fixture
async def seeing_and_blind() -> AsyncIterator[tuple[ReplayServer, ReplayServer]]:
    reply = fixture_reply(fixture_path("anthropic/stream_text.sse"))
    servers = ReplayServer(reply), ReplayServer(reply)
    for s in servers:
        await s.start()
    yield servers
    for s in servers:
        await s.stop()


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "cat.png"
    path.write_bytes(PICTURE)
    return path


def _chips(screen: CompareScreen) -> list[str]:
    return [str(chip.render()) for chip in screen.query(AttachmentChip)]


async def test_an_image_goes_to_every_target_and_a_blind_one_fails_alone(
    seeing_and_blind: tuple[ReplayServer, ReplayServer], picture: Path
) -> None:
    seeing, blind = seeing_and_blind
    targets = [
        CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=seeing.url),
        CompareTarget("claude-3-5-haiku-latest", provider="anthropic", base_url=blind.url),
    ]
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachDialog), what="the dialog")
        app.screen.query_one("#attach-path", Input).value = str(picture)
        await pilot.press("enter")
        await wait_until(pilot, lambda: _chips(screen), what="a chip")
        chip = f"🖼 cat.png · 40x30 · {len(PICTURE)} bytes ✕"
        assert _chips(screen) == [chip]
        assert screen.query_one(AttachmentBar).display
        await pilot.press(*"what is this?", "enter")
        await _finished(pilot, screen)
        run = screen.run
        assert run is not None
        good, refused = run.lanes
        assert (good.status, refused.status) == (LaneStatus.DONE, LaneStatus.ERROR)
        assert refused.error is not None and refused.error.code is ErrorCode.INVALID_REQUEST
        assert "does not take images; nothing was sent" in refused.error.message
        shown = screen.columns[1].error()
        assert shown is not None and shown.code is ErrorCode.INVALID_REQUEST
        assert screen.columns[0].error() is None and screen.columns[0].answer
        sent = seeing.last.json()["messages"][0]["content"]
        assert sent[0] == {"type": "text", "text": "what is this?"}
        assert sent[1]["source"]["data"] == base64.b64encode(PICTURE).decode()
        assert blind.requests == []
        assert _chips(screen) == [chip]  # the images stay with the prompt, as its text does
        # kept in the stored run, and shown when it is read again
        history = await app.services.history()
        [record] = await _saved(history, 1)
        saved = await history.call(get_run, record.id)
        assert saved is not None and saved == run_json(run) | {"created_at": saved["created_at"]}
        [attachment] = saved["attachments"]
        assert attachment["name"] == "cat.png" and attachment["size_bytes"] == len(PICTURE)
        assert (attachment["width"], attachment["height"]) == (40, 30)
        assert "data_base64" not in attachment
        assert f"*attached: cat.png (image/png, {len(PICTURE)} bytes)*" in json_markdown(saved)
        # carried on as a chat: the prompt keeps its image
        screen.columns[0].focus()
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is app.playground
        [user] = [m for m in app.playground.current.messages if m.is_user]
        assert [i.name for i in user.images] == ["cat.png"]


async def test_a_path_pasted_into_the_compare_prompt_is_attached(picture: Path) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        screen = CompareScreen(app.services, targets=[CompareTarget("demo")] * 2)
        await app.push_screen(screen)
        await pilot.pause()
        app.post_message(events.Paste(f"'{picture}'"))
        await wait_until(pilot, lambda: _chips(screen), what="a chip from the paste")
        prompt = screen.query_one("#compare-prompt")
        assert prompt.has_focus and getattr(prompt, "text", None) == ""
        screen.query_one(AttachmentChip).focus()
        await pilot.press("delete")
        await wait_until(pilot, lambda: not _chips(screen), what="the chip taken off")
        assert not screen.query_one(AttachmentBar).display
