"""Attaching images in the playground through the Pilot: f5's dialog (a typed path, with
its completion), a path pasted into the prompt, the chips with name and size, the image sent
to the model with the prompt, and a file that is not an image refused in the dialog."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Static

from openmaas_tui.ui.screens.attach_dialog import AttachDialog, PathSuggester
from openmaas_tui.ui.screens.playground import PlaygroundScreen
from openmaas_tui.ui.widgets.attachments import AttachmentBar, AttachmentChip
from openmaas_tui.ui.widgets.message_view import UserMessage
from tests.support.images import png
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import ask, replay_playground, settle, settled_estimate, wait_until

SIZE = (140, 40)


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    served = ReplayServer(fixture_reply(fixture_path("anthropic/stream_text.sse")))
    served.start_in_thread()
    yield served
    served.stop_thread()


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "cat.png"
    path.write_bytes(png(40, 30))
    return path


def _tokens(estimate: str) -> int:
    """The input tokens of an estimate line (``≈12 in · …``)."""
    return int(estimate.split(" in")[0].lstrip("≈").replace(",", ""))


def _chips(screen: PlaygroundScreen) -> list[str]:
    return [str(chip.render()) for chip in screen.query(AttachmentChip)]


async def test_a_picked_image_shows_as_a_chip_and_goes_with_the_prompt(
    server: ReplayServer, picture: Path
) -> None:
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = _tokens(await settled_estimate(pilot))
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachDialog), what="the dialog")
        field = app.screen.query_one("#attach-path", Input)
        field.value = str(picture)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen)
        await wait_until(pilot, lambda: _chips(screen), what="a chip")
        assert _chips(screen) == [f"🖼 cat.png · 40x30 · {len(png(40, 30))} bytes ✕"]
        assert screen.query_one(AttachmentBar).display
        # the image counts in the estimate: 40 x 30 px is 1,200 / 750 = 2 tokens for Claude
        assert _tokens(await settled_estimate(pilot)) == before + 2
        await ask(pilot, "what is this?")
        content = server.last.json()["messages"][0]["content"]
        assert content[0] == {"type": "text", "text": "what is this?"}
        assert content[1]["source"]["data"] == base64.b64encode(png(40, 30)).decode()
        assert _chips(screen) == []  # sent: the bar is empty again
        [user] = [m for m in screen.current.messages if m.is_user]
        assert [i.name for i in user.images] == ["cat.png"]
        [shown] = screen.query(UserMessage)
        assert str(shown.render()).splitlines() == [
            "what is this?",
            f"🖼 cat.png · 40x30 · {len(png(40, 30))} bytes",
        ]


async def test_a_pasted_path_is_attached_not_typed(server: ReplayServer, picture: Path) -> None:
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlaygroundScreen) and screen.prompt.has_focus
        app.post_message(events.Paste(f"'{picture}'"))  # as a terminal hands a dropped file
        await wait_until(pilot, lambda: _chips(screen), what="a chip from the paste")
        assert screen.prompt.text == ""
        app.post_message(events.Paste("just words"))
        await wait_until(pilot, lambda: screen.prompt.text == "just words", what="typed text")
        assert len(_chips(screen)) == 1


async def test_a_file_that_is_not_an_image_is_refused_in_the_dialog(
    server: ReplayServer, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture")
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachDialog), what="the dialog")
        app.screen.query_one("#attach-path", Input).value = str(notes)
        await pilot.press("enter")
        problem = app.screen.query_one("#attach-problem", Static)
        await wait_until(pilot, lambda: "UNSUPPORTED_FILE_FORMAT" in str(problem.render()))
        assert "png, jpeg, webp, gif" in str(problem.render())
        await pilot.press("escape")
        assert isinstance(app.screen, PlaygroundScreen) and _chips(app.screen) == []


async def test_the_path_field_completes_from_the_disk(tmp_path: Path) -> None:
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "cat.png").write_bytes(png())
    suggester = PathSuggester()
    assert await suggester.get_suggestion(f"{tmp_path}/pic") == f"{tmp_path}/pictures/"
    assert (
        await suggester.get_suggestion(f"{tmp_path}/pictures/c") == f"{tmp_path}/pictures/cat.png"
    )
    assert await suggester.get_suggestion(f"{tmp_path}/nothing/x") is None
