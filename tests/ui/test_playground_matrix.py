"""The playground with every provider, through the Pilot, against replayed recordings and keys
from an in-memory keyring (the matrix is in :mod:`tests.support.provider_matrix`): one app per
case, started as ``openmaas --provider P -m MODEL --base-url URL`` (Responses chosen in
``config.toml``, as a person sets it for the playground).

- Each provider that takes tools: the tools set in their dialog; a message sent shows the
  recorded calls as blocks; a result typed into each and sent reaches the provider in its own
  form, and the recorded final text shows.
- Each provider with a model that sees images: an image attached with f5's dialog reaches the
  provider in its own form, and the recorded answer shows.
- Each provider with a recording that holds reasoning: the reasoning shows collapsed above the
  answer (none where only reasoning tokens were recorded), and the answer's record counts the
  reasoning tokens.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Collapsible, Input, TextArea

from openmaas_tui.cli.main import build_app
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.attach_dialog import AttachDialog
from openmaas_tui.ui.screens.tools_dialog import ToolsDialog
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.attachments import AttachmentChip
from openmaas_tui.ui.widgets.param_inputs import Toggle
from openmaas_tui.ui.widgets.tool_calls import ToolCallBlock
from openmaas_tui.ui.widgets.tools_entry import ToolsEntry
from tests.support.memory_keyring import MemoryKeyring
from tests.support.provider_matrix import (
    IMAGES,
    REASONING,
    TOOLS,
    Row,
    image_file,
    reasoning_of,
    signed,
    store_keys,
)
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.request_forms import (
    calls_in,
    image_sent,
    images_in,
    signatures_in,
    tool_names_in,
    tool_results_in,
)
from tests.support.ui import ask, settle, wait_until

SIZE = (160, 50)


@pytest.fixture(autouse=True)
def keys(memory_keyring: MemoryKeyring) -> None:
    """Every provider's credentials in the in-memory keyring."""
    store_keys(memory_keyring)


def _app(row: Row, server: ReplayServer, home: Path) -> PlaygroundApp:
    """The playground on ``row``'s provider and model at ``server``."""
    if row.api:
        home.mkdir(parents=True, exist_ok=True)
        (home / "config.toml").write_text(
            f'[providers.{row.provider}]\napi = "{row.api}"\n', encoding="utf-8"
        )
    app = build_app(["--provider", row.provider, "-m", row.model, "--base-url", server.url])
    assert isinstance(app, PlaygroundApp)
    return app


def _bodies(server: ReplayServer) -> list[dict[str, object]]:
    """The bodies of every request the server received (each one asked for an answer)."""
    return [r.json() for r in server.requests]


@pytest.mark.parametrize("row", TOOLS, ids=[r.id for r in TOOLS])
async def test_a_tool_call_is_shown_answered_and_continued(
    row: Row, server: ReplayServer, isolated_home: Path
) -> None:
    assert row.first is not None and row.second is not None
    app = _app(row, server, isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(ToolsEntry).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ToolsDialog), what="the dialog")
        app.screen.query_one("#tools-json", TextArea).text = json.dumps(row.tools())
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ToolsDialog), what="saved")
        app.query_one("#stream", Toggle).value = not row.whole_first
        server.default = fixture_reply(fixture_path(row.first))
        app.playground.query_one("#prompt").focus()
        await ask(pilot, "Look it up")
        [sent] = _bodies(server)
        names = [t["function"]["name"] for t in row.tools()]
        assert tool_names_in(row.form, sent) == names
        blocks = list(app.query(ToolCallBlock))
        assert [b.call.name for b in blocks] == [
            c["name"] for c in expected(row.first)["tool_calls"]
        ]

        app.query_one("#stream", Toggle).value = not row.whole_second
        server.default = fixture_reply(fixture_path(row.second))
        for index, block in enumerate(blocks):
            assert block.result is not None
            block.result.focus()
            await pilot.press(*f"result {index}", "enter")
        await wait_until(
            pilot, lambda: len(_bodies(server)) == 2, what="the request with the results"
        )
        await settle(pilot)
        body = _bodies(server)[1]
        by_name = row.form in ("gemini", "ollama")  # these answer a call by its function's name
        want = [
            (b.call.name if by_name else b.call.id, f"result {i}") for i, b in enumerate(blocks)
        ]
        keys = [(b.call.name if by_name else b.call.id, b.call.name) for b in blocks]
        assert calls_in(row.form, body) == keys  # the calls go back before their results
        if row.form == "gemini":  # each with the signature it came with
            signatures = signatures_in(body)
            recorded = fixture_path(row.first).read_text()
            assert len(signatures) == len(blocks)
            assert all(s and s in recorded for s in signatures)
        got = tool_results_in(row.form, body)
        if row.form == "gemini":  # a text result goes as {"output": TEXT}
            got = [(name, json.loads(text)["output"]) for name, text in got]
        assert got == want
        assert tool_names_in(row.form, body) == names
        assert signed(row.provider, server.last.headers)
        final = list(app.query(AnswerView))[-1]
        assert final.answer.source == expected(row.second)["text"]
        assert not app.query(Input).filter(".tool-result-input")
    await app.services.aclose()


@pytest.mark.parametrize("row", IMAGES, ids=[r.id for r in IMAGES])
async def test_an_attached_image_reaches_the_provider_in_its_form(
    row: Row, server: ReplayServer, isolated_home: Path, tmp_path: Path
) -> None:
    assert row.first is not None
    picture, data = image_file(tmp_path)
    app = _app(row, server, isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachDialog), what="the dialog")
        app.screen.query_one("#attach-path", Input).value = str(picture)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.query(AttachmentChip), what="a chip")
        server.default = fixture_reply(fixture_path(row.first))
        view = await ask(pilot, "What is this?")
        [sent] = _bodies(server)
        assert images_in(row.form, sent) == [image_sent(row.form, data)]
        assert signed(row.provider, server.last.headers)
        assert view.answer.source == expected(row.first)["text"]
    await app.services.aclose()


@pytest.mark.parametrize("row", REASONING, ids=[r.id for r in REASONING])
async def test_the_reasoning_shows_collapsed_above_the_answer(
    row: Row, server: ReplayServer, isolated_home: Path
) -> None:
    assert row.first is not None
    want = expected(row.first)
    app = _app(row, server, isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one("#stream", Toggle).value = not row.whole_first
        server.default = fixture_reply(fixture_path(row.first))
        view = await ask(pilot, "Think first")
        record = view.exchange.record
        assert record is not None and record.error_code is None, record
        assert record.text == want["text"]
        assert record.usage is not None
        assert record.usage.reasoning_tokens == want["usage"]["reasoning_tokens"]
        if reasoning_of(row):
            assert view.reasoning is not None
            assert view.reasoning.source == reasoning_of(row)
            assert view.query_one(Collapsible).collapsed
        else:
            assert view.reasoning is None
    await app.services.aclose()
