"""The compare screen through the Pilot: three targets on replay servers (one answering 429, one
slow) race; the others end with the recorded counts, the failing column shows RATE_LIMITED, the
summary lists them in finishing order; f3 opens it; continuing turns a column into a chat."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.compare.lane import CompareTarget, LaneStatus
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.screens.compare_screen import CompareScreen
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.summary_table import CompareSummary
from tests.support.recordings import expected, fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.synth import openai_stream_reply
from tests.support.ui import screen_text, use_fast_demo, wait_until, workers_done

SIZE = (160, 45)
TEXT = "anthropic/stream_text.sse"
GEMINI = "gemini/sse_text.sse"
RATE_LIMITED = "openai/error_429_rate_limit.json"


@pytest.fixture
async def three() -> AsyncIterator[list[ReplayServer]]:
    servers = [
        ReplayServer(fixture_reply(fixture_path(TEXT))),
        ReplayServer(fixture_reply(fixture_path(RATE_LIMITED))),
        ReplayServer(fixture_reply(fixture_path(GEMINI), chunk_delay_s=0.05)),
    ]
    for s in servers:
        await s.start()
    yield servers
    for s in servers:
        await s.stop()


def _targets(servers: list[ReplayServer]) -> list[CompareTarget]:
    fast, limited, slow = servers
    return [
        CompareTarget("claude-sonnet-4-5", provider="anthropic", base_url=fast.url),
        CompareTarget("gpt-4o-mini", provider="openai", base_url=limited.url),
        CompareTarget("gemini-2.5-flash", provider="gemini", base_url=slow.url),
    ]


async def _finished(pilot: Pilot[None], screen: CompareScreen) -> None:
    await wait_until(
        pilot,
        lambda: screen.run is not None and screen.run.finished,
        what=f"the end of the run (run: {screen.run})",
        timeout_s=60,  # a screen that never starts fails the test
        repaint=False,
    )
    await workers_done(pilot.app)
    summary = screen.query_one(CompareSummary)
    # The summary comes last, with the final counters.
    await wait_until(pilot, lambda: summary.has_class("-shown"), what="the summary", repaint=False)
    await pilot.pause()


async def _race(pilot: Pilot[None], servers: list[ReplayServer]) -> CompareScreen:
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    screen = CompareScreen(app.services, targets=_targets(servers))
    await app.push_screen(screen)
    await pilot.pause()
    await pilot.press(*"Two names for a pet pelican", "enter")
    await _finished(pilot, screen)
    return screen


async def test_three_targets_one_rate_limited_one_slow(three: list[ReplayServer]) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await _race(pilot, three)
        fast, limited, slow = screen.columns
        assert screen.run is not None
        lanes = screen.run.lanes
        assert [lane.status for lane in lanes] == [
            LaneStatus.DONE,
            LaneStatus.ERROR,
            LaneStatus.DONE,
        ]
        want_fast = expected(TEXT)["usage"]
        want_slow = expected(GEMINI)["usage"]
        slow_out = want_slow["output_tokens"] + (want_slow["reasoning_tokens"] or 0)
        assert f"out {want_fast['output_tokens']:,} " in fast.counters.content.plain  # type: ignore[union-attr]
        assert f"out {slow_out:,} " in slow.counters.content.plain  # type: ignore[union-attr]
        assert "≈" not in fast.counters.content.plain  # type: ignore[union-attr]
        assert limited.border_subtitle == "RATE_LIMITED"
        assert limited.has_class("-error") and fast.has_class("-done")
        error = limited.error()
        assert error is not None and error.code == "RATE_LIMITED"
        assert fast.answer.source == expected(TEXT)["text"]
        assert slow.answer.source == expected(GEMINI)["text"]
        summary = screen.query_one(CompareSummary)
        assert summary.has_class("-shown")
        assert summary.rows_shown == [0, 2, 1]  # by total time, the failed one last
        summary.sort_by("order")
        assert summary.rows_shown == [0, 1, 2]
        row = summary.get_row("1")
        assert str(row[2]) == "RATE_LIMITED"


async def test_stop_and_rerun_one_column_from_the_keyboard(server: ReplayServer) -> None:
    pieces = [f" w{i}" for i in range(300)]
    server.default = openai_stream_reply(pieces, chunk_delay_s=0.01)
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        targets = [CompareTarget("m", provider="openai", base_url=server.url)] * 2
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.press(*"hi", "enter")
        await pilot.pause()
        second = screen.columns[1]
        second.focus()
        await pilot.press("s")
        await _finished(pilot, screen)
        assert screen.run is not None and screen.run.lanes[1].status == LaneStatus.STOPPED
        assert second.border_subtitle == "stopped"
        assert screen.run.lanes[0].status == LaneStatus.DONE
        assert screen.columns[0].answer.source == "".join(pieces)
        await pilot.press("r")
        await pilot.pause()
        assert not screen.query_one(CompareSummary).has_class("-shown")
        await _finished(pilot, screen)
        assert str(screen.run.lanes[1].status) == "done"
        assert second.answer.source == "".join(pieces)
        await pilot.press("left")
        assert app.focused is screen.columns[0]


async def test_columns_show_the_answer_while_it_streams(server: ReplayServer) -> None:
    pieces = [f"word{i} " for i in range(60)]  # a few lines: no scrollbar yet
    server.default = openai_stream_reply(pieces, chunk_delay_s=0.03)
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        targets = [CompareTarget("m", provider="openai", base_url=server.url)] * 2
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.press(*"hi", "enter")

        def both_columns_show_word3() -> bool:
            text = screen_text(app)
            assert screen.run is None or not screen.run.finished, text
            return text.count("word3 ") >= 2

        await wait_until(pilot, both_columns_show_word3, what="word3 in both", repaint=False)
        await _finished(pilot, screen)
        assert screen_text(app).count("word59") == 2


async def test_f3_opens_the_screen_and_continue_makes_a_chat(three: list[ReplayServer]) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert [c.target.spec for c in screen.columns] == ["demo"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        race = await _race(pilot, three)
        race.columns[0].focus()
        [empty] = app.playground.sessions  # the chat of the start, nothing asked in it
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
        session = app.playground.current
        assert app.playground.sessions == [session] and session is not empty  # left: forgotten
        assert session.source is SessionSource.COMPARE
        assert session.model == "anthropic/claude-sonnet-4-5"
        assert [m.text for m in session.messages] == [
            "Two names for a pet pelican",
            expected(TEXT)["text"],
        ]
        assert session.totals.output_tokens == expected(TEXT)["usage"]["output_tokens"]


async def test_export_writes_markdown_and_json_to_the_data_dir(
    three: list[ReplayServer], isolated_home: Path
) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        await _race(pilot, three)
        await pilot.press("ctrl+e")
        await pilot.pause()
    files = sorted(p.suffix for p in (isolated_home / "data" / "compare").iterdir())
    assert files == [".json", ".md"]


async def test_fewer_than_two_targets_is_refused_with_a_hint() -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        await pilot.press(*"hi", "enter")
        await pilot.pause()
        assert screen.run is None
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert len(screen.columns) == 2
        assert [c.target.spec for c in screen.columns] == ["demo", "demo"]


@pytest.fixture
def fast_demo(isolated_home: Path) -> None:
    use_fast_demo(isolated_home)


async def _finished_demo_race(pilot: Pilot[None]) -> None:
    """Two demo targets answer "show me a table"; then every timing is set to round figures
    (TTFT 250 and 400 ms, 2.25 and 3.5 s in all, tokens arriving evenly) so the picture is
    the same on every run."""
    app = pilot.app
    assert isinstance(app, PlaygroundApp)
    targets = [CompareTarget("demo"), CompareTarget("demo", temperature=1.2)]
    screen = CompareScreen(app.services, targets=targets)
    await app.push_screen(screen)
    screen.query_one("#compare-prompt", PromptArea).cursor_blink = False
    await pilot.press(*"show me a table", "enter")
    await _finished(pilot, screen)
    assert screen.run is not None
    for lane, (ttft_s, total_s) in zip(screen.run.lanes, ((0.25, 2.25), (0.4, 3.5)), strict=True):
        meter = lane.meter
        meter.first_token_at = meter.started_at + ttft_s
        meter.finished_at = meter.started_at + total_s
        chars = lane.arrivals[-1][1]
        lane.arrivals = [(ttft_s + (total_s - ttft_s) * k / 40, chars * k // 40) for k in range(41)]
    screen.refresh_counters()
    screen.show_summary()
    screen.columns[0].focus()
    await pilot.pause()


def test_snapshot_after_a_finished_compare(snap_compare: Any, fast_demo: None) -> None:
    """The compare screen after two demo targets (the second at temperature 1.2) answered "show
    me a table": the bar (model picker, overrides, system prompt, context), two columns titled
    `1 demo` and `2 demo · t=1.2`, each with `done` in its border, counters `TTFT 250 ms` /
    `TTFT 400 ms`, `out 393`, tok/s and `$0`, the Markdown table rendered, and an even
    tokens-over-time sparkline at the bottom; under them the summary table in finishing order
    (1 then 2) with `fastest TTFT` and `highest tok/s` marked on the first row and no
    `cheapest` (both free); the footer shows the column's keys (s, r, c, del) and the screen's."""
    assert snap_compare(
        build_app(["--demo", "--no-keyring"]), terminal_size=SIZE, run_before=_finished_demo_race
    )


async def test_a_column_title_shows_a_model_name_as_written() -> None:
    """A model id from a config or a server (``[b]x[/b]``, an escape sequence) is a title's
    text, never markup or a control sequence."""
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        targets = [
            CompareTarget("m", provider="openai", label="[b]bold[/b] model"),
            CompareTarget("m", provider="openai", label="evil\x1b[2J"),
        ]
        screen = CompareScreen(app.services, targets=targets)
        await app.push_screen(screen)
        await pilot.pause()
        text = screen_text(app)
        assert "1 [b]bold[/b] model" in text
        assert "2 evil␛[2J" in text and "\x1b" not in text
