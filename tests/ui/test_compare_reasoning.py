"""Reasoning in compare columns, through the Pilot: a column whose model thinks (Claude's
recorded thinking stream, DeepSeek's recorded reasoning) shows it collapsed above its answer,
exactly as recorded; ``t`` opens it; a column whose model does not think shows no block; a
rerun starts without the old reasoning."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from textual.widgets import Collapsible

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.compare.lane import CompareTarget, Lane
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.ui import wait_until, workers_done

SIZE = (160, 45)
CLAUDE = "anthropic/stream_thinking_small.sse"
DEEPSEEK = "deepseek/json_reasoning.json"
PLAIN = "anthropic/stream_text.sse"


@pytest.fixture
async def servers() -> AsyncIterator[list[ReplayServer]]:
    started = [ReplayServer(fixture_reply(fixture_path(n))) for n in (CLAUDE, DEEPSEEK, PLAIN)]
    for s in started:
        await s.start()
    yield started
    for s in started:
        await s.stop()


async def test_each_column_shows_its_reasoning_collapsed_above_the_answer(
    servers: list[ReplayServer],
) -> None:
    claude, deepseek, plain = servers
    targets = [
        CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=claude.url),
        CompareTarget("deepseek-reasoner", provider="openai", base_url=deepseek.url + "/v1"),
        CompareTarget("claude-haiku-4-5", provider="anthropic", base_url=plain.url),
    ]
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press(*"Two names for a pet pelican", "enter")
        await wait_until(
            pilot,
            lambda: screen.run is not None and screen.run.finished,
            what="the end of the run",
            timeout_s=60,
            repaint=False,
        )
        await workers_done(app)
        await wait_until(
            pilot, lambda: all(c.settled for c in screen.columns), what="settled columns"
        )
        thinking, reasoning, silent = screen.columns
        for column, name in ((thinking, CLAUDE), (reasoning, DEEPSEEK)):
            want = expected(name)
            assert column.reasoning is not None, name
            assert column.reasoning.source == want["reasoning"]
            assert column.answer.source == want["text"]
            [block] = column.query(Collapsible)
            assert block.collapsed and block.title == "Reasoning"
            # above the answer, below the counters
            children = list(column.children)
            assert children.index(column.counters) < children.index(block)
            assert children.index(block) < children.index(column.answer)
        assert silent.reasoning is None and not silent.query(Collapsible)
        assert silent.answer.source == expected(PLAIN)["text"]

        thinking.focus()
        await pilot.press("t")
        assert not thinking.query_one(Collapsible).collapsed
        assert reasoning.query_one(Collapsible).collapsed  # only the focused column opened
        await pilot.press("t")
        assert thinking.query_one(Collapsible).collapsed


async def test_a_rerun_starts_without_the_old_reasoning(servers: list[ReplayServer]) -> None:
    claude, _, _ = servers
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        target = CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=claude.url)
        screen = CompareScreen(app.services, targets=[target, target])
        await app.push_screen(screen)
        await pilot.pause()
        column = screen.columns[0]
        assert isinstance(column, CompareColumn)
        column.append_reasoning("")  # a block's signature: nothing to show
        await column.render_lane(Lane(0, target))
        assert not column.query(Collapsible)
        column.append_reasoning("old thoughts")
        await column.render_lane(Lane(0, target))
        assert column.reasoning is not None and column.reasoning.source == "old thoughts"
        await column.restart()
        assert column.reasoning is None and not column.query(Collapsible)


async def test_t_is_offered_only_once_there_is_reasoning(servers: list[ReplayServer]) -> None:
    claude, _, _ = servers
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        target = CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=claude.url)
        screen = CompareScreen(app.services, targets=[target, target])
        await app.push_screen(screen)
        await pilot.pause()
        column = screen.columns[0]
        assert column.check_action("toggle_reasoning", ()) is False
        column.append_reasoning("thoughts")
        await column.render_lane(Lane(0, target))
        assert column.check_action("toggle_reasoning", ()) is True
        assert column.check_action("stop", ()) is True


async def test_a_lane_that_ends_while_its_reasoning_block_mounts_keeps_it_whole(
    servers: list[ReplayServer],
) -> None:
    """The end of a lane and a render of its first reasoning run together (as they can when
    the last events come in one read): the block is mounted once, holds the whole reasoning,
    and is finished after it was filled."""
    claude, _, _ = servers
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        target = CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=claude.url)
        screen = CompareScreen(app.services, targets=[target, target])
        await app.push_screen(screen)
        await pilot.pause()
        column = screen.columns[0]
        assert isinstance(column, CompareColumn)
        column.append_reasoning("first thoughts, ")
        column.append_reasoning("then more")
        lane = Lane(0, target)
        await asyncio.gather(column.render_lane(lane), column.ended(lane, 1.0))
        assert column.settled and len(column.query(Collapsible)) == 1
        assert column.reasoning is not None
        assert column.reasoning.source == "first thoughts, then more"
